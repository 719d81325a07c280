// Tailer: copies held while their originals' truncation is awaited. Each
// is compared with its original until the truncation is read (then read
// from where the original's reading got to), until it stops repeating the
// original (a file of its own), or until the original is gone.
#include <algorithm>

#include "agent/io/file_util.h"
#include "agent/tail/rotation.h"
#include "agent/tail/tailer.h"

namespace edgelog {

void Tailer::ReleaseCopiesOf(FileSource& original) {
  // Compared one last time with the original's bytes, while its descriptor
  // still reads them (even deleted): what a held file repeats of it was
  // read; beyond that it is new.
  std::vector<HeldCopy> mine;
  for (auto it = held_.begin(); it != held_.end();) {
    if (it->original == original.id()) {
      mine.push_back(*it);
      it = held_.erase(it);
    } else {
      ++it;
    }
  }
  for (const HeldCopy& h : mine) {
    auto info = env_.Stat(h.path);
    if (!info.ok() || info->id != h.id) continue;  // moved or gone: found again by Discover
    auto file = env_.OpenReadable(h.path);
    if (!file.ok()) continue;
    uint64_t offset = 0;
    if (SamePrefix(**file, original.file(), info->size)) {
      offset = info->size;
    } else if (HoldsReadContent(**file, info->size, original.state())) {
      offset = original.read_offset();
    }
    file->reset();
    Follow(h.entry, h.path, *info, offset, std::nullopt);
  }
}

void Tailer::ReadCopyFirst(const HeldCopy& h, const FileInfo& info, FileSource& original) {
  // Nothing read of the original, so its truncation could not show: the
  // copy holds the generation before it.
  log_.Info(h.path + " holds what " + original.path() + " had before it was truncated; " +
            "reading it first");
  if (Follow(h.entry, h.path, info, 0, RankBefore(&original), info_[original.id()].live_path)) {
    open_.back()->set_unmatched(!MatchedBy(h.entry, h.path));
  }
}

bool Tailer::ReadUnreadCopiesFirst(FileSource& source) {
  if (source.read_offset() > 0) return false;
  std::vector<std::pair<HeldCopy, FileInfo>> first;
  for (auto it = held_.begin(); it != held_.end();) {
    if (it->original != source.id() || !IsRotatedNameOf(it->path, source.path())) {
      ++it;
      continue;
    }
    auto info = env_.Stat(it->path);
    // Shifted since (NAME.1 -> NAME.2), by the next rotation.
    if ((!info.ok() || info->id != it->id) && FindMovedCopy(&*it)) info = env_.Stat(it->path);
    auto file = env_.OpenReadable(it->path);
    if (!info.ok() || info->id != it->id || !file.ok() ||
        SamePrefix(**file, source.file(), info->size)) {
      ++it;  // still a copy of it (or gone: settled in time)
      continue;
    }
    first.emplace_back(*it, *info);
    it = held_.erase(it);
  }
  if (first.empty()) return false;
  std::stable_sort(first.begin(), first.end(), [](const auto& a, const auto& b) {
    return a.second.mtime_ns < b.second.mtime_ns;
  });
  for (const auto& [h, info] : first) {
    // Room is made by closing an idle file, never `source`: it reads next.
    // With none to close, the copy is opened beyond the cap (briefly: it
    // is read to its end and closed), or else `source` would wait for a
    // descriptor it holds itself.
    MakeRoom(nullptr, &source);
    ReadCopyFirst(h, info, source);
  }
  return true;
}

bool Tailer::FindMovedCopy(HeldCopy* h) {
  // Rotation shifts generations (NAME.1 -> NAME.2): a copy held under a
  // name the pattern does not match is looked for among them.
  for (const Sibling& s : RotatedSiblings(env_, info_[h->original].live_path)) {
    if (s.info.id == h->id) {
      h->path = s.path;
      return true;
    }
  }
  return false;
}

void Tailer::SettleHeldCopies() {
  if (held_.empty() || last_now_.mono_ms < next_held_check_ms_) return;
  next_held_check_ms_ = last_now_.mono_ms + kHeldCheckIntervalMs;
  std::vector<uint32_t> read_first_for;  // originals whose copies go first
  for (auto it = held_.begin(); it != held_.end();) {
    HeldCopy h = *it;
    FileSource* original = nullptr;
    for (auto& s : open_) {
      if (s->id() == h.original) original = s.get();
    }
    if (original == nullptr && info_[h.original].dormant) {  // compared when it wakes
      ++it;
      continue;
    }
    auto info = env_.Stat(h.path);
    if ((!info.ok() || info->id != h.id) && FindMovedCopy(&*it)) info = env_.Stat(it->path);
    if (!info.ok() || info->id != h.id) {  // gone, or moved where Discover finds it
      it = held_.erase(it);
      continue;
    }
    h = *it;
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
      if (original->read_offset() == 0 && IsRotatedNameOf(h.path, original->path())) {
        file->reset();
        if (!MakeRoom(nullptr, original)) break;
        it = held_.erase(it);
        ReadCopyFirst(h, *info, *original);
        read_first_for.push_back(original->id());
        continue;
      }
      log_.Info(h.path + " no longer repeats " + original->path() + ": a file of its own, " +
                "read whole");
      offset = 0;
    } else {
      // The original was finished (read to its end, deleted, closed for
      // room): what the held file repeated of it is read; beyond that it
      // is new. Held, it repeated the original when last compared.
      const ReadState& was = info_[h.original].state;
      if (HoldsReadContent(**file, info->size, was)) {
        offset = was.offset;
      } else if (info->size <= was.offset && was.head.length > 0 &&
                 info->size >= was.head.length) {
        auto head = ReadFingerprint(**file, was.head.length);
        offset = head.ok() && *head == was.head ? info->size : 0;
      } else {
        offset = 0;
      }
    }
    file->reset();
    if (!MakeRoom(nullptr)) break;
    it = held_.erase(it);
    Follow(h.entry, h.path, *info, offset, std::nullopt);
  }
  // The generation before a truncation nothing showed: generations missed
  // meanwhile are looked for at once, to be placed by their last writes
  // before any of them is read.
  for (uint32_t id : read_first_for) {
    for (auto& s : open_) {
      if (s->id() != id) continue;
      FollowMissedGenerations(s->entry(), s->path(), info_[id].follow_mtime_ns, s.get());
      break;
    }
  }
}

}  // namespace edgelog
