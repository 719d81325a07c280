// Tailer: copytruncate. A copy of a live file is made (NAME.1, NAME-DATE,
// or any new file of the pattern), then the file is truncated and written
// again from its start. What the copy holds beyond what was read of the
// file is read from the copy, once; what it holds of what was read, never.
#include <algorithm>

#include "agent/tail/rotation.h"
#include "agent/tail/tailer.h"

namespace edgelog {

FileSource* Tailer::OriginalOf(uint32_t entry, const FileId& id, ReadableFile& file,
                               uint64_t size) {
  if (size == 0) return nullptr;  // nothing to compare yet
  for (auto& source : open_) {
    // Only a live file is truncated by copytruncate; a renamed one is not.
    if (!SameGroup(source->entry(), entry) || source->file_id() == id ||
        source->role() != SourceRole::kLive || source->head().length == 0) {
      continue;
    }
    uint64_t read = source->read_offset();
    if (size >= read && HoldsReadContent(file, size, source->state())) return source.get();
    // A copy still being made, or one shorter than what was read: compared
    // with the original itself while that still holds those bytes.
    auto rewritten = source->Rewritten();
    bool intact = rewritten.ok() && !*rewritten;
    if (intact ? SamePrefix(file, source->file(), size)
               : PrefixOfRead(file, size, source->state(), source->tail_bytes())) {
      return source.get();
    }
  }
  return nullptr;
}

FileSource* Tailer::RewrittenLiveSourceOf(uint32_t entry, const std::string& path) {
  for (auto& source : open_) {
    if (!SameGroup(source->entry(), entry) || source->role() != SourceRole::kLive ||
        !LooksRotated(path, source->path())) {
      continue;
    }
    auto rewritten = source->Rewritten();
    if (rewritten.ok() && *rewritten) return source.get();
  }
  return nullptr;
}

std::vector<Sibling> Tailer::GenerationCandidates(const FileSource& source,
                                                  std::vector<FileId>* held_ids) {
  // The files held since they appeared (copies, or files that appeared
  // while its truncation was not read yet), wherever they were moved since,
  // and rotated siblings never followed. Oldest first.
  std::vector<std::string> held_paths;
  for (auto it = held_.begin(); it != held_.end();) {
    if (it->original == source.id()) {
      held_ids->push_back(it->id);
      held_paths.push_back(it->path);
      it = held_.erase(it);
    } else {
      ++it;
    }
  }
  auto was_held = [&](const FileId& id) {
    return std::find(held_ids->begin(), held_ids->end(), id) != held_ids->end();
  };
  std::vector<Sibling> candidates;
  for (const Sibling& s : RotatedSiblings(env_, source.path())) {
    if (was_held(s.info.id) || !Known(source.entry(), s.info.id)) candidates.push_back(s);
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

void Tailer::StartOverAfterRewrite(FileSource& source, TailTime now, RecordSink& sink) {
  const uint32_t entry = source.entry();
  const ReadState state = source.state();
  const uint64_t line_start = source.line_start_offset();
  const std::string live_path = info_[source.id()].live_path;
  const std::string tail_bytes(source.tail_bytes());

  std::vector<FileId> held_ids;
  std::vector<Sibling> candidates = GenerationCandidates(source, &held_ids);
  auto was_held = [&](const FileId& id) {
    return std::find(held_ids.begin(), held_ids.end(), id) != held_ids.end();
  };

  // The copy holding what was read: the newest such candidate.
  std::optional<size_t> copy;
  bool holds_unread = false;
  for (size_t i = candidates.size(); i-- > 0;) {
    auto file = env_.OpenReadable(candidates[i].path);
    if (!file.ok()) continue;
    holds_unread = HoldsReadContent(**file, candidates[i].info.size, state);
    if (holds_unread || PrefixOfRead(**file, candidates[i].info.size, state, tail_bytes)) {
      copy = i;
      break;
    }
  }
  FileSource::HeldLine held = FileSource::HeldLine::kHandOn;
  for (size_t i = 0; i < candidates.size(); ++i) {
    const Sibling& c = candidates[i];
    bool matched = MatchedBy(entry, c.path);
    if (copy && i == *copy) {
      if (holds_unread && c.info.size > line_start) {
        log_.Info(c.path + " holds what " + source.path() + " had before it was truncated; " +
                  "reading its last " + std::to_string(c.info.size - line_start) + " bytes");
        if (Follow(entry, c.path, c.info, line_start, next_rank_++, live_path)) {
          open_.back()->set_unmatched(!matched);
          held = FileSource::HeldLine::kDiscard;  // the copy hands on that line
        }
      } else {
        // Everything in it was read from the original: known, not read again.
        log_.Info(c.path + " is a copy of what was read of " + source.path() +
                  " before it was truncated; nothing in it is new");
        std::optional<uint64_t> rank;
        if (!matched) rank = next_rank_++;
        if (Follow(entry, c.path, c.info, c.info.size, rank, live_path)) {
          open_.back()->set_unmatched(!matched);
        }
      }
    } else if (copy && i > *copy && LooksRotated(c.path, source.path())) {
      // Newer than the copy of what was read: a generation written and
      // copied away before this truncation was read (a loaded CPU, two
      // rotations in a row). Read whole, in order, before the file itself.
      log_.Info(c.path + " is a generation of " + source.path() + " not read yet; reading it first");
      if (Follow(entry, c.path, c.info, 0, next_rank_++, live_path)) {
        open_.back()->set_unmatched(!matched);
      }
    } else if (was_held(c.info.id) && matched) {
      // Held as a copy but holding none of it: a file of its own.
      Follow(entry, c.path, c.info, 0, std::nullopt);
    }
  }
  log_.Warning(source.path() + " was truncated; reading it again from the start");
  source.StartOver(held, now, sink, stats_);
}

void Tailer::SettleHeldCopies() {
  if (held_.empty() || last_now_.mono_ms < next_held_check_ms_) return;
  next_held_check_ms_ = last_now_.mono_ms + kHeldCheckIntervalMs;
  for (auto it = held_.begin(); it != held_.end();) {
    HeldCopy h = *it;
    FileSource* original = nullptr;
    for (auto& s : open_) {
      if (s->id() == h.original) original = s.get();
    }
    auto info = env_.Stat(h.path);
    if (!info.ok() || info->id != h.id) {  // moved or gone: found again by Discover
      it = held_.erase(it);
      continue;
    }
    auto file = env_.OpenReadable(h.path);
    if (!file.ok()) {
      ++it;
      continue;
    }
    std::optional<uint64_t> offset;
    if (original != nullptr) {
      // Truncated, to be read (in its turn): the copy is settled then.
      auto rewritten = original->Rewritten();
      if (!rewritten.ok() || *rewritten) {
        ++it;
        continue;
      }
      // While it repeats its original's bytes, everything in it arrives
      // from the original (a copy being made, a backup copy). From the
      // moment it differs, it is a file of its own.
      if (SamePrefix(**file, original->file(), info->size)) {
        ++it;
        continue;
      }
      log_.Info(h.path + " no longer repeats " + original->path() + ": a file of its own, " +
                "read whole");
      offset = 0;
    } else {
      // The original was finished (read to its end): a copy of it holds
      // nothing new up to what was read.
      const ReadState& was = info_[h.original].state;
      offset = HoldsReadContent(**file, info->size, was) ? was.offset : 0;
    }
    file->reset();
    if (!MakeRoom(nullptr)) break;
    it = held_.erase(it);
    Follow(h.entry, h.path, *info, offset, std::nullopt);
  }
}

}  // namespace edgelog
