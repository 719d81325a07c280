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
  // The truncation of app.log is read, then the copy's unread bytes; before
  // app.log is read again, a second copytruncate (g2 to app.log.1).
  void CopytruncateTwiceAroundAStartOver(const std::string& pattern);
  // app.log (gen0) is read and renamed; the new app.log is followed holding
  // `when_followed` and, before any read of it (it waits for the renamed
  // one), gets `then`, is copied to app.log.1 and truncated to `after`.
  void CopytruncateBeforeTheFirstRead(const std::string& when_followed, const std::string& then,
                                      const std::string& after) {
    env_.WriteFile(kApp, Text(Numbered("gen0", 1, 2)));
    Start({kApp});
    Settle();
    Rename(kApp, kApp1);
    env_.WriteFile(kApp, when_followed);
    tailer_->Discover();  // follows the new app.log; no read yet
    env_.AppendToFile(kApp, then);
    Rename(kApp1, "/logs/app.log.2");
    CopyFile(kApp, kApp1);
    TruncateInPlace(kApp, after);
    Settle();
  }
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

TEST_F(TailerScenarioCopytruncate, ACopyStillBeingMadeWhenFoundIsNotReadAgain) {
  // logrotate creates the copy empty at its final name and fills it in
  // chunks: the agent may look while it is empty, then half full.
  ReadTwoLinesThenAppendTwo("/logs/app.log*");
  std::string content = env_.ReadFile(kApp);
  env_.WriteFile(kApp1, "");
  Pass();
  env_.AppendToFile(kApp1, content.substr(0, 5));
  Pass();
  env_.AppendToFile(kApp1, content.substr(5));
  Pass();
  TruncateInPlace(kApp, Text(Numbered("new", 1, 2)));
  Settle();

  EXPECT_EQ(Expected(), Messages());
}

TEST_F(TailerScenarioCopytruncate, ACopyFilledBetweenTheLookBeforeItsFirstReadAndTheReadIsHeld) {
  // The agent looks at the copy before its first read and finds it empty;
  // logrotate fills it before the read that follows. What that read finds
  // is not the copy's own: it waits for its look, as a copy.
  ReadTwoLinesThenAppendTwo("/logs/app.log*");
  std::string content = env_.ReadFile(kApp);
  env_.WriteFile(kApp1, "");
  now_ += kPassMs;
  tailer_->Discover();  // followed while empty
  FileId copy = IdOf(kApp1);
  bool filled = false;
  env_.set_after_descriptor_stat([&](const FileInfo& info) {
    if (filled || info.id != copy || info.size != 0) return;
    filled = true;
    env_.AppendToFile(kApp1, content);
  });
  ReadAll();
  env_.set_after_descriptor_stat(nullptr);
  ASSERT_TRUE(filled);
  TruncateInPlace(kApp, Text(Numbered("new", 1, 2)));
  Settle();

  EXPECT_EQ(Expected(), Messages());
}

TEST_F(TailerScenarioCopytruncate, ACopyShorterThanWhatWasReadIsNotReadAgain) {
  // The writer went on between the copy and the truncation, and the agent
  // read those lines from the original: the copy holds nothing new.
  ReadTwoLinesThenAppendTwo("/logs/app.log*");
  CopyFile(kApp, kApp1);
  env_.AppendToFile(kApp, Text(Numbered("old", 5, 2)));  // after the copy
  ReadAll();
  TruncateInPlace(kApp, Text(Numbered("new", 1, 2)));
  Settle();

  EXPECT_EQ(Concat({Numbered("old", 1, 6), Numbered("new", 1, 2)}), Messages());
  EXPECT_TRUE(MessagesOf(IdOf(kApp1)).empty());
}

TEST_F(TailerScenarioCopytruncate, ACopyShorterThanWhatWasReadAndFoundLateIsNotReadAgain) {
  // The same, when the truncation is read before the copy is listed.
  ReadTwoLinesThenAppendTwo("/logs/app.log*");
  CopyFile(kApp, kApp1);
  env_.AppendToFile(kApp, Text(Numbered("old", 5, 2)));
  ReadAll();
  TruncateInPlace(kApp, Text(Numbered("new", 1, 2)));
  ReadAll();
  Settle();

  EXPECT_EQ(Concat({Numbered("old", 1, 6), Numbered("new", 1, 2)}), Messages());
}

TEST_F(TailerScenarioCopytruncate, TruncatedAndRegrownPastTheOffsetWithTheSameFirstBytesLosesNothing) {
  // A header longer than a fingerprint, the same in every generation; the
  // file is truncated and written past the read offset before the agent
  // looks again (it was busy).
  std::string header = std::string(1500, '#') + "\n";
  env_.WriteFile(kApp, header + Text(Numbered("gen1", 1, 3)));
  Start({kApp});
  Settle();
  TruncateInPlace(kApp, header + Text(Numbered("gen2-a-longer-line", 1, 300)));
  Settle();

  EXPECT_EQ(Concat({Lines{header.substr(0, 1500)}, Numbered("gen1", 1, 3),
                    Lines{header.substr(0, 1500)}, Numbered("gen2-a-longer-line", 1, 300)}),
            Messages());
}

TEST_F(TailerScenarioCopytruncate, ACopytruncateBeforeTheFileWasEverReadIsReadFromTheCopy) {
  // A loaded CPU: the new app.log is followed (it waits for app.log.1 to be
  // finished) and is copied and truncated before a byte of it is read.
  CopytruncateBeforeTheFirstRead(Text(Numbered("gen1", 1, 2)), "", Text(Numbered("gen2", 1, 2)));

  EXPECT_EQ(Concat({Numbered("gen0", 1, 2), Numbered("gen1", 1, 2), Numbered("gen2", 1, 2)}),
            Messages());
}

TEST_F(TailerScenarioCopytruncate, ACopytruncateBeforeAnyReadIsFoundEvenWhenTheFirstBytesRecur) {
  // Every generation starts with the same banner: only the copy's arrival
  // since the file was followed tells what happened.
  CopytruncateBeforeTheFirstRead("banner\n", Text(Numbered("gen1", 1, 2)),
                                 "banner\n" + Text(Numbered("gen2", 1, 2)));

  EXPECT_EQ(Concat({Numbered("gen0", 1, 2), Lines{"banner"}, Numbered("gen1", 1, 2),
                    Lines{"banner"}, Numbered("gen2", 1, 2)}),
            Messages());
}

TEST_F(TailerScenarioCopytruncate, ACopytruncateOfAFileFollowedEmptyBeforeItWasReadIsReadFirst) {
  // The same with the new app.log empty when followed: its first bytes
  // never seen, the copy is found among the generations written since.
  CopytruncateBeforeTheFirstRead("", Text(Numbered("gen1", 1, 2)), Text(Numbered("gen2", 1, 2)));

  EXPECT_EQ(Concat({Numbered("gen0", 1, 2), Numbered("gen1", 1, 2), Numbered("gen2", 1, 2)}),
            Messages());
}

TEST_F(TailerScenarioCopytruncate, ACopyOfAFileFollowedEmptyIsHeldWhenItsFirstBytesArrive) {
  // Under app.log*, logrotate's empty copy is followed as a new file; its
  // first bytes show it is a copy.
  env_.WriteFile(kApp, Text(Numbered("old", 1, 2)));
  Start({"/logs/app.log*"});
  Settle();
  env_.WriteFile(kApp1, "");
  Pass();
  CopyFile(kApp, kApp1);
  env_.AppendToFile(kApp1, "");
  TruncateInPlace(kApp, Text(Numbered("new", 1, 2)));
  Settle();

  EXPECT_EQ(Concat({Numbered("old", 1, 2), Numbered("new", 1, 2)}), Messages());
}

TEST_F(TailerScenarioCopytruncate, AFileStartingLikeAnotherIsReadWholeFromTheMomentItDiffers) {
  // Not a copy: a twin, read whole once its bytes differ from the other's.
  env_.WriteFile(kApp, Text(Numbered("same", 1, 2)));
  Start({"/logs/app.log*"});
  Settle();
  env_.WriteFile(kApp1, Text(Numbered("same", 1, 1)));
  Settle();
  EXPECT_EQ(Numbered("same", 1, 2), Messages()) << "it may still be a copy being made";
  env_.AppendToFile(kApp1, "own-1\n");
  Settle();

  EXPECT_EQ(Concat({Numbered("same", 1, 2), Numbered("same", 1, 1), Lines{"own-1"}}),
            Messages());
}

TEST_F(TailerScenarioCopytruncate, ATruncationLongAfterTheCopyRepeatsNothing) {
  // A big file on a slow disk: logrotate syncs the copy for a long time
  // before it truncates the original.
  ReadTwoLinesThenAppendTwo("/logs/app.log*");
  CopyFile(kApp, kApp1);
  for (int i = 0; i < 30; ++i) Pass();  // half a minute
  TruncateInPlace(kApp, Text(Numbered("new", 1, 2)));
  Settle();

  EXPECT_EQ(Expected(), Messages());
}

TEST_F(TailerScenarioCopytruncate, ABackupCopyUnderThePatternIsNotReadAgain) {
  // cp app.log app.log.bak under app.log*: all of it arrives from app.log.
  ReadTwoLinesThenAppendTwo("/logs/app.log*");
  CopyFile(kApp, "/logs/app.log.bak");
  Settle();
  env_.AppendToFile(kApp, Text(Numbered("old", 5, 1)));
  Settle();

  EXPECT_EQ(Numbered("old", 1, 5), Messages());
}

TEST_F(TailerScenarioCopytruncate, ABackupCopyIsStillNotReadAfterARestart) {
  // Seen empty first (a checkpoint at offset 0 is saved for it), then filled.
  ReadTwoLinesThenAppendTwo("/logs/app.log*");
  env_.WriteFile("/logs/app.log.bak", "");
  Pass();
  env_.AppendToFile("/logs/app.log.bak", env_.ReadFile(kApp));  // cp fills the same inode
  Settle();
  StopAndStartAgain();
  env_.AppendToFile(kApp, Text(Numbered("old", 5, 1)));
  Settle();

  EXPECT_EQ(Numbered("old", 1, 5), Messages());
}

TEST_F(TailerScenarioCopytruncate, TwoCopytruncatesBeforeTheFirstTruncationIsReadLoseAndRepeatNothing) {
  // A loaded CPU: logrotate runs twice (shifting the copies along) before
  // the agent reads the original again; it has only listed the directory.
  env_.WriteFile(kApp, Text(Numbered("gen1", 1, 3)));
  Start({"/logs/app.log*"});
  Settle();
  CopyFile(kApp, kApp1);
  TruncateInPlace(kApp, Text(Numbered("gen2", 1, 3)));
  Settle();
  // Second rotation: the copy is seen (and held), the truncation not yet.
  env_.AppendToFile(kApp, Text(Numbered("gen2", 4, 1)));
  Rename(kApp1, "/logs/app.log.2");
  CopyFile(kApp, kApp1);
  tailer_->Discover();
  TruncateInPlace(kApp, Text(Numbered("gen3", 1, 3)));
  // Third rotation, still unread.
  Rename("/logs/app.log.2", "/logs/app.log.3");
  Rename(kApp1, "/logs/app.log.2");
  CopyFile(kApp, kApp1);
  tailer_->Discover();
  TruncateInPlace(kApp, Text(Numbered("gen4", 1, 3)));
  Settle();

  EXPECT_EQ(Concat({Numbered("gen1", 1, 3), Numbered("gen2", 1, 4), Numbered("gen3", 1, 3),
                    Numbered("gen4", 1, 3)}),
            Messages());
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
  EXPECT_EQ(2u, tailer_->source_count()) << "each generation a source of its own";
  EXPECT_EQ(1u, SourcesOf(IdOf(kApp)).size() - 1) << "both on the same file";
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

TEST_F(TailerScenarioCopytruncate, TwoCopytruncatesBetweenTwoLooksReadTheMiddleGenerationToo) {
  env_.WriteFile(kApp, Text(Numbered("g1", 1, 3)));
  Start({kApp});
  Settle();
  env_.AppendToFile(kApp, Text(Numbered("g1", 4, 2)));
  CopyFile(kApp, "/logs/app.log.1");
  TruncateInPlace(kApp, Text(Numbered("g2", 1, 3)));
  Rename("/logs/app.log.1", "/logs/app.log.2");
  CopyFile(kApp, "/logs/app.log.1");
  TruncateInPlace(kApp, Text(Numbered("g3", 1, 2)));
  Settle();
  EXPECT_EQ(Concat({Numbered("g1", 1, 5), Numbered("g2", 1, 3), Numbered("g3", 1, 2)}),
            Messages());
}

TEST_F(TailerScenarioCopytruncate, ACopytruncateBeforeTheFirstReadAfterAStartOverLosesNothing) {
  // A loaded CPU: the truncation is seen and the copy's unread lines are
  // read, but the agent is paused before it reads a byte of the file again;
  // meanwhile the next generation is copied away and the file truncated
  // once more. With nothing read of it, the file cannot show that; the copy
  // made since can.
  CopytruncateTwiceAroundAStartOver(kApp);
}

TEST_F(TailerScenarioCopytruncate, ACopytruncateBeforeTheFirstReadAfterAStartOverLosesNothingGlob) {
  CopytruncateTwiceAroundAStartOver("/logs/app.log*");
}

void TailerScenarioCopytruncate::CopytruncateTwiceAroundAStartOver(const std::string& pattern) {
  env_.WriteFile(kApp, Text(Numbered("g1", 1, 3)));
  Start({pattern});
  Settle();
  env_.AppendToFile(kApp, Text(Numbered("g1", 4, 2)));
  CopyFile(kApp, kApp1);
  TruncateInPlace(kApp, Text(Numbered("g2", 1, 3)));
  const size_t unread = Text(Numbered("g1", 4, 2)).size();
  ASSERT_EQ(unread, tailer_->Read(unread, At(now_), sink_))
      << "one read: the truncation, then the copy's unread bytes, and no more";
  ASSERT_EQ(Numbered("g1", 1, 5), Messages());
  Rename(kApp1, "/logs/app.log.2");
  env_.AppendToFile(kApp, Text(Numbered("g2", 4, 2)));
  CopyFile(kApp, kApp1);
  TruncateInPlace(kApp, Text(Numbered("g3", 1, 2)));
  Settle();

  EXPECT_EQ(Concat({Numbered("g1", 1, 5), Numbered("g2", 1, 5), Numbered("g3", 1, 2)}),
            Messages());
}

TEST_F(TailerScenarioCopytruncate, AHeldCopyIsNotTakenForAGenerationMissedBeforeTheFirstRead) {
  // app.log is followed, not read yet, when logrotate copies it: the copy,
  // held, is settled by the truncation, not read whole as a generation
  // that came and went before the first read.
  std::string first = "first " + std::string(1500, 'a') + "\n";
  env_.WriteFile(kApp, first + Text(Numbered("g1", 1, 2)));
  Start({"/logs/app.log*"});
  std::string all = env_.ReadFile(kApp);
  env_.WriteFile(kApp1, all.substr(0, 1223));
  tailer_->Discover();  // held: it repeats app.log's start
  env_.AppendToFile(kApp1, all.substr(1223));
  TruncateInPlace(kApp);
  tailer_->Discover();
  env_.AppendToFile(kApp, Text(Numbered("g2", 1, 1)));
  Settle();

  EXPECT_EQ(Concat({Lines{first.substr(0, first.size() - 1)}, Numbered("g1", 1, 2),
                    Numbered("g2", 1, 1)}),
            Messages());
}

TEST_F(TailerScenarioCopytruncate, AFileFollowedEmptyAndCopiedBeforeItsFirstReadKeepsItsOrder) {
  // app.log is followed while empty; lines arrive, and before the agent
  // reads them logrotate copies and truncates it. The copy, seen half made,
  // holds the older lines: they come before the new ones.
  env_.WriteFile(kApp, "");
  Start({"/logs/app.log*"});
  env_.AppendToFile(kApp, Text(Numbered("g1", 1, 3)));
  std::string all = env_.ReadFile(kApp);
  env_.WriteFile(kApp1, all.substr(0, 10));
  tailer_->Discover();
  env_.AppendToFile(kApp1, all.substr(10));
  TruncateInPlace(kApp, Text(Numbered("g2", 1, 3)));
  Settle();

  EXPECT_EQ(Concat({Numbered("g1", 1, 3), Numbered("g2", 1, 3)}), Messages());
}

TEST_F(TailerScenarioCopytruncate, ACopyFoundByThePatternAfterTheTruncationIsReadFirst) {
  // app.log is followed while empty; lines arrive and logrotate copies and
  // truncates it, all before the agent looks. The copy no longer repeats
  // app.log when found: followed as a file of the pattern, but a
  // generation all the same, read to its end before app.log, even in
  // chunks smaller than a line.
  options_.read_chunk_bytes = 5;
  env_.WriteFile(kApp, "");
  Start({"/logs/app.log*"});
  env_.AppendToFile(kApp, Text(Numbered("g1", 1, 3)));
  CopyFile(kApp, kApp1);
  TruncateInPlace(kApp, Text(Numbered("g2", 1, 3)));
  Settle();

  EXPECT_EQ(Concat({Numbered("g1", 1, 3), Numbered("g2", 1, 3)}), Messages());
}

TEST_F(TailerScenarioCopytruncate, AHeldCopyRenamedBeforeTheTruncationIsReadIsFoundAgain) {
  env_.WriteFile(kApp, Text(Numbered("g1", 1, 3)));
  Start({"/logs/app.log*"});
  Settle();
  env_.AppendToFile(kApp, Text(Numbered("g1", 4, 2)));
  CopyFile(kApp, "/logs/app.log.1");
  tailer_->Discover();  // sees the copy (held) but no read yet
  Rename("/logs/app.log.1", "/logs/app.log.2");
  TruncateInPlace(kApp, Text(Numbered("g2", 1, 3)));
  Settle();
  EXPECT_EQ(Concat({Numbered("g1", 1, 5), Numbered("g2", 1, 3)}), Messages());
}

TEST_F(TailerScenarioCopytruncate, AHeldCopyDeletedBeforeTheTruncationIsReadAddsNothing) {
  env_.WriteFile(kApp, Text(Numbered("g1", 1, 3)));
  Start({"/logs/app.log*"});
  Settle();
  env_.AppendToFile(kApp, Text(Numbered("g1", 4, 2)));
  CopyFile(kApp, "/logs/app.log.1");
  tailer_->Discover();
  Remove("/logs/app.log.1");
  TruncateInPlace(kApp, Text(Numbered("g2", 1, 3)));
  Settle();
  // g1-4,5 exist in no file any more: may be lost; nothing else.
  Lines got = Messages();
  EXPECT_EQ(Concat({Numbered("g1", 1, 3), Numbered("g2", 1, 3)}), got);
}

TEST_F(TailerScenarioCopytruncate, AUtf16FileGivesItsUnreadLinesFromTheCopy) {
  auto u16 = [](const std::string& ascii) {
    std::string o;
    for (char c : ascii) { o.push_back(c); o.push_back('\0'); }
    return o;
  };
  std::string bom = "\xFF\xFE";
  env_.WriteFile(kApp, bom + u16(Text(Numbered("g1", 1, 3))));
  auto rules = std::make_shared<EntryRules>();
  rules->start_rule = EntryRules::StartRule::kEveryLine;
  StartEntries({TailEntry{"/logs/app.log*", nullptr, "utf-16", rules, "k"}});
  Settle();
  env_.AppendToFile(kApp, u16(Text(Numbered("g1", 4, 2))));
  CopyFile(kApp, "/logs/app.log.1");
  TruncateInPlace(kApp, u16(Text(Numbered("g2", 1, 3))));
  Settle();
  EXPECT_EQ(Concat({Numbered("g1", 1, 5), Numbered("g2", 1, 3)}), Messages());
}

TEST_F(TailerScenarioCopytruncate, ACopyFilledAcrossSeveralLooksGivesTheUnreadLinesOnce) {
  env_.WriteFile(kApp, Text(Numbered("g1", 1, 100)));
  Start({"/logs/app.log*"});
  Settle();
  env_.AppendToFile(kApp, Text(Numbered("g1", 101, 5)));
  std::string all = env_.ReadFile(kApp);
  env_.WriteFile("/logs/app.log.1", all.substr(0, 300));
  Pass();
  env_.AppendToFile("/logs/app.log.1", all.substr(300));
  TruncateInPlace(kApp, Text(Numbered("g2", 1, 3)));
  Settle();
  EXPECT_EQ(Concat({Numbered("g1", 1, 105), Numbered("g2", 1, 3)}), Messages());
}

// The bytes before the offset are the only check past the first 1024, and
// a run of one character (padding, "=====", base64 of zeros) reads the same
// in the next generation when it has regrown past the offset between two
// looks: the file's first bytes tell the generations apart.
TEST_F(TailerScenarioCopytruncate, TruncationRegrownPastTheOffsetInsideARunOfOneCharacterIsSeen) {
  const std::string run(3000, 'x');
  env_.WriteFile(kApp, "a " + run);  // a line being written: read up to here
  Start({kApp});
  Settle();
  env_.AppendToFile(kApp, std::string(10, 'x') + "\nold-2\n");
  CopyFile(kApp, kApp1);
  TruncateInPlace(kApp, "n " + std::string(3100, 'x') + "\nnew-2\n");
  Settle();

  EXPECT_EQ((Lines{"a " + run + std::string(10, 'x'), "old-2", "n " + std::string(3100, 'x'),
                   "new-2"}),
            Messages());
}

}  // namespace
}  // namespace edgelog::tailer_scenarios
