// A successful PutLogEvents answer (agent/send/put_response.h): which events
// CloudWatch refused.
//
// Input: the answer's body. Checked: every index read is a whole number
// within a request's 10,000 events; each event gets a reason exactly when
// an index covers it, and the reasons agree with the indexes.
#include <cstdint>
#include <string>

#include "agent/base/cloudwatch_limits.h"
#include "agent/send/put_response.h"
#include "tests/fuzz/fuzz_check.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace edgelog;
  RejectedInfo info = ParseRejectedInfo(fuzz::AsView(data, size));
  for (const std::optional<size_t>& index :
       {info.too_new_start, info.too_old_end, info.expired_end}) {
    if (index) FUZZ_CHECK(*index < kMaxEventsPerRequest);
  }
  FUZZ_CHECK(info.any() == (info.too_new_start || info.too_old_end || info.expired_end));
  if (!info.any()) {
    FUZZ_CHECK(RejectionReason(info, 0).empty());
    return 0;
  }
  // Events across a whole request: refused exactly when an index covers them.
  for (size_t index = 0; index < kMaxEventsPerRequest; index += 97) {
    bool refused = (info.too_new_start && index >= *info.too_new_start) ||
                   (info.too_old_end && index <= *info.too_old_end) ||
                   (info.expired_end && index <= *info.expired_end);
    FUZZ_CHECK(RejectionReason(info, index).empty() == !refused);
  }
  if (info.too_new_start) {
    FUZZ_CHECK(!RejectionReason(info, *info.too_new_start).empty());
    if (*info.too_new_start > 0 && !info.too_old_end && !info.expired_end) {
      FUZZ_CHECK(RejectionReason(info, *info.too_new_start - 1).empty());
    }
  }
  if (info.expired_end) FUZZ_CHECK(!RejectionReason(info, *info.expired_end).empty());
  if (info.too_old_end) FUZZ_CHECK(!RejectionReason(info, *info.too_old_end).empty());
  return 0;
}
