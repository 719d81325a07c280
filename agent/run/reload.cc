#include "agent/run/reload.h"

#include <set>
#include <tuple>

namespace edgelog {

std::vector<CheckpointedEntry> EntryNames(const std::vector<TailEntry>& entries) {
  std::vector<CheckpointedEntry> names;
  names.reserve(entries.size());
  for (const TailEntry& e : entries) names.push_back({e.pattern, e.key});
  return names;
}

std::map<std::string, std::string> CarriedKeys(const std::vector<CheckpointedEntry>& before,
                                               const std::vector<CheckpointedEntry>& after) {
  std::map<std::string, int> uses;  // how many entries had each key before
  for (const CheckpointedEntry& n : before) ++uses[n.key];
  // file_path → its keys, in config order.
  std::map<std::string, std::vector<std::string>> old_keys, new_keys;
  for (const CheckpointedEntry& n : before) old_keys[n.pattern].push_back(n.key);
  for (const CheckpointedEntry& n : after) new_keys[n.pattern].push_back(n.key);
  std::map<std::string, std::string> carried;
  std::set<std::string> taken;
  for (const auto& [pattern, now] : new_keys) {
    auto was = old_keys.find(pattern);
    if (was == old_keys.end()) continue;
    std::multiset<std::string> kept(now.begin(), now.end());
    std::vector<std::string> gone;  // old keys of this path not kept
    for (const std::string& k : was->second) {
      auto it = kept.find(k);
      if (it != kept.end()) {
        kept.erase(it);
      } else {
        gone.push_back(k);
      }
    }
    std::vector<std::string> came;  // new keys of this path, in order, not kept
    std::multiset<std::string> old_set(was->second.begin(), was->second.end());
    for (const std::string& k : now) {
      auto it = old_set.find(k);
      if (it != old_set.end()) {
        old_set.erase(it);
      } else {
        came.push_back(k);
      }
    }
    for (size_t i = 0; i < gone.size() && i < came.size(); ++i) {
      if (uses[gone[i]] > 1 || carried.count(gone[i]) > 0) continue;
      if (!taken.insert(came[i]).second) continue;
      carried.emplace(gone[i], came[i]);
    }
  }
  return carried;
}

size_t CarryCheckpoints(const std::map<std::string, std::string>& carried,
                        std::vector<Checkpoint>* checkpoints) {
  if (carried.empty()) return 0;
  std::set<std::tuple<uint64_t, uint64_t, std::string>> staying;
  for (const Checkpoint& c : *checkpoints) {
    if (carried.count(c.entry) == 0) staying.emplace(c.id.device, c.id.inode, c.entry);
  }
  size_t moved = 0;
  for (Checkpoint& c : *checkpoints) {
    auto to = carried.find(c.entry);
    if (to == carried.end()) continue;
    if (staying.count(std::make_tuple(c.id.device, c.id.inode, to->second)) > 0) continue;
    c.entry = to->second;
    ++moved;
  }
  return moved;
}

}  // namespace edgelog
