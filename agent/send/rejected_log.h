// RejectedLog: events CloudWatch refused, kept for inspection in
// STATE_DIR/rejected.jsonl, one JSON object per line:
//   {"time":T,"group":G,"stream":S,"timestamp":T,"message":M,"reason":R}
// Each append is synced before it returns, so an event is acknowledged
// (and its file offset passed) only once it is safely here. The file is
// capped: an append that would take it past `max_bytes` first renames it to
// PATH.1 (replacing the one before), so the two together hold at most
// 2 x max_bytes (plus one append larger than the cap).
#ifndef EDGELOG_AGENT_SEND_REJECTED_LOG_H_
#define EDGELOG_AGENT_SEND_REJECTED_LOG_H_

#include <cstdint>
#include <string>
#include <vector>

#include "agent/base/status.h"
#include "agent/batch/log_stream.h"
#include "agent/batch/payload.h"
#include "platform/env.h"

namespace edgelog {

class RejectedLog {
 public:
  // `path` is the file to append to; created when first needed.
  RejectedLog(Env& env, std::string path, uint64_t max_bytes = 64 << 20)
      : env_(env), path_(std::move(path)), max_bytes_(max_bytes) {}

  // Appends one line per event with `reason`, then syncs.
  Status Append(const LogStreamTarget& target, const std::vector<ParsedEvent>& events,
                const std::string& reason, int64_t now_unix_ms);

  const std::string& path() const { return path_; }
  uint64_t events_written() const { return events_written_; }

 private:
  // Renames the file to PATH.1 when `adding` bytes would pass the cap.
  Status MakeRoom(uint64_t adding);

  Env& env_;
  std::string path_;
  uint64_t max_bytes_;
  bool dir_unsynced_ = false;  // a name changed in the directory since its last sync
  uint64_t events_written_ = 0;
};

}  // namespace edgelog

#endif  // EDGELOG_AGENT_SEND_REJECTED_LOG_H_
