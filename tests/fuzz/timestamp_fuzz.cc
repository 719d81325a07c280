// TimestampFormat (agent/tail/timestamp_format.h): the `timestamp_format`
// option compiled, then searched for in records.
//
// Input: the first line is the format, the second picks the time zone mode
// ("utc" or anything else for local), the rest is the record. Checked: a
// format that compiles finds times only where its pattern matches, a match
// at the start is a match anywhere, and every time found lies within the
// years a format can write (0000-9999, give or take a day of zone offset).
#include <cstdint>
#include <string>
#include <string_view>

#include "agent/tail/timestamp_format.h"
#include "tests/fuzz/fuzz_check.h"

namespace {

// 2026-01-15 10:30:00 UTC, the reader's clock.
constexpr int64_t kNowMs = 1768473000000;
constexpr int64_t kDayMs = 86400 * 1000;
// 0000-01-01 and 10000-01-01, in Unix milliseconds.
constexpr int64_t kYear0Ms = -62167219200000;
constexpr int64_t kYear10000Ms = 253402300800000;

// A local zone with daylight saving time: +1 h, +2 h in alternate 100-day
// stretches, so gaps and repeated hours occur.
int64_t LocalOffset(int64_t unix_seconds) {
  int64_t stretch = unix_seconds / (100 * 86400);
  return (stretch % 2 == 0) ? 3600 : 7200;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace edgelog;
  std::string_view input = fuzz::AsView(data, size);
  std::string_view format = fuzz::TakeLine(&input);
  std::string_view zone = fuzz::TakeLine(&input);
  if (format.size() > 200) return 0;  // real formats are a few dozen bytes
  StatusOr<TimestampFormat> compiled = TimestampFormat::Compile(
      format, zone == "utc" ? TimeZoneMode::kUtc : TimeZoneMode::kLocal, LocalOffset);
  if (!compiled.ok()) {
    FUZZ_CHECK(!compiled.status().message().empty());
    return 0;
  }
  std::optional<int64_t> found = compiled->Find(input, kNowMs);
  bool anywhere = compiled->MatchesAnywhere(input);
  if (found) {
    FUZZ_CHECK(anywhere);
    FUZZ_CHECK(*found >= kYear0Ms - kDayMs && *found <= kYear10000Ms + kDayMs);
  }
  if (compiled->MatchesAtStart(input)) FUZZ_CHECK(anywhere);
  // Copies share the compiled expression and find the same.
  TimestampFormat copy = *compiled;
  FUZZ_CHECK(copy.Find(input, kNowMs) == found);
  return 0;
}
