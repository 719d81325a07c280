// Helpers shared by the loader_*_test.cc files: fixed host facts, configs
// built around one collect_list entry, and the lines of a refused config's
// error message.
#ifndef EDGELOG_TESTS_AGENT_CONFIG_LOADER_TEST_FIXTURE_H_
#define EDGELOG_TESTS_AGENT_CONFIG_LOADER_TEST_FIXTURE_H_

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "agent/config/loader.h"

namespace edgelog::loader_test {

inline constexpr char kSource[] = "cfg.json";
inline constexpr char kList[] = "logs.logs_collected.files.collect_list";

inline HostFacts Facts() {
  HostFacts f;
  f.instance_id = "i-0123456789abcdef0";
  f.hostname = "ip-10-0-0-1.ec2.internal";
  f.local_hostname = "edge-1";
  f.ip_address = "10.0.0.1";
  f.on_ec2 = true;
  return f;
}

inline StatusOr<Config> Parse(const std::string& json, const HostFacts& facts = Facts()) {
  return ParseConfig(json, kSource, facts);
}

// A config whose collect_list holds `entries` (JSON objects, comma-joined).
inline std::string WithEntries(const std::string& entries) {
  return R"({"logs": {"logs_collected": {"files": {"collect_list": [)" + entries +
         "]}}}}";
}

// A config with one entry for /var/log/app.log plus `extra` (",..." members).
inline std::string OneEntry(const std::string& extra = "") {
  return WithEntries(R"({"file_path": "/var/log/app.log")" + extra + "}");
}

// The lines of the error message of `result`, which must have failed.
inline std::vector<std::string> ErrorLines(const StatusOr<Config>& result) {
  std::vector<std::string> lines;
  if (result.ok()) {
    ADD_FAILURE() << "the config was accepted";
    return lines;
  }
  EXPECT_EQ(Code::kInvalidArgument, result.status().code());
  const std::string& m = result.status().message();
  size_t start = 0;
  while (start <= m.size()) {
    size_t nl = m.find('\n', start);
    if (nl == std::string::npos) nl = m.size();
    lines.push_back(m.substr(start, nl - start));
    start = nl + 1;
  }
  return lines;
}

// The only error line of `result`.
inline std::string OnlyError(const StatusOr<Config>& result) {
  std::vector<std::string> lines = ErrorLines(result);
  EXPECT_EQ(1u, lines.size()) << (lines.empty() ? "" : result.status().message());
  return lines.empty() ? "" : lines[0];
}

inline bool StartsWith(const std::string& s, const std::string& prefix) {
  return s.compare(0, prefix.size(), prefix) == 0;
}

#define EXPECT_STARTS_WITH(prefix, s) \
  EXPECT_PRED2(StartsWith, s, prefix)

#define EXPECT_CONTAINS(needle, s) \
  EXPECT_NE(std::string::npos, std::string(s).find(needle)) << "in: " << (s)

}  // namespace edgelog::loader_test

#endif  // EDGELOG_TESTS_AGENT_CONFIG_LOADER_TEST_FIXTURE_H_
