// Clock: the two kinds of time the agent needs.
#ifndef EDGELOG_PLATFORM_CLOCK_H_
#define EDGELOG_PLATFORM_CLOCK_H_

#include <cstdint>
#include <memory>

namespace edgelog {

class Clock {
 public:
  virtual ~Clock() = default;
  // Wall-clock time, milliseconds since the Unix epoch. Used for event
  // timestamps and request signing; may jump.
  virtual int64_t NowUnixMillis() = 0;
  // Monotonic time in milliseconds from an arbitrary origin. Used for
  // timers, backoff and flush intervals; never goes back.
  virtual int64_t MonotonicMillis() = 0;
};

// The real clocks (CLOCK_REALTIME, CLOCK_MONOTONIC).
std::unique_ptr<Clock> NewSystemClock();

}  // namespace edgelog

#endif  // EDGELOG_PLATFORM_CLOCK_H_
