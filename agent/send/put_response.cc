#include "agent/send/put_response.h"

#include <cjson/cJSON.h>

#include <cmath>
#include <memory>

#include "agent/base/cloudwatch_limits.h"

namespace edgelog {
namespace {

// An index is a whole number within a request (at most 10,000 events);
// anything else (1e300, 2.5, -1) is not one, and never reaches a cast.
std::optional<size_t> Index(const cJSON* info, const char* key) {
  const cJSON* item = cJSON_GetObjectItemCaseSensitive(info, key);
  if (!cJSON_IsNumber(item)) return std::nullopt;
  double v = item->valuedouble;
  if (!(v >= 0 && v < static_cast<double>(kMaxEventsPerRequest)) || v != std::floor(v)) {
    return std::nullopt;
  }
  return static_cast<size_t>(v);
}

}  // namespace

RejectedInfo ParseRejectedInfo(std::string_view body) {
  RejectedInfo out;
  std::unique_ptr<cJSON, void (*)(cJSON*)> root(
      cJSON_ParseWithLength(body.data(), body.size()), cJSON_Delete);
  if (!root) return out;
  const cJSON* info = cJSON_GetObjectItemCaseSensitive(root.get(), "rejectedLogEventsInfo");
  if (!cJSON_IsObject(info)) return out;
  out.too_new_start = Index(info, "tooNewLogEventStartIndex");
  out.too_old_end = Index(info, "tooOldLogEventEndIndex");
  out.expired_end = Index(info, "expiredLogEventEndIndex");
  return out;
}

std::string RejectionReason(const RejectedInfo& info, size_t index) {
  if (info.too_new_start && index >= *info.too_new_start) {
    return "too new: more than 2 hours in the future (tooNewLogEventStartIndex)";
  }
  if (info.expired_end && index <= *info.expired_end) {
    return "expired: older than the log group's retention (expiredLogEventEndIndex)";
  }
  if (info.too_old_end && index <= *info.too_old_end) {
    return "too old: older than 14 days (tooOldLogEventEndIndex)";
  }
  return "";
}

}  // namespace edgelog
