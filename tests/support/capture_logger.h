// CaptureLogger: a Logger that keeps every line for assertions.
#ifndef EDGELOG_TESTS_SUPPORT_CAPTURE_LOGGER_H_
#define EDGELOG_TESTS_SUPPORT_CAPTURE_LOGGER_H_

#include <mutex>
#include <string>
#include <vector>

#include "agent/base/logger.h"

namespace edgelog::testing {

class CaptureLogger : public Logger {
 public:
  // Safe from two threads, as Logger promises (the credential refresh
  // thread logs too).
  void Write(LogLevel level, std::string_view message) override {
    std::lock_guard<std::mutex> lock(mu_);
    lines_.push_back({level, std::string(message)});
  }
  bool debug_enabled() const override { return true; }

  struct Line {
    LogLevel level;
    std::string text;
  };
  const std::vector<Line>& lines() const { return lines_; }
  // Every line, one per row, for failure messages.
  std::string Text() const {
    std::lock_guard<std::mutex> lock(mu_);
    std::string out;
    for (const Line& l : lines_) out += "  " + l.text + "\n";
    return out;
  }
  // Lines at `level` containing `needle`.
  int Count(LogLevel level, const std::string& needle) const {
    std::lock_guard<std::mutex> lock(mu_);
    int n = 0;
    for (const Line& l : lines_) {
      if (l.level == level && l.text.find(needle) != std::string::npos) ++n;
    }
    return n;
  }

 private:
  mutable std::mutex mu_;
  std::vector<Line> lines_;
};

}  // namespace edgelog::testing

#endif  // EDGELOG_TESTS_SUPPORT_CAPTURE_LOGGER_H_
