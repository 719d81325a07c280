// Tailer: the look before a file's first read (what happened to it since
// it was followed: copies made of it, generations rotated away unseen), and
// the order in which rotated files are read.
#include <algorithm>

#include "agent/tail/rotation.h"
#include "agent/tail/tailer.h"

namespace edgelog {

uint64_t Tailer::RankBefore(const FileSource* newer) {
  if (newer == nullptr || newer->role() != SourceRole::kRotated) return next_rank_++;
  const uint64_t rank = newer->rank();
  for (auto& s : open_) {
    if (s->role() == SourceRole::kRotated && s->rank() >= rank) s->set_rank(s->rank() + 1);
  }
  ++next_rank_;
  return rank;
}

int64_t Tailer::LastWrite(FileSource& source) {
  if (source.noted_pass() != pass_) {
    auto info = source.Stat();
    source.note_mtime(info.ok() ? info->mtime_ns : INT64_MIN, pass_);
  }
  return source.noted_mtime_ns();
}

uint64_t Tailer::RankByLastWrite(uint32_t entry, int64_t mtime_ns, const FileSource* self) {
  const FileSource* first_newer = nullptr;
  for (auto& s : open_) {
    if (s.get() == self || !SameGroup(s->entry(), entry) || s->role() != SourceRole::kRotated) {
      continue;
    }
    if (first_newer != nullptr && s->rank() >= first_newer->rank()) continue;
    if (LastWrite(*s) > mtime_ns) first_newer = s.get();
  }
  return RankBefore(first_newer);
}

bool Tailer::ChangedSinceLook(FileSource& source) {
  auto info = source.Stat();
  return !info.ok() || info->size != source.looked_size();
}

Tailer::FirstRead Tailer::BeforeFirstRead(size_t index) {
  FileSource& source = *open_[index];
  if (source.read_offset() > 0) {
    source.set_first_read_checked();
    return FirstRead::kRead;
  }
  if (source.role() == SourceRole::kRotated) {
    // Renamed away before its first read (a loaded host: rotations pile up
    // between two looks). Placed among the generations when it was
    // renamed, perhaps still empty: by its last write once it holds bytes
    // (a generation found meanwhile may be older; an empty one placed
    // before it may be written after it). Generations it was copied to
    // meanwhile (copytruncate) hold what it had before: they come first.
    const SourceInfo& known = info_[source.id()];
    auto info = source.Stat();
    if (!info.ok()) {
      source.set_first_read_checked();
      return FirstRead::kRead;  // the read says what is wrong
    }
    source.set_looked(info->size, info->mtime_ns);
    // Empty: looked at again once it holds bytes. (Read meanwhile, for a
    // truncation to show: its copies are then found.)
    if (info->size == 0) return FirstRead::kRead;
    source.set_first_read_checked();
    source.set_rank(RankByLastWrite(source.entry(), info->mtime_ns, &source));
    if (info->mtime_ns > known.follow_mtime_ns &&
        FollowMissedGenerations(source.entry(), known.live_path, known.follow_mtime_ns,
                                &source)) {
      return FirstRead::kLookAgain;
    }
    return FirstRead::kRead;
  }
  auto info = source.Stat();
  if (!info.ok()) return FirstRead::kRead;  // the read says what is wrong
  const bool changed = !source.looked() || info->mtime_ns != source.looked_mtime_ns();
  source.set_looked(info->size, info->mtime_ns);
  if (info->size == 0) {  // nothing to read yet
    // Emptied since it was followed (copytruncate) before its first read:
    // the copies held for it and those made meanwhile (perhaps found by the
    // pattern as files of their own) are its generations, read oldest
    // first. (Looked for once per change: an idle empty file costs a stat.)
    if (!changed || info->mtime_ns <= info_[source.id()].follow_mtime_ns) {
      return FirstRead::kWait;
    }
    const bool copies = ReadUnreadCopiesFirst(source);
    const bool closed = FollowMissedGenerations(source.entry(), source.path(),
                                                info_[source.id()].follow_mtime_ns, &source);
    return copies || closed ? FirstRead::kLookAgain : FirstRead::kWait;
  }
  // A copy held for it that no longer repeats it holds the generation
  // before a truncation this file could not show: read first, and placed
  // among the generations missed (below) in the same look, before any of
  // them is read.
  const bool copies_first = ReadUnreadCopiesFirst(source);
  // A file followed while empty has no content to be known by until its
  // first bytes arrive. If they repeat a live file of its entry, it is a
  // copy being made (logrotate creates the copy empty, then fills it):
  // held like any copy. "Empty" as discovery saw it: the copy may hold
  // bytes a moment later, when it is opened.
  if (!copies_first && !source.started_over() &&
      (source.head().length == 0 || source.seen_empty()) &&
      HoldIfACopy(index, last_now_, nullptr)) {
    return FirstRead::kLookAgain;
  }
  // Generations rotated away since it was followed (or started over) and
  // before it was read (a copytruncate while the agent was busy, or paused
  // between a truncation and the next read) come first.
  bool closed = FollowMissedGenerations(source.entry(), source.path(),
                                        info_[source.id()].follow_mtime_ns, &source);
  // (A copy found open was closed if `closed`: indexes moved.)
  return copies_first || closed ? FirstRead::kLookAgain : FirstRead::kRead;
}

bool Tailer::HoldIfACopy(size_t index, TailTime now, RecordSink* sink) {
  FileSource& source = *open_[index];
  if (source.role() != SourceRole::kLive) return false;
  auto info = source.Stat();
  if (!info.ok() || info->size == 0) return false;
  auto original =
      OriginalOf(source.entry(), source.path(), source.file_id(), source.file(), info->size);
  if (!original) return false;
  const std::string& original_path = info_[*original].path;
  // A file that had content of its own becomes a copy only under a rotated
  // name of the original (a file truncated and starting like another is
  // not one).
  if (source.read_offset() > 0 && !IsRotatedNameOf(source.path(), original_path)) return false;
  if (sink != nullptr) source.FlushAll(now, *sink, stats_);  // what it held of its old content
  HoldOpenAsCopy(source, *original);
  return true;
}

void Tailer::HoldOpenAsCopy(FileSource& copy, uint32_t original) {
  log_.Info(copy.path() + " repeats the start of " + info_[original].path +
            "; waiting to see whether that is truncated (copytruncate)");
  ReleaseCopiesOf(copy);
  held_.push_back(HeldCopy{copy.entry(), copy.file_id(), copy.path(), original});
  info_[copy.id()].open = false;
  open_.erase(std::find_if(open_.begin(), open_.end(),
                           [&](const auto& s) { return s.get() == &copy; }));
}

}  // namespace edgelog
