// Tailer: copytruncate. A copy of a live file is made (NAME.1, NAME-DATE,
// or any new file of the pattern), then the file is truncated and written
// again from its start. What the copy holds beyond what was read of the
// file is read from the copy, once; what it holds of what was read, never.
#include <algorithm>

#include "agent/io/file_util.h"
#include "agent/tail/rotation.h"
#include "agent/tail/tailer.h"

namespace edgelog {

namespace {

bool WrittenSinceLastChange(ReadableFile& copy, FileSource& original) {
  auto copied = copy.Stat();
  auto now = original.Stat();
  return copied.ok() && now.ok() && copied->mtime_ns >= now->mtime_ns;
}

}  // namespace

std::optional<uint32_t> Tailer::OriginalOf(uint32_t entry, const std::string& path,
                                           const FileId& id, ReadableFile& file, uint64_t size) {
  if (size == 0) return std::nullopt;  // nothing to compare yet
  for (auto& source : open_) {
    // Only a live file is truncated by copytruncate; a renamed one is not.
    if (!SameGroup(source->entry(), entry) || source->file_id() == id ||
        source->role() != SourceRole::kLive) {
      continue;
    }
    if (source->head().length == 0) {
      // Followed while empty and not read since: nothing of it is known but
      // its bytes as they are now. A file named as its generations are,
      // repeating them, is its copy being made. (After a start over, a
      // generation copied away before may start as the new one does: a
      // copy is then one written since the file's last change.)
      if (LooksRotated(path, source->path()) && SamePrefix(file, source->file(), size) &&
          (!source->started_over() || WrittenSinceLastChange(file, *source))) {
        return source->id();
      }
      continue;
    }
    uint64_t read = source->read_offset();
    if (size >= read && HoldsReadContent(file, size, source->state())) return source->id();
    // A copy still being made, or one shorter than what was read: compared
    // with the original itself while that still holds those bytes.
    auto rewritten = source->Rewritten();
    bool intact = rewritten.ok() && !*rewritten;
    if (intact ? SamePrefix(file, source->file(), size)
               : PrefixOfRead(file, size, source->state(), source->tail_bytes())) {
      return source->id();
    }
  }
  // Files closed for room are live files too: compared through a
  // descriptor of their own while they still hold what was read. (Only in
  // the copy's directory: copies are made beside their original.)
  for (const auto& [key, dormant] : dormant_) {
    const SourceInfo& was = info_[dormant.id];
    if (!SameGroup(was.entry, entry) || was.file_id == id ||
        DirName(was.path) != DirName(path)) {
      continue;
    }
    auto original = env_.OpenReadable(was.path);
    if (!original.ok()) continue;
    auto now = (*original)->Stat();
    if (!now.ok() || now->id != was.file_id ||
        !HoldsReadContent(**original, now->size, dormant.state)) {
      continue;
    }
    if ((size >= dormant.state.offset && HoldsReadContent(file, size, dormant.state)) ||
        SamePrefix(file, **original, size)) {
      return dormant.id;
    }
  }
  return std::nullopt;
}

FileSource* Tailer::RewrittenSourceOf(uint32_t entry, const std::string& path) {
  for (auto& source : open_) {
    if (!SameGroup(source->entry(), entry) ||
        !LooksRotated(path, info_[source->id()].live_path)) {
      continue;
    }
    auto rewritten = source->Rewritten();
    if (rewritten.ok() && *rewritten) return source.get();
  }
  return nullptr;
}

std::vector<Sibling> Tailer::GenerationCandidates(FileSource& source,
                                                  std::vector<FileId>* held_ids) {
  // The files held since they appeared (copies, or files that appeared
  // while its truncation was not read yet), wherever they were moved since;
  // rotated siblings whose content was never read (a reused inode, or a
  // copy written over an older one in place, counts as new); oldest first.
  std::vector<std::string> held_paths;
  for (HeldCopy& h : held_) {
    if (h.original != source.id()) continue;
    held_ids->push_back(h.id);
    auto info = env_.Stat(h.path);
    if (!info.ok() || info->id != h.id) FindMovedCopy(&h);  // shifted since
    held_paths.push_back(h.path);
  }
  auto was_held = [&](const FileId& id) {
    return std::find(held_ids->begin(), held_ids->end(), id) != held_ids->end();
  };
  // (Generations of the file at its live path: it may have been renamed to
  // one of them itself since.)
  std::vector<Sibling> candidates;
  for (const Sibling& s : RotatedSiblings(env_, info_[source.id()].live_path)) {
    if (s.info.id == source.file_id()) continue;  // itself, renamed since it was last looked at
    if (was_held(s.info.id) || !KnownContent(source.entry(), s.path, s.info)) {
      candidates.push_back(s);
    }
  }
  for (const std::string& path : held_paths) {  // held under a name not like a sibling's
    auto info = env_.Stat(path);
    bool listed = std::any_of(candidates.begin(), candidates.end(),
                              [&](const Sibling& c) { return info.ok() && c.info.id == info->id; });
    if (info.ok() && was_held(info->id) && !listed) candidates.push_back({path, *info});
  }
  std::stable_sort(candidates.begin(), candidates.end(), [](const Sibling& a, const Sibling& b) {
    return a.info.mtime_ns < b.info.mtime_ns;
  });
  return candidates;
}

void Tailer::Retire(uint32_t entry, const FileId& id, TailTime now, RecordSink& sink) {
  for (size_t i = 0; i < open_.size(); ++i) {
    FileSource& s = *open_[i];
    if (!SameGroup(s.entry(), entry) || s.file_id() != id) continue;
    s.FlushAll(now, sink, stats_);
    ReleaseCopiesOf(s);
    info_[s.id()].open = false;
    open_.erase(open_.begin() + static_cast<std::ptrdiff_t>(i));
    return;
  }
}

bool Tailer::StartOverAfterRewrite(FileSource& source, TailTime now, RecordSink& sink) {
  const uint32_t entry = source.entry();
  const ReadState state = source.state();
  const uint64_t handed_on = source.handed_on_offset();
  const std::string live_path = info_[source.id()].live_path;
  const std::string tail_bytes(source.tail_bytes());

  std::vector<FileId> held_ids;
  std::vector<Sibling> candidates = GenerationCandidates(source, &held_ids);
  auto was_held = [&](const FileId& id) {
    return std::find(held_ids.begin(), held_ids.end(), id) != held_ids.end();
  };

  // What each candidate holds of what was read: all of it (a copy made
  // after the last read), a beginning of it (a copy made before, a backup),
  // or none of it. The newest holding all of it is the copy; else the
  // newest holding a beginning (a file merely starting like it never
  // outranks the real copy).
  enum class Holds { kNone, kBeginning, kAll };
  std::vector<Holds> holds(candidates.size(), Holds::kNone);
  for (size_t i = 0; i < candidates.size(); ++i) {
    auto file = env_.OpenReadable(candidates[i].path);
    if (!file.ok()) {
      if (file.status().code() != Code::kUnavailable) continue;
      refused_at_ms_ = last_now_.mono_ms;  // out of descriptors: settled later
      return false;
    }
    if (HoldsReadContent(**file, candidates[i].info.size, state)) {
      holds[i] = Holds::kAll;
    } else if (PrefixOfRead(**file, candidates[i].info.size, state, tail_bytes)) {
      holds[i] = Holds::kBeginning;
    }
  }
  std::optional<size_t> copy;
  for (Holds wanted : {Holds::kAll, Holds::kBeginning}) {
    for (size_t i = candidates.size(); !copy && i-- > 0;) {
      if (holds[i] == wanted) copy = i;
    }
  }
  held_.erase(std::remove_if(held_.begin(), held_.end(),
                             [&](const HeldCopy& h) { return h.original == source.id(); }),
              held_.end());

  // Nothing read of this generation: a copy held for it holds nothing
  // that was read, all of it unread.
  const bool nothing_read = state.offset == 0;
  std::optional<int64_t> last_write;
  if (auto now = source.Stat(); now.ok()) last_write = now->mtime_ns;
  // Renamed away since, a copy begun (empty) is of the file in its place.
  auto at_live = env_.Stat(live_path);
  const bool at_live_path = at_live.ok() && at_live->id == source.file_id();
  std::vector<HeldCopy> hold_for_next;  // copies of the file as it is now
  FileSource::HeldLine held = FileSource::HeldLine::kHandOn;
  for (size_t i = 0; i < candidates.size(); ++i) {
    const Sibling& c = candidates[i];
    bool matched = MatchedBy(entry, c.path);
    std::optional<uint64_t> rank;
    if (!matched) rank = RankBefore(&source);
    bool newer = (copy && i > *copy) || (nothing_read && was_held(c.info.id));
    if (newer && c.info.size == 0 && !at_live_path) continue;  // the next file's, if anything
    if (newer && (c.info.size == 0 || RepeatsStartOf(c, source))) {
      // A copy of what the file holds now, its truncation still to come
      // (or begun: logrotate creates the copy empty, then fills it).
      hold_for_next.push_back(HeldCopy{entry, c.info.id, c.path, 0});
      continue;
    }
    if (nothing_read && was_held(c.info.id)) {
      log_.Info(c.path + " holds what " + source.path() + " had before it was truncated, " +
                "none of it read; reading it first");
      Retire(entry, c.info.id, now, sink);
      if (Follow(entry, c.path, c.info, 0, RankBefore(&source), live_path)) {
        open_.back()->set_unmatched(!matched);
      }
      continue;
    }
    if (copy && i == *copy && holds[i] == Holds::kAll && c.info.size > handed_on) {
      log_.Info(c.path + " holds what " + source.path() + " had before it was truncated; " +
                "reading its last " + std::to_string(c.info.size - handed_on) + " bytes");
      Retire(entry, c.info.id, now, sink);  // a copy written over one followed before
      if (Follow(entry, c.path, c.info, handed_on, RankBefore(&source), live_path)) {
        open_.back()->set_unmatched(!matched);
        held = FileSource::HeldLine::kDiscard;  // the copy hands on that record
      }
    } else if (holds[i] != Holds::kNone) {
      // Everything in it was read from the original: known, not read again.
      log_.Info(c.path + " holds only what was read of " + source.path() + "; nothing in it " +
                "is new");
      Retire(entry, c.info.id, now, sink);
      if (Follow(entry, c.path, c.info, c.info.size, rank, live_path)) {
        open_.back()->set_unmatched(!matched);
      }
    } else if (copy && i > *copy && LooksRotated(c.path, source.path()) &&
               (!last_write || c.info.mtime_ns <= *last_write)) {
      // Newer than the copy of what was read: a generation written and
      // copied away before this truncation was read (a loaded CPU, two
      // rotations in a row). Read whole, in order, before the file itself.
      // (One written after the file's own last write is newer than all of
      // it: the file was renamed away since, and that one is found as a
      // generation of the file in its place.)
      log_.Info(c.path + " is a generation of " + source.path() + " not read yet; reading it " +
                "first");
      Retire(entry, c.info.id, now, sink);
      if (Follow(entry, c.path, c.info, 0, RankBefore(&source), live_path)) {
        open_.back()->set_unmatched(!matched);
      }
    } else if (was_held(c.info.id) && matched) {
      // Held as a copy but holding none of what was read: a file of its own.
      Retire(entry, c.info.id, now, sink);
      Follow(entry, c.path, c.info, 0, std::nullopt);
    }
  }
  log_.Warning(source.path() + " was truncated; reading it again from the start");
  StartOverAsNewGeneration(source, held, now, sink);
  for (HeldCopy& h : hold_for_next) {
    h.original = source.id();
    held_.push_back(h);
  }
  return true;
}

bool Tailer::RepeatsStartOf(const Sibling& candidate, FileSource& source) {
  if (candidate.info.size == 0) return false;
  auto file = env_.OpenReadable(candidate.path);
  return file.ok() && SamePrefix(**file, source.file(), candidate.info.size);
}

void Tailer::StartOverAsNewGeneration(FileSource& source, FileSource::HeldLine held,
                                      TailTime now, RecordSink& sink) {
  uint32_t old_id = source.id();
  // The next generation is known before anything is handed on under its id
  // (the sink looks its source up).
  uint32_t new_id = next_source_id_++;
  SourceInfo next = info_.at(old_id);
  next.start_offset = 0;
  info_[old_id].open = false;  // that generation is read
  info_[old_id].superseded = true;
  info_.emplace(new_id, std::move(next));
  for (auto& [where, last] : last_at_path_) {
    if (last == old_id) last = new_id;  // the file there is read on under the new id
  }
  source.StartOver(held, new_id, now, sink, stats_);
  SourceInfo& started = info_.at(new_id);
  started.head = source.head();
  started.state = source.state();
  if (auto info = source.Stat(); info.ok()) started.follow_mtime_ns = info->mtime_ns;
}

}  // namespace edgelog
