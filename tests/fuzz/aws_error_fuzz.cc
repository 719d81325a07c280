// AWS error answers (agent/aws/aws_error.h): JSON with "__type", the
// x-amzn-ErrorType header, or XML with <Code>.
//
// Input: the first line is the x-amzn-ErrorType header, the rest the body.
// Checked: a code never keeps a namespace ("...#X"), a suffix (":http...")
// or trailing spaces; without a code in the body the header's is used; the
// same answer always reads the same.
#include <cstdint>
#include <string_view>

#include "agent/aws/aws_error.h"
#include "tests/fuzz/fuzz_check.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace edgelog;
  std::string_view input = fuzz::AsView(data, size);
  std::string_view header = fuzz::TakeLine(&input);
  AwsError error = ParseAwsError(input, header);
  FUZZ_CHECK(error.code.find('#') == std::string::npos);
  FUZZ_CHECK(error.code.find(':') == std::string::npos);
  FUZZ_CHECK(error.code.empty() || error.code.back() != ' ');

  AwsError from_body = ParseAwsError(input, "");
  if (!from_body.code.empty()) FUZZ_CHECK(from_body.code == error.code);
  FUZZ_CHECK(from_body.message == error.message);
  AwsError from_header = ParseAwsError("", header);
  if (from_body.code.empty()) FUZZ_CHECK(error.code == from_header.code);
  return 0;
}
