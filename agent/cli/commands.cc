#include "agent/cli/commands.h"

#include <curl/curl.h>
#include <mbedtls/version.h>
#include <zlib.h>

#include "agent/aws/credentials.h"
#include "agent/aws/creds/refresher.h"
#include "agent/cli/aws_setup.h"
#include "agent/cli/setup.h"
#include "agent/aws/endpoint.h"
#include "agent/io/file_util.h"
#include "agent/io/state_dir.h"
#include "agent/base/version.h"
#include "agent/config/loader.h"
#include "agent/net/curl_http_client.h"
#include "agent/run/agent_loop.h"
#include "agent/run/last_error.h"
#include "agent/run/tail_setup.h"
#include "agent/text/json_escape.h"
#include "agent/text/utf8.h"
#include "platform/limits.h"
#include "platform/poller.h"
#include "platform/process.h"
#include "platform/watcher.h"

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

namespace {

// RunCommand once the state directory is locked: `log` keeps the last
// error for `last_error`.
int RunLocked(const CommandLine& cl, Host& host, AwsServices& aws, Setup& setup, Logger* log,
              LastErrorFile* last_error);

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
  out += "}},\n";
  out += "  \"files\": " + ListJson(c.files, FileJson) + ",\n";
  out += "  \"journald\": " + ListJson(c.journals, JournalJson) + "\n}\n";
  std::fputs(out.c_str(), host.out);
  return kExitOk;
}

int RunCommand(const CommandLine& cl, Host& host) {
  auto bootstrap_log = NewStderrLogger(false);
  AwsServices aws(host.env, host.clock, UserAgent());
  Setup setup;
  if (int rc = Prepare(cl, host, *bootstrap_log, aws, &setup); rc != kExitOk) return rc;
  const Config& config = setup.config;
  auto log = NewStderrLogger(config.debug);

  auto state_dir = PrepareStateDir(host.env, config.state_dir);
  if (!state_dir.ok()) {
    log->Error(state_dir.status().message());
    return kExitRuntimeFailure;
  }
  auto lock = LockStateDir(host.env, *state_dir);
  if (!lock.ok()) {
    log->Error(lock.status().code() == Code::kBusy
                   ? "another edgelog is using " + config.state_dir
                   : lock.status().message());
    return kExitRuntimeFailure;
  }
  // From here on the last error is kept in the state directory, for
  // `edgelog status`.
  ErrorRecordingLogger recording(*log, host.clock);
  LastErrorFile last_error(host.env, host.clock, *state_dir, recording);
  int rc = RunLocked(cl, host, aws, setup, &recording, &last_error);
  last_error.SaveNow();
  return rc;
}

namespace {

int RunLocked(const CommandLine& cl, Host& host, AwsServices& aws, Setup& setup, Logger* log,
              LastErrorFile* last_error) {
  const Config& config = setup.config;
  // Credentials: fetched once now (a failure ends the run, saying why),
  // then kept fresh by a refresh thread of their own.
  auto credentials = std::make_unique<CachedCredentials>(
      aws.NewCredentialSource(config), host.clock, *log,
      static_cast<uint64_t>(host.clock.NowUnixMillis()));
  if (Status c = credentials->Refresh(); !c.ok()) {
    log->Error(c.message());
    return kExitRuntimeFailure;
  }

  // Before any thread starts: threads inherit the mask, and a stop signal
  // must reach the signalfd, not kill the process.
  if (Status b = BlockStopSignals(); !b.ok()) log->Warning(b.message());
  credentials->StartThread();
  std::unique_ptr<Poller> poller = NewEpollPoller();
  if (!poller) {
    log->Error("cannot create the event loop (epoll)");
    return kExitRuntimeFailure;
  }
  auto stop = WatchStopSignals(*poller);
  if (!stop.ok()) {
    log->Error(stop.status().message());
    return kExitRuntimeFailure;
  }
  CurlHttpOptions http_options;
  http_options.ca_file = setup.ca_bundle.path;
  http_options.connect_timeout_ms = config.connect_timeout_s * 1000;
  http_options.request_timeout_ms = config.request_timeout_s * 1000;
  http_options.max_connections = static_cast<int>(config.max_in_flight);
  http_options.user_agent = UserAgent();
  auto http = CurlHttpClient::Create(*poller, host.clock, http_options);
  if (!http.ok()) {
    log->Error(http.status().message());
    return kExitRuntimeFailure;
  }

  log->Info("shipping to " + setup.endpoint.url + " (" + setup.region.name + ", from " +
            setup.region.source + ") as " +
            MaskAccessKeyId(credentials->Get()->access_key_id) + " from " +
            credentials->Source() + "; state in " + config.state_dir);
  if (setup.endpoint.url.rfind("https://", 0) == 0) {
    if (setup.ca_bundle.path.empty()) {
      std::string tried;
      for (const char* p : kSystemCaBundles) tried += std::string(tried.empty() ? "" : ", ") + p;
      log->Warning("no CA bundle found (tried edgelog.http.ca_bundle, SSL_CERT_FILE, "
                   "AWS_CA_BUNDLE, " + tried + ", " + kBundledCaName +
                   " beside the binary); TLS connections will fail to verify");
    } else {
      log->Info("trusting the CAs in " + setup.ca_bundle.path + " (" + setup.ca_bundle.source +
                ")");
    }
  }
  // inotify tells at once when files change; without it, files are polled.
  std::unique_ptr<DirWatcher> watcher;
  if (auto w = NewInotifyWatcher(*poller); w.ok()) {
    watcher = std::move(*w);
  } else {
    log->Warning("inotify unavailable (" + w.status().message() + "); polling files every second");
  }
  LogsRequestContext context{setup.endpoint, setup.region.name, http_options.user_agent};
  RunOptions options;
  options.once = cl.once;
  uint64_t descriptors = RaiseOpenFileLimit();
  options.open_files_allowed =
      OpenFilesAllowed(descriptors, config.max_open_files, config.max_in_flight);
  if (options.open_files_allowed < static_cast<size_t>(config.max_open_files)) {
    log->Warning("the descriptor limit (RLIMIT_NOFILE, ulimit -n) is " +
                 std::to_string(descriptors) + ": following at most " +
                 std::to_string(options.open_files_allowed) + " files at once, not " +
                 std::to_string(config.max_open_files) +
                 " (edgelog.max_open_files); raise it with LimitNOFILE= (systemd) or "
                 "--ulimit nofile= (containers)");
  }
  // journalctl, for the journald entries.
  std::unique_ptr<ProcessStarter> processes = NewProcessStarter(*poller);
  AgentDeps deps{host.env, host.clock, *log, *poller, **http, *credentials, stop->get(),
                 watcher.get(), processes.get(), last_error};
  AgentLoop loop(deps, config, std::move(setup.entries), context, options);
  return loop.Run();
}

}  // namespace

int VersionCommand(Host& host) {
  std::fprintf(host.out, "edgelog %s (libcurl %s, mbedTLS %s, zlib %s)\n",
               kVersion, curl_version_info(CURLVERSION_NOW)->version,
               MBEDTLS_VERSION_STRING, zlibVersion());
  return kExitOk;
}

}  // namespace edgelog
