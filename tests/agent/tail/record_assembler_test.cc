// RecordAssembler: how lines group into records (the start rules, stack
// traces), empty lines, the quiet flush and the offsets records cover.
// Timestamps: record_assembler_time_test.cc. Sizes, long lines and filters:
// record_assembler_limits_test.cc.
#include "agent/tail/record_assembler.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include "agent/base/cloudwatch_limits.h"
#include "agent/text/regex.h"
#include "tests/agent/tail/record_assembler_test_fixture.h"

namespace edgelog::assembler_test {
namespace {

using Outs = std::vector<Out>;
using Strings = std::vector<std::string>;

// ---- The default rule: the CloudWatch agent's "^[\S]" ----------------------

TEST(RecordAssemblerTest, IndentedLinesJoinThePreviousRecordByDefault) {
  Harness h(DefaultRules());
  h.Lines({"first", "  second", "\tthird"});
  uint64_t end = h.offset();
  h.Line("next");
  EXPECT_EQ((Outs{Rec("first\n  second\n\tthird", kNow, end)}), h.out());
  h.Flush();
  EXPECT_EQ((Strings{"first\n  second\n\tthird", "next"}), h.Messages());
}

TEST(RecordAssemblerTest, AnIndentedFirstLineStartsARecordOfItsOwn) {
  Harness h(DefaultRules());
  h.Lines({"  orphan", "    more"});
  h.Flush();
  EXPECT_EQ((Strings{"  orphan\n    more"}), h.Messages());
}

// The agent matches "^[\S]" with Go's regexp, whose \s is [\t\n\f\r ] (no
// \v, nothing beyond ASCII). RE2 has the same classes, so it is the oracle.
TEST(RecordAssemblerTest, DefaultRuleJudgesEveryFirstCharacterAsGoRegexpDoes) {
  auto agent_default = CompileRegex("^[\\S]");
  ASSERT_TRUE(agent_default.ok());
  std::vector<std::string> firsts;
  for (int c = 1; c < 0x80; ++c) {
    if (c != '\n') firsts.push_back(std::string(1, static_cast<char>(c)));
  }
  for (const char* c : {"\u00e9", "\u00a0", "\u2003", "\u3000"}) firsts.push_back(c);
  for (const std::string& first : firsts) {
    std::string line = first + "x";
    Harness h(DefaultRules());
    h.Lines({"start", line});
    h.Flush();
    bool starts = SearchRegex(**agent_default, line);
    Strings expected = starts ? Strings{"start", line} : Strings{"start\n" + line};
    char hex[8];
    std::snprintf(hex, sizeof hex, "%02x", static_cast<unsigned char>(first[0]));
    EXPECT_EQ(expected, h.Messages())
        << "line starting with byte 0x" << hex << (starts ? " must start" : " must join");
  }
}

TEST(RecordAssemblerTest, JavaStackTraceIsOneRecordAndCausedByStartsAnotherByDefault) {
  Harness h(DefaultRules());
  h.Lines({"Exception in thread \"main\" java.lang.IllegalStateException: boom",
           "\tat com.example.App.run(App.java:10)", "\tat com.example.App.main(App.java:5)"});
  uint64_t exception_end = h.offset();
  // "Caused by:" does not start with white space: with "^[\S]" it is a new
  // record, as in the CloudWatch agent.
  h.Lines({"Caused by: java.io.IOException: disk full", "\tat com.example.Io.write(Io.java:42)",
           "\t... 2 more"});
  uint64_t cause_end = h.offset();
  h.Flush();
  EXPECT_EQ((Outs{Rec("Exception in thread \"main\" java.lang.IllegalStateException: boom\n"
                      "\tat com.example.App.run(App.java:10)\n"
                      "\tat com.example.App.main(App.java:5)",
                      kNow, exception_end),
                  Rec("Caused by: java.io.IOException: disk full\n"
                      "\tat com.example.Io.write(Io.java:42)\n"
                      "\t... 2 more",
                      kNow, cause_end)}),
            h.out());
}

TEST(RecordAssemblerTest, JavaStackTraceWithCausedByIsOneRecordUnderATimestampStart) {
  Harness h(TimestampStartRules("%Y-%m-%d %H:%M:%S"));
  h.Lines({"2024-06-15 11:59:58 ERROR [main] request failed",
           "java.lang.IllegalStateException: boom", "\tat com.example.App.run(App.java:10)",
           "Caused by: java.io.IOException: disk full", "\tat com.example.Io.write(Io.java:42)",
           "\t... 1 more"});
  uint64_t trace_end = h.offset();
  h.Line("2024-06-15 11:59:59 INFO [main] retrying");
  EXPECT_EQ((Outs{Rec("2024-06-15 11:59:58 ERROR [main] request failed\n"
                      "java.lang.IllegalStateException: boom\n"
                      "\tat com.example.App.run(App.java:10)\n"
                      "Caused by: java.io.IOException: disk full\n"
                      "\tat com.example.Io.write(Io.java:42)\n"
                      "\t... 1 more",
                      UtcMs(2024, 6, 15, 11, 59, 58), trace_end)}),
            h.out());
}

TEST(RecordAssemblerTest, PythonTracebackBetweenTimestampedLinesIsOneRecord) {
  Harness h(TimestampStartRules("%Y-%m-%d %H:%M:%S,%f"));
  h.Lines({"2024-06-15 11:59:00,123 ERROR worker crashed",
           "Traceback (most recent call last):", "  File \"/app/worker.py\", line 12, in <module>",
           "    main()", "  File \"/app/worker.py\", line 8, in main",
           "    raise ValueError(\"x\")", "ValueError: x"});
  uint64_t traceback_end = h.offset();
  h.Line("2024-06-15 11:59:01,000 INFO restarted");
  h.Flush();
  EXPECT_EQ((Outs{Rec("2024-06-15 11:59:00,123 ERROR worker crashed\n"
                      "Traceback (most recent call last):\n"
                      "  File \"/app/worker.py\", line 12, in <module>\n"
                      "    main()\n"
                      "  File \"/app/worker.py\", line 8, in main\n"
                      "    raise ValueError(\"x\")\n"
                      "ValueError: x",
                      UtcMs(2024, 6, 15, 11, 59, 0, 123), traceback_end),
                  Rec("2024-06-15 11:59:01,000 INFO restarted", UtcMs(2024, 6, 15, 11, 59, 1),
                      h.offset())}),
            h.out());
}

TEST(RecordAssemblerTest, PythonTracebackSplitsAtItsUnindentedLinesByDefault) {
  Harness h(DefaultRules());
  h.Lines({"Traceback (most recent call last):", "  File \"/app/worker.py\", line 12, in <module>",
           "    main()", "ValueError: x"});
  h.Flush();
  EXPECT_EQ((Strings{"Traceback (most recent call last):\n"
                     "  File \"/app/worker.py\", line 12, in <module>\n"
                     "    main()",
                     "ValueError: x"}),
            h.Messages());
}

// ---- Other start rules -------------------------------------------------------

TEST(RecordAssemblerTest, TimestampStartRuleFindsATimestampAnywhereInALine) {
  // As the CloudWatch agent matches "{timestamp_format}": unanchored.
  Harness h(TimestampStartRules("%Y-%m-%d %H:%M:%S"));
  h.Lines({"2024-06-15 11:00:00 job started", "  at com.example.Job.run(Job.java:10)",
           "[worker-3] 2024-06-15 11:05:00 retrying", "  at com.example.Job.retry"});
  h.Flush();
  EXPECT_EQ((Strings{"2024-06-15 11:00:00 job started\n  at com.example.Job.run(Job.java:10)",
                     "[worker-3] 2024-06-15 11:05:00 retrying\n  at com.example.Job.retry"}),
            h.Messages());
}

TEST(RecordAssemblerTest, TimestampStartRuleTakesATimeOfTheRightShapeEvenIfInvalid) {
  // "Jun 31" has the shape of the format: it starts a record, though its
  // time cannot be parsed.
  Harness h(TimestampStartRules("%b %d %H:%M:%S"));
  h.Lines({"Jun 14 10:00:00 one", "Jun 31 10:00:00 two"});
  h.Flush();
  EXPECT_EQ((Strings{"Jun 14 10:00:00 one", "Jun 31 10:00:00 two"}), h.Messages());
}

TEST(RecordAssemblerTest, StartPatternMatchesAnywhereInTheLine) {
  // Like the agent's regexp.MatchString: unanchored unless the pattern says.
  Harness h(PatternRules("(INFO|ERROR) "));
  h.Lines({"[1] INFO up", "details without a level", "  indented detail", "[2] ERROR down"});
  uint64_t first_end = h.offset() - std::string("[2] ERROR down\n").size();
  h.Flush();
  EXPECT_EQ((Outs{Rec("[1] INFO up\ndetails without a level\n  indented detail", kNow, first_end),
                  Rec("[2] ERROR down", kNow, h.offset())}),
            h.out());
}

TEST(RecordAssemblerTest, AnchoredStartPatternJoinsUnindentedLinesToo) {
  Harness h(PatternRules("^\\["));
  h.Lines({"[a] one", "not indented but no bracket", "[b] two"});
  h.Flush();
  EXPECT_EQ((Strings{"[a] one\nnot indented but no bracket", "[b] two"}), h.Messages());
}

TEST(RecordAssemblerTest, EveryLineRuleHandsOnEachLineAtOnceAndKeepsNothingPending) {
  Harness h(EveryLineRules());
  h.Line("one", kNow);
  h.Line("  indented two", kNow + 5);
  EXPECT_EQ((Outs{Rec("one", kNow, 4), Rec("  indented two", kNow + 5, 19)}), h.out());
  EXPECT_FALSE(h.assembler().QuietDeadline().has_value());
}

// ---- Empty lines ----------------------------------------------------------

TEST(RecordAssemblerTest, AnEmptyLineWithNothingPendingIsSkippedAtItsEnd) {
  Harness h(DefaultRules(), 100);
  h.Empty();
  h.Empty(2);  // "\r\n"
  EXPECT_EQ((Outs{Skip(101), Skip(103)}), h.out());
}

TEST(RecordAssemblerTest, EmptyLinesAfterALineBelongToItsRecord) {
  // As in the CloudWatch agent: an empty line joins the record before it.
  Harness h(DefaultRules());
  h.Line("record");    // ends at 7
  h.Empty();           // 8
  h.Line("  detail");  // 17
  h.Empty();           // 18
  h.Empty();           // 19
  h.Line("next");      // 24
  EXPECT_EQ((Outs{Rec("record\n\n  detail\n\n", kNow, 19)}), h.out());
  EXPECT_EQ(0u, h.stats().empty_lines);
}

TEST(RecordAssemblerTest, AGoPanicWithAnEmptyLineArrivesWhole) {
  Harness h(PatternRules("^panic:|^\\d{4}-"));
  h.Lines({"panic: x", "", "goroutine 4 [running]:", "main.main()", "\t/app/main.go:9 +0x1d"});
  h.Line("2024-06-15 11:00:00 restarted");
  h.Flush();
  EXPECT_EQ((Strings{"panic: x\n\ngoroutine 4 [running]:\nmain.main()\n\t/app/main.go:9 +0x1d",
                     "2024-06-15 11:00:00 restarted"}),
            h.Messages());
}

TEST(RecordAssemblerTest, EmptyLinesBeforeAnyRecordMakeNoRecordAndAreCounted) {
  Harness h(PatternRules("^start"));
  h.Empty();
  h.Empty(2);  // "\r\n"
  h.Line("start one");
  h.Flush();
  EXPECT_EQ((Outs{Skip(1), Skip(3), Rec("start one", kNow, 13)}), h.out());
  EXPECT_EQ(2u, h.stats().empty_lines);
}

TEST(RecordAssemblerTest, AnEmptyLineMatchingTheStartPatternEndsTheRecordAndIsSkipped) {
  // "^" matches an empty line too: it starts a record of nothing.
  Harness h(PatternRules("^(start|$)"));
  h.Line("start a");  // 8
  h.Line("  more");   // 15
  h.Empty();          // 16
  h.Line("  orphan"); // 25: nothing to join, so a record of its own
  h.Flush();
  EXPECT_EQ((Outs{Rec("start a\n  more", kNow, 15), Skip(16), Rec("  orphan", kNow, 25)}),
            h.out());
}

TEST(RecordAssemblerTest, AnEmptyLineThatWouldOverfillTheRecordIsSkippedAfterIt) {
  Harness h(PatternRules("^start"));
  h.Line("start " + std::string(kMaxEventMessageBytes - 6, 'x'));
  h.Empty();
  h.Flush();
  ASSERT_EQ(2u, h.out().size());
  EXPECT_EQ(kMaxEventMessageBytes, h.out()[0].message.size());
  EXPECT_EQ(Skip(h.offset()), h.out()[1]);
}

TEST(RecordAssemblerTest, BytesMakingNoLineAreCoveredByThePendingRecordOrSkipped) {
  Harness h(DefaultRules());
  h.Nothing();
  h.Line("head");
  h.Nothing();
  h.Flush();
  EXPECT_EQ((Outs{Skip(1), Rec("head", kNow, 7)}), h.out());
}

TEST(RecordAssemblerTest, EmptyLinesBetweenEveryLineRecordsKeepFileOrder) {
  Harness h(EveryLineRules());
  h.Empty();
  h.Line("a");
  h.Empty();
  h.Empty();
  h.Line("b");
  h.Empty();
  EXPECT_EQ((Outs{Skip(1), Rec("a", kNow, 3), Skip(4), Skip(5), Rec("b", kNow, 7), Skip(8)}),
            h.out());
}

TEST(RecordAssemblerTest, AnEmptyLineAfterTheLastLineGoesWithTheQuietFlush) {
  Harness h(DefaultRules());
  h.Line("only", kNow);
  h.Empty();
  h.FlushIfQuiet(kNow + kQuietMs);
  EXPECT_EQ((Outs{Rec("only\n", kNow, 6)}), h.out());
}

// ---- The quiet flush -------------------------------------------------------

TEST(RecordAssemblerTest, QuietRecordIsHandedOnExactlyAtKQuietMsAndNotBefore) {
  Harness h(DefaultRules());
  h.Line("waiting", kNow);
  ASSERT_EQ(std::optional<int64_t>(kNow + kQuietMs), h.assembler().QuietDeadline());
  h.FlushIfQuiet(kNow + kQuietMs - 1);
  EXPECT_TRUE(h.out().empty());
  h.FlushIfQuiet(kNow + kQuietMs);
  EXPECT_EQ((Outs{Rec("waiting", kNow, 8)}), h.out());
  EXPECT_FALSE(h.assembler().QuietDeadline().has_value());
}

TEST(RecordAssemblerTest, AJoiningLineMovesTheQuietDeadline) {
  Harness h(DefaultRules());
  h.Line("head", kNow);
  h.Line("  tail", kNow + 600);
  EXPECT_EQ(std::optional<int64_t>(kNow + 600 + kQuietMs), h.assembler().QuietDeadline());
  h.FlushIfQuiet(kNow + kQuietMs);
  h.FlushIfQuiet(kNow + 600 + kQuietMs - 1);
  EXPECT_TRUE(h.out().empty());
  h.FlushIfQuiet(kNow + 600 + kQuietMs);
  EXPECT_EQ((Strings{"head\n  tail"}), h.Messages());
}

TEST(RecordAssemblerTest, AnEmptyLineJoiningARecordMovesTheQuietDeadlineLikeAnyLine) {
  Harness h(DefaultRules());
  h.Line("head", kNow);
  h.Empty(1, kNow + 300);
  EXPECT_EQ(std::optional<int64_t>(kNow + 300 + kQuietMs), h.assembler().QuietDeadline());
}

// ---- Clock steps ------------------------------------------------------------

TEST(RecordAssemblerTest, AWallClockStepBackDoesNotHoldARecord) {
  // NTP sets the wall clock back an hour: the record still goes after
  // kQuietMs of monotonic time.
  Harness h(DefaultRules());
  h.Line("waiting", TailTime{kNow, 5000});
  h.FlushIfQuiet(TailTime{kNow - kHourMs, 5000 + kQuietMs - 1});
  EXPECT_TRUE(h.out().empty());
  h.FlushIfQuiet(TailTime{kNow - kHourMs, 5000 + kQuietMs});
  ASSERT_EQ(1u, h.out().size());
  EXPECT_EQ(kNow, h.out()[0].timestamp_ms) << "the event time is still the wall time of reading";
}

TEST(RecordAssemblerTest, AWallClockStepForwardDoesNotFlushARecordEarly) {
  Harness h(DefaultRules());
  h.Line("head", TailTime{kNow, 5000});
  h.FlushIfQuiet(TailTime{kNow + kHourMs, 5001});
  h.Line("  tail", TailTime{kNow + kHourMs, 5002});
  h.Flush(kNow + kHourMs);
  EXPECT_EQ((Strings{"head\n  tail"}), h.Messages());
}

TEST(RecordAssemblerTest, AQuietFlushedRecordKeepsTheReadTimeOfItsFirstLine) {
  Harness h(DefaultRules());
  h.Line("head", kNow - 700);
  h.Line("  tail", kNow - 200);
  h.FlushIfQuiet(kNow + kQuietMs);
  EXPECT_EQ((Outs{Rec("head\n  tail", kNow - 700, 12)}), h.out());
}

TEST(RecordAssemblerTest, NoQuietDeadlineWhileNothingWaits) {
  Harness h(DefaultRules());
  EXPECT_FALSE(h.assembler().QuietDeadline().has_value());
  h.FlushIfQuiet(kNow + 10 * kQuietMs);
  h.Flush();
  EXPECT_TRUE(h.out().empty());
  EXPECT_EQ(0u, h.stats().records);
}

TEST(RecordAssemblerTest, ALineAfterTheQuietFlushStartsAFreshRecordEvenIfIndented) {
  Harness h(DefaultRules());
  h.Line("head", kNow);
  h.FlushIfQuiet(kNow + kQuietMs);
  h.Line("  late detail", kNow + kQuietMs + 1);
  h.Flush(kNow + kQuietMs + 1);
  EXPECT_EQ((Strings{"head", "  late detail"}), h.Messages());
}

// ---- Offsets, sources, restart -------------------------------------------

TEST(RecordAssemblerTest, RecordsAndSkipsCarryTheSourceAndOffsetsFromTheStartOffset) {
  Harness h(DefaultRules(), 5000);
  h.Line("abc");
  h.Flush();
  h.Empty();
  ASSERT_EQ(2u, h.out().size());
  EXPECT_EQ((Outs{Rec("abc", kNow, 5004), Skip(5005)}), h.out());
  EXPECT_EQ(kSource, h.out()[0].source);
  EXPECT_EQ(kSource, h.out()[1].source);
}

TEST(RecordAssemblerTest, RestartHandsOnThePendingRecordFirst) {
  Harness h(DefaultRules());
  h.Lines({"before", "  truncation"});
  h.Restart();
  EXPECT_EQ((Outs{Rec("before\n  truncation", kNow, 20)}), h.out());
  // Nothing is left to join: an indented line starts its own record.
  h.Line("  after");
  h.Flush();
  EXPECT_EQ((Strings{"before\n  truncation", "  after"}), h.Messages());
  EXPECT_EQ(8u, h.out().back().end_offset);
}

TEST(RecordAssemblerTest, StatsCountRecordsAndEvents) {
  Harness h(DefaultRules());
  h.Lines({"a", "  b", "c"});
  h.Empty();
  h.Flush();
  EXPECT_EQ(2u, h.stats().records);
  EXPECT_EQ(2u, h.stats().events);
  EXPECT_EQ(0u, h.stats().filtered);
  EXPECT_EQ(0u, h.stats().split_records);
}

}  // namespace
}  // namespace edgelog::assembler_test
