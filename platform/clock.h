// Clock: the two kinds of time the agent needs.
#ifndef EDGELOG_PLATFORM_CLOCK_H_
#define EDGELOG_PLATFORM_CLOCK_H_

#include <cstdint>
#include <memory>

namespace edgelog {

// Threading: both clocks may be read from any thread (the credential
// refresh thread reads both).
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

// Offset of this host's local time from UTC at `unix_seconds`, in seconds
// (+3600 for Central European winter time), from the system's time zone
// (TZ, /etc/localtime).
int64_t LocalUtcOffsetSeconds(int64_t unix_seconds);

}  // namespace edgelog

#endif  // EDGELOG_PLATFORM_CLOCK_H_
