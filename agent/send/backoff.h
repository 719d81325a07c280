// Exponential backoff with full jitter: the n-th retry waits a uniformly
// random time in [0, min(cap, base * 2^n)].
#ifndef EDGELOG_AGENT_SEND_BACKOFF_H_
#define EDGELOG_AGENT_SEND_BACKOFF_H_

#include <cstdint>
#include <random>

namespace edgelog {

struct BackoffPolicy {
  int64_t base_ms = 200;
  int64_t cap_ms = 20000;
};

// The ceiling of the delay before retry number `attempt` (0-based).
int64_t BackoffCeilingMs(const BackoffPolicy& policy, int attempt);

// A delay for retry number `attempt`, drawn from `rng`.
int64_t BackoffDelayMs(const BackoffPolicy& policy, int attempt, std::mt19937_64& rng);

}  // namespace edgelog

#endif  // EDGELOG_AGENT_SEND_BACKOFF_H_
