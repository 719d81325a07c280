// Walks the configuration's JSON against the option table (options.h):
// expands ${VAR}, checks every key's name and type, and fills Config.
#include "agent/config/walker.h"

#include <cmath>
#include <cstdio>
#include <cstring>
#include <set>

#include "agent/config/options.h"
#include "agent/config/suggest.h"
#include "agent/text/ascii.h"

namespace edgelog {
namespace {

// What the keys of the object being walked fill in, besides Config.
struct Target {
  FileEntry* entry = nullptr;       // inside a files collect_list element
  JournalEntry* journal = nullptr;  // inside a journald collect_list element
  FileFilter* filter = nullptr;     // inside a filters element
};

class ConfigWalker {
 public:
  ConfigWalker(Config* config, const HostFacts& facts, ConfigProblems* problems)
      : config_(config), facts_(facts), problems_(problems) {}

  void Walk(cJSON* root) {
    if (!cJSON_IsObject(root)) {
      problems_->AddError("", "the file must hold one JSON object");
      return;
    }
    ExpandEnvironmentIn(root, "");
    WalkObject(root, "", "", Target{});
    if (!ignored_sections_.empty()) {
      problems_->AddFileWarning("sections not used by edgelog, ignored: " + ignored_sections_);
    }
  }

 private:
  static std::string Join(const std::string& parent, const std::string& key) {
    return parent.empty() ? key : parent + "." + key;
  }

  // ${VAR} in every string value, before anything is checked: as the
  // CloudWatch agent's runtime reads its config. A member that only an
  // unset variable filled is taken away: read as not set ("region":
  // "${ENV_REGION}" then falls back to the environment's region, as a
  // stream name to the default). True when `item` is to go.
  bool ExpandEnvironmentIn(cJSON* item, const std::string& path) {
    if (cJSON_IsString(item) && std::strchr(item->valuestring, '$') != nullptr) {
      std::vector<std::string> notes;
      std::string expanded = ExpandEnvironment(item->valuestring, facts_, &notes);
      bool absent = expanded.empty() && !notes.empty();
      for (const std::string& note : notes) {
        problems_->AddWarning(path, note + (absent ? "; the key is read as not set" : ""));
      }
      if (expanded != item->valuestring) {
        problems_->NoteExpansion(path, item->valuestring);
        cJSON_SetValuestring(item, expanded.c_str());
      }
      return absent;
    }
    int index = 0;
    for (cJSON* child = item->child; child != nullptr;) {
      cJSON* next = child->next;
      std::string child_path = cJSON_IsArray(item)
                                   ? path + "[" + std::to_string(index++) + "]"
                                   : Join(path, child->string);
      if (ExpandEnvironmentIn(child, child_path) && cJSON_IsObject(item)) {
        cJSON_Delete(cJSON_DetachItemViaPointer(item, child));
      }
      child = next;
    }
    return false;
  }

  // Elements of a JSON Schema "uniqueItems" array must differ: the agent
  // refuses a config that lists the same entry twice. True if all differ.
  bool CheckUnique(const cJSON* list, const std::string& path) {
    bool unique = true;
    int i = 0;
    const cJSON* a = nullptr;
    cJSON_ArrayForEach(a, list) {
      int j = 0;
      for (const cJSON* b = list->child; b != a; b = b->next, ++j) {
        if (cJSON_Compare(a, b, true)) {
          problems_->AddError(path + "[" + std::to_string(i) + "]",
                   "the same as [" + std::to_string(j) + "]; each element must differ");
          unique = false;
          break;
        }
      }
      ++i;
    }
    return unique;
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
        problems_->AddError(item_path, "appears more than once");
        continue;
      }
      std::string schema_key = Join(schema_path, key);
      // A key is one name: "filters[].type" or "credentials.role_arn" is no
      // path into the table (the agent's "service.name" and
      // "deployment.environment" are names with a dot).
      bool one_name = key.find_first_of(".[]") == std::string::npos ||
                      key == "service.name" || key == "deployment.environment";
      const OptionSpec* spec = one_name ? FindOption(schema_key) : nullptr;
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
      problems_->AddFileWarning("unknown section \"" + EscapeControls(key) + "\" ignored" +
                                suggestion);
    } else if (schema_path == "agent") {
      // The agent's schema takes any key in its agent section.
      problems_->AddWarning(item_path, "not a key edgelog knows, ignored" + suggestion);
    } else {
      problems_->AddError(item_path, "unknown key" + suggestion);
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
    if (spec.use == OptionUse::kIgnored && schema_key.find('.') == std::string::npos) {
      ignored_sections_ += ignored_sections_.empty() ? schema_key : ", " + schema_key;
      return;
    }
    if (!HasType(value, spec.type)) {
      problems_->AddError(path, std::string("expected ") +
                         (spec.type == OptionType::kInteger ? "a whole number"
                                                            : TypeName(spec.type)) +
                         ", found " + Describe(value));
      return;
    }
    if (spec.use == OptionUse::kIgnored) {
      problems_->AddWarning(path, "accepted, no effect in edgelog: " + std::string(spec.doc));
      return;
    }
    if (std::string_view differs = DifferenceFromTheAgent(schema_key); !differs.empty() &&
        !(spec.type == OptionType::kBoolean && cJSON_IsFalse(value))) {
      problems_->AddWarning(path, "differs from the CloudWatch agent: " + std::string(differs));
    }
    if (spec.use == OptionUse::kNotYet) {
      problems_->AddFileWarning(path + ": accepted but not applied by this version");
    }
    if (spec.type == OptionType::kObject) {
      WalkObject(value, schema_key, path, target);
      return;
    }
    if (spec.type == OptionType::kArray) {
      WalkArray(value, schema_key, path, target);
      return;
    }
    if (spec.check != nullptr) {
      std::string reason = spec.check(value);
      if (!reason.empty()) {
        problems_->AddError(path, Describe(value) + " " + reason);
        return;
      }
    }
    Store(spec.field, value, target);
  }

  void WalkArray(const cJSON* list, const std::string& schema_key, const std::string& path,
                 const Target& target) {
    if (schema_key == kCollectList) {
      if (CheckUnique(list, path)) WalkFileList(list, path);
    } else if (schema_key == kJournalList) {
      if (CheckUnique(list, path)) WalkJournalList(list, path);
    } else if (schema_key == std::string(kCollectList) + "[].filters" &&
               target.entry != nullptr) {
      WalkFilters(list, schema_key, path, &target.entry->filters);
    } else if (schema_key == std::string(kJournalList) + "[].filters" &&
               target.journal != nullptr) {
      WalkFilters(list, schema_key, path, &target.journal->filters);
    } else if (schema_key == std::string(kJournalList) + "[].units" &&
               target.journal != nullptr) {
      WalkUnits(list, path, target.journal);
    } else if (schema_key == std::string(kJournalList) + "[].matches" &&
               target.journal != nullptr) {
      WalkMatches(list, path, target.journal);
    }
  }

  // Each element fills one entry, kept even when wrong so that indexes
  // match the file.
  template <typename Entry, typename Fill>
  void WalkEntries(const cJSON* list, const std::string& path, std::vector<Entry>* out,
                   Fill fill) {
    int index = 0;
    const cJSON* element = nullptr;
    cJSON_ArrayForEach(element, list) {
      std::string element_path = path + "[" + std::to_string(index++) + "]";
      Entry entry;
      if (!cJSON_IsObject(element)) {
        problems_->AddError(element_path, "expected an object, found " + Describe(element));
      } else {
        fill(element, element_path, &entry);
      }
      out->push_back(std::move(entry));
    }
    if (index == 0) problems_->AddError(path, "must hold at least one entry");
  }

  void WalkFileList(const cJSON* list, const std::string& path) {
    WalkEntries(list, path, &config_->files,
                [this](const cJSON* element, const std::string& at, FileEntry* entry) {
                  WalkObject(element, std::string(kCollectList) + "[]", at, Target{entry});
                });
  }

  void WalkJournalList(const cJSON* list, const std::string& path) {
    WalkEntries(list, path, &config_->journals,
                [this](const cJSON* element, const std::string& at, JournalEntry* entry) {
                  WalkObject(element, std::string(kJournalList) + "[]", at,
                             Target{nullptr, entry});
                });
  }

  void WalkFilters(const cJSON* list, const std::string& schema_key,
                   const std::string& path, std::vector<FileFilter>* filters) {
    int index = 0;
    const cJSON* element = nullptr;
    cJSON_ArrayForEach(element, list) {
      std::string element_path = path + "[" + std::to_string(index++) + "]";
      if (!cJSON_IsObject(element)) {
        problems_->AddError(element_path, "expected an object, found " + Describe(element));
        continue;
      }
      FileFilter filter;
      WalkObject(element, schema_key + "[]", element_path, Target{nullptr, nullptr, &filter});
      if (filter.type.empty() || filter.expression.empty()) {
        if (!problems_->HasErrorUnder(element_path)) {
          problems_->AddError(element_path, "needs both \"type\" and \"expression\"");
        }
        continue;
      }
      filters->push_back(std::move(filter));
    }
  }

  // units: systemd unit names, at least one, no repeats (the agent's schema).
  void WalkUnits(const cJSON* list, const std::string& path, JournalEntry* journal) {
    if (!CheckUnique(list, path)) return;
    int index = 0;
    const cJSON* unit = nullptr;
    cJSON_ArrayForEach(unit, list) {
      std::string unit_path = path + "[" + std::to_string(index++) + "]";
      if (!cJSON_IsString(unit)) {
        problems_->AddError(unit_path, "expected a string, found " + Describe(unit));
      } else if (unit->valuestring[0] == '\0' || std::strlen(unit->valuestring) > 256) {
        problems_->AddError(unit_path, "a unit name has 1 to 256 characters");
      } else {
        journal->units.emplace_back(unit->valuestring);
      }
    }
    if (index == 0) problems_->AddError(path, "must hold at least one unit");
  }

  // matches: objects of FIELD: "value"; journalctl takes FIELD=value.
  void WalkMatches(const cJSON* list, const std::string& path, JournalEntry* journal) {
    if (!CheckUnique(list, path)) return;
    int index = 0;
    const cJSON* match = nullptr;
    cJSON_ArrayForEach(match, list) {
      std::string match_path = path + "[" + std::to_string(index++) + "]";
      if (!cJSON_IsObject(match)) {
        problems_->AddError(match_path, "expected an object, found " + Describe(match));
        continue;
      }
      std::vector<std::pair<std::string, std::string>> pairs;
      const cJSON* field = nullptr;
      cJSON_ArrayForEach(field, match) {
        std::string field_path = match_path + "." + field->string;
        if (!cJSON_IsString(field)) {
          problems_->AddError(field_path, "expected a string, found " + Describe(field));
        } else if (!IsJournalFieldName(field->string)) {
          problems_->AddError(field_path, "not a journal field name (A-Z, 0-9 and _, not starting "
                               "with a digit)");
        } else {
          pairs.emplace_back(field->string, field->valuestring);
        }
      }
      if (pairs.empty() && !problems_->HasErrorUnder(match_path)) {
        problems_->AddError(match_path, "needs at least one FIELD: value pair");
      }
      if (!pairs.empty()) journal->matches.push_back(std::move(pairs));
    }
    if (index == 0) problems_->AddError(path, "must hold at least one match");
  }

  // journalctl's rule for FIELD in FIELD=value matches.
  static bool IsJournalFieldName(std::string_view name) {
    if (name.empty() || (name[0] >= '0' && name[0] <= '9')) return false;
    for (char c : name) {
      if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_')) return false;
    }
    return true;
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
    } else if (auto f = std::get_if<bool FileEntry::*>(&field)) {
      target.entry->**f = cJSON_IsTrue(v);
    } else if (auto f = std::get_if<std::string JournalEntry::*>(&field)) {
      target.journal->**f = v->valuestring;
    } else if (auto f = std::get_if<int64_t JournalEntry::*>(&field)) {
      target.journal->**f = static_cast<int64_t>(v->valuedouble);
    } else if (auto f = std::get_if<std::string FileFilter::*>(&field)) {
      target.filter->**f = v->valuestring;
    }
  }

  Config* config_;
  const HostFacts& facts_;
  ConfigProblems* problems_;
  std::string ignored_sections_;
};

}  // namespace

void WalkConfig(cJSON* root, const HostFacts& facts, Config* config,
                ConfigProblems* problems) {
  ConfigWalker(config, facts, problems).Walk(root);
}

}  // namespace edgelog
