// The configuration loader (agent/config/loader.h): the CloudWatch agent's
// JSON plus edgelog's section, read from a file.
//
// Input: the file. Checked: reading it through an Env gives what parsing
// the text gives; a rejected file gets one "FILE: ..." line per problem; an
// accepted one holds only values the option table allows (absolute paths,
// valid group and stream names, retention periods CloudWatch knows, limits
// within their ranges), and reading it again gives the same.
#include <algorithm>
#include <cstdint>
#include <string>
#include <string_view>

#include "agent/base/cloudwatch_limits.h"
#include "agent/config/loader.h"
#include "tests/fuzz/fuzz_check.h"
#include "tests/support/mem_env.h"

namespace edgelog {
namespace {

constexpr char kPath[] = "/etc/edgelog/config.json";

const HostFacts& Facts() {
  static const HostFacts facts = [] {
    HostFacts f;
    f.instance_id = "i-0123456789abcdef0";
    f.hostname = "ip-10-0-0-7.ec2.internal";
    f.local_hostname = "web-7";
    f.ip_address = "10.0.0.7";
    f.aws_region = "eu-west-1";
    f.account_id = "123456789012";
    f.date = "2026-12-07";
    f.on_ec2 = true;
    return f;
  }();
  return facts;
}

bool InRange(int64_t v, int64_t lo, int64_t hi) { return v >= lo && v <= hi; }

bool IsRetention(int64_t days) {
  constexpr int64_t kAllowed[] = {-1,  1,   3,   5,   7,    14,   30,   60,
                                  90,  120, 150, 180, 365,  400,  545,  731,
                                  1096, 1827, 2192, 2557, 2922, 3288, 3653};
  return std::find(std::begin(kAllowed), std::end(kAllowed), days) != std::end(kAllowed);
}

bool IsGroupName(const std::string& s) {
  if (s.empty() || s.size() > kMaxLogGroupNameLength) return false;
  return s.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                             "0123456789._-/#") == std::string::npos;
}

bool IsStreamName(const std::string& s) {
  return !s.empty() && s.size() <= kMaxLogStreamNameLength &&
         s.find_first_of(":*") == std::string::npos;
}

bool SameEntries(const Config& a, const Config& b) {
  if (a.files.size() != b.files.size() || a.journals.size() != b.journals.size()) return false;
  for (size_t i = 0; i < a.files.size(); ++i) {
    const FileEntry& x = a.files[i];
    const FileEntry& y = b.files[i];
    if (x.file_path != y.file_path || x.log_group_name != y.log_group_name ||
        x.log_stream_name != y.log_stream_name || x.retention_in_days != y.retention_in_days ||
        x.timestamp_format != y.timestamp_format || x.encoding != y.encoding ||
        x.filters.size() != y.filters.size()) {
      return false;
    }
  }
  return true;
}

void CheckAccepted(const Config& c) {
  if (c.files.empty() && c.journals.empty()) {
    bool said = false;  // nothing to collect is valid, and said
    for (const std::string& w : c.warnings) said = said || w.find("nothing for edgelog") != w.npos;
    FUZZ_CHECK(said);
  }
  FUZZ_CHECK(c.state_dir.size() > 0 && c.state_dir[0] == '/');
  FUZZ_CHECK(c.ca_bundle.empty() || c.ca_bundle[0] == '/');
  FUZZ_CHECK(InRange(c.force_flush_interval_s, 1, 172800));
  FUZZ_CHECK(InRange(c.connect_timeout_s, 1, 3600));
  FUZZ_CHECK(InRange(c.request_timeout_s, 1, 3600));
  FUZZ_CHECK(InRange(c.max_in_flight, 1, 64));
  FUZZ_CHECK(InRange(c.max_in_flight_per_stream, 1, 64));
  FUZZ_CHECK(InRange(c.max_open_files, 8, 1000000));
  FUZZ_CHECK(InRange(c.buffer_memory_bytes, 1 << 20, 1LL << 32));
  FUZZ_CHECK(InRange(c.buffer_max_bytes, 1 << 20, 1LL << 40));
  FUZZ_CHECK(InRange(c.rejected_max_bytes, 64 << 10, 1LL << 40));
  FUZZ_CHECK(c.buffer_when_full == "block" || c.buffer_when_full == "drop_oldest");
  FUZZ_CHECK(c.region.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789-") ==
             std::string::npos);
  for (const FileEntry& e : c.files) {
    FUZZ_CHECK(!e.file_path.empty() && e.file_path[0] == '/');
    FUZZ_CHECK(IsGroupName(e.log_group_name));
    FUZZ_CHECK(IsStreamName(e.log_stream_name));
    FUZZ_CHECK(IsRetention(e.retention_in_days));
    FUZZ_CHECK(e.log_group_class.empty() || e.log_group_class == "STANDARD" ||
               e.log_group_class == "INFREQUENT_ACCESS");
    for (const FileFilter& f : e.filters) {
      FUZZ_CHECK(f.type == "include" || f.type == "exclude");
      FUZZ_CHECK(!f.expression.empty());
    }
  }
  for (const JournalEntry& j : c.journals) {
    FUZZ_CHECK(IsGroupName(j.log_group_name));
    FUZZ_CHECK(IsStreamName(j.log_stream_name));
    FUZZ_CHECK(IsRetention(j.retention_in_days));
    FUZZ_CHECK(j.priority.empty() || (j.priority.size() == 1 && j.priority[0] >= '0' &&
                                      j.priority[0] <= '7'));
    for (const std::string& unit : j.units) FUZZ_CHECK(!unit.empty() && unit.size() <= 256);
    for (const auto& match : j.matches) {
      FUZZ_CHECK(!match.empty());
      for (const auto& [field, value] : match) {
        FUZZ_CHECK(!field.empty() && field.find_first_not_of(
                                         "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_") == field.npos);
      }
    }
  }
}

}  // namespace
}  // namespace edgelog

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace edgelog;
  std::string text(reinterpret_cast<const char*>(data), size);
  StatusOr<Config> parsed = ParseConfig(text, kPath, Facts());

  testing::MemEnv env;
  env.WriteFile(kPath, text);
  StatusOr<Config> loaded = LoadConfig(env, kPath, Facts());
  FUZZ_CHECK(loaded.ok() == parsed.ok());

  if (!parsed.ok()) {
    FUZZ_CHECK(loaded.status().message() == parsed.status().message());
    std::string_view message = parsed.status().message();
    FUZZ_CHECK(!message.empty());
    const std::string prefix = std::string(kPath) + ": ";
    for (size_t at = 0; at < message.size();) {
      size_t nl = message.find('\n', at);
      FUZZ_CHECK(message.compare(at, prefix.size(), prefix) == 0);
      at = nl == std::string_view::npos ? message.size() : nl + 1;
    }
    return 0;
  }
  CheckAccepted(*parsed);
  for (const std::string& warning : parsed->warnings) {
    FUZZ_CHECK(warning.rfind(std::string(kPath) + ": ", 0) == 0);
    FUZZ_CHECK(warning.find('\n') == std::string::npos);
  }
  FUZZ_CHECK(SameEntries(*parsed, *loaded));
  FUZZ_CHECK(parsed->region == loaded->region && parsed->state_dir == loaded->state_dir &&
             parsed->warnings == loaded->warnings);
  return 0;
}
