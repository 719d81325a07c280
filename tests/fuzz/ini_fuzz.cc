// The AWS shared config and credentials files (agent/aws/creds/ini.h,
// profile.h), in botocore's INI dialect.
//
// Input: the file. Checked: an accepted file has section names trimmed and
// not empty, keys lower-cased, trimmed and not empty, values trimmed; a
// refused one names the file and the line number; the same file read as ~/.aws/config
// gives a region only from what the parser found.
#include <cstdint>
#include <string>

#include "agent/aws/creds/ini.h"
#include "agent/aws/creds/profile.h"
#include "tests/fuzz/fuzz_check.h"
#include "tests/support/mem_env.h"

namespace edgelog {
namespace {

constexpr char kPath[] = "/home/u/.aws/config";

bool IsBlank(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v'; }

bool Trimmed(const std::string& s) {
  return s.empty() || (!IsBlank(s.front()) && !IsBlank(s.back()) && s.front() != '\n' &&
                       s.back() != '\n');
}

// "[default]", or "[profile default]" with any blanks between the words, as
// botocore splits the name like a shell would ("[profile\r default]" too).
bool NamesTheDefaultProfile(const std::string& section) {
  if (section == "default") return true;
  constexpr char kPrefix[] = "profile";
  constexpr size_t kLength = sizeof(kPrefix) - 1;
  if (section.compare(0, kLength, kPrefix) != 0) return false;
  size_t i = kLength;
  while (i < section.size() && IsBlank(section[i])) ++i;
  return i > kLength && section.compare(i, std::string::npos, "default") == 0;
}

}  // namespace
}  // namespace edgelog

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace edgelog;
  const std::string text(reinterpret_cast<const char*>(data), size);
  StatusOr<IniFile> ini = ParseIni(text, kPath);
  if (!ini.ok()) {
    // "PATH:LINE: reason", never the line itself (it may hold a secret).
    const std::string& message = ini.status().message();
    const std::string prefix = std::string(kPath) + ":";
    FUZZ_CHECK(message.compare(0, prefix.size(), prefix) == 0);
    FUZZ_CHECK(message.size() > prefix.size() && message[prefix.size()] >= '1' &&
               message[prefix.size()] <= '9');
  } else {
    for (const auto& [section, keys] : *ini) {
      FUZZ_CHECK(!section.empty() && Trimmed(section));
      for (const auto& [key, value] : keys) {
        FUZZ_CHECK(!key.empty() && Trimmed(key));
        for (char c : key) FUZZ_CHECK(!(c >= 'A' && c <= 'Z'));
        FUZZ_CHECK(Trimmed(value));
      }
    }
  }

  testing::MemEnv env;
  env.SetVar("HOME", "/home/u");
  env.WriteFile(kPath, text);
  std::string region = ProfileRegion(env);
  if (!region.empty()) {
    FUZZ_CHECK(ini.ok());
    bool found = false;
    for (const auto& [name, keys] : *ini) {
      if (!NamesTheDefaultProfile(name)) continue;
      auto value = keys.find("region");
      found = found || (value != keys.end() && value->second == region);
    }
    FUZZ_CHECK(found);
  }
  return 0;
}
