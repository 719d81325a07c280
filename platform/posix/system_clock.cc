#include <time.h>

#include "platform/clock.h"

namespace edgelog {
namespace {

int64_t ReadMillis(clockid_t id) {
  struct timespec ts;
  ::clock_gettime(id, &ts);
  return static_cast<int64_t>(ts.tv_sec) * 1000 + ts.tv_nsec / 1000000;
}

class SystemClock final : public Clock {
 public:
  int64_t NowUnixMillis() override { return ReadMillis(CLOCK_REALTIME); }
  int64_t MonotonicMillis() override { return ReadMillis(CLOCK_MONOTONIC); }
};

}  // namespace

std::unique_ptr<Clock> NewSystemClock() { return std::make_unique<SystemClock>(); }

int64_t LocalUtcOffsetSeconds(int64_t unix_seconds) {
  time_t t = static_cast<time_t>(unix_seconds);
  struct tm local;
  if (localtime_r(&t, &local) == nullptr) return 0;
  return local.tm_gmtoff;
}

}  // namespace edgelog
