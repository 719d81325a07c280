// The second pass over a configuration: what needs a whole entry or the
// whole file (names, placeholders, classes, retentions, sources).
#include "agent/config/entries.h"

#include <cctype>
#include <map>

#include "agent/aws/endpoint.h"
#include "agent/config/names.h"
#include "agent/config/options.h"
#include "agent/config/walker.h"
#include "agent/text/glob_match.h"

namespace edgelog {
namespace {

// True when `name` uses a placeholder that only the instance metadata
// can fill.
bool UsesInstanceFacts(std::string_view name) {
  for (std::string_view p : {"{instance_id}", "{hostname}", "{ip_address}", "{account_id}"}) {
    if (name.find(p) != std::string_view::npos) return true;
  }
  return false;
}

// What a name of a file entry may be with publish_multi_logs.
struct NameRules {
  bool group_per_file = false;    // no group: each file's is named after its path
  bool stream_is_prefix = false;  // the stream prefixes each file's; none: no prefix
};

// The group and stream names of one entry: defaults, placeholders, and the
// names CloudWatch Logs accepts. False if one is wrong (reported).
bool FinishNames(const std::string& path, std::string* group, std::string* stream,
                 const NameRules& rules, Config* config, const HostFacts& facts,
                 ConfigProblems* problems) {
  // The agent's own default off EC2 is the host name: no difference to tell.
  bool default_stream =
      stream->empty() && config->log_stream_name.empty() && !rules.stream_is_prefix;
  if (stream->empty() && !rules.stream_is_prefix) {
    *stream = config->log_stream_name.empty() ? facts.default_stream : config->log_stream_name;
  }
  HostFacts with_region = facts;
  if (!config->region.empty()) with_region.aws_region = config->region;
  bool ok = true;
  for (auto [key, value] : {std::pair{".log_group_name", group},
                            std::pair{".log_stream_name", stream}}) {
    if (UsesInstanceFacts(*value)) config->uses_instance_facts = true;
    if (value->find("{aws_region}") != std::string::npos) config->uses_region = true;
    std::vector<std::string> notes;
    *value = ExpandPlaceholders(*value, with_region, &notes);
    bool may_be_empty = key == std::string(".log_group_name") ? rules.group_per_file
                                                               : rules.stream_is_prefix;
    bool valid = (may_be_empty && value->empty()) ||
                 (key == std::string(".log_group_name") ? IsValidGroupName(*value)
                                                        : IsValidStreamName(*value));
    if (valid) {
      if (default_stream && key == std::string(".log_stream_name")) {
        // The same as the agent's off EC2, but on EC2 with its metadata out
        // of reach (a container behind a hop limit of 1) streams would
        // change name silently.
        if (!facts.metadata_silent.empty() && facts.default_stream == "{instance_id}") {
          problems->AddWarning(path + key, "no log_stream_name, and the instance metadata "
                                         "did not answer (" + facts.metadata_silent +
                                         "): the host name \"" + *value +
                                         "\" is the stream; set AWS_EC2_METADATA_DISABLED="
                                         "true off EC2");
        }
        continue;
      }
      for (const std::string& note : notes) problems->AddWarning(path + key, note);
      continue;
    }
    // One problem, one line: a kept "{typo}" is why the name is wrong.
    std::string why = key == std::string(".log_group_name")
                          ? "is not a valid log group name (" + std::string(kGroupNameRule) + ")"
                          : "is not a valid log stream name (" + std::string(kStreamNameRule) +
                                ")";
    problems->AddError(path + key, "\"" + *value + "\" " + why +
                                     (notes.empty() ? "" : ": " + notes.front()));
    ok = false;
  }
  return ok;
}

// log_group_class as the agent's translator reads it: any case; a class
// CloudWatch does not take on create is dropped, said once.
void FinishGroupClass(const std::string& path, std::string* group_class,
                      ConfigProblems* problems) {
  for (char& c : *group_class) {
    c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }
  if (group_class->empty() || *group_class == "STANDARD" ||
      *group_class == "INFREQUENT_ACCESS") {
    return;
  }
  problems->AddWarning(path + ".log_group_class",
                     "\"" + *group_class + "\" is not STANDARD or INFREQUENT_ACCESS: groups "
                     "are created without a class, as the CloudWatch agent does");
  group_class->clear();
}

// One group, two retention_in_days: the first entry's is applied at start.
void WarnOfRetentionsThatDisagree(const Config& config, ConfigProblems* problems) {
  std::map<std::string, std::pair<int64_t, std::string>> first;  // group → days, key
  auto see = [&](const std::string& group, int64_t days, const std::string& path) {
    if (group.empty() || days < 0) return;
    auto [it, fresh] = first.emplace(group, std::make_pair(days, path));
    if (!fresh && it->second.first != days) {
      problems->AddWarning(path, "group \"" + group + "\" has retention_in_days " +
                                   std::to_string(it->second.first) + " at " +
                                   it->second.second + ": that one is applied");
    }
  };
  for (size_t i = 0; i < config.files.size(); ++i) {
    see(config.files[i].log_group_name, config.files[i].retention_in_days,
        std::string(kCollectList) + "[" + std::to_string(i) + "].retention_in_days");
  }
  for (size_t i = 0; i < config.journals.size(); ++i) {
    see(config.journals[i].log_group_name, config.journals[i].retention_in_days,
        std::string(kJournalList) + "[" + std::to_string(i) + "].retention_in_days");
  }
}

// Defaults, placeholders and the checks that need the whole entry.
// Entries with errors already reported are skipped: one mistake, one line.
void FinishEntries(Config* config, const HostFacts& facts, ConfigProblems* problems) {
  for (size_t i = 0; i < config->files.size(); ++i) {
    FileEntry& e = config->files[i];
    std::string path = std::string(kCollectList) + "[" + std::to_string(i) + "]";
    if (problems->HasErrorUnder(path)) continue;
    if (e.file_path.empty()) {
      problems->AddError(path + ".file_path", "required");
      continue;
    }
    // With publish_multi_logs, as in the agent, no group means one group per
    // file, named after its path; a group means one stream per file, named
    // after its path behind the entry's own log_stream_name (none: no
    // prefix). Both are decided per file (agent/run/destination.h).
    NameRules rules;
    rules.group_per_file = e.publish_multi_logs && e.log_group_name.empty();
    rules.stream_is_prefix = e.publish_multi_logs && !rules.group_per_file;
    if (e.log_group_name.empty() && !rules.group_per_file) {
      if (HasGlobCharacters(e.file_path)) {
        problems->AddError(path + ".log_group_name",
                         "required when file_path is a glob (unless publish_multi_logs): the "
                         "group the CloudWatch agent would derive, \"" +
                             DefaultGroupName(e.file_path) +
                             "\", is not a name CloudWatch accepts");
        continue;
      }
      e.log_group_name = DefaultGroupName(e.file_path);
    }
    FinishNames(path, &e.log_group_name, &e.log_stream_name, rules, config, facts, problems);
    FinishGroupClass(path, &e.log_group_class, problems);
  }
  for (size_t i = 0; i < config->journals.size(); ++i) {
    JournalEntry& j = config->journals[i];
    std::string path = std::string(kJournalList) + "[" + std::to_string(i) + "]";
    if (problems->HasErrorUnder(path)) continue;
    if (j.log_group_name.empty()) {  // the agent's schema requires it
      problems->AddError(path + ".log_group_name", "required");
      continue;
    }
    FinishNames(path, &j.log_group_name, &j.log_stream_name, NameRules{}, config, facts,
                problems);
    FinishGroupClass(path, &j.log_group_class, problems);
    if (!j.priority.empty()) j.priority = std::to_string(JournalPriorityLevel(j.priority));
  }
  WarnOfRetentionsThatDisagree(*config, problems);
}

// The agent's schema: "logs" needs logs_collected or metrics_collected,
// logs_collected names at least one source, and each source its
// collect_list. A config with nothing for edgelog to collect (only
// metrics, say) is valid: it says so once.
void CheckSources(const cJSON* root, const Config& config, ConfigProblems* problems) {
  const cJSON* logs = cJSON_GetObjectItemCaseSensitive(root, "logs");
  if (cJSON_IsObject(logs)) {
    const cJSON* collected = cJSON_GetObjectItemCaseSensitive(logs, "logs_collected");
    if (collected == nullptr &&
        cJSON_GetObjectItemCaseSensitive(logs, "metrics_collected") == nullptr) {
      problems->AddError("logs", "needs logs_collected (or metrics_collected)");
      return;
    }
    if (cJSON_IsObject(collected)) {
      if (collected->child == nullptr) {
        problems->AddError("logs.logs_collected", "names no source (files, journald, ...)");
        return;
      }
      for (const char* source : {"files", "journald"}) {
        const cJSON* s = cJSON_GetObjectItemCaseSensitive(collected, source);
        if (cJSON_IsObject(s) && cJSON_GetObjectItemCaseSensitive(s, "collect_list") == nullptr) {
          problems->AddError(std::string("logs.logs_collected.") + source + ".collect_list",
                           "required");
        }
      }
    }
  }
  if (config.files.empty() && config.journals.empty() && !problems->HasErrorUnder("logs")) {
    problems->AddWarning("logs.logs_collected",
                       "no files or journald entries: nothing for edgelog to collect");
  }
}

// logs.endpoint_override as http:// goes only to this host (loopback)
// unless edgelog.http.allow_plaintext: log lines, the Authorization header
// and session tokens would otherwise cross the network in clear text.
// ResolveLogsEndpoint applies the same rule to URLs from the environment.
void CheckPlaintextEndpoint(const Config& config, ConfigProblems* problems) {
  const std::string key = "logs.endpoint_override";
  if (config.endpoint_override.empty() || problems->HasErrorUnder(key)) return;
  auto endpoint = ParseEndpointUrl(config.endpoint_override);
  Status s = endpoint.ok() ? CheckPlaintext(*endpoint, config.allow_plaintext)
                           : endpoint.status();
  if (!s.ok()) problems->AddError(key, s.message());
}

// The operator's endpoints are on when listen is set or enabled is true,
// unless enabled is false; on without listen, on 127.0.0.1:2020.
void SettleHttpServer(const cJSON* root, Config* config) {
  const cJSON* edgelog = cJSON_GetObjectItemCaseSensitive(root, "edgelog");
  const cJSON* server = cJSON_GetObjectItemCaseSensitive(edgelog, "http_server");
  const cJSON* enabled = cJSON_GetObjectItemCaseSensitive(server, "enabled");
  bool on = cJSON_IsBool(enabled) ? config->http_server_enabled : !config->http_listen.empty();
  config->http_server_enabled = on;
  if (!on) {
    config->http_listen.clear();
  } else if (config->http_listen.empty()) {
    config->http_listen = "127.0.0.1:2020";
  }
}

}  // namespace

void FinishConfig(const cJSON* root, const HostFacts& facts, Config* config,
                  ConfigProblems* problems) {
  SettleHttpServer(root, config);
  CheckSources(root, *config, problems);
  FinishEntries(config, facts, problems);
  CheckPlaintextEndpoint(*config, problems);
}

}  // namespace edgelog
