#include "agent/aws/credentials.h"

#include <gtest/gtest.h>

#include <string>


namespace edgelog {
namespace {

TEST(MaskAccessKeyIdTest, KeepsOnlyTheFirstAndLastFourCharacters) {
  std::string masked = MaskAccessKeyId("AKIAIOSFODNN7EXAMPLE");
  EXPECT_EQ(20u, masked.size());
  EXPECT_EQ("AKIA", masked.substr(0, 4));
  EXPECT_EQ("MPLE", masked.substr(16));
  EXPECT_EQ(std::string::npos, masked.find("IOSFODNN7EXA"));
}

TEST(MaskAccessKeyIdTest, ShortIdsAreMaskedCompletely) {
  EXPECT_EQ("********", MaskAccessKeyId("AKIDTEST"));
  EXPECT_EQ("", MaskAccessKeyId(""));
}

}  // namespace
}  // namespace edgelog
