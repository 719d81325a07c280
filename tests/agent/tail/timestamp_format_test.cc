// TimestampFormat: compiling formats, and what each directive reads.
// Real-world formats, zones and year inference: timestamp_format_logs_test.cc.
#include "agent/tail/timestamp_format.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <ctime>
#include <optional>
#include <string>
#include <string_view>

namespace edgelog {
namespace {

// Unix ms of a UTC civil time, computed by libc (not the code under test).
int64_t UtcMs(int year, int month, int day, int hour, int minute, int second,
              int millis = 0) {
  std::tm tm{};
  tm.tm_year = year - 1900;
  tm.tm_mon = month - 1;
  tm.tm_mday = day;
  tm.tm_hour = hour;
  tm.tm_min = minute;
  tm.tm_sec = second;
  return static_cast<int64_t>(timegm(&tm)) * 1000 + millis;
}

const int64_t kNow = UtcMs(2024, 6, 15, 12, 0, 0);

// The timestamp `format` (timezone UTC) finds in `text`; a failure to
// compile fails the test.
std::optional<int64_t> FindUtc(std::string_view format, std::string_view text,
                               int64_t now_ms = kNow) {
  auto compiled = TimestampFormat::Compile(format, TimeZoneMode::kUtc, nullptr);
  if (!compiled.ok()) {
    ADD_FAILURE() << format << ": " << compiled.status().ToString();
    return std::nullopt;
  }
  return compiled->Find(text, now_ms);
}

Status CompileError(std::string_view format) {
  auto compiled = TimestampFormat::Compile(format, TimeZoneMode::kUtc, nullptr);
  return compiled.ok() ? Status::Ok() : compiled.status();
}

// ---- Compile ---------------------------------------------------------------

TEST(TimestampFormatCompileTest, EmptyFormatIsInvalidArgument) {
  EXPECT_EQ(CompileError("").code(), Code::kInvalidArgument);
}

TEST(TimestampFormatCompileTest, UnsupportedDirectiveIsRejectedByName) {
  // %j, %c, %U, %W, %w belong to the older CloudWatch Logs agent only; %e,
  // %-H and %s are supported by neither agent.
  for (const char* directive :
       {"%j", "%c", "%U", "%W", "%w", "%e", "%-H", "%s"}) {
    const Status s = CompileError(std::string("%Y-%m-%d ") + directive);
    EXPECT_EQ(s.code(), Code::kInvalidArgument) << directive;
    EXPECT_NE(
        s.message().find(std::string("unsupported directive ") + directive),
        std::string::npos)
        << s.message();
  }
}

TEST(TimestampFormatCompileTest, PercentEndingTheFormatIsRejected) {
  for (const char* format : {"%H:%M:%", "%H:%M:%-"}) {
    const Status s = CompileError(format);
    EXPECT_EQ(s.code(), Code::kInvalidArgument) << format;
    EXPECT_NE(s.message().find("incomplete directive"), std::string::npos)
        << s.message();
  }
}

TEST(TimestampFormatCompileTest, LocalZoneWithoutOffsetFunctionIsRejected) {
  auto compiled =
      TimestampFormat::Compile("%H:%M:%S", TimeZoneMode::kLocal, nullptr);
  EXPECT_EQ(compiled.status().code(), Code::kInvalidArgument);
}

TEST(TimestampFormatCompileTest, EveryDocumentedDirectiveCompiles) {
  for (const char* d : {"%y", "%Y",  "%b", "%B", "%m",  "%-m", "%d", "%-d",
                        "%A", "%a",  "%H", "%I", "%-I", "%p",  "%M", "%-M",
                        "%S", "%-S", "%f", "%Z", "%z",  "%%"}) {
    EXPECT_TRUE(CompileError(d).ok()) << d;
  }
}

TEST(TimestampFormatCompileTest,
     PatternHasOneGroupPerDirectiveAndEscapedLiterals) {
  auto compiled =
      TimestampFormat::Compile("[%H:%M] (x)", TimeZoneMode::kUtc, nullptr);
  ASSERT_TRUE(compiled.ok());
  EXPECT_EQ(compiled->pattern(), R"(\[(\d{2}):(\d{2})\] \(x\))");
}

TEST(TimestampFormatCompileTest, DayAfterTheStartMayBeSpacePadded) {
  auto compiled =
      TimestampFormat::Compile("%d %b %d", TimeZoneMode::kUtc, nullptr);
  ASSERT_TRUE(compiled.ok());
  EXPECT_EQ(compiled->pattern().rfind(R"((\d{1,2}) )", 0), 0u)
      << compiled->pattern();
  EXPECT_NE(compiled->pattern().find(R"( [ ]?(\d{1,2}))"), std::string::npos)
      << compiled->pattern();
}

TEST(TimestampFormatCompileTest, RegexCharactersInTheFormatAreLiterals) {
  // Unescaped, '.' would match 'x' and '+' would repeat the 2.
  EXPECT_FALSE(FindUtc("%Y-%m-%d %H.%M", "2024-03-10 08x15").has_value());
  EXPECT_EQ(FindUtc("%Y-%m-%d %H.%M", "2024-03-10 08.15"),
            UtcMs(2024, 3, 10, 8, 15, 0));
  EXPECT_EQ(FindUtc("+%Y|%m|%d*", "+2024|03|10*"), UtcMs(2024, 3, 10, 0, 0, 0));
  EXPECT_FALSE(FindUtc("+%Y|%m|%d*", "2024|03|10").has_value());
}

TEST(TimestampFormatCompileTest, DoublePercentIsALiteralPercent) {
  EXPECT_EQ(FindUtc("%Y-%m-%d 100%%", "2024-03-10 100%"),
            UtcMs(2024, 3, 10, 0, 0, 0));
  EXPECT_FALSE(FindUtc("%Y-%m-%d 100%%", "2024-03-10 100").has_value());
}

// ---- Directives
// --------------------------------------------------------------

TEST(TimestampFormatDirectiveTest, FourDigitYear) {
  EXPECT_EQ(FindUtc("%Y-%m-%d", "1999-12-31"), UtcMs(1999, 12, 31, 0, 0, 0));
  EXPECT_FALSE(FindUtc("%Y-%m-%d", "99-12-31").has_value());
}

TEST(TimestampFormatDirectiveTest, TwoDigitYearPivotsAt69) {
  EXPECT_EQ(FindUtc("%y-%m-%d", "69-01-01"), UtcMs(1969, 1, 1, 0, 0, 0));
  EXPECT_EQ(FindUtc("%y-%m-%d", "99-12-31"), UtcMs(1999, 12, 31, 0, 0, 0));
  EXPECT_EQ(FindUtc("%y-%m-%d", "00-01-01"), UtcMs(2000, 1, 1, 0, 0, 0));
  EXPECT_EQ(FindUtc("%y-%m-%d", "68-12-31"), UtcMs(2068, 12, 31, 0, 0, 0));
}

TEST(TimestampFormatDirectiveTest, AbbreviatedMonthInAnyCase) {
  const char* kMonths[] = {"Jan", "feb", "MAR", "Apr", "May", "Jun",
                           "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  for (int m = 1; m <= 12; ++m) {
    EXPECT_EQ(
        FindUtc("%d %b %Y", std::string("01 ") + kMonths[m - 1] + " 2024"),
        UtcMs(2024, m, 1, 0, 0, 0))
        << kMonths[m - 1];
  }
  EXPECT_FALSE(FindUtc("%d %b %Y", "01 Foo 2024").has_value());
}

TEST(TimestampFormatDirectiveTest, FullMonthNameOfAnyLength) {
  // The agent's \w{7} matches only January, October, ...; every month works
  // here.
  const char* kMonths[] = {"January",   "February", "March",    "April",
                           "May",       "June",     "July",     "August",
                           "September", "October",  "NOVEMBER", "december"};
  for (int m = 1; m <= 12; ++m) {
    EXPECT_EQ(FindUtc("%B %d, %Y", std::string(kMonths[m - 1]) + " 02, 2024"),
              UtcMs(2024, m, 2, 0, 0, 0))
        << kMonths[m - 1];
  }
}

TEST(TimestampFormatDirectiveTest, MonthNumberZeroSpaceOrUnpadded) {
  for (const char* f : {"%Y/%m/%d", "%Y/%-m/%d"}) {
    EXPECT_EQ(FindUtc(f, "2024/03/10"), UtcMs(2024, 3, 10, 0, 0, 0)) << f;
    EXPECT_EQ(FindUtc(f, "2024/3/10"), UtcMs(2024, 3, 10, 0, 0, 0)) << f;
    EXPECT_EQ(FindUtc(f, "2024/ 3/10"), UtcMs(2024, 3, 10, 0, 0, 0)) << f;
    EXPECT_EQ(FindUtc(f, "2024/12/10"), UtcMs(2024, 12, 10, 0, 0, 0)) << f;
  }
}

TEST(TimestampFormatDirectiveTest, DayZeroSpaceOrUnpadded) {
  for (const char* f : {"%b %d %Y", "%b %-d %Y"}) {
    EXPECT_EQ(FindUtc(f, "Mar 05 2024"), UtcMs(2024, 3, 5, 0, 0, 0)) << f;
    EXPECT_EQ(FindUtc(f, "Mar 5 2024"), UtcMs(2024, 3, 5, 0, 0, 0)) << f;
    EXPECT_EQ(FindUtc(f, "Mar  5 2024"), UtcMs(2024, 3, 5, 0, 0, 0)) << f;
    EXPECT_EQ(FindUtc(f, "Mar 25 2024"), UtcMs(2024, 3, 25, 0, 0, 0)) << f;
  }
}

TEST(TimestampFormatDirectiveTest, WeekdayNamesMatchButAreNotChecked) {
  // Go's time.Parse ignores the weekday; 2024-03-10 was a Sunday.
  EXPECT_EQ(FindUtc("%a %Y-%m-%d", "Sun 2024-03-10"),
            UtcMs(2024, 3, 10, 0, 0, 0));
  EXPECT_EQ(FindUtc("%a %Y-%m-%d", "mon 2024-03-10"),
            UtcMs(2024, 3, 10, 0, 0, 0));
  EXPECT_EQ(FindUtc("%A, %Y-%m-%d", "Wednesday, 2024-03-10"),
            UtcMs(2024, 3, 10, 0, 0, 0));
  EXPECT_FALSE(FindUtc("%a %Y-%m-%d", "Xyz 2024-03-10").has_value());
  EXPECT_FALSE(FindUtc("%A, %Y-%m-%d", "Funday, 2024-03-10").has_value());
}

TEST(TimestampFormatDirectiveTest, TwentyFourHourClock) {
  EXPECT_EQ(FindUtc("%Y-%m-%d %H", "2024-03-10 00"),
            UtcMs(2024, 3, 10, 0, 0, 0));
  EXPECT_EQ(FindUtc("%Y-%m-%d %H", "2024-03-10 23"),
            UtcMs(2024, 3, 10, 23, 0, 0));
  EXPECT_FALSE(FindUtc("%Y-%m-%d %H", "2024-03-10 24").has_value());
}

TEST(TimestampFormatDirectiveTest, TwelveHourClockWithAmPm) {
  const char* f = "%Y-%m-%d %I:%M %p";
  EXPECT_EQ(FindUtc(f, "2024-03-10 12:00 AM"), UtcMs(2024, 3, 10, 0, 0, 0));
  EXPECT_EQ(FindUtc(f, "2024-03-10 12:30 AM"), UtcMs(2024, 3, 10, 0, 30, 0));
  EXPECT_EQ(FindUtc(f, "2024-03-10 01:00 AM"), UtcMs(2024, 3, 10, 1, 0, 0));
  EXPECT_EQ(FindUtc(f, "2024-03-10 11:59 AM"), UtcMs(2024, 3, 10, 11, 59, 0));
  EXPECT_EQ(FindUtc(f, "2024-03-10 12:00 PM"), UtcMs(2024, 3, 10, 12, 0, 0));
  EXPECT_EQ(FindUtc(f, "2024-03-10 01:15 PM"), UtcMs(2024, 3, 10, 13, 15, 0));
  EXPECT_EQ(FindUtc(f, "2024-03-10 11:59 pm"), UtcMs(2024, 3, 10, 23, 59, 0));
  EXPECT_FALSE(FindUtc(f, "2024-03-10 13:00 PM").has_value());
  EXPECT_FALSE(FindUtc(f, "2024-03-10 00:00 AM").has_value());
  EXPECT_FALSE(FindUtc(f, "2024-03-10 01:00 XM").has_value());
}

TEST(TimestampFormatDirectiveTest, UnpaddedTwelveHourClock) {
  const char* f = "%Y-%m-%d %-I:%M %p";
  EXPECT_EQ(FindUtc(f, "2024-03-10 1:05 PM"), UtcMs(2024, 3, 10, 13, 5, 0));
  EXPECT_EQ(FindUtc(f, "2024-03-10 10:05 AM"), UtcMs(2024, 3, 10, 10, 5, 0));
}

TEST(TimestampFormatDirectiveTest, TwelveHourClockWithoutAmPmIsTakenAsWritten) {
  // As Go's time.Parse: 12 stays 12.
  EXPECT_EQ(FindUtc("%Y-%m-%d %I:%M", "2024-03-10 12:05"),
            UtcMs(2024, 3, 10, 12, 5, 0));
}

TEST(TimestampFormatDirectiveTest, MinutesAndSecondsPaddedOrNot) {
  EXPECT_EQ(FindUtc("%Y-%m-%d %H:%M:%S", "2024-03-10 08:05:09"),
            UtcMs(2024, 3, 10, 8, 5, 9));
  EXPECT_EQ(FindUtc("%Y-%m-%d %H:%-M:%-S", "2024-03-10 08:5:9"),
            UtcMs(2024, 3, 10, 8, 5, 9));
  EXPECT_EQ(FindUtc("%Y-%m-%d %H:%-M:%-S", "2024-03-10 08:59:59"),
            UtcMs(2024, 3, 10, 8, 59, 59));
  EXPECT_FALSE(FindUtc("%Y-%m-%d %H:%M:%S", "2024-03-10 08:5:09").has_value());
  EXPECT_FALSE(FindUtc("%Y-%m-%d %H:%M:%S", "2024-03-10 08:60:00").has_value());
  EXPECT_FALSE(FindUtc("%Y-%m-%d %H:%M:%S", "2024-03-10 08:00:60").has_value());
}

TEST(TimestampFormatDirectiveTest, FractionKeepsMillisecondsWithoutRounding) {
  const char* f = "%Y-%m-%d %H:%M:%S.%f";
  EXPECT_EQ(FindUtc(f, "2024-03-10 08:00:00.5"),
            UtcMs(2024, 3, 10, 8, 0, 0, 500));
  EXPECT_EQ(FindUtc(f, "2024-03-10 08:00:00.05"),
            UtcMs(2024, 3, 10, 8, 0, 0, 50));
  EXPECT_EQ(FindUtc(f, "2024-03-10 08:00:00.123"),
            UtcMs(2024, 3, 10, 8, 0, 0, 123));
  EXPECT_EQ(FindUtc(f, "2024-03-10 08:00:00.123999"),
            UtcMs(2024, 3, 10, 8, 0, 0, 123));
  EXPECT_EQ(FindUtc(f, "2024-03-10 08:00:00.999999999"),
            UtcMs(2024, 3, 10, 8, 0, 0, 999));
  EXPECT_FALSE(FindUtc(f, "2024-03-10 08:00:00.").has_value());
}

TEST(TimestampFormatDirectiveTest, NumericZoneOffsetInEveryAcceptedForm) {
  const char* f = "%Y-%m-%d %H:%M:%S %z";
  EXPECT_EQ(FindUtc(f, "2024-03-10 08:00:00 +0000"),
            UtcMs(2024, 3, 10, 8, 0, 0));
  EXPECT_EQ(FindUtc(f, "2024-03-10 08:00:00 -0700"),
            UtcMs(2024, 3, 10, 15, 0, 0));
  EXPECT_EQ(FindUtc(f, "2024-03-10 08:00:00 +0530"),
            UtcMs(2024, 3, 10, 2, 30, 0));
  EXPECT_EQ(FindUtc(f, "2024-03-10 08:00:00 +05:30"),
            UtcMs(2024, 3, 10, 2, 30, 0));
  EXPECT_EQ(FindUtc(f, "2024-03-10 08:00:00 Z"), UtcMs(2024, 3, 10, 8, 0, 0));
  EXPECT_FALSE(FindUtc(f, "2024-03-10 08:00:00 +07").has_value());
  EXPECT_FALSE(FindUtc(f, "2024-03-10 08:00:00 +0760").has_value());
}

TEST(TimestampFormatDirectiveTest, KnownZoneAbbreviationsGiveTheirOffset) {
  const char* f = "%Y-%m-%d %H:%M:%S %Z";
  EXPECT_EQ(FindUtc(f, "2024-03-10 08:00:00 UTC"), UtcMs(2024, 3, 10, 8, 0, 0));
  EXPECT_EQ(FindUtc(f, "2024-03-10 08:00:00 GMT"), UtcMs(2024, 3, 10, 8, 0, 0));
  EXPECT_EQ(FindUtc(f, "2024-03-10 08:00:00 PST"),
            UtcMs(2024, 3, 10, 16, 0, 0));
  EXPECT_EQ(FindUtc(f, "2024-03-10 08:00:00 EDT"),
            UtcMs(2024, 3, 10, 12, 0, 0));
  EXPECT_EQ(FindUtc(f, "2024-07-10 08:00:00 CEST"),
            UtcMs(2024, 7, 10, 6, 0, 0));
  EXPECT_EQ(FindUtc(f, "2024-03-10 08:00:00 JST"), UtcMs(2024, 3, 9, 23, 0, 0));
}

TEST(TimestampFormatDirectiveTest,
     UnknownOrAmbiguousZoneAbbreviationUsesTimezone) {
  const UtcOffsetFn plus_eight = [](int64_t) { return int64_t{8 * 3600}; };
  auto local = TimestampFormat::Compile("%Y-%m-%d %H:%M:%S %Z",
                                        TimeZoneMode::kLocal, plus_eight);
  ASSERT_TRUE(local.ok());
  // CST is US Central, China and Cuba: the host's zone decides.
  EXPECT_EQ(local->Find("2024-03-10 08:00:00 CST", kNow),
            UtcMs(2024, 3, 10, 0, 0, 0));
  EXPECT_EQ(local->Find("2024-03-10 08:00:00 XYZT", kNow),
            UtcMs(2024, 3, 10, 0, 0, 0));
  EXPECT_EQ(FindUtc("%Y-%m-%d %H:%M:%S %Z", "2024-03-10 08:00:00 IST"),
            UtcMs(2024, 3, 10, 8, 0, 0));
  // Like Go's parser, %Z wants upper-case letters.
  EXPECT_FALSE(FindUtc("%Y-%m-%d %H:%M:%S %Z", "2024-03-10 08:00:00 utc"));
}

TEST(TimestampFormatDirectiveTest, NumericOffsetWinsOverAbbreviation) {
  EXPECT_EQ(FindUtc("%Y-%m-%d %H:%M:%S %z %Z", "2024-03-10 08:00:00 +0100 PST"),
            UtcMs(2024, 3, 10, 7, 0, 0));
}

}  // namespace
}  // namespace edgelog
