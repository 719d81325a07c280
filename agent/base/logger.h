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
#include <functional>
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
// `text` safe to show on a terminal: control characters (C0, DEL, and the
// C1 controls U+0080-U+009F, which some terminals act on) and bytes that
// are not UTF-8 become \xNN (\u0080-\u009F for C1); tabs stay. With
// `newline_as` set, a newline becomes it instead.
void AppendForTerminal(std::string_view text, std::string* out,
                       const char* newline_as = nullptr);

std::string FormatLogLine(LogLevel level, std::string_view message);

std::unique_ptr<Logger> NewStderrLogger(bool debug);

// A line kept under the log on a terminal (the progress of `run --once`),
// redrawn in place.
//
// Threading: may be called from any thread, as Logger.
class StatusLine {
 public:
  virtual ~StatusLine() = default;
  // Replaces the line shown with `line` (no newline in it).
  virtual void Show(std::string_view line) = 0;
  // Leaves the line shown as it is, ended by a newline: later output goes
  // below it. Nothing when no line is shown.
  virtual void End() = 0;
};

// A Logger that writes through `lines` and keeps a StatusLine under them
// on the same terminal: before each log line the status line is erased
// (carriage return, erase to the end of the line) and after it drawn
// again, so neither garbles the other. `terminal` writes raw bytes to the
// terminal `lines` writes to; `lines` must outlive the logger.
class StatusLineLogger final : public Logger, public StatusLine {
 public:
  // `columns`: the terminal's width now (0: unknown), asked at each Show;
  // a longer line is cut to fit, so that it never wraps (a wrapped line
  // cannot be drawn over).
  StatusLineLogger(Logger& lines, std::function<void(std::string_view)> terminal,
                   std::function<size_t()> columns = nullptr);

  void Write(LogLevel level, std::string_view message) override;
  bool debug_enabled() const override { return lines_.debug_enabled(); }
  void Show(std::string_view line) override;
  void End() override;

 private:
  Logger& lines_;
  std::function<void(std::string_view)> terminal_;
  std::function<size_t()> columns_;
  std::mutex mu_;
  std::string shown_;  // empty: no status line on the terminal
};

// Raw bytes to standard error, flushed (for StatusLineLogger).
void WriteToStderr(std::string_view bytes);

}  // namespace edgelog

#endif  // EDGELOG_AGENT_BASE_LOGGER_H_
