// Logger: where edgelog's own messages go (standard error by default, which
// systemd puts in the journal and container runtimes collect).
//
// Passed by reference to the stages that report things; tests capture it.
//
// Every message passes RedactSecrets (agent/base/redact.h) before Write
// sees it: the secrets Hide() was told, and anything shaped like one, never
// reach the log. Debug, Info, Warning and Error are the way in; Write is
// what implementations provide.
//
// Threading: every method may be called from the main loop and the
// credential refresh thread at once; implementations of Write keep each
// line whole (the stderr logger with one fwrite per line, which stdio
// locks; the test double with a lock).
#ifndef EDGELOG_AGENT_BASE_LOGGER_H_
#define EDGELOG_AGENT_BASE_LOGGER_H_

#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

namespace edgelog {

enum class LogLevel { kDebug, kInfo, kWarning, kError };

class Logger {
 public:
  // Secrets kept for redaction: the current ones and a few before them
  // (text quoting an earlier secret may still come).
  static constexpr size_t kHiddenKept = 8;

  Logger() = default;
  Logger(const Logger&) = delete;
  Logger& operator=(const Logger&) = delete;
  virtual ~Logger() = default;

  // One line, already redacted.
  virtual void Write(LogLevel level, std::string_view message) = 0;
  virtual bool debug_enabled() const { return false; }

  void Debug(std::string_view m) {
    if (debug_enabled()) Write(LogLevel::kDebug, Redact(m));
  }
  void Info(std::string_view m) { Write(LogLevel::kInfo, Redact(m)); }
  void Warning(std::string_view m) { Write(LogLevel::kWarning, Redact(m)); }
  void Error(std::string_view m) { Write(LogLevel::kError, Redact(m)); }

  // From now on `secret` (a secret access key, a session token) is removed
  // from every message. Empty and already hidden values are ignored.
  void Hide(const std::string& secret);
  // `text` as a message would show it: RedactSecrets with the hidden
  // secrets. For text that leaves the agent by another way than the log
  // (doctor's report, rejected.jsonl, a usage error on stderr).
  std::string Redact(std::string_view text) const;

 private:
  mutable std::mutex mu_;
  std::deque<std::string> hidden_;  // newest last
};

// "edgelog: warning: ..." lines on standard error, one write each.
// "edgelog: [LEVEL: ]MESSAGE\n" as written to standard error. Whatever the
// message holds (a file name with a newline, a terminal escape), every
// line that starts with "edgelog: " is one of edgelog's own: a newline in
// the message starts an indented continuation, and other control
// characters but tab are written as \xNN.
std::string FormatLogLine(LogLevel level, std::string_view message);

std::unique_ptr<Logger> NewStderrLogger(bool debug);

}  // namespace edgelog

#endif  // EDGELOG_AGENT_BASE_LOGGER_H_
