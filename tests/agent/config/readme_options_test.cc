// The README's option reference is the option table, verbatim.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>

#include "agent/config/options.h"

namespace edgelog {
namespace {

TEST(ReadmeOptionsTest, ReadmeReferenceMatchesTheOptionTable) {
  std::ifstream in(std::string(EDGELOG_SOURCE_DIR) + "/README.md");
  ASSERT_TRUE(in) << "README.md not found under " << EDGELOG_SOURCE_DIR;
  std::stringstream buffer;
  buffer << in.rdbuf();
  std::string readme = buffer.str();
  const std::string begin = "<!-- options:begin -->\n";
  const std::string end = "<!-- options:end -->";
  size_t a = readme.find(begin);
  size_t b = readme.find(end);
  ASSERT_NE(a, std::string::npos);
  ASSERT_NE(b, std::string::npos);
  std::string section = readme.substr(a + begin.size(), b - a - begin.size());
  EXPECT_EQ(section, OptionsMarkdown())
      << "update README.md with: build/edgelog help config";
}

}  // namespace
}  // namespace edgelog
