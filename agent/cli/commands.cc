#include "agent/cli/commands.h"

#include <curl/curl.h>
#include <mbedtls/version.h>
#include <zlib.h>

#include "agent/cli/aws_setup.h"
#include "agent/cli/setup.h"
#include "agent/aws/endpoint.h"
#include "agent/base/version.h"
#include "agent/config/loader.h"
#include "agent/run/agent_loop.h"
#include "agent/run/tail_setup.h"
#include "agent/text/json_escape.h"
#include "agent/text/utf8.h"

namespace edgelog {
namespace {

// A JSON string; bytes that are not UTF-8 (a file name may hold them)
// become U+FFFD, so that the report parses.
std::string Quote(const std::string& s) {
  std::string valid;
  AppendSanitizedUtf8(s, &valid);
  std::string out;
  AppendJsonString(valid, &out);
  return out;
}

}  // namespace

namespace {

// One line of check-config's JSON: "  "key": value".
void Field(std::string* out, const char* key, const std::string& json_value, bool last = false) {
  *out += std::string("\"") + key + "\": " + json_value + (last ? "" : ", ");
}

std::string Bool(bool b) { return b ? "true" : "false"; }

std::string FiltersJson(const std::vector<FileFilter>& filters) {
  std::string out = "[";
  for (size_t i = 0; i < filters.size(); ++i) {
    out += (i == 0 ? "" : ", ") + std::string("{\"type\": ") + Quote(filters[i].type) +
           ", \"expression\": " + Quote(filters[i].expression) + "}";
  }
  return out + "]";
}

std::string FileJson(const FileEntry& e) {
  std::string out = "    {";
  Field(&out, "file_path", Quote(e.file_path));
  Field(&out, "log_group_name", Quote(e.log_group_name));
  Field(&out, "log_stream_name", Quote(e.log_stream_name));
  Field(&out, "retention_in_days", std::to_string(e.retention_in_days));
  Field(&out, "log_group_class",
        Quote(e.log_group_class.empty() ? "STANDARD" : e.log_group_class));
  Field(&out, "publish_multi_logs", Bool(e.publish_multi_logs));
  Field(&out, "timestamp_format",
        e.timestamp_format.empty() ? "null" : Quote(e.timestamp_format));
  Field(&out, "timezone", Quote(e.timezone.empty() ? "Local" : e.timezone));
  Field(&out, "trim_timestamp", Bool(e.trim_timestamp));
  Field(&out, "multi_line_start_pattern",
        Quote(e.multi_line_start_pattern.empty() ? "^[\\S]" : e.multi_line_start_pattern));
  Field(&out, "encoding", Quote(e.encoding.empty() ? "utf-8" : e.encoding));
  Field(&out, "filters", FiltersJson(e.filters));
  Field(&out, "blacklist", e.blacklist.empty() ? "null" : Quote(e.blacklist));
  Field(&out, "auto_removal", Bool(e.auto_removal), /*last=*/true);
  return out + "}";
}

std::string JournalJson(const JournalEntry& j) {
  std::string out = "    {";
  Field(&out, "log_group_name", Quote(j.log_group_name));
  Field(&out, "log_stream_name", Quote(j.log_stream_name));
  Field(&out, "retention_in_days", std::to_string(j.retention_in_days));
  Field(&out, "log_group_class",
        Quote(j.log_group_class.empty() ? "STANDARD" : j.log_group_class));
  std::string units = "[";
  for (size_t i = 0; i < j.units.size(); ++i) units += (i == 0 ? "" : ", ") + Quote(j.units[i]);
  Field(&out, "units", units + "]");
  Field(&out, "priority", j.priority.empty() ? "null" : j.priority);
  std::string matches = "[";
  for (size_t i = 0; i < j.matches.size(); ++i) {
    matches += i == 0 ? "{" : ", {";
    for (size_t k = 0; k < j.matches[i].size(); ++k) {
      matches += (k == 0 ? "" : ", ") + Quote(j.matches[i][k].first) + ": " +
                 Quote(j.matches[i][k].second);
    }
    matches += "}";
  }
  Field(&out, "matches", matches + "]");
  Field(&out, "filters", FiltersJson(j.filters), /*last=*/true);
  return out + "}";
}

template <typename T, typename F>
std::string ListJson(const std::vector<T>& items, F to_json) {
  std::string out = "[";
  for (size_t i = 0; i < items.size(); ++i) out += (i == 0 ? "\n" : ",\n") + to_json(items[i]);
  return out + (items.empty() ? "]" : "\n  ]");
}

}  // namespace

int CheckConfigCommand(const CommandLine& cl, Host& host) {
  auto log = NewStderrLogger(false);
  AwsServices aws(host.env, host.clock, UserAgent());
  Setup setup;
  if (int rc = Prepare(cl, host, *log, aws, &setup, PrepareFor::kValidate); rc != kExitOk) {
    return rc;
  }
  const Config& c = setup.config;
  std::string role_source = !c.logs_role_arn.empty()    ? "logs.credentials.role_arn"
                            : !c.agent_role_arn.empty() ? "agent.credentials.role_arn"
                                                        : "";
  std::string out = "{\n";
  out += "  \"region\": " + Quote(setup.region.name) + ",\n";
  out += "  \"region_source\": " + Quote(setup.region.source) + ",\n";
  out += "  \"endpoint\": " + Quote(setup.endpoint.url) + ",\n";
  out += "  \"endpoint_source\": " + Quote(setup.endpoint.source) + ",\n";
  out += "  \"role_arn\": " + (c.role_arn().empty() ? "null" : Quote(c.role_arn())) + ",\n";
  out += "  \"role_arn_source\": " + Quote(role_source) + ",\n";
  out += "  \"ca_bundle\": " + Quote(setup.ca_bundle.path) + ",\n";
  out += "  \"ca_bundle_source\": " + Quote(setup.ca_bundle.source) + ",\n";
  out += "  \"state_dir\": " + Quote(c.state_dir) + ",\n";
  out += "  \"debug\": " + Bool(c.debug) + ",\n";
  out += "  \"force_flush_interval\": " + std::to_string(c.force_flush_interval_s) + ",\n";
  out += "  \"edgelog\": {";
  Field(&out, "max_open_files", std::to_string(c.max_open_files));
  Field(&out, "follow_symlinks_anywhere", Bool(c.follow_symlinks_anywhere));
  Field(&out, "journald_directory",
        c.journald_directory.empty() ? "null" : Quote(c.journald_directory));
  out += "\"buffer\": {";
  Field(&out, "memory_bytes", std::to_string(c.buffer_memory_bytes));
  Field(&out, "max_bytes", std::to_string(c.buffer_max_bytes));
  Field(&out, "when_full", Quote(c.buffer_when_full), /*last=*/true);
  out += "}, \"rejected\": {";
  Field(&out, "max_bytes", std::to_string(c.rejected_max_bytes), /*last=*/true);
  out += "}, \"http\": {";
  Field(&out, "connect_timeout", std::to_string(c.connect_timeout_s));
  Field(&out, "request_timeout", std::to_string(c.request_timeout_s));
  Field(&out, "max_in_flight", std::to_string(c.max_in_flight));
  Field(&out, "max_in_flight_per_stream", std::to_string(c.max_in_flight_per_stream));
  Field(&out, "allow_plaintext", Bool(c.allow_plaintext), /*last=*/true);
  out += "}, \"http_server\": {";
  Field(&out, "enabled", Bool(c.http_server_enabled));
  Field(&out, "listen", c.http_listen.empty() ? "null" : Quote(c.http_listen), /*last=*/true);
  out += "}, \"health\": {";
  Field(&out, "max_lag_seconds", std::to_string(c.health_max_lag_s), /*last=*/true);
  out += "}},\n";
  out += "  \"files\": " + ListJson(c.files, FileJson) + ",\n";
  out += "  \"journald\": " + ListJson(c.journals, JournalJson) + "\n}\n";
  std::fputs(out.c_str(), host.out);
  return kExitOk;
}

int VersionCommand(Host& host) {
  std::fprintf(host.out, "edgelog %s (libcurl %s, mbedTLS %s, zlib %s)\n",
               kVersion, curl_version_info(CURLVERSION_NOW)->version,
               MBEDTLS_VERSION_STRING, zlibVersion());
  return kExitOk;
}

}  // namespace edgelog
