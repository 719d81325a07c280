#include "agent/journal/cursor_store.h"

#include <cjson/cJSON.h>

#include <algorithm>
#include <cstdint>
#include <memory>
#include <optional>
#include <set>
#include <utility>
#include <vector>

#include "agent/io/file_util.h"
#include "agent/text/json_escape.h"

namespace edgelog {
namespace {

constexpr int kFormatVersion = 2;
constexpr size_t kMaxCursorFileBytes = 16 << 20;
// The third line of a key: the selection's digest (version 2), or, in
// version 1, the entry's rank, digits only.
constexpr char kSelectionPrefix[] = "sel=";
// No priority reads what "info" does (JournalctlArgs' default): level 6.
constexpr char kDefaultPriorityLevel[] = "6";

struct JsonDeleter {
  void operator()(cJSON* j) const { cJSON_Delete(j); }
};

// journalctl's own spelling of a unit: "sshd" is "sshd.service" (a name
// with no type and no glob character gets ".service").
std::string UnitName(const std::string& unit) {
  if (unit.find_first_of(".*?[") != std::string::npos) return unit;
  return unit + ".service";
}

// What entry `e` reads, written out so that equal selections are equal
// text: units and matches sorted and without repeats, a match's fields
// sorted, filters sorted (any exclude drops, any include keeps: their
// order does not matter). Each value is length-prefixed, so none can pass
// for another.
std::string SelectionText(const JournalEntry& e) {
  std::string out;
  auto add = [&](const std::string& v) { out += std::to_string(v.size()) + ":" + v; };
  std::set<std::string> units;
  for (const std::string& u : e.units) units.insert(UnitName(u));
  out += "units" + std::to_string(units.size()) + ";";
  for (const std::string& u : units) add(u);
  out += "priority;";
  add(e.priority.empty() ? kDefaultPriorityLevel : e.priority);
  std::set<std::vector<std::pair<std::string, std::string>>> matches;
  for (auto m : e.matches) {
    std::sort(m.begin(), m.end());
    m.erase(std::unique(m.begin(), m.end()), m.end());
    matches.insert(std::move(m));
  }
  out += "matches" + std::to_string(matches.size()) + ";";
  for (const auto& m : matches) {
    out += std::to_string(m.size()) + ";";
    for (const auto& [field, value] : m) {
      add(field);
      add(value);
    }
  }
  std::set<std::pair<std::string, std::string>> filters;
  for (const FileFilter& f : e.filters) filters.insert({f.type, f.expression});
  out += "filters" + std::to_string(filters.size()) + ";";
  for (const auto& [type, expression] : filters) {
    add(type);
    add(expression);
  }
  return out;
}

// FNV-1a, 64 bits: stable across builds and machines, which is all a key
// needs (two selections of one destination colliding is the only risk).
std::string Digest(const std::string& text) {
  uint64_t h = 1469598103934665603ULL;
  for (unsigned char c : text) {
    h ^= c;
    h *= 1099511628211ULL;
  }
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out(16, '0');
  for (int i = 15; i >= 0; --i, h >>= 4) out[static_cast<size_t>(i)] = kHex[h & 0xF];
  return out;
}

std::string Selection(const JournalEntry& e) {
  return kSelectionPrefix + Digest(SelectionText(e));
}

// A version-1 key: group, stream, rank.
struct OldKey {
  std::string group;
  std::string stream;
  size_t rank = 0;
};

std::optional<OldKey> ParseOldKey(const std::string& key) {
  size_t a = key.find('\n');
  size_t b = a == std::string::npos ? a : key.find('\n', a + 1);
  if (b == std::string::npos || b + 1 >= key.size()) return std::nullopt;
  std::string rank = key.substr(b + 1);
  if (rank.size() > 9 || rank.find_first_not_of("0123456789") != std::string::npos) {
    return std::nullopt;
  }
  return OldKey{key.substr(0, a), key.substr(a + 1, b - a - 1),
                static_cast<size_t>(std::stoul(rank))};
}

}  // namespace

std::string JournalKey(const Config& config, size_t index) {
  const JournalEntry& e = config.journals[index];
  const std::string selection = Selection(e);
  size_t rank = 0;  // among identical entries: any order of them is the same
  for (size_t i = 0; i < index; ++i) {
    const JournalEntry& o = config.journals[i];
    if (o.log_group_name == e.log_group_name && o.log_stream_name == e.log_stream_name &&
        Selection(o) == selection) {
      ++rank;
    }
  }
  // Group names cannot hold a newline, so the key reads back unambiguously.
  return e.log_group_name + "\n" + e.log_stream_name + "\n" + selection +
         (rank == 0 ? "" : "/" + std::to_string(rank));
}

JournalCursors MigrateJournalCursors(const Config& config, JournalCursors loaded,
                                     std::vector<std::string>* notes) {
  JournalCursors out;
  std::map<std::pair<std::string, std::string>, std::vector<std::pair<size_t, std::string>>> old;
  for (auto& [key, cursor] : loaded) {
    std::optional<OldKey> k = ParseOldKey(key);
    if (!k) {
      out.emplace(key, std::move(cursor));
      continue;
    }
    old[{k->group, k->stream}].push_back({k->rank, std::move(cursor)});
  }
  for (auto& [destination, cursors] : old) {
    std::vector<size_t> now;  // entries sending there now
    for (size_t i = 0; i < config.journals.size(); ++i) {
      const JournalEntry& e = config.journals[i];
      if (e.log_group_name == destination.first && e.log_stream_name == destination.second) {
        now.push_back(i);
      }
    }
    if (now.empty()) continue;  // no entry sends there any more: nothing to carry
    if (now.size() == 1 && cursors.size() == 1 && cursors[0].first == 0) {
      // A cursor under the new key (saved since) is newer: it stays.
      out.emplace(JournalKey(config, now[0]), std::move(cursors[0].second));
      continue;
    }
    notes->push_back("journal_cursors.json from an older edgelog has " +
                     std::to_string(cursors.size()) + " cursor(s) of entries sending to " +
                     destination.first + " / " + destination.second + ", where " +
                     std::to_string(now.size()) +
                     " entries send now: which is whose cannot be told, so those entries start "
                     "as at a first start (the most recent entries, then new ones)");
  }
  return out;
}

StatusOr<JournalCursors> LoadJournalCursors(Env& env, const std::string& path) {
  auto text = ReadWholeFile(env, path, kMaxCursorFileBytes);
  if (!text.ok()) {
    if (text.status().code() == Code::kNotFound) return JournalCursors{};
    return text.status();
  }
  std::unique_ptr<cJSON, JsonDeleter> root(cJSON_ParseWithLength(text->data(), text->size()));
  const cJSON* list = root ? cJSON_GetObjectItemCaseSensitive(root.get(), "journals") : nullptr;
  if (!cJSON_IsArray(list)) {
    return Status::Corruption(path + ": not a journal cursor file (no \"journals\" array)");
  }
  JournalCursors out;
  for (const cJSON* item = list->child; item != nullptr; item = item->next) {
    const cJSON* key = cJSON_GetObjectItemCaseSensitive(item, "entry");
    const cJSON* cursor = cJSON_GetObjectItemCaseSensitive(item, "cursor");
    if (!cJSON_IsString(key) || !cJSON_IsString(cursor)) {
      return Status::Corruption(path + ": an element of \"journals\" lacks \"entry\" or "
                                       "\"cursor\" strings");
    }
    out[key->valuestring] = cursor->valuestring;
  }
  return out;
}

Status SaveJournalCursors(Env& env, const std::string& path, const JournalCursors& cursors) {
  std::string out = "{\"version\":" + std::to_string(kFormatVersion) + ",\"journals\":[";
  bool first = true;
  for (const auto& [key, cursor] : cursors) {
    out += first ? "\n{\"entry\":" : ",\n{\"entry\":";
    first = false;
    AppendJsonString(key, &out);
    out += ",\"cursor\":";
    AppendJsonString(cursor, &out);
    out += "}";
  }
  out += "\n]}\n";
  return WriteFileAtomically(env, path, out);
}

}  // namespace edgelog
