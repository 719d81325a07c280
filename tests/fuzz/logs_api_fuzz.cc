// Answers of the CloudWatch Logs API (agent/send/classify.h): what the
// sender does about each.
//
// Input: the first line is "STATUS [REQUEST-ID]", the second the
// x-amzn-ErrorType header, the rest the body. Checked: a 2xx is taken as
// delivered only with a request id and a body that is empty or a JSON
// object; a refusal always names a code; a verdict never gives events up
// (kFinal) for an answer that names no AWS error; throttling and 5xx are
// always retried or fixed, never final.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "agent/aws/aws_error.h"
#include "agent/send/classify.h"
#include "agent/send/put_response.h"
#include "tests/fuzz/fuzz_check.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace edgelog;
  std::string_view input = fuzz::AsView(data, size);
  std::string status_line(fuzz::TakeLine(&input));
  HttpResponse r;
  r.status = static_cast<int>(std::strtol(status_line.c_str(), nullptr, 10) % 1000);
  size_t space = status_line.find(' ');
  if (space != std::string::npos) r.request_id = status_line.substr(space + 1);
  r.amzn_error_type = std::string(fuzz::TakeLine(&input));
  r.body = std::string(input);

  Classification c = Classify(r);
  FUZZ_CHECK(VerdictName(c.verdict) != nullptr);
  if (c.verdict == Verdict::kOk && r.status >= 200 && r.status < 300) {
    FUZZ_CHECK(!r.request_id.empty());
    // cJSON, like JSON, skips white space (and other bytes up to 0x20).
    size_t first = 0;
    while (first < r.body.size() && static_cast<unsigned char>(r.body[first]) <= 0x20) ++first;
    FUZZ_CHECK(first == r.body.size() || r.body[first] == '{');
    ParseRejectedInfo(r.body);  // what the sender reads next
  }
  if (c.verdict != Verdict::kOk) FUZZ_CHECK(!c.code.empty());
  if (r.status < 200 || r.status >= 300) {
    if (c.verdict == Verdict::kFinal) {
      FUZZ_CHECK(!ParseAwsError(r.body, r.amzn_error_type).code.empty());
    }
    if (r.status == 429 || r.status >= 500) {
      FUZZ_CHECK(c.verdict != Verdict::kFinal && c.verdict != Verdict::kInvalid);
    }
  }
  if (c.verdict != Verdict::kOk) FUZZ_CHECK(!Describe(c).empty());
  return 0;
}
