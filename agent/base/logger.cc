#include "agent/base/logger.h"

#include <cstdio>

namespace edgelog {
namespace {

const char* LevelPrefix(LogLevel level) {
  switch (level) {
    case LogLevel::kDebug: return "debug: ";
    case LogLevel::kInfo: return "";
    case LogLevel::kWarning: return "warning: ";
    case LogLevel::kError: return "error: ";
  }
  return "";
}

class StderrLogger final : public Logger {
 public:
  explicit StderrLogger(bool debug) : debug_(debug) {}

  void Write(LogLevel level, std::string_view message) override {
    std::string line = "edgelog: ";
    line += LevelPrefix(level);
    line += message;
    line += '\n';
    std::fwrite(line.data(), 1, line.size(), stderr);
    std::fflush(stderr);
  }
  bool debug_enabled() const override { return debug_; }

 private:
  bool debug_;
};

}  // namespace

std::unique_ptr<Logger> NewStderrLogger(bool debug) {
  return std::make_unique<StderrLogger>(debug);
}

}  // namespace edgelog
