#include "agent/run/progress.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <iterator>

namespace edgelog {
namespace {

std::string OneDecimal(double v) {
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%.1f", v);
  return buf;
}

}  // namespace

std::string FormatBytes(double bytes) {
  static constexpr const char* kUnits[] = {"KiB", "MiB", "GiB", "TiB"};
  if (bytes < 1024) return std::to_string(static_cast<uint64_t>(bytes)) + " B";
  double v = bytes / 1024;
  size_t unit = 0;
  // 1023.95 MiB would print as "1024.0 MiB": the next unit then.
  while (v >= 1023.95 && unit + 1 < std::size(kUnits)) {
    v /= 1024;
    ++unit;
  }
  return OneDecimal(v) + " " + kUnits[unit];
}

std::string FormatCount(uint64_t n) {
  std::string digits = std::to_string(n);
  std::string out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

std::string FormatDuration(int64_t seconds) {
  if (seconds < 60) return std::to_string(seconds) + " s";
  if (seconds < 3600) {
    return std::to_string(seconds / 60) + " min " + std::to_string(seconds % 60) + " s";
  }
  return std::to_string(seconds / 3600) + " h " + std::to_string(seconds % 3600 / 60) + " min";
}

std::string FormatProgress(const ProgressFigures& f, const ProgressRate& rate) {
  std::string line = "edgelog: ";
  if (f.total_bytes) {
    uint64_t total = std::max(*f.total_bytes, f.bytes_read);
    double percent = total == 0 ? 100.0 : 100.0 * static_cast<double>(f.bytes_read) /
                                              static_cast<double>(total);
    line += FormatBytes(static_cast<double>(f.bytes_read)) + " of " +
            FormatBytes(static_cast<double>(total)) + " read (" + OneDecimal(percent) +
            " %), ";
  }
  line += FormatCount(f.events_sent) + " events sent";
  if (f.total_bytes) {
    if (rate.bytes_per_s) {
      line += ", " + FormatBytes(*rate.bytes_per_s) + "/s";
      uint64_t left = std::max(*f.total_bytes, f.bytes_read) - f.bytes_read;
      if (left > 0 && *rate.bytes_per_s > 0) {
        line += ", ETA " + FormatDuration(static_cast<int64_t>(
                               std::ceil(static_cast<double>(left) / *rate.bytes_per_s)));
      }
    }
  } else if (rate.events_per_s) {
    line += ", " + FormatCount(static_cast<uint64_t>(*rate.events_per_s)) + " events/s";
  }
  return line;
}

ProgressMeter::ProgressMeter(Clock& clock, StatusLine& out)
    : clock_(clock), out_(out), start_{clock.MonotonicMillis(), {}} {
  window_.push_back(start_);
}

bool ProgressMeter::Due() const {
  return !last_draw_ms_ || clock_.MonotonicMillis() - *last_draw_ms_ >= kRedrawIntervalMs;
}

ProgressRate ProgressMeter::RateBetween(const Sample& since, const Sample& now) {
  ProgressRate rate;
  if (now.ms <= since.ms) return rate;
  double seconds = static_cast<double>(now.ms - since.ms) / 1000;
  rate.bytes_per_s =
      static_cast<double>(now.figures.bytes_read - since.figures.bytes_read) / seconds;
  rate.events_per_s =
      static_cast<double>(now.figures.events_sent - since.figures.events_sent) / seconds;
  return rate;
}

void ProgressMeter::Update(const ProgressFigures& figures) {
  if (!Due()) return;
  Sample now{clock_.MonotonicMillis(), figures};
  // Keep one sample at or before the window's start, so the rate always
  // spans the whole window once the run is that old.
  while (window_.size() > 1 && now.ms - window_[1].ms >= kRateWindowMs) window_.pop_front();
  out_.Show(FormatProgress(figures, RateBetween(window_.front(), now)));
  window_.push_back(now);
  last_draw_ms_ = now.ms;
}

void ProgressMeter::Finish(const ProgressFigures& figures) {
  Sample now{clock_.MonotonicMillis(), figures};
  out_.Show(FormatProgress(figures, RateBetween(start_, now)));
  out_.End();
  last_draw_ms_ = now.ms;
}

}  // namespace edgelog
