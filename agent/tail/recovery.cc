// Tailer: rotation and copytruncate while the agent was stopped.
//
// A checkpoint describes the content read of one file: its identity, how
// far it was delivered, and fingerprints of its first bytes and of the bytes
// before that offset. At start, a checkpoint whose content is no longer at
// the path it was written under was displaced: renamed (the same inode under
// a rotated name) or copied (a rotated name holding the same bytes, the
// path itself truncated). The newest generation holding displaced content
// is resumed at its checkpoint, then every newer generation, then the file
// at the path.
#include <algorithm>
#include <set>

#include "agent/tail/rotation.h"
#include "agent/tail/tailer.h"

namespace edgelog {
namespace {

// True when `file` (of `size` bytes) still holds what `c` describes: at
// least c.offset bytes, with the fingerprinted bytes unchanged. A
// checkpoint without fingerprints (an old format) holds by identity alone.
bool StillHolds(ReadableFile& file, uint64_t size, const Checkpoint& c) {
  if (size < c.offset) return false;
  if (c.head.length > 0) {
    auto head = ReadFingerprint(file, c.head.length);
    if (!head.ok() || *head != c.head) return false;
  }
  if (c.before.length > 0) {
    std::string bytes(c.before.length, '\0');
    auto n = file.ReadAt(c.offset - bytes.size(), bytes.data(), bytes.size());
    if (!n.ok() || *n != bytes.size() || FingerprintOf(bytes) != c.before) return false;
  }
  return true;
}

// True when `file` holds what `c` describes though it is another file: a
// copy. Needs both fingerprints (a checkpoint saying only "inode N" cannot
// be recognised in a copy).
bool CopyHolds(ReadableFile& file, uint64_t size, const Checkpoint& c) {
  if (c.head.length == 0 || (c.offset > 0 && c.before.length == 0)) return false;
  return StillHolds(file, size, c);
}

}  // namespace

void Tailer::RecoverRotatedWhileStopped() {
  std::set<std::pair<uint32_t, std::string>> done;
  for (const Checkpoint& c : checkpoints_) {
    if (c.path.empty()) continue;
    for (uint32_t entry = 0; entry < entries_.size(); ++entry) {
      if (CheckpointOf(entry, c.id) != &c || !MatchedBy(entry, c.path)) continue;
      if (done.insert({group_[entry], c.path}).second) RecoverPath(entry, c.path);
    }
  }
}

void Tailer::RecoverPath(uint32_t entry, const std::string& live_path) {
  std::vector<const Checkpoint*> mine;
  for (const Checkpoint& c : checkpoints_) {
    if (c.path == live_path && CheckpointOf(entry, c.id) == &c) mine.push_back(&c);
  }
  auto at_path = env_.Stat(live_path);
  std::unique_ptr<ReadableFile> live_file;
  if (at_path.ok()) {
    auto opened = env_.OpenReadable(live_path);
    if (opened.ok()) live_file = std::move(*opened);
  }
  std::vector<Sibling> siblings = RotatedSiblings(env_, live_path);  // oldest first
  std::vector<std::unique_ptr<ReadableFile>> files(siblings.size());
  auto file_of = [&](size_t i) -> ReadableFile* {
    if (!files[i]) {
      auto opened = env_.OpenReadable(siblings[i].path);
      if (opened.ok()) files[i] = std::move(*opened);
    }
    return files[i].get();
  };

  // Where each sibling resumes: from the checkpoint of its inode, or from
  // a displaced checkpoint whose content it holds.
  std::vector<std::optional<uint64_t>> resume(siblings.size());
  std::optional<size_t> lead;  // the newest sibling holding displaced content
  for (const Checkpoint* c : mine) {
    bool in_place = at_path.ok() && at_path->id == c->id && live_file &&
                    StillHolds(*live_file, at_path->size, *c);
    if (in_place) continue;
    std::optional<size_t> holder;
    for (size_t i = siblings.size(); i-- > 0;) {  // newest first
      ReadableFile* file = file_of(i);
      if (file == nullptr) continue;
      bool same_inode = siblings[i].info.id == c->id;
      if (same_inode ? StillHolds(*file, siblings[i].info.size, *c)
                     : CopyHolds(*file, siblings[i].info.size, *c)) {
        holder = i;
        if (same_inode) break;  // the file itself beats a copy
      }
    }
    if (!holder) continue;
    resume[*holder] = c->offset;
    if (!lead || *holder > *lead) lead = holder;
  }
  if (!lead) return;
  // Newer generations with a checkpoint of their own resume there (they were
  // read before the stop); ones never seen are read whole.
  // Files under other names (app.log.bak) are not generations.
  for (size_t i = *lead + 1; i < siblings.size(); ++i) {
    if (resume[i]) continue;
    const Checkpoint* own = CheckpointOf(entry, siblings[i].info.id);
    ReadableFile* file = file_of(i);
    if (own != nullptr && file != nullptr && StillHolds(*file, siblings[i].info.size, *own)) {
      resume[i] = own->offset;
    } else if (LooksRotated(siblings[i].path, live_path)) {
      resume[i] = 0;
    }
  }
  log_.Info(live_path + " was rotated while edgelog was stopped; finishing " +
            siblings[*lead].path + " first");
  files.clear();
  live_file.reset();
  for (size_t i = *lead; i < siblings.size(); ++i) {
    const Sibling& s = siblings[i];
    if (!resume[i] || FindOpen(entry, s.info.id) != nullptr) continue;
    if (Follow(entry, s.path, s.info, resume[i], next_rank_++, live_path)) {
      open_.back()->set_unmatched(!MatchedBy(entry, s.path));
    }
  }
}

}  // namespace edgelog
