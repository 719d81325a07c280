#include "agent/config/options.h"

#include <cjson/cJSON.h>

#include <cctype>
#include <cmath>

#include "platform/http_server.h"

namespace edgelog {
namespace {

constexpr int64_t kRetentionValues[] = {-1,  1,   3,    5,    7,    14,
                                        30,  60,  90,   120,  150,  180,
                                        365, 400, 545,  731,  1096, 1827,
                                        2192, 2557, 2922, 3288, 3653};

std::string CheckRange(const cJSON* v, int64_t lo, int64_t hi) {
  double d = v->valuedouble;
  if (d < static_cast<double>(lo) || d > static_cast<double>(hi)) {
    return "must be between " + std::to_string(lo) + " and " + std::to_string(hi);
  }
  return "";
}

std::string CheckFlushInterval(const cJSON* v) { return CheckRange(v, 1, 172800); }
std::string CheckTimeout(const cJSON* v) { return CheckRange(v, 1, 3600); }
std::string CheckInFlight(const cJSON* v) { return CheckRange(v, 1, 64); }

std::string CheckRetention(const cJSON* v) {
  for (int64_t r : kRetentionValues) {
    if (static_cast<double>(r) == v->valuedouble) return "";
  }
  std::string allowed;
  for (int64_t r : kRetentionValues) {
    if (!allowed.empty()) allowed += ", ";
    allowed += std::to_string(r);
  }
  return "is not a CloudWatch Logs retention period (allowed: " + allowed + ")";
}

std::string CheckRegion(const cJSON* v) {
  std::string_view s = v->valuestring;
  if (s.empty()) return "";  // empty: fall back to the environment
  for (char c : s) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) {
      return "is not a region name (like us-east-1)";
    }
  }
  return "";
}

std::string CheckEndpoint(const cJSON* v) {
  std::string_view s = v->valuestring;
  if (s.empty() || s.rfind("https://", 0) == 0 || s.rfind("http://", 0) == 0) {
    return "";
  }
  return "must start with https:// (or http:// for an endpoint on this host)";
}

std::string CheckAbsolutePath(const cJSON* v) {
  std::string_view s = v->valuestring;
  if (s.empty()) return "must not be empty";
  if (s[0] != '/') return "must be an absolute path (starting with /)";
  return "";
}

// A collect_list file_path: absolute, and not a Windows path (a config
// shared with Windows hosts says so plainly).
std::string CheckFilePath(const cJSON* v) {
  std::string_view s = v->valuestring;
  if (s.size() >= 3 && std::isalpha(static_cast<unsigned char>(s[0])) && s[1] == ':' &&
      (s[2] == '\\' || s[2] == '/')) {
    return "is a Windows path; edgelog collects files on Linux (absolute paths starting "
           "with /)";
  }
  return CheckAbsolutePath(v);
}

std::string CheckOpenFiles(const cJSON* v) { return CheckRange(v, 8, 1000000); }
std::string CheckMemoryBytes(const cJSON* v) { return CheckRange(v, 1 << 20, 1LL << 32); }
std::string CheckBufferBytes(const cJSON* v) { return CheckRange(v, 1 << 20, 1LL << 40); }
std::string CheckRejectedBytes(const cJSON* v) { return CheckRange(v, 64 << 10, 1LL << 40); }

std::string CheckListenAddress(const cJSON* v) {
  std::string host;
  uint16_t port = 0;
  Status s = ParseListenAddress(v->valuestring, &host, &port);
  return s.ok() ? "" : s.message();
}

std::string CheckMaxLag(const cJSON* v) { return CheckRange(v, 1, 30 * 86400); }

std::string CheckWhenFull(const cJSON* v) {
  std::string_view s = v->valuestring;
  return s == "block" || s == "drop_oldest" ? "" : "must be block or drop_oldest";
}

std::string CheckTimezone(const cJSON* v) {
  std::string s = v->valuestring;
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s == "local" || s == "utc" ? "" : "must be Local or UTC";
}

std::string CheckFilterType(const cJSON* v) {
  std::string_view s = v->valuestring;
  return s == "include" || s == "exclude" ? "" : "must be include or exclude";
}

std::string CheckNotEmpty(const cJSON* v) {
  return std::string_view(v->valuestring).empty() ? "must not be empty" : "";
}

std::string CheckPriority(const cJSON* v) {
  return JournalPriorityLevel(v->valuestring) >= 0
             ? ""
             : "must be one of emerg, alert, crit, err, warning, notice, info, debug, 0-7";
}

// The agent's schema asks only for a string; its translator sets a class
// CloudWatch takes on create and drops any other (the loader warns).
std::string CheckGroupClass(const cJSON* v) { return CheckNotEmpty(v); }

#define FILE_ENTRY "logs.logs_collected.files.collect_list[]."
#define JOURNAL_ENTRY "logs.logs_collected.journald.collect_list[]."

const std::vector<OptionSpec> kOptions = {
    // agent
    {"agent", OptionType::kObject, OptionUse::kUsed, "", "Settings for the whole agent."},
    {"agent.region", OptionType::kString, OptionUse::kUsed, "",
     "AWS region; when empty: AWS_REGION, AWS_DEFAULT_REGION, the profile's, then the instance's (IMDS).",
     &Config::region, CheckRegion},
    {"agent.debug", OptionType::kBoolean, OptionUse::kUsed, "false",
     "Log every request and decision.", &Config::debug},
    {"agent.credentials", OptionType::kObject, OptionUse::kUsed, "", "Credential settings."},
    {"agent.credentials.role_arn", OptionType::kString, OptionUse::kUsed, "",
     "Role to assume on top of the default credentials.", &Config::agent_role_arn},
    {"agent.metrics_collection_interval", OptionType::kInteger, OptionUse::kIgnored, "",
     "Metrics only; not used by edgelog."},
    {"agent.internal", OptionType::kBoolean, OptionUse::kIgnored, "",
     "The agent's own metrics; not used by edgelog."},
    {"agent.quiet", OptionType::kBoolean, OptionUse::kIgnored, "",
     "edgelog logs warnings and errors, and info lines at start and stop."},
    {"agent.flush_interval", OptionType::kAny, OptionUse::kIgnored, "",
     "Metrics only; use logs.force_flush_interval."},
    {"agent.interval", OptionType::kAny, OptionUse::kIgnored, "", "Metrics only."},
    {"agent.collection_jitter", OptionType::kAny, OptionUse::kIgnored, "", "Metrics only."},
    {"agent.flush_jitter", OptionType::kAny, OptionUse::kIgnored, "", "Metrics only."},
    {"agent.precision", OptionType::kAny, OptionUse::kIgnored, "", "Metrics only."},
    {"agent.round_interval", OptionType::kAny, OptionUse::kIgnored, "", "Metrics only."},
    {"agent.metric_batch_size", OptionType::kAny, OptionUse::kIgnored, "", "Metrics only."},
    {"agent.metric_buffer_limit", OptionType::kAny, OptionUse::kIgnored, "", "Metrics only."},
    {"agent.hostname", OptionType::kAny, OptionUse::kIgnored, "",
     "Metrics only; streams use the placeholders."},
    {"agent.usage_metadata", OptionType::kAny, OptionUse::kIgnored, "",
     "edgelog sends no usage data."},
    {"agent.service.name", OptionType::kString, OptionUse::kIgnored, "",
     "Service name of the agent's telemetry entity; edgelog sends no entity."},
    {"agent.deployment.environment", OptionType::kString, OptionUse::kIgnored, "",
     "Environment of the agent's telemetry entity; edgelog sends no entity."},
    {"agent.logfile", OptionType::kString, OptionUse::kIgnored, "",
     "edgelog logs to standard error (the journal under systemd)."},
    {"agent.run_as_user", OptionType::kString, OptionUse::kIgnored, "",
     "Use the systemd unit's User= instead."},
    {"agent.omit_hostname", OptionType::kBoolean, OptionUse::kIgnored, "",
     "Metrics only; not used by edgelog."},
    {"agent.aws_sdk_log_level", OptionType::kString, OptionUse::kIgnored, "",
     "Use agent.debug instead."},
    {"agent.usage_data", OptionType::kBoolean, OptionUse::kIgnored, "",
     "edgelog sends no usage data."},
    {"agent.user_agent", OptionType::kString, OptionUse::kIgnored, "", "Not used by edgelog."},
    {"agent.use_dualstack_endpoint", OptionType::kBoolean, OptionUse::kIgnored, "",
     "Not used by edgelog; set logs.endpoint_override."},

    // logs
    {"logs", OptionType::kObject, OptionUse::kUsed, "", "What to collect and where to send it."},
    {"logs.endpoint_override", OptionType::kString, OptionUse::kUsed, "",
     "CloudWatch Logs endpoint URL; above AWS_ENDPOINT_URL_CLOUDWATCH_LOGS and "
     "AWS_ENDPOINT_URL.",
     &Config::endpoint_override, CheckEndpoint},
    {"logs.force_flush_interval", OptionType::kInteger, OptionUse::kUsed, "5",
     "Seconds after which a batch is sent even if not full.",
     &Config::force_flush_interval_s, CheckFlushInterval},
    {"logs.log_stream_name", OptionType::kString, OptionUse::kUsed, "{hostname}",
     "Stream for entries that name none.", &Config::log_stream_name, CheckNotEmpty},
    {"logs.credentials", OptionType::kObject, OptionUse::kUsed, "", "Credential settings for logs."},
    {"logs.credentials.role_arn", OptionType::kString, OptionUse::kUsed, "",
     "Role to assume for logs; overrides agent.credentials.role_arn.", &Config::logs_role_arn},
    {"logs.concurrency", OptionType::kInteger, OptionUse::kIgnored, "",
     "Use edgelog.http.max_in_flight."},
    {"logs.metrics_collected", OptionType::kAny, OptionUse::kIgnored, "",
     "Embedded metrics (EMF), Prometheus, Kubernetes, Application Signals; not collected "
     "by edgelog."},
    {"logs.service.name", OptionType::kString, OptionUse::kIgnored, "",
     "Service name of the agent's telemetry entity; edgelog sends no entity."},
    {"logs.deployment.environment", OptionType::kString, OptionUse::kIgnored, "",
     "Environment of the agent's telemetry entity; edgelog sends no entity."},
    {"logs.logs_collected", OptionType::kObject, OptionUse::kUsed, "", "Log sources."},
    {"logs.logs_collected.windows_events", OptionType::kAny, OptionUse::kIgnored, "",
     "Windows only; not used by edgelog."},
    {"logs.logs_collected.application_signals", OptionType::kAny, OptionUse::kIgnored, "",
     "Application Signals logs come from an OpenTelemetry pipeline; not collected by "
     "edgelog."},
    {"logs.logs_collected.files", OptionType::kObject, OptionUse::kUsed, "", "Log files."},
    {"logs.logs_collected.files.collect_list", OptionType::kArray, OptionUse::kUsed, "",
     "The files to ship, one object each."},
    {FILE_ENTRY "file_path", OptionType::kString, OptionUse::kUsed, "(required)",
     "Absolute path of the file, or a glob (*, ?, [...], ** for any depth).",
     &FileEntry::file_path, CheckFilePath},
    {FILE_ENTRY "log_group_name", OptionType::kString, OptionUse::kUsed,
     "file_path without its extension",
     "Log group; placeholders {instance_id}, {hostname}, {local_hostname}, {ip_address}.",
     &FileEntry::log_group_name, CheckNotEmpty},
    {FILE_ENTRY "log_stream_name", OptionType::kString, OptionUse::kUsed,
     "logs.log_stream_name", "Log stream; same placeholders.",
     &FileEntry::log_stream_name, CheckNotEmpty},
    {FILE_ENTRY "retention_in_days", OptionType::kInteger, OptionUse::kUsed, "-1",
     "Retention of the group: set when edgelog creates it, and at start on an existing "
     "group whose retention differs; -1 leaves it alone.",
     &FileEntry::retention_in_days, CheckRetention},
    {FILE_ENTRY "log_group_class", OptionType::kString, OptionUse::kUsed, "",
     "STANDARD or INFREQUENT_ACCESS, used when edgelog creates the group (an existing "
     "group keeps its class).",
     &FileEntry::log_group_class, CheckGroupClass},
    {FILE_ENTRY "timestamp_format", OptionType::kString, OptionUse::kUsed, "",
     "Where the event time is in the record (strftime-like directives); else the time "
     "the line was read.",
     &FileEntry::timestamp_format, CheckNotEmpty},
    {FILE_ENTRY "timezone", OptionType::kString, OptionUse::kUsed, "Local",
     "Local or UTC: the zone of timestamps that carry none.", &FileEntry::timezone,
     CheckTimezone},
    {FILE_ENTRY "multi_line_start_pattern", OptionType::kString, OptionUse::kUsed,
     "^[\\S]",
     "Regular expression (RE2) that starts a record, or {timestamp_format}; other lines "
     "join the record before them.",
     &FileEntry::multi_line_start_pattern, CheckNotEmpty},
    {FILE_ENTRY "encoding", OptionType::kString, OptionUse::kUsed, "utf-8",
     "Character set of the file (utf-16le, latin1, windows-1252, gbk, ...).",
     &FileEntry::encoding},
    {FILE_ENTRY "filters", OptionType::kArray, OptionUse::kUsed, "",
     "Records must pass every filter to be sent."},
    {FILE_ENTRY "filters[].type", OptionType::kString, OptionUse::kUsed, "(required)",
     "include (the record must match) or exclude (it must not).", &FileFilter::type,
     CheckFilterType},
    {FILE_ENTRY "filters[].expression", OptionType::kString, OptionUse::kUsed, "(required)",
     "Regular expression (RE2) searched in the record.", &FileFilter::expression,
     CheckNotEmpty},
    {FILE_ENTRY "blacklist", OptionType::kString, OptionUse::kUsed, "",
     "Regular expression (RE2) on file names (not paths) to leave out.",
     &FileEntry::blacklist, CheckNotEmpty},
    {FILE_ENTRY "auto_removal", OptionType::kBoolean, OptionUse::kUsed, "false",
     "Delete a file once a newer one matches file_path and every line of the older is "
     "delivered (never the file file_path currently names).",
     &FileEntry::auto_removal},
    {FILE_ENTRY "trim_timestamp", OptionType::kBoolean, OptionUse::kUsed, "false",
     "Remove the text timestamp_format matched, and the white space then leading, from "
     "the message.",
     &FileEntry::trim_timestamp},
    {FILE_ENTRY "publish_multi_logs", OptionType::kBoolean, OptionUse::kUsed, "false",
     "false: of a glob's matches only the most recently modified is followed; true: every "
     "match, each to a stream (without log_group_name, a group) named after its path.",
     &FileEntry::publish_multi_logs},
    {FILE_ENTRY "backpressure_mode", OptionType::kString, OptionUse::kIgnored, "",
     "edgelog never drops data; see edgelog.buffer."},
    {FILE_ENTRY "service.name", OptionType::kString, OptionUse::kIgnored, "",
     "Service name of the agent's telemetry entity; edgelog sends no entity."},
    {FILE_ENTRY "deployment.environment", OptionType::kString, OptionUse::kIgnored, "",
     "Environment of the agent's telemetry entity; edgelog sends no entity."},

    // journald
    {"logs.logs_collected.journald", OptionType::kObject, OptionUse::kUsed, "",
     "The systemd journal, read through journalctl."},
    {"logs.logs_collected.journald.collect_list", OptionType::kArray, OptionUse::kUsed, "",
     "Which journal entries go where, one object each."},
    {JOURNAL_ENTRY "log_group_name", OptionType::kString, OptionUse::kUsed, "(required)",
     "Log group; the same placeholders as files.", &JournalEntry::log_group_name,
     CheckNotEmpty},
    {JOURNAL_ENTRY "log_stream_name", OptionType::kString, OptionUse::kUsed,
     "logs.log_stream_name", "Log stream; the same placeholders.",
     &JournalEntry::log_stream_name, CheckNotEmpty},
    {JOURNAL_ENTRY "retention_in_days", OptionType::kInteger, OptionUse::kUsed, "-1",
     "As for files.", &JournalEntry::retention_in_days, CheckRetention},
    {JOURNAL_ENTRY "log_group_class", OptionType::kString, OptionUse::kUsed, "",
     "As for files.", &JournalEntry::log_group_class, CheckGroupClass},
    {JOURNAL_ENTRY "units", OptionType::kArray, OptionUse::kUsed, "(all)",
     "systemd units whose entries are sent (journalctl --unit); strings, no repeats."},
    {JOURNAL_ENTRY "priority", OptionType::kString, OptionUse::kUsed, "info",
     "Entries of this priority and more severe: emerg, alert, crit, err, warning, notice, "
     "info, debug, or 0-7. Unset is info, as the agent sets it (debug entries left out).",
     &JournalEntry::priority, CheckPriority},
    {JOURNAL_ENTRY "matches", OptionType::kArray, OptionUse::kUsed, "(all)",
     "Objects of journal FIELD: value pairs; an entry is sent when it has every pair of "
     "one of the objects."},
    {JOURNAL_ENTRY "filters", OptionType::kArray, OptionUse::kUsed, "",
     "On the entry's MESSAGE: left out when an exclude matches, or when there are includes "
     "and none matches (one is enough, as in the agent's journald filter)."},
    {JOURNAL_ENTRY "filters[].type", OptionType::kString, OptionUse::kUsed, "(required)",
     "include or exclude.", &FileFilter::type, CheckFilterType},
    {JOURNAL_ENTRY "filters[].expression", OptionType::kString, OptionUse::kUsed,
     "(required)", "Regular expression (RE2) searched in the message.",
     &FileFilter::expression, CheckNotEmpty},

    // edgelog
    {"edgelog", OptionType::kObject, OptionUse::kUsed, "", "edgelog's own settings."},
    {"edgelog.state_dir", OptionType::kString, OptionUse::kUsed, "/var/lib/edgelog",
     "Checkpoints, rejected events and the lock live here.", &Config::state_dir,
     CheckAbsolutePath},
    {"edgelog.max_open_files", OptionType::kInteger, OptionUse::kUsed, "1024",
     "Files open at once, at most (fewer under a low descriptor limit); idle, fully read "
     "files are closed and reopened when they grow.",
     &Config::max_open_files, CheckOpenFiles},
    {"edgelog.follow_symlinks_anywhere", OptionType::kBoolean, OptionUse::kUsed, "false",
     "Read a symbolic link matched by a file_path wherever it leads. Otherwise a link is "
     "read only into the directory its file_path names, and when made by root, by "
     "edgelog's user or by the owner of the file it leads to; others are logged once each "
     "and left alone.",
     &Config::follow_symlinks_anywhere},
    {"edgelog.journald", OptionType::kObject, OptionUse::kUsed, "", "Where the journal is."},
    {"edgelog.journald.directory", OptionType::kString, OptionUse::kUsed, "",
     "Journal directory for journalctl --directory (a host's /var/log/journal mounted in a "
     "container); empty: the system journal.",
     &Config::journald_directory, CheckAbsolutePath},
    {"edgelog.buffer", OptionType::kObject, OptionUse::kUsed, "",
     "The disk buffer (STATE_DIR/buffer) for when CloudWatch cannot keep up."},
    {"edgelog.buffer.memory_bytes", OptionType::kInteger, OptionUse::kUsed, "8388608",
     "Backlog held in memory (open, sealed and queued batches, and those on their way to "
     "disk); beyond it, or while CloudWatch is unreachable, batches go to disk, and "
     "reading pauses until they have.",
     &Config::buffer_memory_bytes, CheckMemoryBytes},
    {"edgelog.buffer.max_bytes", OptionType::kInteger, OptionUse::kUsed, "268435456",
     "Disk buffer size, at most (compressed request bodies).", &Config::buffer_max_bytes,
     CheckBufferBytes},
    {"edgelog.buffer.when_full", OptionType::kString, OptionUse::kUsed, "block",
     "block: stop reading (the files keep the data); drop_oldest: drop the oldest "
     "batches, counted and logged.",
     &Config::buffer_when_full, CheckWhenFull},
    {"edgelog.rejected", OptionType::kObject, OptionUse::kUsed, "",
     "Events CloudWatch refused, kept in STATE_DIR/rejected.jsonl."},
    {"edgelog.rejected.max_bytes", OptionType::kInteger, OptionUse::kUsed, "67108864",
     "rejected.jsonl, at most: past it the file becomes rejected.jsonl.1 (replacing the "
     "one before) and a new one starts.",
     &Config::rejected_max_bytes, CheckRejectedBytes},
    {"edgelog.http", OptionType::kObject, OptionUse::kUsed, "", "HTTP client settings."},
    {"edgelog.http.ca_bundle", OptionType::kString, OptionUse::kUsed, "",
     "PEM file of trusted CAs; else SSL_CERT_FILE, then AWS_CA_BUNDLE, then the system's.",
     &Config::ca_bundle, CheckAbsolutePath},
    {"edgelog.http.connect_timeout", OptionType::kInteger, OptionUse::kUsed, "10",
     "Seconds to establish a connection.", &Config::connect_timeout_s, CheckTimeout},
    {"edgelog.http.request_timeout", OptionType::kInteger, OptionUse::kUsed, "60",
     "Seconds for a whole request.", &Config::request_timeout_s, CheckTimeout},
    {"edgelog.http.max_in_flight", OptionType::kInteger, OptionUse::kUsed, "8",
     "Requests in flight at once, all streams together.", &Config::max_in_flight,
     CheckInFlight},
    {"edgelog.http.max_in_flight_per_stream", OptionType::kInteger, OptionUse::kUsed, "4",
     "Requests in flight at once for one stream; 1 sends a stream's batches one by one.",
     &Config::max_in_flight_per_stream, CheckInFlight},
    {"edgelog.http.allow_plaintext", OptionType::kBoolean, OptionUse::kUsed, "false",
     "Allow an http:// endpoint (logs.endpoint_override, AWS_ENDPOINT_URL_CLOUDWATCH_LOGS, "
     "AWS_ENDPOINT_URL_STS, AWS_ENDPOINT_URL) on a host other than this one (localhost, "
     "127.0.0.0/8, ::1): log lines and signed requests then cross the network in clear text. "
     "Without it such a URL is refused at start (exit 2).",
     &Config::allow_plaintext},

    {"edgelog.http_server", OptionType::kObject, OptionUse::kUsed, "",
     "The operator's endpoints: GET /metrics (Prometheus text format) and GET /health."},
    {"edgelog.http_server.enabled", OptionType::kBoolean, OptionUse::kUsed, "false",
     "Serve /metrics and /health. Setting listen turns it on, unless this says false.",
     &Config::http_server_enabled},
    {"edgelog.http_server.listen", OptionType::kString, OptionUse::kUsed, "127.0.0.1:2020",
     "HOST:PORT to serve on (a numeric IPv4 or [IPv6] address, or localhost); setting it "
     "turns the server on. Anything but loopback lets other hosts read the metrics.",
     &Config::http_listen, CheckListenAddress},
    {"edgelog.health", OptionType::kObject, OptionUse::kUsed, "", "What /health calls good."},
    {"edgelog.health.max_lag_seconds", OptionType::kInteger, OptionUse::kUsed, "300",
     "/health answers 503 once the oldest line read and not yet delivered is this old.",
     &Config::health_max_lag_s, CheckMaxLag},

    // Sections of the CloudWatch agent's file that edgelog does not read.
    {"metrics", OptionType::kAny, OptionUse::kIgnored, "", "Metrics; ignored with a warning."},
    {"traces", OptionType::kAny, OptionUse::kIgnored, "", "Traces; ignored with a warning."},
    {"opentelemetry", OptionType::kAny, OptionUse::kIgnored, "",
     "OpenTelemetry; ignored with a warning."},
    {"csm", OptionType::kAny, OptionUse::kIgnored, "", "Ignored with a warning."},
};

#undef FILE_ENTRY
#undef JOURNAL_ENTRY

}  // namespace

int JournalPriorityLevel(std::string_view name) {
  static constexpr std::string_view kNames[] = {"emerg",   "alert",  "crit", "err",
                                                "warning", "notice", "info", "debug"};
  for (int i = 0; i < 8; ++i) {
    if (name == kNames[i] || (name.size() == 1 && name[0] == '0' + i)) return i;
  }
  return -1;
}

std::string_view DifferenceFromTheAgent(std::string_view key) {
  static constexpr std::pair<std::string_view, std::string_view> kDifferences[] = {
      {"logs.logs_collected.journald.collect_list",
       "edgelog sends each entry's MESSAGE, as a file line would be (the CloudWatch agent sends "
       "the whole entry as a JSON object)"},
      {"logs.logs_collected.files.collect_list[].auto_removal",
       "edgelog deletes a file only once CloudWatch acknowledged all of it, never the path "
       "file_path names nor a file with another link (the CloudWatch agent deletes once it "
       "has read it)"},
  };
  for (const auto& [k, text] : kDifferences) {
    if (k == key) return text;
  }
  return "";
}

const std::vector<OptionSpec>& AllOptions() { return kOptions; }

const OptionSpec* FindOption(std::string_view key) {
  for (const OptionSpec& o : kOptions) {
    if (o.key == key) return &o;
  }
  return nullptr;
}

const char* TypeName(OptionType type) {
  switch (type) {
    case OptionType::kString: return "string";
    case OptionType::kInteger: return "integer";
    case OptionType::kBoolean: return "boolean";
    case OptionType::kObject: return "object";
    case OptionType::kArray: return "array";
    case OptionType::kAny: return "any";
  }
  return "?";
}

std::string OptionsMarkdown() {
  std::string out = "| key | type | default | meaning |\n|---|---|---|---|\n";
  for (const OptionSpec& o : kOptions) {
    if (o.type == OptionType::kObject) continue;
    std::string doc(o.doc);
    if (o.use == OptionUse::kIgnored) doc = "*Accepted, not used.* " + doc;
    if (o.use == OptionUse::kNotYet) doc = "*Accepted with a warning; not applied yet.* " + doc;
    out += "| `" + std::string(o.key) + "` | " + TypeName(o.type) + " | " +
           (o.default_text.empty() ? "" : "`" + std::string(o.default_text) + "`") +
           " | " + doc + " |\n";
  }
  return out;
}

}  // namespace edgelog
