// Rotation by copytruncate: logrotate copies app.log to app.log.1 and
// truncates app.log in place (same inode), and the writer goes on at the
// start of the emptied file. Lines the agent had not read yet are only in
// the copy now: they must be read from it exactly once, before the new ones.
// Also plain truncation ("> app.log"), with no copy at all.
#include <gtest/gtest.h>

#include <string>

#include "agent/tail/tailer.h"
#include "tests/agent/tail/tailer_scenarios_fixture.h"

namespace edgelog::tailer_scenarios {
namespace {

constexpr char kApp[] = "/logs/app.log";
constexpr char kApp1[] = "/logs/app.log.1";

class TailerScenarioCopytruncate : public TailerScenario {
 protected:
  // app.log holds old-1..old-2, read, then old-3..old-4, not read yet.
  void ReadTwoLinesThenAppendTwo(const std::string& pattern) {
    env_.WriteFile(kApp, Text(Numbered("old", 1, 2)));
    Start({pattern});
    Settle();
    ASSERT_EQ(Numbered("old", 1, 2), Messages());
    env_.AppendToFile(kApp, Text(Numbered("old", 3, 2)));
  }
  void CopyTruncateAndWriteNewLines() {
    CopyFile(kApp, kApp1);
    TruncateInPlace(kApp, Text(Numbered("new", 1, 2)));
  }
  static Lines Expected() { return Concat({Numbered("old", 1, 4), Numbered("new", 1, 2)}); }
};

// --- The copy is matched by the pattern (app.log*) ---

TEST_F(TailerScenarioCopytruncate, CopyFoundAfterTheTruncationGivesTheUnreadLinesOnce) {
  ReadTwoLinesThenAppendTwo("/logs/app.log*");
  CopyTruncateAndWriteNewLines();
  Settle();  // Discover sees the copy before any read sees the truncation

  EXPECT_EQ(Expected(), Messages());
  EXPECT_EQ((std::vector<uint64_t>{18, 24}), EndOffsetsOf(IdOf(kApp1)))
      << "the copy is read from where the original was left";
  EXPECT_EQ((std::vector<uint64_t>{6, 12, 6, 12}), EndOffsetsOf(IdOf(kApp)))
      << "app.log: two old lines, then the two new ones from offset 0";
}

TEST_F(TailerScenarioCopytruncate, TruncationReadBeforeTheCopyIsFoundGivesTheUnreadLinesOnce) {
  // Without inotify the agent reads more often than it lists directories:
  // a read can meet the truncated file before Discover meets the copy.
  ReadTwoLinesThenAppendTwo("/logs/app.log*");
  CopyTruncateAndWriteNewLines();
  ReadAll();
  Settle();

  EXPECT_EQ(Expected(), Messages());
}

TEST_F(TailerScenarioCopytruncate, CopyFoundBeforeTheTruncationIsNotReadAgain) {
  // logrotate takes a while to copy a big file: the agent can list the
  // directory between the copy and the truncation.
  ReadTwoLinesThenAppendTwo("/logs/app.log*");
  CopyFile(kApp, kApp1);
  Pass();
  TruncateInPlace(kApp, Text(Numbered("new", 1, 2)));
  Settle();

  EXPECT_EQ(Expected(), Messages());
}

TEST_F(TailerScenarioCopytruncate, WithNothingUnreadTheCopyGivesNothing) {
  env_.WriteFile(kApp, Text(Numbered("old", 1, 2)));
  Start({"/logs/app.log*"});
  Settle();
  CopyTruncateAndWriteNewLines();
  Settle();

  EXPECT_EQ(Concat({Numbered("old", 1, 2), Numbered("new", 1, 2)}), Messages());
  EXPECT_TRUE(MessagesOf(IdOf(kApp1)).empty());
}

// --- The copy is not matched by the pattern (app.log) ---

TEST_F(TailerScenarioCopytruncate, UnmatchedCopyStillGivesTheUnreadLinesOnce) {
  ReadTwoLinesThenAppendTwo(kApp);
  CopyTruncateAndWriteNewLines();
  Settle();

  EXPECT_EQ(Expected(), Messages());
  EXPECT_EQ((std::vector<uint64_t>{18, 24}), EndOffsetsOf(IdOf(kApp1)));
}

TEST_F(TailerScenarioCopytruncate, UnmatchedCopyGivesTheUnreadLinesWhenTheTruncatedFileIsStillEmpty) {
  ReadTwoLinesThenAppendTwo(kApp);
  CopyFile(kApp, kApp1);
  TruncateInPlace(kApp);
  Settle();
  env_.AppendToFile(kApp, Text(Numbered("new", 1, 2)));
  Settle();

  EXPECT_EQ(Expected(), Messages());
}

TEST_F(TailerScenarioCopytruncate, UnmatchedCopyWithADateNameGivesTheUnreadLinesOnce) {
  // logrotate's dateext: app.log-20260115.
  ReadTwoLinesThenAppendTwo(kApp);
  CopyFile(kApp, "/logs/app.log-20260115");
  TruncateInPlace(kApp, Text(Numbered("new", 1, 2)));
  Settle();

  EXPECT_EQ(Expected(), Messages());
}

TEST_F(TailerScenarioCopytruncate, UnmatchedCopyIsNotReadWhenNothingWasLeftUnread) {
  env_.WriteFile(kApp, Text(Numbered("old", 1, 2)));
  Start({kApp});
  Settle();
  CopyTruncateAndWriteNewLines();
  Settle();

  EXPECT_EQ(Concat({Numbered("old", 1, 2), Numbered("new", 1, 2)}), Messages());
  EXPECT_TRUE(MessagesOf(IdOf(kApp1)).empty()) << "the copy held nothing new";
  EXPECT_FALSE(HeldOpen(IdOf(kApp1)));
}

TEST_F(TailerScenarioCopytruncate, UnmatchedCopyIsClosedOnceItsUnreadLinesAreRead) {
  ReadTwoLinesThenAppendTwo(kApp);
  CopyTruncateAndWriteNewLines();
  Settle();

  EXPECT_FALSE(HeldOpen(IdOf(kApp1))) << "the copy is not ours to follow";
}

// --- Plain truncation: "> app.log", no copy ---

TEST_F(TailerScenarioCopytruncate, TruncationToEmptyThenShorterLinesReadsThemFromOffsetZero) {
  env_.WriteFile(kApp, Text(Numbered("before", 1, 3)));
  Start({kApp});
  Settle();
  TruncateInPlace(kApp);
  Pass();
  env_.AppendToFile(kApp, "a\nb\n");
  Settle();

  EXPECT_EQ(Concat({Numbered("before", 1, 3), Lines{"a", "b"}}), Messages());
  EXPECT_EQ((std::vector<uint64_t>{9, 18, 27, 2, 4}), EndOffsetsOf(IdOf(kApp)));
  EXPECT_EQ(1u, tailer_->source_count()) << "a truncated file keeps its source";
}

TEST_F(TailerScenarioCopytruncate, TruncationFollowedByMoreDataThanWasReadIsReadFromItsStart) {
  // The size alone does not show the truncation: the first bytes do.
  env_.WriteFile(kApp, "x\ny\n");
  Start({kApp});
  Settle();
  TruncateInPlace(kApp, Text(Numbered("after-truncation", 1, 3)));
  Settle();

  EXPECT_EQ(Concat({Lines{"x", "y"}, Numbered("after-truncation", 1, 3)}), Messages());
  EXPECT_EQ((std::vector<uint64_t>{2, 4, 19, 38, 57}), EndOffsetsOf(IdOf(kApp)));
}

TEST_F(TailerScenarioCopytruncate, TruncationOfALongFileIsNoticedByItsFirstBytes) {
  // More than a fingerprint's worth read, then a longer file written.
  Lines before = Numbered("before-with-some-padding", 1, 100);
  env_.WriteFile(kApp, Text(before));
  Start({kApp});
  Settle();
  Lines after = Numbered("after-with-more-padding-than-before", 1, 150);
  TruncateInPlace(kApp, Text(after));
  Settle();

  EXPECT_EQ(Concat({before, after}), Messages());
}

TEST_F(TailerScenarioCopytruncate, RepeatedTruncationsEachGiveTheirLinesOnce) {
  env_.WriteFile(kApp, "round-0\n");
  Start({kApp});
  Settle();
  Lines expected{"round-0"};
  for (int round = 1; round <= 4; ++round) {
    std::string line = "round-" + std::to_string(round);
    TruncateInPlace(kApp, line + "\n");
    expected.push_back(line);
    Settle();
  }

  EXPECT_EQ(expected, Messages());
}

}  // namespace
}  // namespace edgelog::tailer_scenarios
