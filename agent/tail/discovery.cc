// Tailer: finding files, deciding where to start reading them, and finding
// the older generations rotation left behind.
#include <algorithm>

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

std::pair<uint64_t, uint64_t> Key(const FileId& id) { return {id.device, id.inode}; }

}  // namespace

bool Tailer::Skipped(uint32_t entry, const std::string& path) const {
  if (IsCompressedName(path)) return true;
  const Regex& blacklist = entries_[entry].blacklist;
  return blacklist && SearchRegex(*blacklist, BaseName(path));
}

int Tailer::EntryOf(const std::string& path) const {
  for (size_t e = 0; e < entries_.size(); ++e) {
    if (PathMatches(entries_[e].pattern, path)) return static_cast<int>(e);
  }
  return -1;
}

void Tailer::Discover() {
  if (!recovered_) {
    recovered_ = true;
    RecoverRotatedWhileStopped();
  }
  struct Match {
    uint32_t entry;
    std::string path;
    FileInfo info;
  };
  std::vector<Match> matches;
  for (uint32_t entry = 0; entry < entries_.size(); ++entry) {
    GlobExpansion expansion = ExpandGlob(env_, entries_[entry].pattern);
    if (expansion.truncated && warned_glob_.insert(entry).second) {
      log_.Warning("file_path " + entries_[entry].pattern + " reaches more than " +
                   std::to_string(kMaxGlobDirectoriesListed) + " directories, or deeper than " +
                   std::to_string(kMaxGlobDepth) + " below '**': the search stops there, and "
                   "files beyond it are not followed");
    }
    for (const std::string& path : expansion.paths) {
      if (Skipped(entry, path)) continue;
      auto info = env_.Stat(path);
      if (info.ok()) matches.push_back({entry, path, *info});  // else gone meanwhile
    }
  }
  // First what became of the files being read: renamed within the pattern,
  // or no longer matched. Either way an older generation now, finished
  // before anything that takes its place.
  for (auto& source : open_) source->set_unmatched(true);
  for (const Match& m : matches) {
    FileSource* source = FindOpen(m.info.id);
    if (source == nullptr) continue;
    source->set_unmatched(false);
    if (source->path() == m.path) continue;
    log_.Info(source->path() + " was renamed to " + m.path);
    source->set_path(m.path);
    info_[source->id()].path = m.path;
    if (source->role() == SourceRole::kLive) source->MarkRotated(next_rank_++);
  }
  for (auto& source : open_) {
    if (source->unmatched() && source->role() == SourceRole::kLive) {
      source->MarkRotated(next_rank_++);
    }
  }
  // Then the files not followed yet.
  for (auto& d : dormant_) d.second.seen = false;
  for (const Match& m : matches) {
    if (FindOpen(m.info.id) != nullptr) continue;
    auto dormant = dormant_.find(Key(m.info.id));
    if (dormant != dormant_.end()) {
      dormant->second.seen = true;
      if (m.info.size == dormant->second.offset) continue;  // nothing new
      if (MakeRoom()) Wake(dormant, m.entry, m.path, m.info, std::nullopt);
      continue;
    }
    auto held = std::find_if(held_.begin(), held_.end(),
                             [&](const HeldCopy& h) { return h.id == m.info.id; });
    if (held != held_.end()) {
      if (last_now_ms_ - held->since_ms < options_.rotated_quiet_ms) continue;
      // No truncation came: a twin with the same beginning, not a copy.
      held_.erase(held);
      if (MakeRoom()) Follow(m.entry, m.path, m.info, 0, std::nullopt);
      continue;
    }
    if (!MakeRoom()) continue;
    auto previous = last_at_path_.find(m.path);
    if (previous != last_at_path_.end() && info_[previous->second].file_id != m.info.id) {
      FollowMissedGenerations(m.entry, m.path, info_[previous->second]);
    }
    Follow(m.entry, m.path, m.info, std::nullopt, std::nullopt);
    last_at_path_[m.path] = static_cast<uint32_t>(info_.size() - 1);
  }
  // Closed files no pattern leads to any more: renamed away (finish them
  // like any rotated file) or gone.
  for (auto it = dormant_.begin(); it != dormant_.end();) {
    auto next = std::next(it);
    if (!it->second.seen) {
      const SourceInfo& old = info_[it->second.id];
      bool found = false;
      for (const Sibling& s : RotatedSiblings(env_, old.path)) {
        if (s.info.id != old.file_id) continue;
        found = true;
        if (s.info.size > it->second.offset && MakeRoom()) {
          uint32_t entry = old.entry;
          Wake(it, entry, s.path, s.info, next_rank_++);
          open_.back()->set_unmatched(EntryOf(s.path) < 0);
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

void Tailer::Wake(std::map<std::pair<uint64_t, uint64_t>, Dormant>::iterator dormant,
                  uint32_t entry, const std::string& path, const FileInfo& info,
                  std::optional<uint64_t> rotated_rank) {
  uint64_t offset = dormant->second.offset;
  Fingerprint head = dormant->second.head;
  std::string live_path = info_[dormant->second.id].live_path;
  info_[dormant->second.id].dormant = false;
  dormant_.erase(dormant);
  // Still the same file? It may have been truncated, or be a new file on
  // the same inode.
  auto file = env_.OpenReadable(path);
  if (!file.ok()) return;
  auto now = ReadFingerprint(**file, head.length);
  if (offset > info.size || !now.ok() || *now != head) offset = 0;
  Follow(entry, path, info, offset, rotated_rank, live_path);
}

bool Tailer::Known(const FileId& id) const {
  return std::any_of(info_.begin(), info_.end(),
                     [&](const SourceInfo& s) { return s.file_id == id; });
}

void Tailer::FollowMissedGenerations(uint32_t entry, const std::string& path,
                                     const SourceInfo& predecessor) {
  // A new file took the place of one being read. Rotated siblings written
  // since that one was first seen, and never seen themselves, are
  // generations that came and went between two looks: read them first.
  for (const Sibling& s : RotatedSiblings(env_, path)) {
    if (s.info.mtime_ns <= predecessor.follow_mtime_ns || Known(s.info.id)) continue;
    auto file = env_.OpenReadable(s.path);
    if (!file.ok()) continue;
    uint64_t offset = 0;  // unless it copies content already read
    for (const SourceInfo& known : info_) {
      if (HoldsReadContent(**file, s.info.size, known.state)) offset = known.state.offset;
    }
    if (offset >= s.info.size) continue;
    log_.Info(s.path + " is a generation of " + path + " not read yet; reading it first");
    Follow(entry, s.path, s.info, offset, next_rank_++, path);
    open_.back()->set_unmatched(EntryOf(s.path) < 0);
  }
}

bool Tailer::MakeRoom() {
  if (open_.size() < options_.max_open_files) return true;
  // Close the live file idle the longest (read to its end, nothing pending).
  auto candidate = open_.end();
  for (auto it = open_.begin(); it != open_.end(); ++it) {
    const FileSource& s = **it;
    if (s.role() != SourceRole::kLive || !s.at_end() || s.idle_since_ms() < 0 ||
        s.QuietDeadline() || s.line_start_offset() != s.read_offset()) {
      continue;
    }
    if (candidate == open_.end() || s.idle_since_ms() < (*candidate)->idle_since_ms()) {
      candidate = it;
    }
  }
  if (candidate == open_.end()) {
    if (!warned_full_) {
      log_.Warning("edgelog.max_open_files (" + std::to_string(options_.max_open_files) +
                   ") files are open and busy; newer files wait");
      warned_full_ = true;
    }
    return false;
  }
  FileSource& s = **candidate;
  dormant_[Key(s.file_id())] = Dormant{s.id(), s.read_offset(), s.head(), true};
  info_[s.id()].open = false;
  info_[s.id()].dormant = true;
  open_.erase(candidate);
  warned_full_ = false;
  return true;
}

std::optional<uint64_t> Tailer::CheckpointOffset(const std::string& path,
                                                 const FileInfo& info,
                                                 ReadableFile& file) const {
  auto c = std::find_if(checkpoints_.begin(), checkpoints_.end(),
                        [&](const Checkpoint& c) { return c.id == info.id; });
  if (c == checkpoints_.end()) return std::nullopt;
  if (c->offset > info.size) {
    log_.Warning(path + " is shorter than its checkpoint; reading it from the start");
    return 0;
  }
  if (c->head.length > 0) {
    auto head = ReadFingerprint(file, c->head.length);
    if (!head.ok() || *head != c->head) {
      log_.Warning(path + " does not start as the file checkpointed under its inode did "
                          "(a new file on a reused inode); reading it from the start");
      return 0;
    }
  }
  if (c->before.length > 0) {
    std::string bytes(c->before.length, '\0');
    auto n = file.ReadAt(c->offset - bytes.size(), bytes.data(), bytes.size());
    if (!n.ok() || *n != bytes.size() || FingerprintOf(bytes) != c->before) {
      log_.Warning(path + " changed before its checkpoint (rewritten in place); "
                          "reading it from the start");
      return 0;
    }
  }
  return c->offset;
}

FileSource* Tailer::OriginalOf(uint32_t entry, ReadableFile& file, uint64_t size) {
  for (auto& source : open_) {
    if (source->entry() != entry) continue;
    ReadState state{source->read_offset(), source->head(), source->tail()};
    if (HoldsReadContent(file, size, state)) return source.get();
  }
  return nullptr;
}

void Tailer::Follow(uint32_t entry, const std::string& path, const FileInfo& info,
                    std::optional<uint64_t> offset, std::optional<uint64_t> rotated_rank,
                    const std::string& live_path) {
  auto file = env_.OpenReadable(path);
  if (!file.ok()) {
    log_.Warning("cannot read " + path + ": " + file.status().message());
    return;
  }
  auto charset = Charset::Find(entries_[entry].encoding);
  if (!charset.ok()) {
    log_.Error(charset.status().message());
    return;
  }
  if (!offset) offset = CheckpointOffset(path, info, **file);
  std::optional<uint32_t> copy_of;
  if (!offset && !rotated_rank) {
    // A file holding what an open file of this entry had been read of: a
    // copy (copytruncate), to be read from where that file's reading got
    // to once it is truncated. Until then, or until it is clear that no
    // truncation follows (a twin), it waits.
    if (FileSource* original = OriginalOf(entry, **file, info.size)) {
      auto truncated = original->Truncated();
      if (!truncated.ok() || !*truncated) {
        if (std::none_of(held_.begin(), held_.end(),
                         [&](const HeldCopy& h) { return h.id == info.id; })) {
          held_.push_back(HeldCopy{info.id, last_now_ms_});
        }
        return;
      }
      offset = original->line_start_offset();
      copy_of = original->id();
      rotated_rank = next_rank_++;
      log_.Info(path + " is a copy of " + original->path() + " made before it was "
                "truncated; reading it from offset " + std::to_string(*offset));
    }
  }
  uint32_t id = static_cast<uint32_t>(info_.size());
  SourceSetup setup;
  setup.id = id;
  setup.entry = entry;
  setup.path = path;
  setup.file_id = info.id;
  setup.file = std::move(*file);
  setup.offset = offset.value_or(0);
  setup.rules = entries_[entry].rules;
  auto source = std::make_unique<FileSource>(std::move(setup), std::move(*charset));
  if (rotated_rank) source->MarkRotated(*rotated_rank);
  if (copy_of) source->set_copy_of(*copy_of);
  held_.erase(std::remove_if(held_.begin(), held_.end(),
                             [&](const HeldCopy& h) { return h.id == info.id; }),
              held_.end());
  SourceInfo source_info;
  source_info.entry = entry;
  source_info.path = path;
  source_info.live_path = live_path.empty() ? path : live_path;
  source_info.file_id = info.id;
  source_info.start_offset = source->read_offset();
  source_info.head = source->head();
  source_info.state = ReadState{source->read_offset(), source->head(), source->tail()};
  source_info.follow_mtime_ns = info.mtime_ns;
  source_info.open = true;
  info_.push_back(std::move(source_info));
  log_.Info("following " + path +
            (source->read_offset() > 0 ? " from offset " + std::to_string(source->read_offset())
                                       : std::string(" from the start")));
  open_.push_back(std::move(source));
}

bool Tailer::FollowRotatedCopy(FileSource& truncated) {
  ReadState state{truncated.read_offset(), truncated.head(), truncated.tail()};
  for (const auto& source : open_) {
    if (source->copy_of() == static_cast<int64_t>(truncated.id())) return true;
  }
  for (const Sibling& s : RotatedSiblings(env_, truncated.path())) {
    if (FindOpen(s.info.id) != nullptr) continue;  // followed already
    auto file = env_.OpenReadable(s.path);
    if (!file.ok() || !HoldsReadContent(**file, s.info.size, state)) continue;
    uint64_t from = truncated.line_start_offset();
    log_.Info(s.path + " holds what " + truncated.path() + " had before it was truncated; "
              "reading its last " + std::to_string(s.info.size - from) + " bytes");
    Follow(truncated.entry(), s.path, s.info, from, next_rank_++,
           info_[truncated.id()].live_path);
    open_.back()->set_unmatched(EntryOf(s.path) < 0);
    open_.back()->set_copy_of(truncated.id());
    return true;
  }
  return false;
}

void Tailer::RecoverRotatedWhileStopped() {
  for (const Checkpoint& c : checkpoints_) {
    if (c.path.empty()) continue;
    auto at_path = env_.Stat(c.path);
    if (at_path.ok() && at_path->id == c.id) continue;  // not rotated
    int entry = EntryOf(c.path);
    if (entry < 0) continue;
    // The checkpointed file under a rotated name, then the generations
    // written after it, oldest first.
    std::vector<Sibling> siblings = RotatedSiblings(env_, c.path);
    auto found = std::find_if(siblings.begin(), siblings.end(),
                              [&](const Sibling& s) { return s.info.id == c.id; });
    if (found == siblings.end()) continue;
    // Only the newest generation checkpointed for this path leads: the ones
    // after it were written while edgelog was stopped. Older checkpointed
    // generations were finished before the stop.
    bool newer_checkpointed = std::any_of(found + 1, siblings.end(), [&](const Sibling& s) {
      return std::any_of(checkpoints_.begin(), checkpoints_.end(),
                         [&](const Checkpoint& k) { return k.id == s.info.id; });
    });
    if (newer_checkpointed) continue;
    auto file = env_.OpenReadable(found->path);
    if (!file.ok() || !CheckpointOffset(found->path, found->info, **file)) continue;
    log_.Info(c.path + " was rotated while edgelog was stopped; finishing " + found->path +
              " first");
    for (auto it = found; it != siblings.end(); ++it) {
      if (FindOpen(it->info.id) != nullptr) continue;
      // A newer generation with a checkpoint of its own resumes there (it
      // was read before the stop, as a copy or as the live file); one
      // never seen is read whole.
      bool seen = std::any_of(checkpoints_.begin(), checkpoints_.end(),
                              [&](const Checkpoint& k) { return k.id == it->info.id; });
      std::optional<uint64_t> offset;
      if (it != found && !seen) offset = 0;
      Follow(static_cast<uint32_t>(entry), it->path, it->info, offset, next_rank_++, c.path);
      open_.back()->set_unmatched(EntryOf(it->path) < 0);
    }
  }
}

}  // namespace edgelog
