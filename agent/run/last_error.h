// The agent's most recent error, kept in STATE_DIR/last_error.json for
// `edgelog status`:
//
//   {"version":1,"time":"1765130000123","message":"..."}
//
// `time` is milliseconds since the Unix epoch, as a decimal string like the
// numbers of checkpoints.json; `message` is the line as logged, redacted.
//
// ErrorRecordingLogger sits in front of the agent's logger and remembers the
// last Error(); the main loop saves it with LastErrorFile at most once a
// second, and only when it changed. The file is replaced by rename, without
// fsync: it is a hint for a human, not state, and errors may come in storms
// that must not become storms of writes to flash. A crash may leave the old
// file, the new one, or (power lost before the data reached the disk) an
// empty or missing one, which `status` reports as such.
#ifndef EDGELOG_AGENT_RUN_LAST_ERROR_H_
#define EDGELOG_AGENT_RUN_LAST_ERROR_H_

#include <cstdint>
#include <mutex>
#include <optional>
#include <string>

#include "agent/base/logger.h"
#include "agent/base/status.h"
#include "platform/clock.h"
#include "platform/env.h"

namespace edgelog {

inline constexpr char kLastErrorFile[] = "last_error.json";

struct LastError {
  int64_t unix_ms = 0;
  std::string message;  // redacted, as logged

  bool operator==(const LastError& o) const {
    return unix_ms == o.unix_ms && message == o.message;
  }
  bool operator!=(const LastError& o) const { return !(*this == o); }
};

// A Logger that writes through `inner` and remembers the last line written
// at LogLevel::kError, with the wall-clock time it came. Secrets given to
// Hide() here are redacted before `inner` or the memory sees a line.
// Threading: as Logger (the credential refresh thread logs too). `inner`
// and `clock` must outlive it.
class ErrorRecordingLogger final : public Logger {
 public:
  ErrorRecordingLogger(Logger& inner, Clock& clock) : inner_(inner), clock_(clock) {}

  void Write(LogLevel level, std::string_view message) override;
  bool debug_enabled() const override { return inner_.debug_enabled(); }

  // The last error logged; nothing before the first.
  std::optional<LastError> last() const;

 private:
  Logger& inner_;
  Clock& clock_;
  mutable std::mutex mu_;
  std::optional<LastError> last_;
};

// Keeps STATE_DIR/last_error.json in step with an ErrorRecordingLogger.
// Owned by the main loop (not thread-safe); `env`, `clock` and `errors`
// must outlive it.
class LastErrorFile {
 public:
  LastErrorFile(Env& env, Clock& clock, const std::string& state_dir,
                const ErrorRecordingLogger& errors);

  // Writes the last error when it changed since the last write and the last
  // write is a second old (monotonic). A failure is not logged (that would
  // be an error of its own, to save again): it is tried at the next call.
  void SaveIfDue();
  // Writes the last error now if it changed (at the end of a run).
  void SaveNow();

 private:
  Env& env_;
  Clock& clock_;
  std::string path_;
  const ErrorRecordingLogger& errors_;
  std::optional<LastError> saved_;
  int64_t next_save_ms_ = 0;
  static constexpr int64_t kSaveIntervalMs = 1000;
};

// The JSON text of `error` (what LastErrorFile writes).
std::string LastErrorToJson(const LastError& error);

// The error saved at `path`; nothing when there is no such file.
// kCorruption naming the file when it cannot be read as one (an empty file
// left by a power loss included).
StatusOr<std::optional<LastError>> LoadLastError(Env& env, const std::string& path);

}  // namespace edgelog

#endif  // EDGELOG_AGENT_RUN_LAST_ERROR_H_
