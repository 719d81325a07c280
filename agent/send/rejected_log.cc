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
  bool new_file = *size_ == lines.size();  // nothing before these lines
  Status s = [&] {
    auto file = env_.OpenWritable(path_, WriteMode::kAppend);
    if (!file.ok()) return file.status();
    EDGELOG_RETURN_IF_ERROR((*file)->Append(lines));
    EDGELOG_RETURN_IF_ERROR((*file)->Sync());
    EDGELOG_RETURN_IF_ERROR((*file)->Close());
    // A file just created survives a power loss only once its directory
    // is synced too; until then the checkpoint must not pass these events.
    return new_file ? env_.SyncDir(DirName(path_)) : Status::Ok();
  }();
  if (!s.ok()) {
    size_.reset();  // part of it may be there: looked at again next time
    return s;
  }
  events_written_ += events.size();
  return Status::Ok();
}

Status RejectedLog::MakeRoom(uint64_t adding) {
  if (!size_) {
    auto info = env_.Stat(path_);
    if (!info.ok() && info.status().code() != Code::kNotFound) return info.status();
    size_ = info.ok() ? info->size : 0;
  }
  if (*size_ == 0 || *size_ + adding <= max_bytes_) {
    *size_ += adding;
    return Status::Ok();
  }
  EDGELOG_RETURN_IF_ERROR(env_.Rename(path_, path_ + ".1"));
  EDGELOG_RETURN_IF_ERROR(env_.SyncDir(DirName(path_)));
  size_ = adding;
  return Status::Ok();
}

}  // namespace edgelog
