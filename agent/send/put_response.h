// Reading a successful PutLogEvents answer: which events were refused.
#ifndef EDGELOG_AGENT_SEND_PUT_RESPONSE_H_
#define EDGELOG_AGENT_SEND_PUT_RESPONSE_H_

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace edgelog {

// rejectedLogEventsInfo: indexes into the request's events.
struct RejectedInfo {
  std::optional<size_t> too_new_start;  // events [start, n) too far in the future
  std::optional<size_t> too_old_end;    // events [0, end] older than 14 days
  std::optional<size_t> expired_end;    // events [0, end] past the retention

  bool any() const { return too_new_start || too_old_end || expired_end; }
};

// Parses the answer body; an absent or unreadable field means "none".
RejectedInfo ParseRejectedInfo(std::string_view body);

// The reason event `index` of `count` was refused, or "" if it was not.
std::string RejectionReason(const RejectedInfo& info, size_t index);

}  // namespace edgelog

#endif  // EDGELOG_AGENT_SEND_PUT_RESPONSE_H_
