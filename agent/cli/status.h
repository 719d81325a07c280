// edgelog status: what a state directory tells of its agent, running or
// stopped. Per file its size now, the offset delivered and the lag; per
// journald entry its cursor; the disk buffer; rejected events; whether an
// agent holds the lock; the last error the agent logged.
//
// Safe beside a running agent: the state is only read. The lock is never
// taken (Env::IsLocked looks without taking), nothing is written, repaired
// or moved (a corrupt checkpoints.json is reported, not set aside). Each
// file is opened once and read through that descriptor, so a file replaced
// by rename meanwhile reads as the old or the new one whole; a disk buffer
// segment being appended may end in a partial record, which is counted
// (torn), not an error.
#ifndef EDGELOG_AGENT_CLI_STATUS_H_
#define EDGELOG_AGENT_CLI_STATUS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "agent/base/status.h"
#include "agent/cli/command_line.h"
#include "agent/cli/commands.h"
#include "agent/run/last_error.h"
#include "platform/env.h"

namespace edgelog {

// A file's checkpoint, and the file at its path now.
struct FileStatus {
  enum class State {
    kFollowed,   // the checkpointed file is at its path: `size` is its size
    kGone,       // nothing at the path any more (rotated away, deleted)
    kReplaced,   // another file is at the path (a rotation's new file)
    kTruncated,  // the file is shorter than the offset delivered
    kUnreadable, // its path cannot be looked at (`problem` says why)
  };
  std::string path;
  std::string entry;  // the collect_list entry (group:stream), "" in old files
  uint64_t offset = 0;
  State state = State::kFollowed;
  uint64_t size = 0;  // kFollowed and kTruncated only
  std::string problem;
  // Bytes at the path not delivered yet: kFollowed only.
  std::optional<uint64_t> lag() const;
};

// A journald entry's saved cursor.
struct JournalStatus {
  std::string group;  // the parts of the entry's key (cursor_store.h)
  std::string stream;
  std::string selection;  // units, priority, matches, filters; "" in old files
  std::string cursor;
};

// The disk buffer: its batches not acknowledged in it.
struct BufferStatus {
  uint64_t segments = 0;  // segment files read
  uint64_t batches = 0;
  uint64_t events = 0;
  uint64_t bytes = 0;  // of those batches' records, as edgelog.buffer.max_bytes counts
  // The oldest batch's oldest event time (ms since the epoch).
  std::optional<int64_t> oldest_event_ms;
  uint64_t torn_segments = 0;     // ending in a partial record (being written)
  uint64_t damaged_segments = 0;  // damaged in the middle (the agent sets them aside)
  uint64_t corrupt_files = 0;     // in buffer/corrupt/, for a human to look at
  std::vector<std::string> problems;  // segments that could not be read
};

// rejected.jsonl (and rejected.jsonl.1, its predecessor).
struct RejectedStatus {
  uint64_t lines = 0;
  uint64_t bytes = 0;
  uint64_t older_lines = 0;  // rejected.jsonl.1
  uint64_t older_bytes = 0;
  std::string problem;
};

enum class AgentRunning { kYes, kNo, kUnknown };

struct StateStatus {
  std::string state_dir;
  AgentRunning running = AgentRunning::kUnknown;
  std::string running_problem;  // why kUnknown
  std::vector<FileStatus> files;
  std::string checkpoints_problem;  // checkpoints.json could not be read
  std::vector<JournalStatus> journals;
  std::string journals_problem;
  BufferStatus buffer;
  RejectedStatus rejected;
  std::optional<LastError> last_error;
  std::string last_error_problem;
};

// Reads the state in `state_dir` without changing anything there.
// kNotFound / kPermissionDenied / kIoError when the directory itself
// cannot be listed; a file in it that cannot be read is a problem noted in
// the result, not an error.
StatusOr<StateStatus> ReadStateStatus(Env& env, const std::string& state_dir);

// The report for a terminal, and as one JSON object (fields in the README);
// ages are counted to `now_unix_ms`.
std::string StatusText(const StateStatus& status, int64_t now_unix_ms);
std::string StatusJson(const StateStatus& status, int64_t now_unix_ms);

// `edgelog status`: the state directory from --state-dir, else from the
// config's edgelog.state_dir, else the default. 0 when the state could be
// read; 1 when the directory cannot; 2 for a bad config.
int StatusCommand(const CommandLine& cl, Host& host);

}  // namespace edgelog

#endif  // EDGELOG_AGENT_CLI_STATUS_H_
