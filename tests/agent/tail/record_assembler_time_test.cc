// RecordAssembler: the event time of a record (parsed, last good time of the
// file, read time), times too far ahead, records too old for CloudWatch.
#include "agent/tail/record_assembler.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "agent/base/cloudwatch_limits.h"
#include "tests/agent/tail/record_assembler_test_fixture.h"

namespace edgelog::assembler_test {
namespace {

using Outs = std::vector<Out>;

constexpr const char* kFormat = "%Y-%m-%d %H:%M:%S";

// ---- Where the time comes from ----------------------------------------------

TEST(RecordAssemblerTimeTest, ATimestampInTheRecordIsItsEventTime) {
  Harness h(TimestampRules(kFormat));
  h.Line("2024-06-15 11:30:05 GET /index.html 200", kNow);
  h.Flush(kNow + 3000);
  EXPECT_EQ(
      (Outs{Rec("2024-06-15 11:30:05 GET /index.html 200", UtcMs(2024, 6, 15, 11, 30, 5), 40)}),
      h.out());
}

TEST(RecordAssemblerTimeTest, ATimestampInAContinuationLineIsFoundToo) {
  // The format is searched anywhere in the record, as the agent does.
  Harness h(TimestampRules(kFormat));
  h.Lines({"request failed", "  at 2024-06-15 11:45:00 in handler"}, kNow);
  h.Flush();
  ASSERT_EQ(1u, h.out().size());
  EXPECT_EQ(UtcMs(2024, 6, 15, 11, 45, 0), h.out()[0].timestamp_ms);
}

TEST(RecordAssemblerTimeTest, WithoutATimestampFormatTheEventTimeIsWhenTheFirstLineWasRead) {
  Harness h(DefaultRules());
  h.Line("2024-06-15 11:30:05 has a time nobody asked for", kNow - 900);
  h.Line("  joined later", kNow - 100);
  h.Flush(kNow);
  ASSERT_EQ(1u, h.out().size());
  EXPECT_EQ(kNow - 900, h.out()[0].timestamp_ms);
}

TEST(RecordAssemblerTimeTest, ARecordWithoutATimestampGetsTheLastGoodTimeOfItsFile) {
  Harness h(TimestampRules(kFormat));
  h.Line("2024-06-15 11:00:00 first", kNow - 50);
  h.Line("no time here", kNow - 40);
  h.Line("nor here", kNow - 30);
  h.Flush(kNow);
  ASSERT_EQ(3u, h.out().size());
  EXPECT_EQ(UtcMs(2024, 6, 15, 11, 0, 0), h.out()[1].timestamp_ms);
  EXPECT_EQ(UtcMs(2024, 6, 15, 11, 0, 0), h.out()[2].timestamp_ms);
}

TEST(RecordAssemblerTimeTest, BeforeAnyGoodTimeARecordGetsItsReadTimeNotTheFlushTime) {
  Harness h(TimestampRules(kFormat));
  h.Line("no time yet", kNow - 1500);
  h.FlushIfQuiet(kNow);
  h.Line("2024-06-15 11:00:00 timed", kNow);
  h.Flush(kNow);
  EXPECT_EQ((Outs{Rec("no time yet", kNow - 1500, 12),
                  Rec("2024-06-15 11:00:00 timed", UtcMs(2024, 6, 15, 11, 0, 0), 38)}),
            h.out());
}

TEST(RecordAssemblerTimeTest, TheLastGoodTimeFollowsTheLatestParsedRecord) {
  Harness h(TimestampRules(kFormat));
  h.Lines({"2024-06-15 10:00:00 a", "2024-06-15 11:00:00 b", "untimed"});
  h.Flush();
  ASSERT_EQ(3u, h.out().size());
  EXPECT_EQ(UtcMs(2024, 6, 15, 11, 0, 0), h.out()[2].timestamp_ms);
}

TEST(RecordAssemblerTimeTest, AnOutOfRangeTimestampFallsBackToTheLastGoodTime) {
  Harness h(TimestampRules(kFormat));
  h.Line("2024-06-15 11:00:00 good");
  h.Line("2024-02-30 11:00:00 there is no February 30");
  h.Flush();
  ASSERT_EQ(2u, h.out().size());
  EXPECT_EQ(UtcMs(2024, 6, 15, 11, 0, 0), h.out()[1].timestamp_ms);
}

TEST(RecordAssemblerTimeTest, TheLastGoodTimeBelongsToOneFileOnly) {
  auto rules = TimestampRules(kFormat);
  Harness a(rules);
  Harness b(rules);
  a.Line("2024-06-15 11:00:00 in file a");
  a.Flush();
  b.Line("untimed in file b", kNow - 10);
  b.Flush();
  ASSERT_EQ(1u, b.out().size());
  EXPECT_EQ(kNow - 10, b.out()[0].timestamp_ms);
}

TEST(RecordAssemblerTimeTest, EveryLineRuleRecordsGetTheirOwnReadTimes) {
  Harness h(EveryLineRules());
  h.Line("a", kNow - 20);
  h.Line("b", kNow - 10);
  EXPECT_EQ((Outs{Rec("a", kNow - 20, 2), Rec("b", kNow - 10, 4)}), h.out());
}

// ---- Times too far ahead ----------------------------------------------------

TEST(RecordAssemblerTimeTest, ATimeMoreThanTwoHoursAheadIsReplacedByTheReadTimeAndCounted) {
  Harness h(TimestampRules(kFormat));
  h.Line("2024-06-15 14:00:01 clock skew", kNow - 5);
  h.Flush(kNow);
  EXPECT_EQ((Outs{Rec("2024-06-15 14:00:01 clock skew", kNow - 5, 31)}), h.out());
  EXPECT_EQ(1u, h.stats().future_timestamps);
}

TEST(RecordAssemblerTimeTest, ATimeExactlyTwoHoursAheadIsKept) {
  Harness h(TimestampRules(kFormat));
  h.Line("2024-06-15 14:00:00 at the limit", kNow - 5);
  h.Flush(kNow);
  ASSERT_EQ(1u, h.out().size());
  EXPECT_EQ(kNow + kMaxEventFutureMillis, h.out()[0].timestamp_ms);
  EXPECT_EQ(0u, h.stats().future_timestamps);
}

TEST(RecordAssemblerTimeTest, TheFutureIsJudgedWhenTheRecordIsHandedOn) {
  // 2 h and 1 s ahead of the read, exactly 2 h ahead of the flush.
  Harness h(TimestampRules(kFormat));
  h.Line("2024-06-15 14:00:00 waited for a second", kNow - 1000);
  h.Flush(kNow);
  ASSERT_EQ(1u, h.out().size());
  EXPECT_EQ(UtcMs(2024, 6, 15, 14, 0, 0), h.out()[0].timestamp_ms);
  EXPECT_EQ(0u, h.stats().future_timestamps);
}

TEST(RecordAssemblerTimeTest, AFutureTimeDoesNotBecomeTheLastGoodTime) {
  Harness h(TimestampRules(kFormat));
  h.Line("2024-06-15 11:00:00 good", kNow - 30);
  h.Line("2030-01-01 00:00:00 from the future", kNow - 20);
  h.Line("untimed", kNow - 10);
  h.Flush(kNow);
  ASSERT_EQ(3u, h.out().size());
  EXPECT_EQ(kNow - 20, h.out()[1].timestamp_ms);
  EXPECT_EQ(UtcMs(2024, 6, 15, 11, 0, 0), h.out()[2].timestamp_ms);
  EXPECT_EQ(1u, h.stats().future_timestamps);
}

TEST(RecordAssemblerTimeTest, AYearlessTimeAFewDaysAheadIsReplacedByTheReadTime) {
  // The CloudWatch agent's rule keeps it in this year (only 30 days ahead
  // and more is last year): then it is simply too far ahead.
  Harness h(TimestampRules("%b %d %H:%M:%S"));
  h.Line("Jun 18 09:00:00 host app: clock set ahead", kNow - 5);
  h.Flush(kNow);
  ASSERT_EQ(1u, h.out().size());
  EXPECT_EQ(Out::Kind::kRecord, h.out()[0].kind) << "not rejected as too old";
  EXPECT_EQ(kNow - 5, h.out()[0].timestamp_ms);
  EXPECT_EQ(1u, h.stats().future_timestamps);
}

// ---- Records too old ----------------------------------------------------------

TEST(RecordAssemblerTimeTest, ARecordOlderThanFourteenDaysIsRejectedWithAReason) {
  Harness h(TimestampRules(kFormat));
  h.Line("2024-06-01 11:59:59 fourteen days and a second ago");
  h.Flush(kNow);
  ASSERT_EQ(1u, h.out().size());
  EXPECT_EQ(
      Rej("2024-06-01 11:59:59 fourteen days and a second ago", UtcMs(2024, 6, 1, 11, 59, 59), 51),
      h.out()[0]);
  EXPECT_NE(std::string::npos, h.out()[0].reason.find("14 days")) << h.out()[0].reason;
  EXPECT_EQ(1u, h.stats().too_old);
  EXPECT_EQ(1u, h.stats().records);
  EXPECT_EQ(0u, h.stats().events);
}

TEST(RecordAssemblerTimeTest, ARecordExactlyFourteenDaysOldIsSent) {
  Harness h(TimestampRules(kFormat));
  h.Line("2024-06-01 12:00:00 exactly fourteen days ago");
  h.Flush(kNow);
  ASSERT_EQ(1u, h.out().size());
  EXPECT_EQ(Out::Kind::kRecord, h.out()[0].kind);
  EXPECT_EQ(kNow - kMaxEventAgeMillis, h.out()[0].timestamp_ms);
  EXPECT_EQ(0u, h.stats().too_old);
}

TEST(RecordAssemblerTimeTest, AgeIsJudgedWhenTheRecordIsHandedOn) {
  // Fourteen days minus one second old when read, one second too old when
  // the quiet flush hands it on two seconds later.
  Harness h(TimestampRules(kFormat));
  int64_t read = UtcMs(2024, 6, 15, 11, 59, 58);
  h.Line("2024-06-01 11:59:59 old", read);
  h.FlushIfQuiet(read + 2000);
  ASSERT_EQ(1u, h.out().size());
  EXPECT_EQ(Out::Kind::kRejected, h.out()[0].kind);
}

TEST(RecordAssemblerTimeTest, ARejectedRecordStillCoversItsOffsetsInFileOrder) {
  Harness h(TimestampRules(kFormat));
  h.Line("2024-06-15 11:00:00 fresh");
  h.Line("2023-01-01 00:00:00 stale");
  h.Line("  stale detail");
  h.Empty();
  h.Line("2024-06-15 11:00:01 fresh again");
  h.Flush();
  EXPECT_EQ((Outs{Rec("2024-06-15 11:00:00 fresh", UtcMs(2024, 6, 15, 11, 0, 0), 26),
                  Rej("2023-01-01 00:00:00 stale\n  stale detail\n", UtcMs(2023, 1, 1, 0, 0, 0),
                      68),
                  Rec("2024-06-15 11:00:01 fresh again", UtcMs(2024, 6, 15, 11, 0, 1), 100)}),
            h.out());
}

TEST(RecordAssemblerTimeTest, AnOldRecordRelyingOnItsReadTimeIsNeverRejected) {
  Harness h(TimestampRules(kFormat));
  h.Line("no time in here", kNow - 100);
  h.Flush(kNow);
  ASSERT_EQ(1u, h.out().size());
  EXPECT_EQ(Out::Kind::kRecord, h.out()[0].kind);
}

}  // namespace
}  // namespace edgelog::assembler_test
