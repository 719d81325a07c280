// The progress line of `edgelog run --once` on a terminal: bytes read of
// the total, events sent, the rate and the time left, redrawn in place at
// most every kRedrawIntervalMs.
#ifndef EDGELOG_AGENT_RUN_PROGRESS_H_
#define EDGELOG_AGENT_RUN_PROGRESS_H_

#include <cstdint>
#include <deque>
#include <optional>
#include <string>

#include "agent/base/logger.h"
#include "platform/clock.h"

namespace edgelog {

// Where a run is.
struct ProgressFigures {
  uint64_t bytes_read = 0;
  // What the files hold in all (read and not yet); none when nothing is
  // followed that has a size (journald entries alone): events only then.
  std::optional<uint64_t> total_bytes;
  uint64_t events_sent = 0;
};

// How fast it goes, per second; none while not yet known.
struct ProgressRate {
  std::optional<double> bytes_per_s;
  std::optional<double> events_per_s;
};

// "edgelog: 312.4 MiB of 423.0 MiB read (73.9 %), 1,482,003 events sent,
// 48.2 MiB/s, ETA 2 s". Without a total: "edgelog: 1,482,003 events sent,
// 12,000 events/s". The rate and the ETA are left out while unknown, the
// ETA too when nothing is left to read.
std::string FormatProgress(const ProgressFigures& figures, const ProgressRate& rate);
// 1023 B, 1.0 KiB, 312.4 MiB, 2.5 GiB.
std::string FormatBytes(double bytes);
// 1,482,003.
std::string FormatCount(uint64_t n);
// 2 s, 3 min 5 s, 1 h 2 min.
std::string FormatDuration(int64_t seconds);

// Draws the progress line on `out`, throttled, with the rate over the last
// kRateWindowMs. `clock` (monotonic) and `out` must outlive the meter.
//
// Threading: the main loop's.
class ProgressMeter {
 public:
  static constexpr int64_t kRedrawIntervalMs = 250;
  static constexpr int64_t kRateWindowMs = 5000;

  // The run starts now, from nothing read.
  ProgressMeter(Clock& clock, StatusLine& out);
  ProgressMeter(const ProgressMeter&) = delete;
  ProgressMeter& operator=(const ProgressMeter&) = delete;

  // True when Update would draw: nothing drawn yet, or kRedrawIntervalMs
  // since the last draw. Lets the caller skip gathering the figures.
  bool Due() const;
  // Draws `figures` when Due(), else nothing.
  void Update(const ProgressFigures& figures);
  // Draws `figures` (the rate averaged over the whole run) and ends the
  // line.
  void Finish(const ProgressFigures& figures);

 private:
  struct Sample {
    int64_t ms;
    ProgressFigures figures;
  };
  // The rate from `since` to now.
  static ProgressRate RateBetween(const Sample& since, const Sample& now);

  Clock& clock_;
  StatusLine& out_;
  Sample start_;
  std::deque<Sample> window_;  // drawn samples, oldest first
  std::optional<int64_t> last_draw_ms_;
};

}  // namespace edgelog

#endif  // EDGELOG_AGENT_RUN_PROGRESS_H_
