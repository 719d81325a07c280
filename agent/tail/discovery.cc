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
  for (auto& source : open_) source->set_unmatched(true);
  for (uint32_t entry = 0; entry < entries_.size(); ++entry) {
    for (const std::string& path : ExpandGlob(env_, entries_[entry].pattern)) {
      if (Skipped(entry, path)) continue;
      auto info = env_.Stat(path);
      if (!info.ok()) continue;  // gone between listing and stat
      if (FileSource* source = FindOpen(info->id)) {
        source->set_unmatched(false);
        if (source->path() != path) {
          // Renamed within the pattern: an older generation now, finished
          // before the file that takes its place.
          log_.Info(source->path() + " was renamed to " + path);
          source->set_path(path);
          info_[source->id()].path = path;
          if (source->role() == SourceRole::kLive) source->MarkRotated(next_rank_++);
        }
        continue;
      }
      auto dormant = dormant_.find(Key(info->id));
      if (dormant != dormant_.end()) {
        if (info->size == dormant->second.offset) continue;  // nothing new
        if (!MakeRoom()) continue;
        uint64_t offset = dormant->second.offset;
        info_[dormant->second.id].dormant = false;
        dormant_.erase(dormant);
        Follow(entry, path, *info, offset <= info->size ? offset : 0, std::nullopt);
        continue;
      }
      if (MakeRoom()) Follow(entry, path, *info, std::nullopt, std::nullopt);
    }
  }
  // No matching name leads to these files any more: finish them.
  for (auto& source : open_) {
    if (source->unmatched() && source->role() == SourceRole::kLive) {
      source->MarkRotated(next_rank_++);
    }
  }
}

bool Tailer::MakeRoom() {
  if (open_.size() < options_.max_open_files) return true;
  // Close the live file idle the longest (read to its end, nothing pending).
  auto candidate = open_.end();
  for (auto it = open_.begin(); it != open_.end(); ++it) {
    const FileSource& s = **it;
    if (s.role() != SourceRole::kLive || !s.at_end() || s.idle_since_ms() < 0 ||
        s.QuietDeadline()) {
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
  dormant_[Key(s.file_id())] = Dormant{s.id(), s.read_offset()};
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
  return c->offset;
}

std::optional<uint64_t> Tailer::CopyOffset(uint32_t entry, ReadableFile& file,
                                           uint64_t size) {
  // A copy of what a truncated file of this entry held (copytruncate): its
  // first bytes were read already, from the original.
  for (auto& source : open_) {
    if (source->entry() != entry) continue;
    ReadState state{source->read_offset(), source->head(), source->tail()};
    if (!HoldsReadContent(file, size, state)) continue;
    auto truncated = source->Truncated();
    if (truncated.ok() && *truncated) return source->read_offset();
  }
  return std::nullopt;
}

void Tailer::Follow(uint32_t entry, const std::string& path, const FileInfo& info,
                    std::optional<uint64_t> offset, std::optional<uint64_t> rotated_rank) {
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
  if (!offset) {
    offset = CopyOffset(entry, **file, info.size);
    if (offset) {
      log_.Info(path + " is a copy of a truncated file; reading it from offset " +
                std::to_string(*offset));
      rotated_rank = next_rank_++;
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
  info_.push_back(SourceInfo{entry, path, info.id, source->read_offset(), source->head(),
                             true, false});
  log_.Info("following " + path +
            (source->read_offset() > 0 ? " from offset " + std::to_string(source->read_offset())
                                       : std::string(" from the start")));
  open_.push_back(std::move(source));
}

void Tailer::FollowRotatedCopy(FileSource& truncated) {
  ReadState state{truncated.read_offset(), truncated.head(), truncated.tail()};
  for (const Sibling& s : RotatedSiblings(env_, truncated.path())) {
    if (FindOpen(s.info.id) != nullptr) return;  // already followed (matched by the pattern)
    auto file = env_.OpenReadable(s.path);
    if (!file.ok() || !HoldsReadContent(**file, s.info.size, state)) continue;
    log_.Info(s.path + " holds what " + truncated.path() + " had before it was truncated; "
              "reading its last " + std::to_string(s.info.size - state.offset) + " bytes");
    Follow(truncated.entry(), s.path, s.info, state.offset, next_rank_++);
    open_.back()->set_unmatched(EntryOf(s.path) < 0);
    return;
  }
}

void Tailer::RecoverRotatedWhileStopped() {
  for (const Checkpoint& c : checkpoints_) {
    if (c.offset == 0 || c.path.empty()) continue;
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
    auto file = env_.OpenReadable(found->path);
    if (!file.ok() || !CheckpointOffset(found->path, found->info, **file)) continue;
    log_.Info(c.path + " was rotated while edgelog was stopped; finishing " + found->path +
              " first");
    for (auto it = found; it != siblings.end(); ++it) {
      if (FindOpen(it->info.id) != nullptr) continue;
      std::optional<uint64_t> offset;
      if (it != found) offset = 0;  // a generation never seen: all of it
      Follow(static_cast<uint32_t>(entry), it->path, it->info, offset, next_rank_++);
      open_.back()->set_unmatched(EntryOf(it->path) < 0);
    }
  }
}

}  // namespace edgelog
