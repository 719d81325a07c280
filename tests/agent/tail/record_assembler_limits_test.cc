// RecordAssembler: records never exceed one CloudWatch event (the pending
// record stops growing, longer records are split on character boundaries),
// pieces of long lines, and the filters applied to whole records.
#include "agent/tail/record_assembler.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "agent/base/cloudwatch_limits.h"
#include "agent/text/utf8.h"
#include "tests/agent/tail/record_assembler_test_fixture.h"

namespace edgelog::assembler_test {
namespace {

using Outs = std::vector<Out>;
using Strings = std::vector<std::string>;

constexpr size_t kMax = kMaxEventMessageBytes;

std::string Repeat(std::string_view unit, size_t times) {
  std::string s;
  s.reserve(unit.size() * times);
  for (size_t i = 0; i < times; ++i) s.append(unit);
  return s;
}

std::shared_ptr<EntryRules> WithFilters(std::shared_ptr<EntryRules> rules,
                                        const std::vector<FilterSpec>& specs) {
  rules->filters = MustFilters(specs);
  return rules;
}

// ---- One event at most -------------------------------------------------------

TEST(RecordAssemblerLimitsTest, APendingRecordGrowsToExactlyOneEvent) {
  Harness h(DefaultRules());
  std::string head(kMax - 10, 'a');
  std::string detail = "  " + std::string(7, 'b');  // + "\n" makes kMax
  h.Lines({head, detail});
  h.Flush();
  ASSERT_EQ(1u, h.out().size());
  EXPECT_EQ(kMax, h.out()[0].message.size());
  EXPECT_EQ(head + "\n" + detail, h.out()[0].message);
  EXPECT_EQ(0u, h.stats().split_records);
}

TEST(RecordAssemblerLimitsTest, ALineThatWouldOverfillThePendingRecordStartsANewOne) {
  Harness h(DefaultRules());
  std::string head(kMax - 10, 'a');
  std::string detail = "  " + std::string(8, 'b');  // one byte too many
  h.Line(head);
  uint64_t head_end = h.offset();
  h.Lines({detail, "  more"});
  EXPECT_EQ((Outs{Rec(head, kNow, head_end)}), h.out());
  h.Flush();
  EXPECT_EQ((Outs{Rec(head, kNow, head_end), Rec(detail + "\n  more", kNow, h.offset())}), h.out());
  EXPECT_EQ(0u, h.stats().split_records);
  EXPECT_EQ(2u, h.stats().events);
}

TEST(RecordAssemblerLimitsTest, ALongerRecordIsSplitAndOnlyItsLastPartCoversItsEnd) {
  Harness h(EveryLineRules());
  h.Line("before");  // ends at 7
  // 'x' then two-byte characters: boundaries at odd offsets, kMax is even.
  std::string line = "x" + Repeat("\u00e9", kMax / 2 + 10);
  h.Line(line);
  ASSERT_EQ(3u, h.out().size());
  EXPECT_EQ((Outs{Rec("before", kNow, 7), Rec(line.substr(0, kMax - 1), kNow, 7),
                  Rec(line.substr(kMax - 1), kNow, 7 + line.size() + 1)}),
            h.out());
  EXPECT_EQ(1u, h.stats().split_records);
  EXPECT_EQ(2u, h.stats().records);
  EXPECT_EQ(3u, h.stats().events);
}

TEST(RecordAssemblerLimitsTest, SplitPartsNeverCutAFourByteCharacter) {
  Harness h(EveryLineRules());
  std::string line = "abc" + Repeat("\U0001F600", kMax / 4 + 3);
  h.Line(line);
  ASSERT_EQ(2u, h.out().size());
  EXPECT_EQ(kMax - 3, h.out()[0].message.size());
  for (const Out& o : h.out()) {
    EXPECT_EQ(o.message.size(), ValidUtf8PrefixLength(o.message));
    EXPECT_LE(o.message.size(), kMax);
  }
  EXPECT_EQ(line, h.out()[0].message + h.out()[1].message);
}

TEST(RecordAssemblerLimitsTest, ARecordOfThreeEventsHasTwoPartsCoveringNothingNew) {
  Harness h(EveryLineRules(), 1000);
  std::string line = std::string(2 * kMax + 5, 'z');
  h.Line(line);
  ASSERT_EQ(3u, h.out().size());
  EXPECT_EQ(1000u, h.out()[0].end_offset);
  EXPECT_EQ(1000u, h.out()[1].end_offset);
  EXPECT_EQ(1000u + line.size() + 1, h.out()[2].end_offset);
  EXPECT_EQ(kMax, h.out()[0].message.size());
  EXPECT_EQ(kMax, h.out()[1].message.size());
  EXPECT_EQ(5u, h.out()[2].message.size());
}

// Whatever was handed on before a split record (skip, rejection, filtered
// record) covers the file up to its end: the first parts carry that offset.
TEST(RecordAssemblerLimitsTest, EarlierPartsCarryTheEndOfWhatWasHandedOnBefore) {
  auto rules = TimestampRules("%Y-%m-%d %H:%M:%S");
  rules->filters = MustFilters({{FilterType::kExclude, "^drop"}});
  std::string big = std::string(kMax + 1, 'b');

  Harness after_empty(rules, 10);
  after_empty.Empty();
  after_empty.Line(big);
  after_empty.Flush();
  ASSERT_EQ(3u, after_empty.out().size());
  EXPECT_EQ(11u, after_empty.out()[1].end_offset);

  Harness after_filtered(rules);
  after_filtered.Line("drop me");
  after_filtered.Line(big);
  after_filtered.Flush();
  ASSERT_EQ(3u, after_filtered.out().size());
  EXPECT_EQ(Skip(8), after_filtered.out()[0]);
  EXPECT_EQ(8u, after_filtered.out()[1].end_offset);

  Harness after_rejected(rules);
  after_rejected.Line("2020-01-01 00:00:00 too old");
  after_rejected.Line("2024-06-15 11:00:00 " + big);
  after_rejected.Flush();
  ASSERT_EQ(3u, after_rejected.out().size());
  EXPECT_EQ(Out::Kind::kRejected, after_rejected.out()[0].kind);
  EXPECT_EQ(28u, after_rejected.out()[1].end_offset);
}

TEST(RecordAssemblerLimitsTest, AfterRestartEarlierPartsCarryOffsetZero) {
  Harness h(EveryLineRules(), 5000);
  h.Line("before the truncation");
  h.Restart();
  std::string big = std::string(kMax + 1, 'b');
  h.Line(big);
  ASSERT_EQ(3u, h.out().size());
  EXPECT_EQ(0u, h.out()[1].end_offset);
  EXPECT_EQ(big.size() + 1, h.out()[2].end_offset);
}

TEST(RecordAssemblerLimitsTest, EveryPartOfASplitRecordCarriesTheRecordsTime) {
  Harness h(TimestampRules("%Y-%m-%d %H:%M:%S"));
  std::string line = "2024-06-15 11:00:00 " + std::string(kMax, 'p');
  h.Line(line);
  h.Flush();
  ASSERT_EQ(2u, h.out().size());
  EXPECT_EQ(UtcMs(2024, 6, 15, 11, 0, 0), h.out()[0].timestamp_ms);
  EXPECT_EQ(UtcMs(2024, 6, 15, 11, 0, 0), h.out()[1].timestamp_ms);
}

// ---- Pieces of lines too long for one event --------------------------------------

TEST(RecordAssemblerLimitsTest, ALongLinePieceGoesOnAloneAfterThePendingRecord) {
  Harness h(DefaultRules());
  h.Lines({"head", "  detail"});  // ends at 14
  h.LongPiece("first piece ", kNow + 1);
  h.LongPiece("  last piece", kNow + 2);
  EXPECT_EQ((Outs{Rec("head\n  detail", kNow, 14), Rec("first piece ", kNow + 1, 26),
                  Rec("  last piece", kNow + 2, 38)}),
            h.out());
  EXPECT_FALSE(h.assembler().QuietDeadline().has_value());
}

TEST(RecordAssemblerLimitsTest, AnIndentedLineAfterALongLineDoesNotJoinIt) {
  Harness h(DefaultRules());
  h.LongPiece("piece");
  h.Line("  indented");
  h.Flush();
  EXPECT_EQ((Strings{"piece", "  indented"}), h.Messages());
}

TEST(RecordAssemblerLimitsTest, AnUntimedPieceTakesTheTimeOfThePieceBefore) {
  Harness h(TimestampRules("%Y-%m-%d %H:%M:%S"));
  h.LongPiece("2024-06-15 11:00:00 start of a very long line ", kNow - 2);
  h.LongPiece("and its end", kNow - 1);
  ASSERT_EQ(2u, h.out().size());
  EXPECT_EQ(UtcMs(2024, 6, 15, 11, 0, 0), h.out()[1].timestamp_ms);
}

// ---- Filters, applied to whole records -----------------------------------------

TEST(RecordAssemblerLimitsTest, AFilteredRecordIsSkippedAtItsEndAndCounted) {
  Harness h(WithFilters(EveryLineRules(), {{FilterType::kInclude, "ERROR"}}));
  h.Lines({"INFO a", "ERROR b"});
  EXPECT_EQ((Outs{Skip(7), Rec("ERROR b", kNow, 15)}), h.out());
  EXPECT_EQ(1u, h.stats().filtered);
  EXPECT_EQ(2u, h.stats().records);
  EXPECT_EQ(1u, h.stats().events);
}

TEST(RecordAssemblerLimitsTest, AnExcludeMatchingAContinuationLineDropsTheWholeRecord) {
  Harness h(WithFilters(DefaultRules(), {{FilterType::kExclude, "HealthCheck"}}));
  h.Lines({"GET /", "  user-agent=ELB-HealthChecker", "GET /api", "  user-agent=curl"});
  h.Flush();
  EXPECT_EQ((Outs{Skip(37), Rec("GET /api\n  user-agent=curl", kNow, 64)}), h.out());
}

TEST(RecordAssemblerLimitsTest, AnIncludeMatchingOnlyTheCauseKeepsTheWholeStackTrace) {
  auto rules = TimestampStartRules("%Y-%m-%d %H:%M:%S");
  rules->filters = MustFilters({{FilterType::kInclude, "Caused by: java\\.io\\."}});
  Harness h(rules);
  h.Lines({"2024-06-15 11:00:00 ERROR failed", "java.lang.RuntimeException: wrapped",
           "\tat A.b(A.java:1)", "Caused by: java.io.IOException: gone",
           "2024-06-15 11:00:01 ERROR failed again", "java.lang.RuntimeException: other"});
  h.Flush();
  ASSERT_EQ(2u, h.out().size());
  EXPECT_EQ(Out::Kind::kRecord, h.out()[0].kind);
  EXPECT_EQ(
      "2024-06-15 11:00:00 ERROR failed\njava.lang.RuntimeException: wrapped\n"
      "\tat A.b(A.java:1)\nCaused by: java.io.IOException: gone",
      h.out()[0].message);
  EXPECT_EQ(Out::Kind::kSkipped, h.out()[1].kind);
  EXPECT_EQ(h.offset(), h.out()[1].end_offset);
}

TEST(RecordAssemblerLimitsTest, AFilteredRecordLongerThanOneEventIsOneSkip) {
  Harness h(WithFilters(EveryLineRules(), {{FilterType::kExclude, "^secret"}}));
  std::string line = "secret" + std::string(kMax, 's');
  h.Line(line);
  EXPECT_EQ((Outs{Skip(line.size() + 1)}), h.out());
  EXPECT_EQ(0u, h.stats().split_records);
  EXPECT_EQ(0u, h.stats().events);
}

TEST(RecordAssemblerLimitsTest, AnAnchoredFilterSeesAMultiLineRecordAsOneText) {
  // As with Go's regexp in the agent, '^' is the start of the record, not of
  // each of its lines.
  Harness h(WithFilters(DefaultRules(), {{FilterType::kInclude, "^ERROR"}}));
  h.Lines({"INFO ok", "  ERROR inside the detail", "ERROR real"});
  h.Flush();
  EXPECT_EQ((Strings{"ERROR real"}), h.Messages());
  EXPECT_EQ(1u, h.stats().filtered);
}

}  // namespace
}  // namespace edgelog::assembler_test
