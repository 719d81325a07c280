#include "agent/send/rejected_log.h"

#include "agent/io/file_util.h"
#include "agent/text/json_escape.h"

namespace edgelog {

Status RejectedLog::Append(const LogStreamTarget& target,
                           const std::vector<ParsedEvent>& events,
                           const std::string& reason, int64_t now_unix_ms) {
  if (events.empty()) return Status::Ok();
  std::string lines;
  for (const ParsedEvent& e : events) {
    lines += "{\"time\":" + std::to_string(now_unix_ms) + ",\"group\":";
    AppendJsonString(target.group, &lines);
    lines += ",\"stream\":";
    AppendJsonString(target.stream, &lines);
    lines += ",\"timestamp\":" + std::to_string(e.timestamp_ms) + ",\"message\":";
    AppendJsonString(e.message, &lines);
    lines += ",\"reason\":";
    AppendJsonString(reason, &lines);
    lines += "}\n";
  }
  EDGELOG_RETURN_IF_ERROR(MakeRoom(lines.size()));
  Status s = [&] {
    auto file = env_.OpenWritable(path_, WriteMode::kAppend);
    if (!file.ok()) return file.status();
    EDGELOG_RETURN_IF_ERROR((*file)->Append(lines));
    EDGELOG_RETURN_IF_ERROR((*file)->Sync());
    EDGELOG_RETURN_IF_ERROR((*file)->Close());
    // A file just created (or a rotation) survives a power loss only once
    // its directory is synced too; until then the events do not count as
    // kept. The flag stays set until a directory sync succeeds.
    if (dir_unsynced_) {
      EDGELOG_RETURN_IF_ERROR(env_.SyncDir(DirName(path_)));
      dir_unsynced_ = false;
    }
    return Status::Ok();
  }();
  if (!s.ok()) return s;
  events_written_ += events.size();
  return Status::Ok();
}

Status RejectedLog::MakeRoom(uint64_t adding) {
  // Looked at every time (refused events are rare): the file may have been
  // moved away or removed by someone else since.
  auto info = env_.Stat(path_);
  if (!info.ok() && info.status().code() != Code::kNotFound) return info.status();
  if (!info.ok()) dir_unsynced_ = true;  // the append creates it
  uint64_t size = info.ok() ? info->size : 0;
  if (size == 0 || size + adding <= max_bytes_) return Status::Ok();
  Status moved = env_.Rename(path_, path_ + ".1");
  if (!moved.ok() && moved.code() != Code::kNotFound) return moved;
  dir_unsynced_ = true;  // the rename, and the file the append creates
  return Status::Ok();
}

}  // namespace edgelog
