#include "agent/send/rejected_log.h"

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
  auto file = env_.OpenWritable(path_, WriteMode::kAppend);
  if (!file.ok()) return file.status();
  EDGELOG_RETURN_IF_ERROR((*file)->Append(lines));
  EDGELOG_RETURN_IF_ERROR((*file)->Sync());
  EDGELOG_RETURN_IF_ERROR((*file)->Close());
  events_written_ += events.size();
  return Status::Ok();
}

}  // namespace edgelog
