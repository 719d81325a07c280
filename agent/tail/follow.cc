// Tailer: following a file. Where its reading starts (a checkpoint, an
// earlier reading in this run, or the start), and whether, found from
// scratch, it is a copy of a live file rather than a file of its own.
#include "agent/tail/rotation.h"
#include "agent/tail/tailer.h"

namespace edgelog {

std::optional<uint64_t> Tailer::ReadEarlier(uint32_t entry, const FileInfo& info,
                                            ReadableFile& file) const {
  // Read in this run, closed since (renamed out of the pattern and back in,
  // say): resumed where it was left while it still holds what was read.
  const ReadState* read = nullptr;
  for (auto it = info_.rbegin(); it != info_.rend() && read == nullptr; ++it) {
    const SourceInfo& s = it->second;
    if (SameGroup(s.entry, entry) && s.file_id == info.id && !s.open && !s.dormant) {
      read = &s.state;
    }
  }
  if (read == nullptr) read = ForgottenReadOf(entry, info.id);
  if (read != nullptr && read->offset > 0 && HoldsReadContent(file, info.size, *read)) {
    return read->offset;
  }
  return std::nullopt;
}

const Checkpoint* Tailer::CheckpointOf(uint32_t entry, const FileId& id) const {
  // The entry's own checkpoint; else one saved before checkpoints named
  // their entry, which belongs to the first entry matching its path.
  const Checkpoint* legacy = nullptr;
  for (const Checkpoint& c : checkpoints_) {
    if (c.id != id) continue;
    if (c.entry == entries_[entry].key) return &c;
    if (!c.entry.empty() || legacy != nullptr) continue;
    uint32_t first = 0;
    while (first < entries_.size() && !MatchedBy(first, c.path)) ++first;
    if (first == entries_.size() || SameGroup(first, entry)) legacy = &c;
  }
  return legacy;
}

std::optional<uint64_t> Tailer::CheckpointOffset(uint32_t entry, const std::string& path,
                                                 const FileInfo& info,
                                                 ReadableFile& file) const {
  const Checkpoint* c = CheckpointOf(entry, info.id);
  if (c == nullptr) return std::nullopt;
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

bool Tailer::Follow(uint32_t entry, const std::string& path, const FileInfo& info,
                    std::optional<uint64_t> offset, std::optional<uint64_t> rotated_rank,
                    const std::string& live_path) {
  bool refused = false;
  auto file = OpenLog(entry, path, &refused);
  if (!file.ok()) {
    if (refused) return false;  // said once already
    if (file.status().code() == Code::kUnavailable) {
      Wait(entry, path);  // out of descriptors: tried again when one frees
      if (refused_at_ms_ < 0) {
        log_.Warning("no descriptor left to open " + path + " (" + file.status().message() +
                     "); trying again when a file is closed");
      }
      refused_at_ms_ = last_now_.mono_ms;
    } else {
      log_.Warning("cannot read " + path + ": " + file.status().message());
    }
    return false;
  }
  auto charset = Charset::Find(entries_[entry].encoding);
  if (!charset.ok()) {
    log_.Error(charset.status().message());
    return false;
  }
  // Where it was left: the caller knows, or an earlier reading in this run
  // (newer than the checkpoint the run started with: a file no longer the
  // newest match, closed, then written again), or its checkpoint. Starting
  // from nothing, it may be a copy.
  bool from_scratch = !offset && !rotated_rank;
  if (!offset) offset = ReadEarlier(entry, info, **file);
  if (!offset) offset = CheckpointOffset(entry, path, info, **file);
  if (from_scratch && offset.value_or(0) == 0) {
    // A file repeating what a live file of this entry holds: a copy
    // (copytruncate), whole or being made, to be read from where that
    // file's reading got to once it is truncated. Until then, or until it
    // is clear that no truncation follows (a twin), it waits.
    if (auto original = OriginalOf(entry, path, info.id, **file, info.size)) {
      held_.push_back(HeldCopy{entry, info.id, path, *original});
      log_.Info(path + " repeats the start of " + info_[*original].path +
                "; waiting to see whether that is truncated (copytruncate)");
      return false;
    }
    // Named like a generation of a file whose truncation is not read yet:
    // a generation copied away since; it is read in its turn then.
    if (FileSource* original = RewrittenSourceOf(entry, path)) {
      held_.push_back(HeldCopy{entry, info.id, path, original->id()});
      return false;
    }
  }
  uint32_t id = next_source_id_++;
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
  SourceInfo source_info;
  source_info.entry = entry;
  source_info.path = path;
  source_info.live_path = live_path.empty() ? path : live_path;
  source_info.file_id = info.id;
  source_info.start_offset = source->read_offset();
  source_info.head = source->head();
  source_info.state = source->state();
  source_info.follow_mtime_ns = info.mtime_ns;
  source_info.open = true;
  info_.emplace(id, std::move(source_info));
  log_.Info("following " + path +
            (source->read_offset() > 0 ? " from offset " + std::to_string(source->read_offset())
                                       : std::string(" from the start")));
  open_.push_back(std::move(source));
  return true;
}

}  // namespace edgelog
