// The PutLogEvents request body: written once, by hand, straight from the
// events; parsed back only on the rare paths that need the events again
// (rejected events, splitting a refused request).
#ifndef EDGELOG_AGENT_BATCH_PAYLOAD_H_
#define EDGELOG_AGENT_BATCH_PAYLOAD_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "agent/base/status.h"
#include "agent/batch/log_stream.h"

namespace edgelog {

// Appends {"timestamp":T,"message":"..."} to `out`.
void AppendEventJson(int64_t timestamp_ms, std::string_view message,
                     std::string* out);

// {"logGroupName":..,"logStreamName":..,"logEvents":[  — the part before the
// events; the body is this + events joined by ',' + kBodySuffix.
std::string BodyPrefix(const LogStreamTarget& target);
inline constexpr std::string_view kBodySuffix = "]}";

struct ParsedEvent {
  int64_t timestamp_ms = 0;
  std::string message;
};

// The events of an uncompressed PutLogEvents body, in order.
StatusOr<std::vector<ParsedEvent>> ParseEvents(std::string_view json_body);

// A complete uncompressed body for `events` (which must be in time order).
std::string BuildBody(const LogStreamTarget& target,
                      const std::vector<ParsedEvent>& events);

}  // namespace edgelog

#endif  // EDGELOG_AGENT_BATCH_PAYLOAD_H_
