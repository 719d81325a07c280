// FakeClock: time that moves only when a test says so.
#ifndef EDGELOG_TESTS_SUPPORT_FAKE_CLOCK_H_
#define EDGELOG_TESTS_SUPPORT_FAKE_CLOCK_H_

#include "platform/clock.h"

namespace edgelog::testing {

class FakeClock : public Clock {
 public:
  // Starts at 2026-01-15 10:30:00 UTC wall time, monotonic 1,000,000 ms.
  int64_t NowUnixMillis() override { return wall_ms_; }
  int64_t MonotonicMillis() override { return mono_ms_; }

  // Moves both clocks forward.
  void Advance(int64_t ms) {
    wall_ms_ += ms;
    mono_ms_ += ms;
  }
  // Sets the wall clock alone (a jump, as NTP might make).
  void SetWall(int64_t unix_ms) { wall_ms_ = unix_ms; }

 private:
  int64_t wall_ms_ = 1768473000000;
  int64_t mono_ms_ = 1000000;
};

}  // namespace edgelog::testing

#endif  // EDGELOG_TESTS_SUPPORT_FAKE_CLOCK_H_
