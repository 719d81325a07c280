#include "agent/tail/tailer.h"

#include <algorithm>

#include "agent/tail/glob.h"

namespace edgelog {
namespace {

// Compressed files are not logs to tail.
bool IsCompressed(const std::string& path) {
  for (const char* ext : {".gz", ".bz2", ".xz", ".zip", ".zst", ".lz4", ".tgz", ".rar"}) {
    std::string_view e(ext);
    if (path.size() > e.size() && path.compare(path.size() - e.size(), e.size(), e) == 0) {
      return true;
    }
  }
  return false;
}

}  // namespace

Tailer::Tailer(Env& env, Logger& log, std::vector<std::string> patterns,
               std::vector<Checkpoint> checkpoints, const TailerOptions& options)
    : env_(env),
      log_(log),
      patterns_(std::move(patterns)),
      checkpoints_(std::move(checkpoints)),
      options_(options) {}

void Tailer::Discover() {
  for (auto& source : open_) source->set_unmatched(true);
  for (uint32_t entry = 0; entry < patterns_.size(); ++entry) {
    for (const std::string& path : ExpandGlob(env_, patterns_[entry])) {
      if (IsCompressed(path)) continue;
      auto info = env_.Stat(path);
      if (!info.ok()) continue;  // gone between listing and stat
      auto it = std::find_if(open_.begin(), open_.end(), [&](const auto& s) {
        return s->file_id() == info->id;
      });
      if (it == open_.end()) {
        Follow(entry, path, *info);
        continue;
      }
      FileSource& source = **it;
      source.set_unmatched(false);
      if (source.path() != path) {
        source.set_path(path);
        info_[source.id()].path = path;
      }
    }
  }
}

uint64_t Tailer::StartOffset(const std::string& path, const FileInfo& info,
                             ReadableFile& file) {
  auto c = std::find_if(checkpoints_.begin(), checkpoints_.end(),
                        [&](const Checkpoint& c) { return c.id == info.id; });
  if (c == checkpoints_.end() || c->offset == 0) return 0;
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

void Tailer::Follow(uint32_t entry, const std::string& path, const FileInfo& info) {
  auto file = env_.OpenReadable(path);
  if (!file.ok()) {
    log_.Warning("cannot read " + path + ": " + file.status().message());
    return;
  }
  uint64_t offset = StartOffset(path, info, **file);
  auto head = ReadFingerprint(**file, kFingerprintBytes);
  uint32_t id = static_cast<uint32_t>(info_.size());
  info_.push_back(SourceInfo{entry, path, info.id, offset,
                             head.ok() ? *head : Fingerprint{}, true});
  open_.push_back(std::make_unique<FileSource>(id, entry, path, info.id, std::move(*file),
                                               offset, info_.back().head));
  log_.Info("following " + path + (offset > 0 ? " from offset " + std::to_string(offset)
                                              : std::string(" from the start")));
}

void Tailer::Close(size_t index) {
  FileSource& source = *open_[index];
  log_.Info("finished " + source.path() + " (no longer matched)");
  info_[source.id()].open = false;
  open_.erase(open_.begin() + static_cast<std::ptrdiff_t>(index));
}

size_t Tailer::Read(size_t max_bytes, int64_t now_ms, RecordSink& sink) {
  size_t total = 0;
  size_t idle = 0;  // files in a row that had nothing new
  while (total < max_bytes && !open_.empty() && idle < open_.size()) {
    size_t index = next_to_read_ % open_.size();
    next_to_read_ = index + 1;  // one chunk each, in turn
    FileSource& source = *open_[index];
    if (WaitsForRotatedFile(source)) {
      ++idle;
      continue;
    }
    uint64_t restarts = stats_.truncations;
    size_t chunk = std::min(options_.read_chunk_bytes, max_bytes - total);
    auto got = source.ReadSome(chunk, now_ms, &buffer_, sink, stats_);
    if (stats_.truncations != restarts) {
      log_.Warning(source.path() + " was rewritten from its start; reading it again");
    }
    info_[source.id()].head = source.head();
    if (got.ok() && *got > 0) {
      total += *got;
      idle = 0;
      continue;
    }
    ++idle;
    if (!got.ok()) {
      log_.Warning(got.status().message());
      continue;
    }
    auto truncated = source.CheckTruncation(stats_);
    if (!truncated.ok()) {
      log_.Warning(truncated.status().message());
    } else if (*truncated) {
      log_.Warning(source.path() + " shrank (truncated); reading it again from the start");
      idle = 0;
    } else if (source.unmatched()) {
      // Read to its end after its name went away: nothing more will come.
      Close(index);
      if (idle > 0) --idle;
    }
  }
  return total;
}

bool Tailer::WaitsForRotatedFile(const FileSource& source) const {
  // A file renamed away is finished before newer files of its entry are
  // read, so lines keep their order across a rotation.
  return !source.unmatched() &&
         std::any_of(open_.begin(), open_.end(), [&](const auto& other) {
           return other->unmatched() && other->entry() == source.entry();
         });
}

bool Tailer::AtEnd() const {
  return std::all_of(open_.begin(), open_.end(),
                     [](const auto& s) { return s->at_end(); });
}

}  // namespace edgelog
