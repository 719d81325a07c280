#include "agent/send/clock_skew.h"

#include <cstdlib>

namespace edgelog {
namespace {

// Days from 1970-01-01 to the civil date (proleptic Gregorian).
int64_t DaysFromCivil(int64_t y, int64_t m, int64_t d) {
  y -= m <= 2;
  int64_t era = (y >= 0 ? y : y - 399) / 400;
  int64_t yoe = y - era * 400;
  int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

bool Digits(std::string_view s, size_t pos, size_t n, int64_t* out) {
  if (pos + n > s.size()) return false;
  int64_t v = 0;
  for (size_t i = pos; i < pos + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    v = v * 10 + (s[i] - '0');
  }
  *out = v;
  return true;
}

std::string Span(int64_t ms) {
  int64_t s = ms / 1000;
  std::string out;
  if (s >= 3600) out += std::to_string(s / 3600) + " h ";
  if (s >= 60) out += std::to_string(s / 60 % 60) + " min ";
  out += std::to_string(s % 60) + " s";
  return out;
}

}  // namespace

std::optional<int64_t> ParseHttpDate(std::string_view date) {
  // "Sun, 22 Nov 2026 01:28:07 GMT"
  static constexpr std::string_view kMonths = "JanFebMarAprMayJunJulAugSepOctNovDec";
  if (date.size() != 29 || date.substr(3, 2) != ", " || date.substr(25) != " GMT") {
    return std::nullopt;
  }
  int64_t day, year, hour, minute, second;
  size_t month_at = kMonths.find(date.substr(8, 3));
  if (month_at == std::string_view::npos || month_at % 3 != 0 || !Digits(date, 5, 2, &day) ||
      !Digits(date, 12, 4, &year) || !Digits(date, 17, 2, &hour) ||
      !Digits(date, 20, 2, &minute) || !Digits(date, 23, 2, &second) || date[19] != ':' ||
      date[22] != ':' || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60) {
    return std::nullopt;
  }
  int64_t month = static_cast<int64_t>(month_at / 3) + 1;
  int64_t days = DaysFromCivil(year, month, day);
  return ((days * 24 + hour) * 60 + minute) * 60000 + second * 1000;
}

bool ClockSkew::Observe(std::string_view date, int64_t local_unix_ms) {
  std::optional<int64_t> aws = ParseHttpDate(date);
  if (!aws) return false;
  // The header is cut to the second: AWS's time is within [aws, aws + 1 s).
  int64_t offset = *aws + 500 - local_unix_ms;
  if (std::llabs(offset) < kThresholdMs) offset = 0;
  bool changed = std::llabs(offset - offset_ms_) >= kThresholdMs;
  if (changed) offset_ms_ = offset;
  return changed;
}

std::string ClockSkew::Describe() const {
  if (offset_ms_ == 0) return "the system clock agrees with AWS's";
  return "the system clock is " + Span(std::llabs(offset_ms_)) +
         (offset_ms_ > 0 ? " behind" : " ahead of") + " AWS's";
}

}  // namespace edgelog
