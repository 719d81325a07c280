#include "agent/run/reload.h"

#include <set>

#include "agent/io/file_util.h"
#include "agent/tail/checkpoint_store.h"

namespace edgelog {
namespace {

// pattern → key, for the patterns held by one entry only.
std::map<std::string, std::string> KeysOfLonePatterns(const std::vector<EntryName>& names) {
  std::map<std::string, std::string> lone;
  std::set<std::string> repeated;
  for (const EntryName& n : names) {
    if (!lone.emplace(n.pattern, n.key).second) repeated.insert(n.pattern);
  }
  for (const std::string& p : repeated) lone.erase(p);
  return lone;
}

}  // namespace

std::vector<EntryName> EntryNames(const std::vector<TailEntry>& entries) {
  std::vector<EntryName> names;
  names.reserve(entries.size());
  for (const TailEntry& e : entries) names.push_back({e.pattern, e.key});
  return names;
}

std::map<std::string, std::string> CarriedKeys(const std::vector<EntryName>& before,
                                               const std::vector<EntryName>& after) {
  std::set<std::string> old_keys;
  for (const EntryName& n : before) old_keys.insert(n.key);
  std::map<std::string, std::string> old_by_pattern = KeysOfLonePatterns(before);
  std::map<std::string, std::string> carried;
  std::set<std::string> taken;  // two old keys must not merge into one
  for (const auto& [pattern, key] : KeysOfLonePatterns(after)) {
    auto old = old_by_pattern.find(pattern);
    if (old == old_by_pattern.end() || old->second == key) continue;
    if (old_keys.count(key) > 0 || !taken.insert(key).second) continue;
    carried.emplace(old->second, key);
  }
  return carried;
}

StatusOr<size_t> CarryCheckpoints(Env& env, const std::string& state_dir,
                                  const std::map<std::string, std::string>& carried) {
  if (carried.empty()) return size_t{0};
  std::string path = JoinPath(state_dir, "checkpoints.json");
  auto checkpoints = LoadCheckpoints(env, path);
  if (!checkpoints.ok()) return checkpoints.status();
  size_t moved = 0;
  for (Checkpoint& c : *checkpoints) {
    auto to = carried.find(c.entry);
    if (to == carried.end()) continue;
    c.entry = to->second;
    ++moved;
  }
  if (moved == 0) return moved;
  EDGELOG_RETURN_IF_ERROR(SaveCheckpoints(env, path, *checkpoints));
  return moved;
}

}  // namespace edgelog
