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

namespace {

constexpr char kHex[] = "0123456789abcdef";

void AppendHex(const char* prefix, unsigned value, int digits, std::string* out) {
  *out += prefix;
  for (int shift = (digits - 1) * 4; shift >= 0; shift -= 4) *out += kHex[(value >> shift) & 0xF];
}

// The length of the UTF-8 sequence at text[i], 0 if it is not one.
size_t Utf8Length(std::string_view text, size_t i) {
  const auto at = [&](size_t k) { return static_cast<unsigned char>(text[k]); };
  unsigned char lead = at(i);
  size_t n = lead >= 0xC2 && lead <= 0xDF ? 2 : lead >= 0xE0 && lead <= 0xEF ? 3
           : lead >= 0xF0 && lead <= 0xF4 ? 4 : 0;
  if (n == 0 || i + n > text.size()) return 0;
  for (size_t k = 1; k < n; ++k) {
    if ((at(i + k) & 0xC0) != 0x80) return 0;
  }
  unsigned char second = at(i + 1);
  if ((lead == 0xE0 && second < 0xA0) || (lead == 0xED && second > 0x9F) ||
      (lead == 0xF0 && second < 0x90) || (lead == 0xF4 && second > 0x8F)) {
    return 0;  // overlong, a surrogate, or past U+10FFFF
  }
  return n;
}

}  // namespace

void AppendForTerminal(std::string_view text, std::string* out, const char* newline_as) {
  for (size_t i = 0; i < text.size();) {
    const unsigned char u = static_cast<unsigned char>(text[i]);
    if (u == '\n' && newline_as != nullptr) {
      *out += newline_as;
      ++i;
    } else if (u < 0x80) {
      if ((u < 0x20 && u != '\t') || u == 0x7F) {
        AppendHex("\\x", u, 2, out);
      } else {
        *out += static_cast<char>(u);
      }
      ++i;
    } else if (size_t n = Utf8Length(text, i); n == 0) {
      AppendHex("\\x", u, 2, out);
      ++i;
    } else if (u == 0xC2 && static_cast<unsigned char>(text[i + 1]) <= 0x9F) {
      AppendHex("\\u", static_cast<unsigned char>(text[i + 1]), 4, out);  // a C1 control
      i += 2;
    } else {
      out->append(text.substr(i, n));
      i += n;
    }
  }
}

std::string FormatLogLine(LogLevel level, std::string_view message) {
  while (!message.empty() && message.back() == '\n') message.remove_suffix(1);
  std::string line = "edgelog: ";
  line += LevelPrefix(level);
  AppendForTerminal(message, &line, "\n  ");  // a continuation, never a line of edgelog's own
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
                                   std::function<void(std::string_view)> terminal,
                                   std::function<size_t()> columns)
    : lines_(lines), terminal_(std::move(terminal)), columns_(std::move(columns)) {}

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
  // The last column is left free: some terminals wrap on it.
  size_t width = columns_ ? columns_() : 0;
  if (width > 1 && line.size() >= width) line = line.substr(0, width - 1);
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
