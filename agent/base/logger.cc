#include "agent/base/logger.h"

#include <algorithm>
#include <cstdio>

#include "agent/base/redact.h"

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
    std::string line = FormatLogLine(level, message);
    std::fwrite(line.data(), 1, line.size(), stderr);
    std::fflush(stderr);
  }
  bool debug_enabled() const override { return debug_; }

 private:
  bool debug_;
};

}  // namespace

std::string FormatLogLine(LogLevel level, std::string_view message) {
  while (!message.empty() && message.back() == '\n') message.remove_suffix(1);
  std::string line = "edgelog: ";
  line += LevelPrefix(level);
  for (char c : message) {
    const unsigned char u = static_cast<unsigned char>(c);
    if (c == '\n') {
      line += "\n  ";  // a continuation, never a line of edgelog's own
    } else if ((u < 0x20 && c != '\t') || u == 0x7F) {
      static constexpr char kHex[] = "0123456789abcdef";
      line += "\\x";
      line += kHex[u >> 4];
      line += kHex[u & 0xF];
    } else {
      line += c;
    }
  }
  line += '\n';
  return line;
}

void Logger::Hide(const std::string& secret) {
  if (secret.empty()) return;
  std::lock_guard<std::mutex> lock(mu_);
  if (std::find(hidden_.begin(), hidden_.end(), secret) != hidden_.end()) return;
  hidden_.push_back(secret);
  if (hidden_.size() > kHiddenKept) hidden_.pop_front();
}

std::string Logger::Redact(std::string_view text) const {
  std::vector<std::string> known;
  {
    std::lock_guard<std::mutex> lock(mu_);
    known.assign(hidden_.begin(), hidden_.end());
  }
  return RedactSecrets(text, known);
}

std::unique_ptr<Logger> NewStderrLogger(bool debug) {
  return std::make_unique<StderrLogger>(debug);
}

// Carriage return, then ANSI "erase to the end of the line".
constexpr std::string_view kEraseLine = "\r\033[K";

StatusLineLogger::StatusLineLogger(Logger& lines,
                                   std::function<void(std::string_view)> terminal)
    : lines_(lines), terminal_(std::move(terminal)) {}

void StatusLineLogger::Write(LogLevel level, std::string_view message) {
  std::lock_guard<std::mutex> lock(mu_);
  if (shown_.empty()) {
    lines_.Write(level, message);
    return;
  }
  terminal_(kEraseLine);
  lines_.Write(level, message);
  terminal_(shown_);
}

void StatusLineLogger::Show(std::string_view line) {
  std::lock_guard<std::mutex> lock(mu_);
  // Drawn over the old one, then what is left of the old one erased: no
  // blank moment between the two.
  shown_ = "\r";
  shown_ += line;
  terminal_(std::string(shown_) + "\033[K");
}

void StatusLineLogger::End() {
  std::lock_guard<std::mutex> lock(mu_);
  if (shown_.empty()) return;
  terminal_("\n");
  shown_.clear();
}

void WriteToStderr(std::string_view bytes) {
  std::fwrite(bytes.data(), 1, bytes.size(), stderr);
  std::fflush(stderr);
}

}  // namespace edgelog
