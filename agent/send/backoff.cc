#include "agent/send/backoff.h"

#include <algorithm>

namespace edgelog {

int64_t BackoffCeilingMs(const BackoffPolicy& policy, int attempt) {
  int shift = std::clamp(attempt, 0, 30);
  int64_t ceiling = policy.base_ms << shift;
  return std::min(policy.cap_ms, std::max<int64_t>(ceiling, 1));
}

int64_t BackoffDelayMs(const BackoffPolicy& policy, int attempt, std::mt19937_64& rng) {
  std::uniform_int_distribution<int64_t> pick(0, BackoffCeilingMs(policy, attempt));
  return pick(rng);
}

}  // namespace edgelog
