#include "agent/run/auto_removal.h"

#include <algorithm>

#include "agent/tail/rotation.h"
#include "agent/text/glob_match.h"

namespace edgelog {

AutoRemoval::AutoRemoval(Env& env, Logger& log, std::vector<Entry> entries)
    : env_(env), log_(log), entries_(std::move(entries)) {
  active_ = std::any_of(entries_.begin(), entries_.end(),
                        [](const Entry& e) { return e.auto_removal; });
}

std::vector<std::string> AutoRemoval::Run(const std::vector<Source>& sources,
                                          int64_t now_mono_ms) {
  std::vector<std::string> removed;
  if (!active_) return removed;
  std::map<std::string, FileInfo> stats;  // every followed path, as it is now
  for (const Source& s : sources) {
    if (stats.count(s.path) > 0) continue;
    auto info = env_.Stat(s.path);
    if (info.ok()) stats.emplace(s.path, *info);
  }
  std::set<Key> watched;  // candidates still: their quiet time goes on
  for (const Source& s : sources) {
    if (s.entry >= entries_.size() || !entries_[s.entry].auto_removal) continue;
    auto it = stats.find(s.path);
    if (it == stats.end() || it->second.id != s.id) continue;  // gone, or another file there
    Key key{s.id.device, s.id.inode};
    if (watched.count(key) > 0) continue;  // judged already (read for two entries)
    watched.insert(key);
    if (!MayGo(s, it->second, sources, stats, now_mono_ms)) continue;
    // By the file judged, not by name: a rotation or a swapped directory
    // since the Stat above must not make another file go in its stead.
    Status st = env_.RemoveIfSame(s.path, s.id);
    if (st.code() == Code::kFailedPrecondition) continue;  // another file there now: judged anew
    if (!st.ok() && st.code() != Code::kNotFound) {
      if (warned_.insert(s.path).second) {
        log_.Warning("auto_removal: cannot delete " + s.path + ": " + st.ToString() +
                     "; will try again");
      }
      continue;
    }
    log_.Info("auto_removal: deleted " + s.path +
              ", every line of it delivered and a newer file of its entry followed");
    removed.push_back(s.path);
    seen_.erase(key);
    warned_.erase(s.path);
    stats.erase(it);
  }
  for (auto it = seen_.begin(); it != seen_.end();) {
    it = watched.count(it->first) > 0 ? std::next(it) : seen_.erase(it);
  }
  return removed;
}

bool AutoRemoval::EveryEntryLetsGo(const Source& s, const std::vector<Source>& sources) const {
  for (const Entry& e : entries_) {
    // What a file_path names literally is where an application writes.
    if (s.path == e.file_path) return false;
    if (!PathMatches(e.file_path, s.path)) continue;
    if (!e.auto_removal || !HasGlobCharacters(e.file_path)) return false;
  }
  for (const Source& o : sources) {
    // Another file was written under this name: the application's name.
    if (o.id != s.id && o.live_path == s.path) return false;
  }
  return true;
}

bool AutoRemoval::MayGo(const Source& s, const FileInfo& info,
                        const std::vector<Source>& sources,
                        const std::map<std::string, FileInfo>& stats, int64_t now_mono_ms) {
  // Another name may be the one written to: the inode would live on, but
  // that name is not ours to judge.
  if (info.kind != FileKind::kRegular || info.links != 1) return false;
  // Every entry, not only the one that read it: two entries may share a
  // stream (the file is then read once, for the first).
  if (!EveryEntryLetsGo(s, sources)) return false;
  bool newer = false;
  for (const Source& o : sources) {
    if (o.id == s.id) {
      // Every reader of this file, whatever its entry, is done with it.
      if (o.pending || o.delivered < info.size) return false;
      continue;
    }
    if (o.entry != s.entry) continue;
    auto other = stats.find(o.path);
    if (other != stats.end() && other->second.id == o.id &&
        other->second.mtime_ns > info.mtime_ns) {
      newer = true;
    }
  }
  if (!newer) return false;
  // Unchanged for kQuietMs, as seen by this and earlier runs.
  Key key{s.id.device, s.id.inode};
  auto seen = seen_.find(key);
  if (seen == seen_.end() || seen->second.size != info.size ||
      seen->second.mtime_ns != info.mtime_ns) {
    seen_[key] = Seen{info.size, info.mtime_ns, now_mono_ms};
    return false;
  }
  return now_mono_ms - seen->second.since_ms >= kQuietMs;
}

}  // namespace edgelog
