#include "agent/config/loader.h"

#include <cjson/cJSON.h>

#include <cmath>
#include <memory>
#include <set>

#include "agent/aws/endpoint.h"
#include "agent/base/cloudwatch_limits.h"
#include "agent/io/file_util.h"
#include "agent/config/options.h"
#include "agent/config/suggest.h"
#include "agent/text/glob_match.h"

namespace edgelog {
namespace {

constexpr std::string_view kCollectList = "logs.logs_collected.files.collect_list";

// `text` with control characters written as \n, \t, \r or \xNN: keys and
// values quoted from the file must not break a message's one line.
std::string EscapeControls(std::string_view text) {
  std::string out;
  for (char c : text) {
    unsigned char u = static_cast<unsigned char>(c);
    if (u >= 0x20 && u != 0x7F) {
      out += c;
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\t') {
      out += "\\t";
    } else if (c == '\r') {
      out += "\\r";
    } else {
      static constexpr char kHex[] = "0123456789abcdef";
      out += "\\x";
      out += kHex[u >> 4];
      out += kHex[u & 0xF];
    }
  }
  return out;
}

// What the keys of the object being walked fill in, besides Config.
struct Target {
  FileEntry* entry = nullptr;    // inside a collect_list element
  FileFilter* filter = nullptr;  // inside a filters element
};

class ConfigWalker {
 public:
  ConfigWalker(std::string source, Config* config)
      : source_(std::move(source)), config_(config) {}

  void Walk(const cJSON* root) {
    if (!cJSON_IsObject(root)) {
      AddError("", "the file must hold one JSON object");
      return;
    }
    WalkObject(root, "", "", Target{});
    if (!ignored_sections_.empty()) {
      config_->warnings.push_back(source_ + ": sections not used by edgelog, ignored: " +
                                  ignored_sections_);
    }
  }

  void AddError(const std::string& path, const std::string& reason) {
    errors_ += source_ + ": " + EscapeControls((path.empty() ? "" : path + ": ") + reason) +
               "\n";
    error_paths_.push_back(path);
  }
  // True when an error was reported at `path` or at a key inside it.
  bool HasErrorUnder(const std::string& path) const {
    for (const std::string& p : error_paths_) {
      if (p == path || p.rfind(path + ".", 0) == 0) return true;
    }
    return false;
  }
  const std::string& errors() const { return errors_; }

 private:
  static std::string Join(const std::string& parent, const std::string& key) {
    return parent.empty() ? key : parent + "." + key;
  }

  // Keys the table allows directly under `schema_path`.
  static std::vector<std::string> ChildKeys(const std::string& schema_path) {
    std::vector<std::string> keys;
    std::string prefix = schema_path.empty() ? "" : schema_path + ".";
    for (const OptionSpec& o : AllOptions()) {
      std::string_view key = o.key;
      if (key.substr(0, prefix.size()) != prefix) continue;
      std::string_view rest = key.substr(prefix.size());
      if (rest.find('.') == std::string_view::npos) keys.emplace_back(rest);
    }
    return keys;
  }

  void WalkObject(const cJSON* object, const std::string& schema_path,
                  const std::string& path, const Target& target) {
    std::set<std::string> seen;
    const cJSON* item = nullptr;
    cJSON_ArrayForEach(item, object) {
      std::string key = item->string;
      std::string item_path = Join(path, key);
      if (!seen.insert(key).second) {
        AddError(item_path, "appears more than once");
        continue;
      }
      std::string schema_key = Join(schema_path, key);
      const OptionSpec* spec = FindOption(schema_key);
      if (spec == nullptr) {
        ReportUnknown(key, schema_path, item_path);
        continue;
      }
      WalkValue(*spec, item, schema_key, item_path, target);
    }
  }

  void ReportUnknown(const std::string& key, const std::string& schema_path,
                     const std::string& item_path) {
    std::string hint = ClosestMatch(key, ChildKeys(schema_path));
    std::string suggestion = hint.empty() ? "" : " (did you mean \"" + hint + "\"?)";
    if (schema_path.empty()) {
      config_->warnings.push_back(source_ + ": unknown section \"" + EscapeControls(key) +
                                  "\" ignored" + suggestion);
    } else {
      AddError(item_path, "unknown key" + suggestion);
    }
  }

  static bool HasType(const cJSON* v, OptionType type) {
    switch (type) {
      case OptionType::kString: return cJSON_IsString(v);
      case OptionType::kInteger:
        return cJSON_IsNumber(v) && std::floor(v->valuedouble) == v->valuedouble;
      case OptionType::kBoolean: return cJSON_IsBool(v);
      case OptionType::kObject: return cJSON_IsObject(v);
      case OptionType::kArray: return cJSON_IsArray(v);
      case OptionType::kAny: return true;
    }
    return false;
  }

  static std::string Describe(const cJSON* v) {
    if (cJSON_IsString(v)) return std::string("the string \"") + v->valuestring + "\"";
    if (cJSON_IsNumber(v)) {
      char buf[64];
      std::snprintf(buf, sizeof(buf), "%.17g", v->valuedouble);
      return std::string("the number ") + buf;
    }
    if (cJSON_IsBool(v)) return cJSON_IsTrue(v) ? "true" : "false";
    if (cJSON_IsNull(v)) return "null";
    if (cJSON_IsArray(v)) return "an array";
    return "an object";
  }

  void WalkValue(const OptionSpec& spec, const cJSON* value,
                 const std::string& schema_key, const std::string& path,
                 const Target& target) {
    if (spec.use == OptionUse::kIgnored) {
      if (schema_key.find('.') == std::string::npos) {
        ignored_sections_ += ignored_sections_.empty() ? schema_key : ", " + schema_key;
      }
      return;
    }
    if (!HasType(value, spec.type)) {
      AddError(path, std::string("expected ") +
                         (spec.type == OptionType::kInteger ? "a whole number"
                                                            : TypeName(spec.type)) +
                         ", found " + Describe(value));
      return;
    }
    if (spec.use == OptionUse::kNotYet) {
      config_->warnings.push_back(source_ + ": " + path +
                                  ": accepted but not applied by this version");
    }
    if (spec.type == OptionType::kObject) {
      WalkObject(value, schema_key, path, target);
      return;
    }
    if (schema_key == kCollectList) {
      WalkCollectList(value, path);
      return;
    }
    if (schema_key == std::string(kCollectList) + "[].filters" && target.entry != nullptr) {
      WalkFilters(value, schema_key, path, target.entry);
      return;
    }
    if (spec.check != nullptr) {
      std::string reason = spec.check(value);
      if (!reason.empty()) {
        AddError(path, Describe(value) + " " + reason);
        return;
      }
    }
    Store(spec.field, value, target);
  }

  void WalkCollectList(const cJSON* list, const std::string& path) {
    int index = 0;
    const cJSON* element = nullptr;
    cJSON_ArrayForEach(element, list) {
      std::string element_path = path + "[" + std::to_string(index++) + "]";
      FileEntry entry;  // kept even when wrong, so indexes match the file
      if (!cJSON_IsObject(element)) {
        AddError(element_path, "expected an object, found " + Describe(element));
        config_->files.push_back(std::move(entry));
        continue;
      }
      WalkObject(element, std::string(kCollectList) + "[]", element_path, Target{&entry});
      config_->files.push_back(std::move(entry));
    }
  }

  void WalkFilters(const cJSON* list, const std::string& schema_key,
                   const std::string& path, FileEntry* entry) {
    int index = 0;
    const cJSON* element = nullptr;
    cJSON_ArrayForEach(element, list) {
      std::string element_path = path + "[" + std::to_string(index++) + "]";
      if (!cJSON_IsObject(element)) {
        AddError(element_path, "expected an object, found " + Describe(element));
        continue;
      }
      FileFilter filter;
      WalkObject(element, schema_key + "[]", element_path, Target{entry, &filter});
      if (filter.type.empty() || filter.expression.empty()) {
        if (!HasErrorUnder(element_path)) {
          AddError(element_path, "needs both \"type\" and \"expression\"");
        }
        continue;
      }
      entry->filters.push_back(std::move(filter));
    }
  }

  void Store(const OptionField& field, const cJSON* v, const Target& target) {
    if (auto f = std::get_if<std::string Config::*>(&field)) {
      config_->**f = v->valuestring;
    } else if (auto f = std::get_if<int64_t Config::*>(&field)) {
      config_->**f = static_cast<int64_t>(v->valuedouble);
    } else if (auto f = std::get_if<bool Config::*>(&field)) {
      config_->**f = cJSON_IsTrue(v);
    } else if (auto f = std::get_if<std::string FileEntry::*>(&field)) {
      target.entry->**f = v->valuestring;
    } else if (auto f = std::get_if<int64_t FileEntry::*>(&field)) {
      target.entry->**f = static_cast<int64_t>(v->valuedouble);
    } else if (auto f = std::get_if<std::string FileFilter::*>(&field)) {
      target.filter->**f = v->valuestring;
    }
  }

  std::string source_;
  Config* config_;
  std::string errors_;
  std::vector<std::string> error_paths_;
  std::string ignored_sections_;
};

bool IsValidGroupName(std::string_view name) {
  if (name.empty() || name.size() > kMaxLogGroupNameLength) return false;
  for (char c : name) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
              (c >= '0' && c <= '9') || c == '.' || c == '-' || c == '_' ||
              c == '/' || c == '#';
    if (!ok) return false;
  }
  return true;
}

bool IsValidStreamName(std::string_view name) {
  return !name.empty() && name.size() <= kMaxLogStreamNameLength &&
         name.find_first_of(":*") == std::string_view::npos;
}

// The CloudWatch agent's default group: file_path without its extension.
std::string DefaultGroupName(const std::string& file_path) {
  size_t slash = file_path.rfind('/');
  size_t dot = file_path.rfind('.');
  if (dot == std::string::npos || (slash != std::string::npos && dot < slash)) {
    return file_path;
  }
  return file_path.substr(0, dot);
}

// Defaults, placeholders and the checks that need the whole entry.
// Entries with errors already reported are skipped: one mistake, one line.
void FinishEntries(Config* config, const HostFacts& facts, ConfigWalker* walker) {
  if (config->files.empty() && !walker->HasErrorUnder(std::string(kCollectList))) {
    walker->AddError(std::string(kCollectList), "no files to collect");
  }
  for (size_t i = 0; i < config->files.size(); ++i) {
    FileEntry& e = config->files[i];
    std::string path = std::string(kCollectList) + "[" + std::to_string(i) + "]";
    if (walker->HasErrorUnder(path)) continue;
    if (e.file_path.empty()) {
      walker->AddError(path + ".file_path", "required");
      continue;
    }
    if (e.log_group_name.empty()) {
      if (HasGlobCharacters(e.file_path)) {
        walker->AddError(path + ".log_group_name",
                         "required when file_path is a glob");
        continue;
      }
      e.log_group_name = DefaultGroupName(e.file_path);
    }
    if (e.log_stream_name.empty()) {
      e.log_stream_name =
          config->log_stream_name.empty() ? "{hostname}" : config->log_stream_name;
    }
    bool expanded_all = true;
    for (auto [key, value] : {std::pair{".log_group_name", &e.log_group_name},
                              std::pair{".log_stream_name", &e.log_stream_name}}) {
      auto expanded = ExpandPlaceholders(*value, facts);
      if (!expanded.ok()) {
        walker->AddError(path + key, expanded.status().message());
        expanded_all = false;
        continue;
      }
      *value = std::move(*expanded);
    }
    if (!expanded_all) continue;
    if (!IsValidGroupName(e.log_group_name)) {
      walker->AddError(path + ".log_group_name",
                       "\"" + e.log_group_name +
                           "\" is not a valid log group name (1-512 of "
                           "A-Z a-z 0-9 . - _ / #)");
    }
    if (!IsValidStreamName(e.log_stream_name)) {
      walker->AddError(path + ".log_stream_name",
                       "\"" + e.log_stream_name +
                           "\" is not a valid log stream name (1-512 "
                           "characters, no ':' or '*')");
    }
    for (char& c : e.log_group_class) {
      c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    }
  }
}

// logs.endpoint_override as http:// goes only to this host (loopback)
// unless edgelog.http.allow_plaintext: log lines, the Authorization header
// and session tokens would otherwise cross the network in clear text.
// ResolveLogsEndpoint applies the same rule to URLs from the environment.
void CheckPlaintextEndpoint(const Config& config, ConfigWalker* walker) {
  const std::string key = "logs.endpoint_override";
  if (config.endpoint_override.empty() || walker->HasErrorUnder(key)) return;
  auto endpoint = ParseEndpointUrl(config.endpoint_override);
  Status s = endpoint.ok() ? CheckPlaintext(*endpoint, config.allow_plaintext)
                           : endpoint.status();
  if (!s.ok()) walker->AddError(key, s.message());
}

// "line L, column C" of byte offset `at` in `text`.
std::string Position(std::string_view text, size_t at) {
  size_t line = 1, column = 1;
  for (size_t i = 0; i < at && i < text.size(); ++i) {
    if (text[i] == '\n') {
      ++line;
      column = 1;
    } else {
      ++column;
    }
  }
  return "line " + std::to_string(line) + ", column " + std::to_string(column);
}

}  // namespace

StatusOr<Config> ParseConfig(std::string_view json, const std::string& source_path,
                             const HostFacts& facts) {
  const char* end = nullptr;
  std::unique_ptr<cJSON, void (*)(cJSON*)> root(
      cJSON_ParseWithLengthOpts(json.data(), json.size(), &end, false),
      cJSON_Delete);
  size_t at = end != nullptr ? static_cast<size_t>(end - json.data()) : 0;
  if (root) {  // only white space may follow the object
    at = json.find_first_not_of(" \t\r\n", at);
    if (at == std::string_view::npos) at = json.size();
  }
  if (!root || at != json.size()) {
    return Status::InvalidArgument(source_path + ": " + Position(json, at) +
                                   ": not valid JSON");
  }
  Config config;
  config.source_path = source_path;
  ConfigWalker walker(source_path, &config);
  walker.Walk(root.get());
  if (cJSON_IsObject(root.get())) {
    FinishEntries(&config, facts, &walker);
    CheckPlaintextEndpoint(config, &walker);
  }
  if (!walker.errors().empty()) {
    std::string message = walker.errors();
    message.pop_back();  // the last '\n'
    return Status::InvalidArgument(message);
  }
  return config;
}

StatusOr<Config> LoadConfig(Env& env, const std::string& path,
                            const HostFacts& facts) {
  auto text = ReadWholeFile(env, path, kMaxConfigBytes);
  if (!text.ok()) {
    return Status::InvalidArgument(path + ": cannot read: " + text.status().message());
  }
  return ParseConfig(*text, path, facts);
}

}  // namespace edgelog
