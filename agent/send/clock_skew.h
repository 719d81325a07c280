// ClockSkew: the offset between this host's clock and AWS's, learned from
// the Date header of every answer, so that a host whose clock is wrong
// still signs requests AWS accepts (SigV4 allows 5 minutes).
//
// Not thread-safe; owned by the sender.
#ifndef EDGELOG_AGENT_SEND_CLOCK_SKEW_H_
#define EDGELOG_AGENT_SEND_CLOCK_SKEW_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace edgelog {

// "Sun, 22 Nov 2026 01:28:07 GMT" (RFC 7231's IMF-fixdate) → Unix ms;
// nothing for anything else.
std::optional<int64_t> ParseHttpDate(std::string_view date);

class ClockSkew {
 public:
  // An answer with `date` arrived when the local clock read `local_unix_ms`.
  // Returns true when the offset in use changed by more than the threshold
  // (so the caller may log it, once per change).
  bool Observe(std::string_view date, int64_t local_unix_ms);
  // AWS's time now, by the local clock corrected with the offset in use.
  int64_t AwsNowMs(int64_t local_unix_ms) const { return local_unix_ms + offset_ms_; }
  // Milliseconds to add to the local clock (AWS minus local); 0 until an
  // offset beyond the threshold was seen.
  int64_t offset_ms() const { return offset_ms_; }
  // "the system clock is 7 minutes 3 seconds behind AWS's"
  std::string Describe() const;

  // Offsets below this are the Date header's one-second grain and the
  // network's delay, not a wrong clock: they are not applied.
  static constexpr int64_t kThresholdMs = 30000;

 private:
  int64_t offset_ms_ = 0;
};

}  // namespace edgelog

#endif  // EDGELOG_AGENT_SEND_CLOCK_SKEW_H_
