#include "agent/tail/tailer.h"

#include <gtest/gtest.h>

#include <string>

#include "agent/base/cloudwatch_limits.h"
#include "tests/agent/tail/tailer_test_fixture.h"

namespace edgelog {
namespace {

using tailer_test::At;
using tailer_test::kNow;
using tailer_test::Lines;
using tailer_test::TailerTest;

TEST_F(TailerTest, AppendedLinesArePickedUpOnTheNextRead) {
  env_.WriteFile("/logs/app.log", "one\n");
  Start({"/logs/app.log"});
  ReadAll();
  EXPECT_EQ(0u, tailer_->Read(8 << 20, At(kNow), sink_)) << "nothing new yet";
  EXPECT_EQ(Lines{"one"}, sink_.Messages());
  env_.AppendToFile("/logs/app.log", "two\nthree\n");
  sink_.Clear();
  EXPECT_EQ(10u, ReadAll());
  auto records = sink_.Records();
  ASSERT_EQ(2u, records.size());
  EXPECT_EQ("two", records[0].message);
  EXPECT_EQ(8u, records[0].end_offset);
  EXPECT_EQ("three", records[1].message);
  EXPECT_EQ(14u, records[1].end_offset);
}

TEST_F(TailerTest, APartialLastLineIsHeldBackUntilItsNewlineArrives) {
  env_.WriteFile("/logs/app.log", "done\npart");
  Start({"/logs/app.log"});
  ReadAll();
  EXPECT_EQ(Lines{"done"}, sink_.Messages());
  EXPECT_TRUE(tailer_->AtEnd());
  env_.AppendToFile("/logs/app.log", "ial\n");
  sink_.Clear();
  ReadAll();
  auto records = sink_.Records();
  ASSERT_EQ(1u, records.size());
  EXPECT_EQ("partial", records[0].message);
  EXPECT_EQ(13u, records[0].end_offset);
}

TEST_F(TailerTest, CrLfLineEndsAreRemovedAndCountedInOffsets) {
  env_.WriteFile("/logs/app.log", "alpha\r\nbeta\r\n");
  Start({"/logs/app.log"});
  ReadAll();
  auto records = sink_.Records();
  ASSERT_EQ(2u, records.size());
  EXPECT_EQ("alpha", records[0].message);
  EXPECT_EQ(7u, records[0].end_offset);
  EXPECT_EQ("beta", records[1].message);
  EXPECT_EQ(13u, records[1].end_offset);
}

TEST_F(TailerTest, ACrLfSplitAcrossTwoWritesIsStillOneLineEnd) {
  env_.WriteFile("/logs/app.log", "alpha\r");
  Start({"/logs/app.log"});
  ReadAll();
  env_.AppendToFile("/logs/app.log", "\nbeta\n");
  ReadAll();
  EXPECT_EQ((Lines{"alpha", "beta"}), sink_.Messages());
}

TEST_F(TailerTest, EmptyLinesAreSkippedWithTheirEndOffsets) {
  env_.WriteFile("/logs/app.log", "a\n\n\r\nb\n");
  Start({"/logs/app.log"});
  ReadAll();
  ASSERT_EQ(4u, sink_.seen.size());
  EXPECT_FALSE(sink_.seen[0].skipped);
  EXPECT_EQ("a", sink_.seen[0].message);
  EXPECT_TRUE(sink_.seen[1].skipped);
  EXPECT_EQ(3u, sink_.seen[1].end_offset);
  EXPECT_TRUE(sink_.seen[2].skipped);
  EXPECT_EQ(5u, sink_.seen[2].end_offset);
  EXPECT_FALSE(sink_.seen[3].skipped);
  EXPECT_EQ("b", sink_.seen[3].message);
  EXPECT_EQ(7u, sink_.seen[3].end_offset);
  EXPECT_EQ(2u, tailer_->stats().empty_lines);
}

TEST_F(TailerTest, InvalidUtf8IsReplacedByTheReplacementCharacter) {
  env_.WriteFile("/logs/app.log", "ok\xFFok\ncut \xE6\x97\nfine \xE6\x97\xA5\n");
  Start({"/logs/app.log"});
  ReadAll();
  EXPECT_EQ((Lines{"ok\xEF\xBF\xBDok", "cut \xEF\xBF\xBD", "fine \xE6\x97\xA5"}),
            sink_.Messages());
  EXPECT_EQ(2u, tailer_->stats().invalid_utf8);
  EXPECT_EQ(22u, sink_.Records().back().end_offset);
}

TEST_F(TailerTest, ALineLongerThanOneEventArrivesInPartsOnlyTheLastCoveringItsEnd) {
  // 1.5 MiB in one line: one event holds at most 1,048,576 - 26 bytes.
  const size_t kLineBytes = 1536 * 1024;
  std::string line;
  line.reserve(kLineBytes);
  for (size_t i = 0; i < kLineBytes; ++i) line.push_back(static_cast<char>('a' + i % 26));
  env_.WriteFile("/logs/app.log", line + "\nnext\n");
  Start({"/logs/app.log"});
  ReadAll();
  auto records = sink_.Records();
  ASSERT_EQ(3u, records.size());
  EXPECT_EQ(1048550u, kMaxEventMessageBytes);
  EXPECT_EQ(kMaxEventMessageBytes, records[0].message.size());
  EXPECT_EQ(kLineBytes - kMaxEventMessageBytes, records[1].message.size());
  EXPECT_EQ(line, records[0].message + records[1].message);
  // Only the last part says the line is covered; the first never claims
  // more of the file than the bytes it carries.
  EXPECT_EQ(kLineBytes + 1, records[1].end_offset);
  EXPECT_LT(records[0].end_offset, records[1].end_offset);
  EXPECT_LE(records[0].end_offset, kMaxEventMessageBytes);
  EXPECT_EQ("next", records[2].message);
  EXPECT_EQ(kLineBytes + 6, records[2].end_offset);
  EXPECT_EQ(2u, tailer_->stats().split_parts);
}

TEST_F(TailerTest, ALineOfExactlyOneEventEndingInCrLfIsOneRecord) {
  std::string line(kMaxEventMessageBytes, 'x');
  env_.WriteFile("/logs/app.log", line + "\r\nnext\n");
  Start({"/logs/app.log"});
  ReadAll();
  auto records = sink_.Records();
  ASSERT_EQ(2u, records.size());
  EXPECT_EQ(line, records[0].message) << "the \\r is part of the line end";
  EXPECT_EQ(kMaxEventMessageBytes + 2, records[0].end_offset);
  EXPECT_EQ("next", records[1].message);
  EXPECT_EQ(0u, tailer_->stats().empty_lines);
  EXPECT_EQ(0u, tailer_->stats().split_parts);
}

TEST_F(TailerTest, ALineOneByteLongerThanAnEventArrivesInTwoParts) {
  std::string line(kMaxEventMessageBytes + 1, 'y');
  env_.WriteFile("/logs/app.log", line + "\n");
  Start({"/logs/app.log"});
  ReadAll();
  auto records = sink_.Records();
  ASSERT_EQ(2u, records.size());
  EXPECT_EQ(kMaxEventMessageBytes, records[0].message.size());
  EXPECT_EQ("y", records[1].message);
  EXPECT_EQ(kMaxEventMessageBytes + 2, records[1].end_offset);
}

}  // namespace
}  // namespace edgelog
