// RecordAssembler with trim_timestamp: what leaves the message, wherever the
// timestamp stands in it. The agent's plugins/inputs/logfile/fileconfig.go
// (timestampFromLogLine) cuts out the whole text its timestamp expression
// matched and then trims " \t\n\r" from the start of what is left; only when
// the time parsed; and its filters see the trimmed message.
#include "agent/tail/record_assembler.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "tests/agent/tail/record_assembler_test_fixture.h"

namespace edgelog::assembler_test {
namespace {

using Outs = std::vector<Out>;
using Strings = std::vector<std::string>;

constexpr const char* kFormat = "%Y-%m-%d %H:%M:%S";

std::shared_ptr<EntryRules> TrimRules(const char* format = kFormat) {
  auto rules = TimestampRules(format);
  rules->trim_timestamp = true;
  return rules;
}

TEST(RecordAssemblerTrimTest, ALeadingTimestampAndTheSpaceAfterItLeaveTheMessage) {
  Harness h(TrimRules());
  h.Line("2024-06-15 11:30:05  \tGET /index.html 200");
  h.Flush();
  EXPECT_EQ((Outs{Rec("GET /index.html 200", UtcMs(2024, 6, 15, 11, 30, 5), h.offset())}),
            h.out());
}

TEST(RecordAssemblerTrimTest, ATimestampInTheMiddleLeavesBothSpacesAroundIt) {
  // Only leading white space of the whole message is trimmed, not the
  // space that stood before the timestamp.
  Harness h(TrimRules());
  h.Line("[web] 2024-06-15 11:30:05 started");
  h.Flush();
  EXPECT_EQ((Strings{"[web]  started"}), h.Messages());
  EXPECT_EQ(UtcMs(2024, 6, 15, 11, 30, 5), h.out()[0].timestamp_ms);
}

TEST(RecordAssemblerTrimTest, ATrailingTimestampLeavesTheTrailingSpace) {
  Harness h(TrimRules());
  h.Line("  job done at 2024-06-15 11:30:05");
  h.Flush();
  EXPECT_EQ((Strings{"job done at "}), h.Messages());
}

TEST(RecordAssemblerTrimTest, OnlyTheFirstTimestampLeaves) {
  Harness h(TrimRules());
  h.Line("2024-06-15 11:30:05 retry of 2024-06-15 11:29:00");
  h.Flush();
  EXPECT_EQ((Strings{"retry of 2024-06-15 11:29:00"}), h.Messages());
}

TEST(RecordAssemblerTrimTest, InAMultiLineRecordTheTimestampOfAContinuationLineLeaves) {
  // The agent trims the whole event, newlines included, from its start.
  Harness h(TrimRules());
  h.Lines({"request failed:", "  at 2024-06-15 11:45:00 in handler"});
  h.Flush();
  EXPECT_EQ((Strings{"request failed:\n  at  in handler"}), h.Messages());
}

TEST(RecordAssemblerTrimTest, NewlinesAfterALeadingTimestampAreTrimmedToo) {
  auto rules = TrimRules();
  rules->start_rule = EntryRules::StartRule::kTimestamp;
  Harness h(rules);
  h.Lines({"2024-06-15 11:45:00", "\tat Main.run", "2024-06-15 11:46:00 next"});
  h.Flush();
  EXPECT_EQ((Strings{"at Main.run", "next"}), h.Messages());
}

TEST(RecordAssemblerTrimTest, ARecordWithoutATimestampIsSentWhole) {
  Harness h(TrimRules());
  h.Line("  no time here");
  h.Flush();
  EXPECT_EQ((Strings{"  no time here"}), h.Messages());
}

TEST(RecordAssemblerTrimTest, ATimestampThatDoesNotParseStaysInTheMessage) {
  // Feb 30 matches the expression but is no date: the agent keeps the
  // message as it was when parsing fails.
  Harness h(TrimRules());
  h.Line("2024-02-30 11:00:00 impossible");
  h.Flush();
  EXPECT_EQ((Strings{"2024-02-30 11:00:00 impossible"}), h.Messages());
}

TEST(RecordAssemblerTrimTest, ATimestampTooFarAheadIsTrimmedThoughTheReadTimeIsUsed) {
  Harness h(TrimRules());
  h.Line("2024-06-15 18:00:00 from the future");
  h.Flush();
  EXPECT_EQ((Outs{Rec("from the future", kNow, h.offset())}), h.out());
}

TEST(RecordAssemblerTrimTest, ARecordThatIsOnlyATimestampMakesNoEvent) {
  // CloudWatch refuses empty messages; its bytes still count as done.
  Harness h(TrimRules());
  h.Line("2024-06-15 11:30:05 \t");
  h.Flush();
  EXPECT_EQ((Outs{Skip(h.offset())}), h.out());
  EXPECT_EQ(1u, h.stats().empty_lines);
}

TEST(RecordAssemblerTrimTest, FiltersSeeTheTrimmedMessage) {
  auto rules = TrimRules();
  // "^GET" matches only once the timestamp is gone.
  rules->filters = MustFilters({{FilterType::kInclude, "^GET"}});
  Harness h(rules);
  h.Line("2024-06-15 11:30:05 GET /a");
  h.Line("2024-06-15 11:30:06 POST /b");
  h.Flush();
  EXPECT_EQ((Strings{"GET /a"}), h.Messages());
}

TEST(RecordAssemblerTrimTest, WithoutTrimTimestampTheMessageKeepsItsTimestamp) {
  Harness h(TimestampRules(kFormat));
  h.Line("2024-06-15 11:30:05 GET /index.html 200");
  h.Flush();
  EXPECT_EQ((Strings{"2024-06-15 11:30:05 GET /index.html 200"}), h.Messages());
}

TEST(RecordAssemblerTrimTest, AFormatWithLiteralTextLosesTheLiteralsItMatched) {
  Harness h(TrimRules("[%d/%b/%Y:%H:%M:%S %z]"));
  h.Line("127.0.0.1 - - [15/Jun/2024:11:30:05 +0000] \"GET / HTTP/1.1\" 200");
  h.Flush();
  EXPECT_EQ((Strings{"127.0.0.1 - -  \"GET / HTTP/1.1\" 200"}), h.Messages());
}

}  // namespace
}  // namespace edgelog::assembler_test
