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
    if (source->entry() != entry || source->file_id() == id ||
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

void Tailer::StartOverAfterRewrite(FileSource& source, TailTime now, RecordSink& sink) {
  const uint32_t entry = source.entry();
  const ReadState state = source.state();
  const uint64_t line_start = source.line_start_offset();
  const std::string live_path = info_[source.id()].live_path;
  std::string tail_bytes(source.tail_bytes());

  // Copies of this file: the ones held since they appeared, else a rotated
  // sibling holding its content, newest first.
  std::vector<Match> candidates;
  for (auto it = held_.begin(); it != held_.end();) {
    if (it->entry != entry || it->original != source.id()) {
      ++it;
      continue;
    }
    auto info = env_.Stat(it->path);  // renamed meanwhile: found again by Discover
    if (info.ok() && info->id == it->id) candidates.push_back({entry, it->path, *info});
    it = held_.erase(it);
  }
  if (candidates.empty()) {
    std::vector<Sibling> siblings = RotatedSiblings(env_, source.path());
    for (auto s = siblings.rbegin(); s != siblings.rend(); ++s) {
      if (!Known(entry, s->info.id)) candidates.push_back({entry, s->path, s->info});
    }
  }

  FileSource::HeldLine held = FileSource::HeldLine::kHandOn;
  for (const Match& c : candidates) {
    auto file = env_.OpenReadable(c.path);
    if (!file.ok()) continue;
    bool holds_unread = HoldsReadContent(**file, c.info.size, state);
    if (!holds_unread && !PrefixOfRead(**file, c.info.size, state, tail_bytes)) continue;
    file->reset();
    bool matched = MatchedBy(entry, c.path);
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
    break;
  }
  log_.Warning(source.path() + " was truncated; reading it again from the start");
  source.StartOver(held, now, sink, stats_);
}

void Tailer::ReleaseTwins() {
  for (auto it = held_.begin(); it != held_.end();) {
    HeldCopy h = *it;
    if (last_now_.mono_ms - h.since_ms < options_.rotated_quiet_ms) {
      ++it;
      continue;
    }
    FileSource* original = nullptr;
    for (auto& s : open_) {
      if (s->id() == h.original) original = s.get();
    }
    if (original != nullptr) {
      // Its original not read yet, or truncated and about to be read: the
      // copy is settled then.
      auto rewritten = original->Rewritten();
      if (MustWait(*original) || !rewritten.ok() || *rewritten) {
        ++it;
        continue;
      }
    }
    if (!MakeRoom(nullptr)) {
      ++it;
      continue;
    }
    it = held_.erase(it);
    auto info = env_.Stat(h.path);
    if (!info.ok() || info->id != h.id) continue;  // renamed meanwhile: found again by Discover
    uint64_t offset = 0;
    if (original == nullptr) {
      // The original was finished (read to its end): a copy of it holds
      // nothing new up to what was read.
      const ReadState& was = info_[h.original].state;
      auto file = env_.OpenReadable(h.path);
      if (file.ok() && HoldsReadContent(**file, info->size, was)) offset = was.offset;
    } else {
      log_.Info(h.path + " starts like " + original->path() +
                ", which was not truncated: a file of its own, read whole");
    }
    Follow(h.entry, h.path, *info, offset, std::nullopt);
  }
}

}  // namespace edgelog
