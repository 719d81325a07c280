// TimestampFormat on the formats of real logs: where the timestamp is found,
// how `timezone` applies, which year a yearless timestamp gets, which dates
// are refused, and where a multi-line record starts.
#include <gtest/gtest.h>

#include <cstdint>
#include <ctime>
#include <optional>
#include <string>
#include <string_view>

#include "agent/tail/timestamp_format.h"

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
constexpr int64_t kHour = 3600;

UtcOffsetFn FixedOffset(int64_t seconds) {
  return [seconds](int64_t) { return seconds; };
}

std::optional<TimestampFormat> Compile(std::string_view format,
                                       TimeZoneMode zone = TimeZoneMode::kUtc,
                                       UtcOffsetFn local = nullptr) {
  auto compiled = TimestampFormat::Compile(format, zone, std::move(local));
  if (!compiled.ok()) {
    ADD_FAILURE() << format << ": " << compiled.status().ToString();
    return std::nullopt;
  }
  return std::move(compiled).value();
}

std::optional<int64_t> FindUtc(std::string_view format, std::string_view text,
                               int64_t now_ms = kNow) {
  auto f = Compile(format);
  return f ? f->Find(text, now_ms) : std::nullopt;
}

// ---- Formats of real logs --------------------------------------------------

TEST(TimestampFormatLogsTest, Iso8601WithMillisAndZ) {
  EXPECT_EQ(FindUtc("%Y-%m-%dT%H:%M:%S.%f%z",
                    R"({"time":"2024-03-10T08:15:30.123Z","level":"info"})"),
            UtcMs(2024, 3, 10, 8, 15, 30, 123));
}

TEST(TimestampFormatLogsTest, Iso8601WithColonOffset) {
  EXPECT_EQ(
      FindUtc("%Y-%m-%dT%H:%M:%S.%f%z", "2024-03-10T10:15:30.123+02:00 up"),
      UtcMs(2024, 3, 10, 8, 15, 30, 123));
  EXPECT_EQ(FindUtc("%Y-%m-%dT%H:%M:%S%z", "2024-03-10T03:15:30-05:00 up"),
            UtcMs(2024, 3, 10, 8, 15, 30));
}

TEST(TimestampFormatLogsTest, LiteralZInTheFormatFollowsTheConfiguredTimezone) {
  // The agent reads a literal Z as text, not as UTC; %z is the way to say it.
  auto f = Compile("%Y-%m-%dT%H:%M:%SZ", TimeZoneMode::kLocal,
                   FixedOffset(2 * kHour));
  ASSERT_TRUE(f);
  EXPECT_EQ(f->Find("2024-03-10T08:15:30Z", kNow),
            UtcMs(2024, 3, 10, 6, 15, 30));
}

TEST(TimestampFormatLogsTest, SyslogWithoutYearTakesTheCurrentYear) {
  EXPECT_EQ(
      FindUtc("%b %d %H:%M:%S",
              "Jun  5 07:08:09 ip-10-0-0-1 sshd[812]: Accepted publickey"),
      UtcMs(2024, 6, 5, 7, 8, 9));
  EXPECT_EQ(FindUtc("%b %d %H:%M:%S", "Jan 15 07:08:09 host cron[1]: ok"),
            UtcMs(2024, 1, 15, 7, 8, 9));
}

TEST(TimestampFormatLogsTest, SyslogDecemberLineReadInJanuaryIsLastYear) {
  const int64_t new_year = UtcMs(2025, 1, 1, 0, 10, 0);
  EXPECT_EQ(
      FindUtc("%b %d %H:%M:%S", "Dec 31 23:59:58 host kernel: x", new_year),
      UtcMs(2024, 12, 31, 23, 59, 58));
  EXPECT_EQ(
      FindUtc("%b %d %H:%M:%S", "Jan  1 00:09:00 host kernel: x", new_year),
      UtcMs(2025, 1, 1, 0, 9, 0));
}

TEST(TimestampFormatLogsTest, YearlessTimeUpTo30DaysAheadStaysInTheCurrentYear) {
  // The CloudWatch agent's rule: only more than 30 days ahead is last year.
  EXPECT_EQ(FindUtc("%b %d %H:%M:%S", "Jun 19 08:00:00 a few days ahead"),
            UtcMs(2024, 6, 19, 8, 0, 0));
  EXPECT_EQ(FindUtc("%b %d %H:%M:%S", "Jul 15 11:59:59 ahead"),
            UtcMs(2024, 7, 15, 11, 59, 59));
  EXPECT_EQ(FindUtc("%b %d %H:%M:%S", "Jul 15 12:00:01 ahead"),
            UtcMs(2023, 7, 15, 12, 0, 1));
}

TEST(TimestampFormatLogsTest, YearlessFebruary29FallsInTheLastLeapYear) {
  const int64_t in_2025 = UtcMs(2025, 1, 10, 0, 0, 0);
  EXPECT_EQ(FindUtc("%b %d %H:%M:%S", "Feb 29 10:00:00 x", in_2025),
            UtcMs(2024, 2, 29, 10, 0, 0));
  EXPECT_EQ(FindUtc("%b %d %H:%M:%S", "Feb 29 10:00:00 x"),
            UtcMs(2024, 2, 29, 10, 0, 0));
}

TEST(TimestampFormatLogsTest, TimeOfDayOnlyIsTodayUnlessThatIsAheadOfNow) {
  EXPECT_EQ(FindUtc("[%H:%M:%S]", "[11:00:00] job started"),
            UtcMs(2024, 6, 15, 11, 0, 0));
  EXPECT_EQ(FindUtc("[%H:%M:%S]", "[12:59:59] clock a little ahead"),
            UtcMs(2024, 6, 15, 12, 59, 59));
  EXPECT_EQ(FindUtc("[%H:%M:%S]", "[23:30:00] written before midnight"),
            UtcMs(2024, 6, 14, 23, 30, 0));
}

TEST(TimestampFormatLogsTest, ApacheAccessLog) {
  EXPECT_EQ(
      FindUtc(
          "%d/%b/%Y:%H:%M:%S %z",
          R"(127.0.0.1 - frank [10/Oct/2000:13:55:36 -0700] "GET /apache_pb.gif HTTP/1.0" 200 2326)"),
      int64_t{971211336} * 1000);
}

TEST(TimestampFormatLogsTest, JavaLogWithCommaBeforeMilliseconds) {
  EXPECT_EQ(FindUtc("%Y-%m-%d %H:%M:%S,%f",
                    "2024-03-10 08:15:30,123 INFO  [main] o.a.Foo - started"),
            UtcMs(2024, 3, 10, 8, 15, 30, 123));
}

TEST(TimestampFormatLogsTest, AgentsOwnFractionCase) {
  // plugins/inputs/logfile/fileconfig_test.go,
  // TestTimestampParserWithFracSeconds.
  EXPECT_EQ(
      FindUtc("%d %b %Y %H:%M:%S,%f %Z",
              "19 Jun 2017 14:25:18,234088 UTC [INFO] This is a test message."),
      int64_t{1497882318234});
}

TEST(TimestampFormatLogsTest, CtimeStyleWithWeekday) {
  EXPECT_EQ(FindUtc("%a %b %d %H:%M:%S %Y", "Sun Mar 10 08:15:30 2024 boot"),
            UtcMs(2024, 3, 10, 8, 15, 30));
}

TEST(TimestampFormatLogsTest, UsDateWithTwelveHourClock) {
  EXPECT_EQ(
      FindUtc("%m/%d/%Y %I:%M:%S %p", "3/10/2024 12:05:00 AM Service started"),
      UtcMs(2024, 3, 10, 0, 5, 0));
  EXPECT_EQ(
      FindUtc("%m/%d/%Y %I:%M:%S %p", "03/10/2024 12:05:00 PM Service started"),
      UtcMs(2024, 3, 10, 12, 5, 0));
}

// ---- Where in the text
// -------------------------------------------------------

TEST(TimestampFormatLogsTest, TimestampInTheMiddleOfALineIsFound) {
  EXPECT_EQ(FindUtc("%Y-%m-%d %H:%M:%S",
                    "[worker-3] job 42 at 2024-03-10 08:15:30 ok"),
            UtcMs(2024, 3, 10, 8, 15, 30));
}

TEST(TimestampFormatLogsTest, FirstOfSeveralTimestampsWins) {
  EXPECT_EQ(
      FindUtc("%Y-%m-%d %H:%M:%S",
              "2024-03-10 08:15:30 retry of job from 2024-03-09 07:00:00"),
      UtcMs(2024, 3, 10, 8, 15, 30));
}

TEST(TimestampFormatLogsTest, TimestampOnALaterLineOfAMultiLineRecordIsFound) {
  EXPECT_EQ(
      FindUtc("%Y-%m-%d %H:%M:%S", "Traceback:\n  at x\n2024-03-10 08:15:30 y"),
      UtcMs(2024, 3, 10, 8, 15, 30));
}

TEST(TimestampFormatLogsTest, TextWithoutATimestampHasNone) {
  EXPECT_FALSE(FindUtc("%Y-%m-%d %H:%M:%S", "no time here").has_value());
  EXPECT_FALSE(FindUtc("%Y-%m-%d %H:%M:%S", "").has_value());
  EXPECT_FALSE(FindUtc("%Y-%m-%d %H:%M:%S", "2024-03-10 08:15").has_value());
}

TEST(TimestampFormatLogsTest, BytesThatAreNotUtf8DoNotHideTheTimestamp) {
  EXPECT_EQ(FindUtc("%Y-%m-%d %H:%M:%S",
                    std::string("\xff\xfe\x80 2024-03-10 08:15:30")),
            UtcMs(2024, 3, 10, 8, 15, 30));
}

// ---- Dates that do not exist
// ---------------------------------------------------

TEST(TimestampFormatLogsTest, DatesThatDoNotExistHaveNoTimestamp) {
  const char* f = "%Y-%m-%d %H:%M:%S";
  EXPECT_FALSE(FindUtc(f, "2024-02-30 10:00:00").has_value());
  EXPECT_FALSE(FindUtc(f, "2023-02-29 10:00:00").has_value());
  EXPECT_FALSE(FindUtc(f, "1900-02-29 10:00:00").has_value());
  EXPECT_FALSE(FindUtc(f, "2024-04-31 10:00:00").has_value());
  EXPECT_FALSE(FindUtc(f, "2024-13-01 10:00:00").has_value());
  EXPECT_FALSE(FindUtc(f, "2024-00-10 10:00:00").has_value());
  EXPECT_FALSE(FindUtc(f, "2024-03-00 10:00:00").has_value());
  EXPECT_FALSE(FindUtc(f, "2024-03-10 25:00:00").has_value());
  EXPECT_EQ(FindUtc(f, "2024-02-29 10:00:00"), UtcMs(2024, 2, 29, 10, 0, 0));
  EXPECT_EQ(FindUtc(f, "2000-02-29 10:00:00"), UtcMs(2000, 2, 29, 10, 0, 0));
}

TEST(TimestampFormatLogsTest, OnlyTheFirstMatchIsTriedEvenIfItIsInvalid) {
  // As the agent: the record then has no timestamp of its own.
  EXPECT_FALSE(FindUtc("%Y-%m-%d", "2024-02-30 then 2024-03-01").has_value());
}

TEST(TimestampFormatLogsTest, DatesFarFromTheEpochConvertExactly) {
  const char* f = "%Y-%m-%d %H:%M:%S";
  EXPECT_EQ(FindUtc(f, "1970-01-01 00:00:00"), 0);
  EXPECT_EQ(FindUtc(f, "1969-12-31 23:59:59"), -1000);
  EXPECT_EQ(FindUtc(f, "0001-01-01 00:00:00"), int64_t{-62135596800} * 1000);
  EXPECT_EQ(FindUtc(f, "9999-12-31 23:59:59"), int64_t{253402300799} * 1000);
  EXPECT_EQ(FindUtc(f, "2038-01-19 03:14:08"), int64_t{2147483648} * 1000);
}

// ---- timezone
// ------------------------------------------------------------------

TEST(TimestampFormatLogsTest, LocalTimezoneSubtractsTheLocalOffset) {
  auto cet =
      Compile("%Y-%m-%d %H:%M:%S", TimeZoneMode::kLocal, FixedOffset(kHour));
  auto est = Compile("%Y-%m-%d %H:%M:%S", TimeZoneMode::kLocal,
                     FixedOffset(-5 * kHour));
  ASSERT_TRUE(cet && est);
  EXPECT_EQ(cet->Find("2024-01-15 10:00:00", kNow),
            UtcMs(2024, 1, 15, 9, 0, 0));
  EXPECT_EQ(est->Find("2024-01-15 10:00:00", kNow),
            UtcMs(2024, 1, 15, 15, 0, 0));
}

TEST(TimestampFormatLogsTest, UtcTimezoneIgnoresTheLocalOffset) {
  auto f = Compile("%Y-%m-%d %H:%M:%S", TimeZoneMode::kUtc, FixedOffset(kHour));
  ASSERT_TRUE(f);
  EXPECT_EQ(f->Find("2024-01-15 10:00:00", kNow), UtcMs(2024, 1, 15, 10, 0, 0));
}

TEST(TimestampFormatLogsTest, OffsetInTheTextOverridesLocalTimezone) {
  auto f =
      Compile("%Y-%m-%d %H:%M:%S %z", TimeZoneMode::kLocal, FixedOffset(kHour));
  ASSERT_TRUE(f);
  EXPECT_EQ(f->Find("2024-01-15 10:00:00 +0000", kNow),
            UtcMs(2024, 1, 15, 10, 0, 0));
}

// Central European time: +1h, +2h from 2024-03-31 01:00 UTC to 2024-10-27
// 01:00 UTC.
int64_t CentralEurope2024(int64_t unix_seconds) {
  const bool summer = unix_seconds >= UtcMs(2024, 3, 31, 1, 0, 0) / 1000 &&
                      unix_seconds < UtcMs(2024, 10, 27, 1, 0, 0) / 1000;
  return summer ? 2 * kHour : kHour;
}

TEST(TimestampFormatLogsTest, LocalOffsetIsTheOneInForceAtTheEvent) {
  auto f =
      Compile("%Y-%m-%d %H:%M:%S", TimeZoneMode::kLocal, CentralEurope2024);
  ASSERT_TRUE(f);
  const int64_t winter_now = UtcMs(2024, 1, 15, 12, 0, 0);
  EXPECT_EQ(f->Find("2024-07-01 12:00:00", winter_now),
            UtcMs(2024, 7, 1, 10, 0, 0));
  EXPECT_EQ(f->Find("2024-03-31 01:59:59", winter_now),
            UtcMs(2024, 3, 31, 0, 59, 59));
  EXPECT_EQ(f->Find("2024-03-31 03:00:00", winter_now),
            UtcMs(2024, 3, 31, 1, 0, 0));
}

TEST(TimestampFormatLogsTest, SkippedAndRepeatedLocalTimesResolveAsGoDoes) {
  auto f =
      Compile("%Y-%m-%d %H:%M:%S", TimeZoneMode::kLocal, CentralEurope2024);
  ASSERT_TRUE(f);
  // 02:30 never happened on 2024-03-31: it moves an hour on, to 03:30 CEST.
  EXPECT_EQ(f->Find("2024-03-31 02:30:00", kNow), UtcMs(2024, 3, 31, 1, 30, 0));
  // 02:30 happened twice on 2024-10-27: the second time (CET) is taken.
  EXPECT_EQ(f->Find("2024-10-27 02:30:00", kNow),
            UtcMs(2024, 10, 27, 1, 30, 0));
}

TEST(TimestampFormatLogsTest, YearlessLocalTimeRollsOverAtLocalNewYear) {
  // 23:30 UTC on Dec 31 is already Jan 1 in UTC+1.
  auto f = Compile("%b %d %H:%M:%S", TimeZoneMode::kLocal, FixedOffset(kHour));
  ASSERT_TRUE(f);
  const int64_t now = UtcMs(2024, 12, 31, 23, 30, 0);
  EXPECT_EQ(f->Find("Jan  1 00:20:00 x", now), UtcMs(2024, 12, 31, 23, 20, 0));
  EXPECT_EQ(f->Find("Dec 31 23:50:00 x", now), UtcMs(2024, 12, 31, 22, 50, 0));
}

// ---- Multi-line starts
// -----------------------------------------------------------

TEST(TimestampFormatLogsTest,
     MatchesAtStartOnlyWhenTheTextBeginsWithATimestamp) {
  auto f = Compile("%Y-%m-%d %H:%M:%S,%f");
  ASSERT_TRUE(f);
  EXPECT_TRUE(f->MatchesAtStart("2024-03-10 08:15:30,123 ERROR boom"));
  EXPECT_FALSE(f->MatchesAtStart("\tat com.example.Foo(Foo.java:42)"));
  EXPECT_FALSE(f->MatchesAtStart("Caused by: x at 2024-03-10 08:15:30,123"));
  EXPECT_FALSE(f->MatchesAtStart(" 2024-03-10 08:15:30,123 indented"));
  EXPECT_FALSE(f->MatchesAtStart(""));
}

TEST(TimestampFormatLogsTest, MatchesAtStartChecksTheShapeNotTheCalendar) {
  auto f = Compile("%b %d %H:%M:%S");
  ASSERT_TRUE(f);
  EXPECT_TRUE(f->MatchesAtStart("Feb 30 10:00:00 host x"));
  EXPECT_FALSE(f->Find("Feb 30 10:00:00 host x", kNow).has_value());
}

TEST(TimestampFormatLogsTest, LeadingDayIsNotSpacePaddedAtTheStart) {
  // The agent trims the optional space of a leading %d or %m.
  auto f = Compile("%d %b %Y");
  ASSERT_TRUE(f);
  EXPECT_TRUE(f->MatchesAtStart("5 Jan 2024 x"));
  EXPECT_FALSE(f->MatchesAtStart(" 5 Jan 2024 x"));
}

TEST(TimestampFormatLogsTest, MatchesAnywhereIsTheAgentsUnanchoredTest) {
  auto f = Compile("%Y-%m-%d %H:%M:%S");
  ASSERT_TRUE(f);
  EXPECT_TRUE(f->MatchesAnywhere("Caused by: x at 2024-03-10 08:15:30"));
  EXPECT_FALSE(f->MatchesAnywhere("\tat com.example.Foo(Foo.java:42)"));
}

TEST(TimestampFormatLogsTest, CopiesWorkAfterTheOriginalIsGone) {
  std::optional<TimestampFormat> copy;
  {
    auto original = Compile("%Y-%m-%d %H:%M:%S %z");
    ASSERT_TRUE(original);
    copy = *original;
  }
  EXPECT_EQ(copy->Find("2024-03-10 08:15:30 +0100", kNow),
            UtcMs(2024, 3, 10, 7, 15, 30));
  EXPECT_EQ(copy->pattern().empty(), false);
}

}  // namespace
}  // namespace edgelog
