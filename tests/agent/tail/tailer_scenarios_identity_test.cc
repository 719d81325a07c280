// A file is known by device, inode and fingerprints of its bytes. These
// scenarios attack that identity: an inode reused by a new file, two files
// whose first kilobytes are identical, and files shorter than a fingerprint
// that grow past it, across restarts.
#include <gtest/gtest.h>

#include <string>

#include "agent/tail/fingerprint.h"
#include "agent/tail/tailer.h"
#include "tests/agent/tail/tailer_scenarios_fixture.h"

namespace edgelog::tailer_scenarios {
namespace {

constexpr char kApp[] = "/logs/app.log";
constexpr char kA[] = "/logs/a.log";
constexpr char kB[] = "/logs/b.log";

using TailerScenarioIdentity = TailerScenario;

// The FileId the next file MemEnv creates will get (inodes are handed out
// in order), as a file system reusing a freed inode would give it.
FileId NextFileId(MemEnv& env) {
  env.WriteFile("/probe/next", "");
  auto info = env.Stat("/probe/next");
  EXPECT_TRUE(info.ok());
  FileId next = info.ok() ? info->id : FileId{};
  next.inode += 1;
  return next;
}

// --- Inode reuse ---

TEST_F(TailerScenarioIdentity, ANewFileOnTheInodeOfACheckpointedDeletedFileIsReadFromItsStart) {
  FileId reused = NextFileId(env_);
  // The old app.log, delivered up to 14, was deleted while the agent was
  // stopped; the new app.log got its inode.
  Checkpoint stale{reused, kApp, 14, FingerprintOf("old-1\nold-2\nold-3\n")};
  env_.WriteFile(kApp, Text(Numbered("new", 1, 4)));
  ASSERT_EQ(reused, IdOf(kApp)) << "test setup: inode not reused";
  Start({kApp}, {stale});
  Settle();

  EXPECT_EQ(Numbered("new", 1, 4), Messages());
  EXPECT_EQ(0u, tailer_->source(0).start_offset);
}

TEST_F(TailerScenarioIdentity, AReusedInodeIsNoticedBeyondTheFirstLine) {
  // The checkpoint's fingerprint covers a full kilobyte; the new file
  // starts with the same line and differs after it.
  std::string old_text = "same-first-line\n" + Text(Numbered("old-padding", 1, 100));
  FileId reused = NextFileId(env_);
  Checkpoint stale{reused, kApp, 1500, FingerprintOf(old_text.substr(0, kFingerprintBytes))};
  Lines new_lines = Concat({Lines{"same-first-line"}, Numbered("new-padding", 1, 150)});
  env_.WriteFile(kApp, Text(new_lines));
  ASSERT_EQ(reused, IdOf(kApp));
  Start({kApp}, {stale});
  Settle();

  EXPECT_EQ(new_lines, Messages());
}

TEST_F(TailerScenarioIdentity, ANewFileOnAReusedInodeUnderTheOldNameOfAnotherPatternIsReadWhole) {
  // app.log* matches: the checkpoint (saved as app.log.1) names an inode a
  // brand new app.log has now.
  FileId reused = NextFileId(env_);
  Checkpoint stale{reused, "/logs/app.log.1", 6, FingerprintOf("gone-1\ngone-2\n")};
  env_.WriteFile(kApp, Text(Numbered("fresh", 1, 3)));
  ASSERT_EQ(reused, IdOf(kApp));
  Start({"/logs/app.log*"}, {stale});
  Settle();

  EXPECT_EQ(Numbered("fresh", 1, 3), Messages());
}

// --- Identical first kilobytes ---

class TailerScenarioTwins : public TailerScenario {
 protected:
  // 2 KB shared by both files, then lines of their own.
  static std::string Common() { return Text(Numbered("shared-preamble-line", 1, 100)); }
  static Lines Own(const std::string& name, int count) { return Numbered(name + "-own", 1, count); }
  static Lines Whole(const std::string& name, int count) {
    return Concat({Numbered("shared-preamble-line", 1, 100), Own(name, count)});
  }
};

TEST_F(TailerScenarioTwins, TwoFilesWithIdenticalFirstKilobytesAreBothReadWhole) {
  ASSERT_GT(Common().size(), 2 * kFingerprintBytes);
  env_.WriteFile(kA, Common() + Text(Own("a", 5)));
  env_.WriteFile(kB, Common() + Text(Own("b", 5)));
  Start({"/logs/*.log"});
  Settle();

  EXPECT_EQ(Whole("a", 5), MessagesOf(IdOf(kA)));
  EXPECT_EQ(Whole("b", 5), MessagesOf(IdOf(kB)));
}

TEST_F(TailerScenarioTwins, ATwinAppearingAfterTheFirstWasReadIsNotTakenForItsCopy) {
  env_.WriteFile(kA, Common() + Text(Own("a", 5)));
  Start({"/logs/*.log"});
  Settle();
  env_.WriteFile(kB, Common() + Text(Own("b", 7)));
  Settle();

  EXPECT_EQ(Whole("a", 5), MessagesOf(IdOf(kA)));
  EXPECT_EQ(Whole("b", 7), MessagesOf(IdOf(kB)));
  EXPECT_EQ(0u, tailer_->source(1).start_offset);
}

TEST_F(TailerScenarioTwins, ATwinAppearingWhileTheFirstIsReadOnlyWithinTheSharedPartIsReadWhole) {
  // Everything the agent has read of a.log is also in b.log: the content
  // alone cannot tell them apart, and a.log was not truncated.
  env_.WriteFile(kA, Common() + Text(Own("a", 5)));
  Start({"/logs/*.log"});
  tailer_->Read(1500, At(now_), sink_);
  env_.WriteFile(kB, Common() + Text(Own("b", 5)));
  Settle();

  EXPECT_EQ(Whole("a", 5), MessagesOf(IdOf(kA)));
  EXPECT_EQ(Whole("b", 5), MessagesOf(IdOf(kB)));
}

TEST_F(TailerScenarioTwins, AnIdenticalSecondFileWaitsUntilItDiffersThenIsReadWhole) {
  // While b.log repeats a.log byte for byte it may be a copy (a backup, a
  // copytruncate copy on a slow disk): its lines arrive from a.log. From
  // the moment it differs it is a file of its own.
  env_.WriteFile(kA, Common() + Text(Own("x", 3)));
  Start({"/logs/*.log"});
  Settle();
  env_.WriteFile(kB, Common() + Text(Own("x", 3)));
  Settle();
  EXPECT_TRUE(MessagesOf(IdOf(kB)).empty());
  env_.AppendToFile(kB, Text(Own("y", 1)));
  Settle();

  EXPECT_EQ(Whole("x", 3), MessagesOf(IdOf(kA)));
  EXPECT_EQ(Concat({Whole("x", 3), Own("y", 1)}), MessagesOf(IdOf(kB)));
}

TEST_F(TailerScenarioTwins, TwinsResumeEachFromItsOwnCheckpointAfterARestart) {
  env_.WriteFile(kA, Common() + Text(Own("a", 2)));
  env_.WriteFile(kB, Common() + Text(Own("b", 4)));
  Start({"/logs/*.log"});
  Settle();
  StopAndStartAgain();
  env_.AppendToFile(kA, Text(Numbered("a-later", 1, 2)));
  env_.AppendToFile(kB, Text(Numbered("b-later", 1, 2)));
  Settle();

  EXPECT_EQ(Concat({Whole("a", 2), Numbered("a-later", 1, 2)}), MessagesOf(IdOf(kA)));
  EXPECT_EQ(Concat({Whole("b", 4), Numbered("b-later", 1, 2)}), MessagesOf(IdOf(kB)));
}

// --- Files shorter than a fingerprint ---

TEST_F(TailerScenarioIdentity, AFileOfAFewBytesGrowingPastAFingerprintIsReadOnce) {
  env_.WriteFile(kApp, "ab\n");
  Start({kApp});
  Settle();
  Lines expected{"ab"};
  for (int step = 0; step < 6; ++step) {  // 6 x 10 lines of 25 bytes
    Lines more = Numbered("growing-line-" + std::to_string(step) + "-pad", 1, 10);
    env_.AppendToFile(kApp, Text(more));
    expected = Concat({expected, more});
    Settle();
  }
  ASSERT_GT(env_.ReadFile(kApp).size(), kFingerprintBytes);

  EXPECT_EQ(expected, Messages());
  EXPECT_EQ(kFingerprintBytes, tailer_->source(0).head.length)
      << "the fingerprint grows with the file";
}

TEST_F(TailerScenarioIdentity, AShortFileResumesAtItsCheckpointAfterGrowingPastAFingerprint) {
  env_.WriteFile(kApp, "ab\n");
  Start({kApp});
  Settle();
  Shutdown();
  std::vector<Checkpoint> saved = Checkpoints();
  ASSERT_EQ(1u, saved.size());
  EXPECT_EQ(3u, saved[0].head.length);
  tailer_.reset();
  Lines more = Numbered("written-while-stopped-padding", 1, 50);  // > 1 KB
  env_.AppendToFile(kApp, Text(more));
  Start({kApp}, saved);
  Settle();

  EXPECT_EQ(Concat({Lines{"ab"}, more}), Messages());
  EXPECT_EQ(3u, tailer_->source(0).start_offset);
}

TEST_F(TailerScenarioIdentity, AShortFileRewrittenWithOtherBytesWhileStoppedIsReadFromItsStart) {
  env_.WriteFile(kApp, "ab\n");
  Start({kApp});
  Settle();
  Shutdown();
  std::vector<Checkpoint> saved = Checkpoints();
  tailer_.reset();
  TruncateInPlace(kApp, "xy\nzz\n");  // same inode, other first bytes
  Start({kApp}, saved);
  Settle();

  EXPECT_EQ((Lines{"ab", "xy", "zz"}), Messages());
}

TEST_F(TailerScenarioIdentity, ARestartAfterTheFileGrewPastAFingerprintResumesAtTheCheckpoint) {
  env_.WriteFile(kApp, "ab\n");
  Start({kApp});
  Settle();
  Lines more = Numbered("grown-while-running-padding", 1, 50);
  env_.AppendToFile(kApp, Text(more));
  Settle();
  StopAndStartAgain();
  env_.AppendToFile(kApp, "after\n");
  Settle();

  EXPECT_EQ(Concat({Lines{"ab"}, more, Lines{"after"}}), Messages());
}

TEST_F(TailerScenarioIdentity, AnIncompleteFirstLineOfAFewBytesIsNotRepeatedAfterARestart) {
  env_.WriteFile(kApp, "ab");
  Start({kApp});
  Settle();
  StopAndStartAgain();  // "ab" is handed on at shutdown
  env_.AppendToFile(kApp, "cd\n" + Text(Numbered("then-a-longer-line-padding", 1, 50)));
  Settle();

  EXPECT_EQ(Concat({Lines{"ab", "cd"}, Numbered("then-a-longer-line-padding", 1, 50)}),
            Messages());
}

TEST_F(TailerScenarioIdentity, AnEmptyFileThatLaterGetsLinesIsReadFromItsStart) {
  env_.WriteFile(kApp, "");
  Start({kApp});
  Settle();
  StopAndStartAgain();
  env_.AppendToFile(kApp, "first\nsecond\n");
  Settle();

  EXPECT_EQ((Lines{"first", "second"}), Messages());
}

}  // namespace
}  // namespace edgelog::tailer_scenarios
