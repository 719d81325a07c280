// Logger: where edgelog's own messages go (standard error by default, which
// systemd puts in the journal and container runtimes collect).
//
// Passed by reference to the stages that report things; tests capture it.
//
// Threading: Write may be called from the main loop and the credential
// refresh thread at once; implementations keep each line whole (the stderr
// logger with one fwrite per line, which stdio locks; the test double with
// a lock).
#ifndef EDGELOG_AGENT_BASE_LOGGER_H_
#define EDGELOG_AGENT_BASE_LOGGER_H_

#include <memory>
#include <string>
#include <string_view>

namespace edgelog {

enum class LogLevel { kDebug, kInfo, kWarning, kError };

class Logger {
 public:
  virtual ~Logger() = default;
  virtual void Write(LogLevel level, std::string_view message) = 0;
  virtual bool debug_enabled() const { return false; }

  void Debug(std::string_view m) {
    if (debug_enabled()) Write(LogLevel::kDebug, m);
  }
  void Info(std::string_view m) { Write(LogLevel::kInfo, m); }
  void Warning(std::string_view m) { Write(LogLevel::kWarning, m); }
  void Error(std::string_view m) { Write(LogLevel::kError, m); }
};

// "edgelog: warning: ..." lines on standard error, one write each.
std::unique_ptr<Logger> NewStderrLogger(bool debug);

}  // namespace edgelog

#endif  // EDGELOG_AGENT_BASE_LOGGER_H_
