// Tailer: finding files, deciding where to start reading them, and the
// generations rotation left behind between two looks.
#include <algorithm>
#include <set>
#include <tuple>

#include "agent/tail/glob.h"
#include "agent/tail/rotation.h"
#include "agent/tail/tailer.h"
#include "agent/text/regex.h"

namespace edgelog {
namespace {

std::string BaseName(const std::string& path) {
  size_t slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

}  // namespace

bool Tailer::Skipped(uint32_t entry, const std::string& path) const {
  if (IsCompressedName(path)) return true;
  const Regex& blacklist = entries_[entry].blacklist;
  return blacklist && SearchRegex(*blacklist, BaseName(path));
}

bool Tailer::MatchedBy(uint32_t entry, const std::string& path) const {
  return PathMatches(entries_[entry].pattern, path) && !Skipped(entry, path);
}

bool Tailer::Wanted(uint32_t entry, const std::string& path) const {
  return entries_[entry].matches == MatchPolicy::kEveryMatch || newest_[entry] == path ||
         followed_names_.count({entry, path}) > 0;
}

void Tailer::FollowName(uint32_t entry, const std::string& path) {
  if (entries_[entry].matches != MatchPolicy::kNewestMatch) return;
  if (!followed_names_.insert({entry, path}).second) return;
  followed_order_.emplace_back(entry, path);
  if (followed_order_.size() > kFollowedNamesKept) {
    followed_names_.erase(followed_order_.front());
    followed_order_.pop_front();
  }
}

void Tailer::ChooseNewest(uint32_t entry, const std::vector<Match>& matches) {
  // Candidates: the matches not named like a rotated generation of another
  // (NAME.1 of NAME): a generation is read as one, before its file, by
  // rotation tracking, and never supersedes it (a copytruncate copy is
  // newer than its original for a moment).
  std::set<std::string> paths;
  for (const Match& m : matches) {
    if (m.entry == entry) paths.insert(m.path);
  }
  // Named as rotation names generations (numbered or dated, as
  // LooksRotated): worker.log is not one of worker, worker.1 is.
  auto generation = [&](const std::string& path) {
    size_t slash = path.rfind('/');
    for (size_t i = slash + 2; i < path.size(); ++i) {
      if ((path[i] == '.' || path[i] == '-') && paths.count(path.substr(0, i)) > 0 &&
          LooksRotated(path, path.substr(0, i))) {
        return true;
      }
    }
    return false;
  };
  const Match* newest = nullptr;
  for (const Match& m : matches) {
    if (m.entry != entry || generation(m.path)) continue;
    if (newest == nullptr || std::tie(m.info.mtime_ns, m.path) >
                                 std::tie(newest->info.mtime_ns, newest->path)) {
      newest = &m;
    }
  }
  std::string chosen = newest == nullptr ? "" : newest->path;
  if (chosen != newest_[entry] && !chosen.empty() && !newest_[entry].empty()) {
    log_.Info(chosen + " is now the newest file of " + entries_[entry].pattern + "; " +
              newest_[entry] + " is read to its end first, then followed closed while idle");
  }
  newest_[entry] = std::move(chosen);
}

void Tailer::FinishCheckpointedOlderMatches(const std::vector<Match>& matches) {
  // Files with a checkpoint were followed before the restart: followed on.
  // Those with lines beyond it (written while edgelog was stopped) are
  // finished, oldest first, before the newest; the others are followed
  // from their checkpoint by the look that follows.
  for (const Match& m : matches) {
    if (Wanted(m.entry, m.path) || FindOpen(m.entry, m.info.id) != nullptr) continue;
    const Checkpoint* c = CheckpointOf(m.entry, m.info.id);
    if (c == nullptr) continue;
    FollowName(m.entry, m.path);
    if (c->offset >= m.info.size) continue;
    log_.Info(m.path + " has lines beyond its checkpoint, but " + newest_[m.entry] +
              " is the newest file of " + entries_[m.entry].pattern + ": finishing " + m.path +
              " first");
    Follow(m.entry, m.path, m.info, std::nullopt, RankByLastWrite(m.entry, m.info.mtime_ns));
  }
}

void Tailer::Discover() {
  ++pass_;
  const bool first = !recovered_;
  if (!recovered_) {
    recovered_ = true;
    RecoverRotatedWhileStopped();
  }
  // A file matched by two entries is read for each, unless both send to the
  // same log stream (one group): then once (FindOpen, Known look by group).
  std::vector<Match> matches;
  std::set<uint32_t> cut_short;  // entries whose walk stopped at a limit
  for (uint32_t entry = 0; entry < entries_.size(); ++entry) {
    GlobExpansion expansion = ExpandGlob(env_, entries_[entry].pattern);
    if (expansion.truncated) cut_short.insert(group_[entry]);
    if (expansion.truncated && warned_glob_.insert(entry).second) {
      log_.Warning("file_path " + entries_[entry].pattern + " reaches more than " +
                   std::to_string(kMaxGlobDirectoriesListed) + " directories, or deeper than " +
                   std::to_string(kMaxGlobDepth) + " below '**': the search stops there, and "
                   "files beyond it are not followed");
    }
    for (const std::string& path : expansion.paths) {
      if (Skipped(entry, path)) continue;
      auto info = env_.Stat(path);
      if (!info.ok()) continue;  // gone meanwhile
      if (options_.follow_links_anywhere || LinkAllowed(entry, path, *info)) {
        matches.push_back({entry, path, *info});
      }
    }
  }
  const std::vector<std::string> was_newest = newest_;
  for (uint32_t entry = 0; entry < entries_.size(); ++entry) {
    if (entries_[entry].matches == MatchPolicy::kNewestMatch) ChooseNewest(entry, matches);
  }
  if (first) FinishCheckpointedOlderMatches(matches);
  // First what became of the files being read: renamed within the pattern,
  // no longer matched, or no longer the newest match. Either way an older
  // generation now, finished before anything that takes its place.
  // (A walk cut short proves nothing about the files it did not reach.)
  for (auto& source : open_) {
    source->set_unmatched(cut_short.count(group_[source->entry()]) == 0);
  }
  for (const Match& m : matches) {
    FileSource* source = FindOpen(m.entry, m.info.id);
    if (source == nullptr) continue;
    // A file followed under its own name stays followed, newest or not
    // (its older generations, renamed, are finished and let go).
    bool own_name = source->path() == m.path && info_[source->id()].live_path == m.path;
    // Renamed within the pattern: followed under its new name as well.
    if (source->path() != m.path) FollowName(m.entry, m.path);
    if (Wanted(m.entry, m.path) || own_name) source->set_unmatched(false);
    if (source->path() == m.path) continue;
    log_.Info(source->path() + " was renamed to " + m.path);
    source->set_path(m.path);
    info_[source->id()].path = m.path;
    if (source->role() == SourceRole::kLive) source->MarkRotated(next_rank_++);
  }
  for (auto& source : open_) {
    // No longer the newest match: finished before the newest, as a
    // rotated file, then followed on (closed while idle).
    const uint32_t entry = source->entry();
    bool superseded = entries_[entry].matches == MatchPolicy::kNewestMatch &&
                      source->path() == was_newest[entry] &&
                      source->path() != newest_[entry];
    if ((source->unmatched() || superseded) && source->role() == SourceRole::kLive) {
      source->MarkRotated(next_rank_++);
    }
  }
  // Closed files renamed meanwhile: older generations too.
  WakeMovedDormant(matches);
  // Then the files not followed yet, those with a checkpoint first: a file
  // repeating another is known as a copy only once that one is followed.
  std::stable_partition(matches.begin(), matches.end(), [&](const Match& m) {
    return CheckpointOf(m.entry, m.info.id) != nullptr;
  });
  for (const Match& m : matches) {
    // Followed closed (not the newest, idle): woken if it changed.
    bool dormant = dormant_.count(SourceKey{group_[m.entry], m.info.id.device,
                                            m.info.id.inode}) > 0;
    if (Wanted(m.entry, m.path) || dormant) Consider(m, nullptr);
  }
}

void Tailer::WakeMovedDormant(const std::vector<Match>& matches) {
  // Closed files renamed within the pattern that grew are older generations
  // now: woken first, even past the cap.
  for (auto& d : dormant_) d.second.seen = false;
  for (const Match& m : matches) {
    auto d = dormant_.find(SourceKey{group_[m.entry], m.info.id.device, m.info.id.inode});
    if (d == dormant_.end()) continue;
    d->second.seen = true;
    if (info_[d->second.id].path != m.path && m.info.size > d->second.state.offset) {
      MakeRoom(nullptr);
      Wake(d, m.entry, m.path, m.info, next_rank_++);
    }
  }
  // Closed files no pattern leads to any more: renamed away (finished like
  // any rotated file, before what took their place) or gone.
  for (auto it = dormant_.begin(); it != dormant_.end();) {
    auto next = std::next(it);
    if (!it->second.seen) {
      const SourceInfo& old = info_[it->second.id];
      bool found = false;
      for (const Sibling& s : RotatedSiblings(env_, old.path)) {
        if (s.info.id != old.file_id) continue;
        found = true;
        if (s.info.size > it->second.state.offset) {
          uint32_t entry = old.entry;
          MakeRoom(nullptr);
          Wake(it, entry, s.path, s.info, next_rank_++);
        }
        break;
      }
      if (!found) {
        info_[it->second.id].dormant = false;
        dormant_.erase(it);
      }
    }
    it = next;
  }
}

void Tailer::Consider(const Match& m, RecordSink* sink) {
  if (FindOpen(m.entry, m.info.id) != nullptr) return;
  auto dormant = dormant_.find(SourceKey{group_[m.entry], m.info.id.device, m.info.id.inode});
  if (dormant != dormant_.end()) {
    if (m.info.size == dormant->second.state.offset) return;  // nothing new
    // Renamed within the pattern while closed: an older generation now.
    bool renamed = info_[dormant->second.id].path != m.path;
    if (MakeRoom(sink)) {
      Wake(dormant, m.entry, m.path, m.info,
           renamed ? std::optional<uint64_t>(next_rank_++) : std::nullopt);
    } else {
      Wait(m.entry, m.path);
    }
    return;
  }
  bool held = std::any_of(held_.begin(), held_.end(), [&](const HeldCopy& h) {
    return SameGroup(h.entry, m.entry) && h.id == m.info.id;
  });
  if (held) return;  // decided when its original is truncated, or in time
  if (HeldAsACopy(m)) return;  // needs no descriptor of its own
  if (!MakeRoom(sink)) {
    Wait(m.entry, m.path);
    return;
  }
  // A new file took the place of one followed: generations may have come
  // and gone between the two. Looked for once it is followed, so that a
  // copy of it (a copytruncate begun already) is known for one.
  std::optional<int64_t> missed_since;
  auto previous = last_at_path_.find({group_[m.entry], m.path});
  if (previous != last_at_path_.end() && info_[previous->second].file_id != m.info.id) {
    missed_since = info_[previous->second].follow_mtime_ns;
  }
  FileSource* followed = nullptr;
  if (Follow(m.entry, m.path, m.info, std::nullopt, std::nullopt)) {
    last_at_path_[{group_[m.entry], m.path}] = next_source_id_ - 1;
    FollowName(m.entry, m.path);
    followed = open_.back().get();
    if (m.info.size == 0) followed->set_seen_empty();  // a copy just begun, maybe
  }
  if (missed_since) FollowMissedGenerations(m.entry, m.path, *missed_since, followed);
}

void Tailer::Wake(std::map<SourceKey, Dormant>::iterator dormant, uint32_t entry,
                  const std::string& path, const FileInfo& info,
                  std::optional<uint64_t> rotated_rank) {
  const ReadState state = dormant->second.state;
  const uint32_t id = dormant->second.id;
  const std::string live_path = info_[id].live_path;
  auto file = env_.OpenReadable(path);
  if (!file.ok()) {
    if (file.status().code() == Code::kUnavailable) {  // stays dormant
      Wait(entry, path);
      refused_at_ms_ = last_now_.mono_ms;
    }
    return;
  }
  // Still what was read? It may have been truncated (and written again
  // past the offset), or be a new file on the same inode.
  // (Nothing read of it, not even its first bytes: read from the start
  // either way, no rewrite to report.)
  bool same = (state.offset == 0 && state.head.length == 0) ||
              HoldsReadContent(**file, info.size, state);
  info_[id].dormant = false;
  dormant_.erase(dormant);
  if (!same) {
    // A new file on an inode number the file system gave again (a closed
    // generation deleted, a copytruncate copy made): a copy of a file
    // followed is held as any new copy is, never read again from its start.
    if (auto original = OriginalOf(entry, path, info.id, **file, info.size)) {
      held_.push_back(HeldCopy{entry, info.id, path, *original});
      log_.Info(path + " is a new file repeating the start of " + info_[*original].path +
                "; waiting to see whether that is truncated (copytruncate)");
      return;
    }
  }
  file->reset();
  if (same) {
    if (Follow(entry, path, info, state.offset, rotated_rank, live_path)) {
      uint32_t woken = next_source_id_ - 1;
      for (HeldCopy& h : held_) {
        if (h.original == id) h.original = woken;  // its copies, compared again
      }
    }
    return;
  }
  // Rewritten while closed: what was written before that, after the
  // offset, is in a copy if anywhere (copytruncate).
  for (const Sibling& s : RotatedSiblings(env_, path)) {
    if (KnownContent(entry, s.path, s.info)) continue;
    auto copy = env_.OpenReadable(s.path);
    if (!copy.ok() || !HoldsReadContent(**copy, s.info.size, state)) continue;
    log_.Info(s.path + " holds what " + path + " had before it was truncated; reading it from " +
              "offset " + std::to_string(state.offset));
    if (Follow(entry, s.path, s.info, state.offset, next_rank_++, live_path)) {
      open_.back()->set_unmatched(!MatchedBy(entry, s.path));
    }
    break;
  }
  log_.Warning(path + " was truncated or rewritten while closed; reading it from the start");
  Follow(entry, path, info, 0, rotated_rank, live_path);
}

bool Tailer::HeldAsACopy(const Match& m) {
  if (m.info.size == 0 || CheckpointOf(m.entry, m.info.id) != nullptr) return false;
  auto file = env_.OpenReadable(m.path);
  if (!file.ok()) return false;
  auto original = OriginalOf(m.entry, m.path, m.info.id, **file, m.info.size);
  if (!original) return false;
  held_.push_back(HeldCopy{m.entry, m.info.id, m.path, *original});
  log_.Info(m.path + " repeats the start of " + info_[*original].path +
            "; waiting to see whether that is truncated (copytruncate)");
  return true;
}

bool Tailer::KnownContent(uint32_t entry, const std::string& path, const FileInfo& info) {
  if (FileSource* open = FindOpen(entry, info.id)) {
    auto rewritten = open->Rewritten();  // written over in place since
    return !rewritten.ok() || !*rewritten;
  }
  // Read and closed: known while the file still holds what was read (an
  // inode reused for a new file, or a copy written over an older one, is
  // new content).
  const ReadState* read = nullptr;
  for (auto it = info_.rbegin(); it != info_.rend() && read == nullptr; ++it) {
    const SourceInfo& s = it->second;
    if (SameGroup(s.entry, entry) && s.file_id == info.id) read = &s.state;
  }
  if (read == nullptr) read = ForgottenReadOf(entry, info.id);
  if (read == nullptr) return false;
  if (read->offset == 0 && read->head.length == 0) return false;  // nothing seen of it
  auto file = env_.OpenReadable(path);
  if (!file.ok()) return true;
  return HoldsReadContent(**file, info.size, *read);
}

bool Tailer::FollowMissedGenerations(uint32_t entry, const std::string& path,
                                     int64_t since_mtime_ns, FileSource* live) {
  bool closed = false;
  // A new file took the place of one being read. Rotated siblings written
  // since that one was first seen, and never seen themselves, are
  // generations that came and went between two looks: read them first.
  // A file renamed away itself since (a create rotation): generations
  // written after its last write are newer than it, not missed ones.
  int64_t until_mtime_ns = INT64_MAX;
  if (live != nullptr) {
    auto at_path = env_.Stat(path);
    auto now = live->Stat();
    if ((!at_path.ok() || at_path->id != live->file_id()) && now.ok()) {
      until_mtime_ns = now->mtime_ns;
    }
  }
  for (const Sibling& s : RotatedSiblings(env_, path)) {
    if (s.info.mtime_ns <= since_mtime_ns || s.info.mtime_ns > until_mtime_ns ||
        !LooksRotated(s.path, path)) {
      continue;
    }
    FileSource* open = FindOpen(entry, s.info.id);
    // (Once a generation, read to its end and live again, it is not taken
    // for one again: a file still written under that name would make the
    // live file wait on it for ever.)
    if (open != nullptr && open != live && open->role() == SourceRole::kLive &&
        open->rank() == 0 && open->read_offset() < s.info.size) {
      // Found by the pattern as a file of its own (perhaps read in part
      // already): as much a generation, and just as much to be read to its
      // end first; unless a copy being made, held as one if nothing of it
      // was read. (A file that started over may repeat a generation copied
      // away before: a copy is then one written after the file's last
      // change, its truncation still to come.)
      if (live != nullptr && s.info.size > 0 &&
          SamePrefix(open->file(), live->file(), s.info.size)) {
        auto now = live->Stat();
        bool copy = !live->started_over() || (now.ok() && s.info.mtime_ns >= now->mtime_ns);
        if (copy && open->read_offset() == 0) {
          HoldOpenAsCopy(*open, live->id());
          closed = true;
          continue;
        }
        if (copy) continue;  // read some already: the truncation settles it
      }
      log_.Info(s.path + " is a generation of " + path + " not read yet; reading it first");
      open->MarkRotated(RankByLastWrite(entry, s.info.mtime_ns));
      info_[open->id()].live_path = path;  // finished once the live file has more
      continue;
    }
    // Open already: its reading takes what it holds, written over since or
    // not (a truncation is found by that reading, not by a second one).
    if (open != nullptr || KnownContent(entry, s.path, s.info)) continue;
    bool held = std::any_of(held_.begin(), held_.end(), [&](const HeldCopy& h) {
      return SameGroup(h.entry, entry) && h.id == s.info.id;
    });
    if (held) continue;  // a copy: decided when its original's truncation is read
    auto file = env_.OpenReadable(s.path);
    if (!file.ok()) continue;
    if (live != nullptr && s.info.size > 0 && SamePrefix(**file, live->file(), s.info.size)) {
      // It repeats the file's start: a copy still being made (or made,
      // its truncation to come), not a generation. Held like any copy.
      held_.push_back(HeldCopy{entry, s.info.id, s.path, live->id()});
      continue;
    }
    uint64_t offset = 0;  // unless it copies content already read
    bool copy_of_open = false;
    for (const auto& [known_id, known] : info_) {
      if (SameGroup(known.entry, entry) && HoldsReadContent(**file, s.info.size, known.state)) {
        offset = std::max(offset, known.state.offset);
        copy_of_open = copy_of_open || (known.open && known.state.offset > 0);
      }
    }
    for (const ForgottenRead& known : forgotten_) {
      if (SameGroup(known.entry, entry) && HoldsReadContent(**file, s.info.size, known.state)) {
        offset = std::max(offset, known.state.offset);
      }
    }
    // A copy of a file still open: that file's reading finds its truncation
    // and takes the rest from the copy, with the line it cut.
    if (copy_of_open || offset >= s.info.size) continue;
    log_.Info(s.path + " is a generation of " + path + " not read yet; reading it first");
    if (Follow(entry, s.path, s.info, offset, RankByLastWrite(entry, s.info.mtime_ns), path)) {
      open_.back()->set_unmatched(!MatchedBy(entry, s.path));
    }
  }
  return closed;
}

}  // namespace edgelog
