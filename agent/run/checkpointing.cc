// Pipeline: checkpoints. Loading them at start, saving them on a timer, and
// retiring the files read, delivered and gone: from checkpoints.json, then
// from memory once the tailer can be sure they will not be met again.
#include <map>
#include <tuple>

#include "agent/io/file_util.h"
#include "agent/run/pipeline.h"
#include "agent/run/reload.h"

namespace edgelog {

std::vector<Checkpoint> LoadCheckpointsOrStartOver(Env& env, Logger& log,
                                                   const std::string& state_dir,
                                                   const std::vector<TailEntry>& entries) {
  std::string path = JoinPath(state_dir, "checkpoints.json");
  std::optional<std::vector<CheckpointedEntry>> saved_entries;
  auto loaded = LoadCheckpoints(env, path, &saved_entries);
  if (loaded.ok()) {
    if (saved_entries) {
      size_t carried = CarryCheckpoints(CarriedKeys(*saved_entries, EntryNames(entries)),
                                        &*loaded);
      if (carried > 0) {
        log.Info("carried " + std::to_string(carried) + " checkpoint(s) to entries whose "
                 "log group or stream changed (their file_path did not)");
      }
    }
    return std::move(*loaded);
  }
  std::string aside = path + ".corrupt";
  Status moved = env.Rename(path, aside);
  log.Error(loaded.status().message() +
            (moved.ok() ? "; moved to " + aside
                        : "; cannot move it to " + aside + " (" + moved.ToString() +
                              "): the next save replaces it") +
            "; files will be read from their start");
  return {};
}

void Pipeline::SaveCheckpointsIfDue() {
  // At most once per kCheckpointIntervalMs (and at stop): every save is a
  // write, two fsyncs and a rename, which flash storage pays for. A crash
  // costs at most the lines acknowledged since the last save, sent again.
  if (tracker_.TakeChanged()) checkpoints_changed_ = true;
  if (journal_tracker_.TakeChanged()) checkpoints_changed_ = true;
  int64_t now = deps_.clock.MonotonicMillis();
  if (!checkpoints_changed_ || now < next_checkpoint_save_ms_) return;
  next_checkpoint_save_ms_ = now + kCheckpointIntervalMs;
  Status s = SaveCheckpoints();
  checkpoints_changed_ = !s.ok();  // tried again at the next interval
  if (!s.ok()) deps_.log.Error("cannot save checkpoints: " + s.ToString());
}

Status Pipeline::SaveCheckpoints() {
  std::vector<Checkpoint> all;
  // One checkpoint per file and entry, the later replacing the earlier; an
  // index keeps a save linear in the number of files.
  std::map<std::tuple<uint64_t, uint64_t, std::string>, size_t> index;
  auto put = [&](const Checkpoint& c) {
    auto [it, added] = index.emplace(std::make_tuple(c.id.device, c.id.inode, c.entry),
                                     all.size());
    if (added) {
      all.push_back(c);
    } else {
      all[it->second] = c;
    }
  };
  // Checkpoints of files not seen in this run are kept while their file is
  // still where it was: it may come back into the pattern. Once it is gone
  // (or another file took its name) the checkpoint is dropped for good.
  auto gone = [&](const std::string& path, const FileId& id) {
    auto info = deps_.env.Stat(path);
    if (info.ok()) return info->id != id;
    return info.status().code() == Code::kNotFound;
  };
  for (auto it = loaded_checkpoints_.begin(); it != loaded_checkpoints_.end();) {
    if (gone(it->path, it->id)) {
      it = loaded_checkpoints_.erase(it);
      continue;
    }
    put(*it);
    ++it;
  }
  std::vector<uint32_t> now_retired;
  for (const auto& [id, s] : tailer_.sources()) {
    bool finished = !s.open && !s.dormant && tracker_.delivered(id) >= s.start_offset &&
                    !tracker_.pending(id);
    if (finished && retired_.count(id) > 0) continue;  // no look at the disk any more
    retired_.erase(id);
    if (finished && s.superseded) {  // the file's next generation has its checkpoint
      retired_.insert(id);
      before_.erase(id);
      now_retired.push_back(id);
      continue;
    }
    if (finished) {  // closed: keep the checkpoint only while the file is still there
      auto now = deps_.env.Stat(s.path);
      if (!now.ok() || now->id != s.file_id) {
        if (now.ok() || now.status().code() == Code::kNotFound) {
          retired_.insert(id);  // rotated away, read, and gone: retired
          before_.erase(id);
          now_retired.push_back(id);
        }
        continue;
      }
    }
    put(CheckpointOf(id, s));
  }
  ForgetRetired(now_retired);
  Status files =
      edgelog::SaveCheckpoints(deps_.env, checkpoint_path_, all, EntryNames(tailer_.entries()));
  Status journals = SaveJournalCursorsIfMoved();
  return files.ok() ? journals : files;
}

Checkpoint Pipeline::CheckpointOf(uint32_t id, const SourceInfo& s) {
  uint64_t delivered = tracker_.delivered(id);
  auto& before = before_[id];
  if (before.first != delivered || before.second.length == 0) {
    // Read only when the offset moved; a closed file keeps the last one.
    std::optional<Fingerprint> fp = tailer_.FingerprintBefore(id, delivered);
    if (fp) {
      before = {delivered, *fp};
    } else if (before.first != delivered) {
      before = {delivered, Fingerprint{}};  // closed meanwhile: unknown
    }
  }
  return Checkpoint{s.file_id, s.live_path, delivered, s.head, before.second,
                    tailer_.entries()[s.entry].key};
}

void Pipeline::ForgetRetired(const std::vector<uint32_t>& now_retired) {
  // A retired source's file may still be on disk under another name (a
  // rotation renamed it further): the tailer keeps it then, so that it is
  // never read twice, and it is tried again later.
  std::vector<uint32_t> candidates = now_retired;
  int64_t now = deps_.clock.MonotonicMillis();
  if (now >= next_forget_ms_) {
    next_forget_ms_ = now + kForgetRetryMs;
    candidates.assign(retired_.begin(), retired_.end());
  }
  for (uint32_t id : candidates) {
    if (!tailer_.Forget(id)) continue;
    tracker_.Forget(id);
    stream_of_source_.erase(id);
    retired_.erase(id);
  }
}

}  // namespace edgelog
