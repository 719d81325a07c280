// The effective configuration: the CloudWatch agent's JSON (`agent` and
// `logs` sections) plus edgelog's own `edgelog` section.
#ifndef EDGELOG_AGENT_CONFIG_CONFIG_H_
#define EDGELOG_AGENT_CONFIG_CONFIG_H_

#include <cstdint>
#include <string>
#include <vector>

namespace edgelog {

// One element of a collect_list entry's `filters`.
struct FileFilter {
  std::string type;        // "include" or "exclude"
  std::string expression;  // regular expression (RE2, Go's syntax)
};

// One entry of logs.logs_collected.files.collect_list.
struct FileEntry {
  std::string file_path;        // absolute path or glob
  std::string log_group_name;   // placeholders resolved
  std::string log_stream_name;  // placeholders resolved
  int64_t retention_in_days = -1;  // -1: leave retention alone
  std::string log_group_class;     // "" (service default), STANDARD, INFREQUENT_ACCESS
  std::string timestamp_format;    // "" : events carry the time they were read
  std::string timezone;            // "" or "Local", or "UTC"
  std::string multi_line_start_pattern;  // "" : lines starting with white space join
  std::string encoding;            // "" : UTF-8
  std::vector<FileFilter> filters;
  std::string blacklist;           // regular expression on file names
  bool publish_multi_logs = false; // every match, each to its own stream
  bool trim_timestamp = false;     // drop the parsed timestamp from the message
  bool auto_removal = false;       // delete a rotated file once all of it is delivered
};

// One entry of logs.logs_collected.journald.collect_list: entries of the
// systemd journal, read through journalctl.
struct JournalEntry {
  std::string log_group_name;   // required; placeholders resolved
  std::string log_stream_name;  // placeholders resolved
  int64_t retention_in_days = -1;
  std::string log_group_class;
  std::vector<FileFilter> filters;  // on the MESSAGE field
  std::vector<std::string> units;   // systemd units; empty: all
  std::string priority;             // "" or "0".."7": this level and more severe
  // Each object is one match: every field=value of it must hold (AND);
  // entries matching any object pass (OR).
  std::vector<std::vector<std::pair<std::string, std::string>>> matches;
};

struct Config {
  std::string source_path;  // the file it was read from

  // agent
  std::string region;     // "" when not configured (environment decides)
  std::string agent_role_arn;  // agent.credentials.role_arn
  std::string logs_role_arn;   // logs.credentials.role_arn: wins over the agent's
  bool debug = false;

  // logs
  std::string endpoint_override;
  int64_t force_flush_interval_s = 5;
  std::string log_stream_name;  // default stream for entries without one
  std::vector<FileEntry> files;
  std::vector<JournalEntry> journals;

  // edgelog
  std::string state_dir = "/var/lib/edgelog";
  std::string ca_bundle;           // PEM file; else SSL_CERT_FILE, AWS_CA_BUNDLE
  int64_t connect_timeout_s = 10;
  int64_t request_timeout_s = 60;
  int64_t max_in_flight = 8;       // requests at once
  int64_t max_in_flight_per_stream = 4;  // of those, for one stream
  bool allow_plaintext = false;    // http:// to a host other than this one
  int64_t max_open_files = 1024;
  bool follow_symlinks_anywhere = false;  // else only into the directory file_path names
  std::string journald_directory;  // journalctl --directory; "": the system journal
  int64_t buffer_memory_bytes = 8 << 20;   // backlog kept in memory before spilling to disk
  int64_t buffer_max_bytes = 256 << 20;    // disk buffer cap (compressed bodies)
  int64_t rejected_max_bytes = 64 << 20;   // rejected.jsonl, at most, before it is rotated
  std::string buffer_when_full = "block";  // or "drop_oldest"
  // "HOST:PORT" serving /metrics and /health; "" when off (FinishConfig
  // settles it from edgelog.http_server.enabled and .listen).
  std::string http_listen;
  bool http_server_enabled = false;
  int64_t health_max_lag_s = 300;

  // The role to assume, if any: the logs section's wins.
  const std::string& role_arn() const {
    return logs_role_arn.empty() ? agent_role_arn : logs_role_arn;
  }

  // A group or stream name uses a placeholder that the instance metadata
  // fills ({instance_id}, {hostname}, {ip_address}, {account_id}), or
  // {aws_region}: the loader was given what it knew.
  bool uses_instance_facts = false;
  bool uses_region = false;

  // Things worth telling the operator that are not errors.
  std::vector<std::string> warnings;
};

}  // namespace edgelog

#endif  // EDGELOG_AGENT_CONFIG_CONFIG_H_
