// Which matches of a glob are followed: without publish_multi_logs only the
// newest, as the CloudWatch agent's plugins/inputs/logfile/logfile.go
// (getTargetFiles) picks the most recently modified match; with it, every
// match.
#include <gtest/gtest.h>

#include <algorithm>

#include <memory>
#include <string>
#include <vector>

#include "agent/tail/tailer.h"
#include "tests/agent/tail/tailer_test_fixture.h"

namespace edgelog {
namespace {

using tailer_test::At;
using tailer_test::kNow;
using tailer_test::Lines;
using tailer_test::TailerTest;

constexpr int64_t kQuietMs = TailerOptions{}.rotated_quiet_ms;

class NewestMatchTest : public TailerTest {
 protected:
  void StartWith(MatchPolicy policy, const std::string& pattern,
                 std::vector<Checkpoint> checkpoints = {}) {
    auto rules = std::make_shared<EntryRules>();
    rules->start_rule = EntryRules::StartRule::kEveryLine;
    TailEntry entry{pattern, nullptr, "", rules, "g:s"};
    entry.matches = policy;
    tailer_ = std::make_unique<Tailer>(env_, log_, std::vector<TailEntry>{entry},
                                       std::move(checkpoints), TailerOptions{});
    tailer_->Discover();
  }
  // Reads at `ms` until nothing is new.
  void ReadAt(int64_t ms) {
    for (int i = 0; i < 100 && tailer_->Read(8 << 20, At(ms), sink_) > 0; ++i) {
    }
  }
  // Discovers and reads as a running agent would, past a rotated file's
  // quiet time.
  void RunPastQuiet() {
    tailer_->Discover();
    ReadAt(kNow);
    ReadAt(kNow + kQuietMs);
    ReadAt(kNow + kQuietMs + 1);
    tailer_->Discover();
    ReadAt(kNow + kQuietMs + 2);
  }
  // b.log ("b0") followed first, then a.log ("a0") the newest, both read:
  // two applications' logs under one pattern.
  void StartWithTwoApplications() {
  env_.WriteFile("/logs/b.log", "b0\n");
  StartWith(MatchPolicy::kNewestMatch, "/logs/*.log");
  ReadAt(kNow);
  env_.WriteFile("/logs/a.log", "a0\n");
  tailer_->Discover();
  ReadAt(kNow + 1);
  }
  bool IsOpen(const std::string& path) {
    for (const auto& [id, s] : tailer_->sources()) {
      if (s.path == path && s.open) return true;
    }
    return false;
  }
  bool IsDormant(const std::string& path) {
    for (const auto& [id, s] : tailer_->sources()) {
      if (s.path == path && s.dormant) return true;
    }
    return false;
  }
  size_t OpenCount() {
    size_t n = 0;
    for (const auto& [id, s] : tailer_->sources()) n += s.open ? 1 : 0;
    return n;
  }
  Checkpoint CheckpointAt(const std::string& path, uint64_t offset) {
    return Checkpoint{IdOf(path), path, offset, {}, {}, "g:s"};
  }
};

TEST_F(NewestMatchTest, OnlyTheMostRecentlyModifiedMatchIsReadAtStart) {
  // getTargetFiles keeps the match with the latest ModTime; the others
  // present at start are never read.
  env_.WriteFile("/logs/app-2.log", "two\n");
  env_.WriteFile("/logs/app-1.log", "one, written last\n");
  env_.WriteFile("/logs/app-3.log", "three\n");
  env_.AppendToFile("/logs/app-1.log", "one again\n");
  StartWith(MatchPolicy::kNewestMatch, "/logs/app-*.log");
  ReadAt(kNow);
  EXPECT_EQ((Lines{"one, written last", "one again"}), sink_.Messages());
  EXPECT_EQ(1u, tailer_->source_count());
}

TEST_F(NewestMatchTest, EveryMatchIsReadWithPublishMultiLogs) {
  // With publish_multi_logs getTargetFiles returns every match.
  env_.WriteFile("/logs/app-1.log", "one\n");
  env_.WriteFile("/logs/app-2.log", "two\n");
  StartWith(MatchPolicy::kEveryMatch, "/logs/app-*.log");
  ReadAt(kNow);
  EXPECT_EQ(2u, tailer_->source_count());
  EXPECT_EQ(2u, sink_.Messages().size());
}

TEST_F(NewestMatchTest, ANewerFileIsReadOnceTheOldOneIsFinishedAndNothingIsLost) {
  // The agent starts following a newer match when it appears (FindLogSrc);
  // edgelog first reads what is left of the one it followed, then closes it.
  env_.WriteFile("/logs/app-2026-12-06.log", "a1\n");
  StartWith(MatchPolicy::kNewestMatch, "/logs/app-*.log");
  ReadAt(kNow);
  env_.AppendToFile("/logs/app-2026-12-06.log", "a2\n");
  env_.WriteFile("/logs/app-2026-12-07.log", "b1\n");
  RunPastQuiet();
  EXPECT_EQ((Lines{"a1", "a2", "b1"}), sink_.Messages());
  EXPECT_FALSE(IsOpen("/logs/app-2026-12-06.log"));
  EXPECT_TRUE(IsOpen("/logs/app-2026-12-07.log"));
}

TEST_F(NewestMatchTest, ANewerFileWithLinesTakesOverWithoutWaitingForTheQuietTime) {
  // The application writes to the newer file: it has moved on, so the old
  // one is read once more and closed, as a rotated file is when the file
  // in its place has lines.
  env_.WriteFile("/logs/app-2026-12-06.log", "a1\n");
  StartWith(MatchPolicy::kNewestMatch, "/logs/app-*.log");
  ReadAt(kNow);
  env_.AppendToFile("/logs/app-2026-12-06.log", "a2\n");
  env_.WriteFile("/logs/app-2026-12-07.log", "b1\n");
  tailer_->Discover();
  ReadAt(kNow);
  ReadAt(kNow + 1);
  EXPECT_EQ((Lines{"a1", "a2", "b1"}), sink_.Messages());
  EXPECT_FALSE(IsOpen("/logs/app-2026-12-06.log"));
}

TEST_F(NewestMatchTest, AnOlderFileWrittenAgainIsFollowedAgainFromWhereItWasLeft) {
  env_.WriteFile("/logs/app-1.log", "a1\n");
  StartWith(MatchPolicy::kNewestMatch, "/logs/app-*.log");
  ReadAt(kNow);
  env_.WriteFile("/logs/app-2.log", "b1\n");
  RunPastQuiet();
  ASSERT_EQ((Lines{"a1", "b1"}), sink_.Messages());
  // Written again: the newest once more (as the agent would pick it); read
  // on from its end, then the other finished in turn.
  env_.AppendToFile("/logs/app-1.log", "a2\n");
  RunPastQuiet();
  env_.AppendToFile("/logs/app-2.log", "b2\n");
  RunPastQuiet();
  EXPECT_EQ((Lines{"a1", "b1", "a2", "b2"}), sink_.Messages());
}

TEST_F(NewestMatchTest, ARenamedFileStillFinishesBeforeTheFileInItsPlace) {
  // app.log* matches app.log.1 too, and the application writes to it last
  // (before it reopens its log): a generation of app.log is never taken
  // for the newest file, it is read as one, before the new app.log.
  env_.WriteFile("/logs/app.log", "1\n");
  StartWith(MatchPolicy::kNewestMatch, "/logs/app.log*");
  ReadAt(kNow);
  ASSERT_TRUE(env_.Rename("/logs/app.log", "/logs/app.log.1").ok());
  env_.WriteFile("/logs/app.log", "3\n");
  env_.AppendToFile("/logs/app.log.1", "2\n");
  RunPastQuiet();
  EXPECT_EQ((Lines{"1", "2", "3"}), sink_.Messages());
  EXPECT_FALSE(IsOpen("/logs/app.log.1")) << "a finished generation is not followed on";
}

TEST_F(NewestMatchTest, CopytruncateWithTheCopyNewestForAMomentLosesAndRepeatsNothing) {
  env_.WriteFile("/logs/app.log", "1\n2\n");
  StartWith(MatchPolicy::kNewestMatch, "/logs/app.log*");
  ReadAt(kNow);
  env_.AppendToFile("/logs/app.log", "3\n");
  // cp app.log app.log.1, seen before the truncation: the newest file then.
  env_.WriteFile("/logs/app.log.1", env_.ReadFile("/logs/app.log"));
  tailer_->Discover();
  ReadAt(kNow);
  ASSERT_TRUE(env_.Truncate("/logs/app.log", 0).ok());
  env_.AppendToFile("/logs/app.log", "4\n");
  RunPastQuiet();
  EXPECT_EQ((Lines{"1", "2", "3", "4"}), sink_.Messages());
}

TEST_F(NewestMatchTest, AtStartTheCheckpointedFileIsFinishedBeforeANewerOne) {
  // The run before followed app-1.log; while it was stopped app-1.log got
  // more lines and app-2.log appeared. The agent would leave app-1.log's
  // new lines; edgelog loses nothing of a file it was following. Older
  // files it never followed stay unread.
  env_.WriteFile("/logs/app-0.log", "never followed\n");
  env_.WriteFile("/logs/app-1.log", "delivered\n");
  Checkpoint c = CheckpointAt("/logs/app-1.log", 10);
  env_.AppendToFile("/logs/app-1.log", "written while stopped\n");
  env_.WriteFile("/logs/app-2.log", "new file\n");
  StartWith(MatchPolicy::kNewestMatch, "/logs/app-*.log", {c});
  RunPastQuiet();
  EXPECT_EQ((Lines{"written while stopped", "new file"}), sink_.Messages());
  EXPECT_FALSE(IsOpen("/logs/app-1.log"));
}

TEST_F(NewestMatchTest, AFileReadInThisRunResumesWhereReadingLeftItNotAtItsOldCheckpoint) {
  env_.WriteFile("/logs/app-1.log", "delivered\n");
  Checkpoint c = CheckpointAt("/logs/app-1.log", 10);
  StartWith(MatchPolicy::kNewestMatch, "/logs/app-*.log", {c});
  env_.AppendToFile("/logs/app-1.log", "a1\n");
  ReadAt(kNow);
  env_.WriteFile("/logs/app-2.log", "b1\n");
  RunPastQuiet();
  ASSERT_FALSE(IsOpen("/logs/app-1.log"));
  env_.AppendToFile("/logs/app-1.log", "a2\n");
  RunPastQuiet();
  EXPECT_EQ((Lines{"a1", "b1", "a2"}), sink_.Messages()) << "a1 not read twice";
}

TEST_F(NewestMatchTest, ANewerFileStartingLikeTheOldOneIsReadWhole) {
  // Dated files that start with the same header: the new one, still only
  // its header when found, repeats the start of the file followed.
  env_.WriteFile("/logs/app-1.log", "HEADER\na1\n");
  StartWith(MatchPolicy::kNewestMatch, "/logs/app-*.log");
  ReadAt(kNow);
  env_.WriteFile("/logs/app-2.log", "HEADER\n");
  RunPastQuiet();
  env_.AppendToFile("/logs/app-2.log", "b1\n");
  RunPastQuiet();
  EXPECT_EQ((Lines{"HEADER", "a1", "HEADER", "b1"}), sink_.Messages());
}

TEST_F(NewestMatchTest, AnExactPathIsFollowedAsBefore) {
  env_.WriteFile("/logs/app.log", "1\n");
  StartWith(MatchPolicy::kNewestMatch, "/logs/app.log");
  ReadAt(kNow);
  ASSERT_TRUE(env_.Rename("/logs/app.log", "/logs/app.log.1").ok());
  env_.AppendToFile("/logs/app.log.1", "2\n");
  env_.WriteFile("/logs/app.log", "3\n");
  RunPastQuiet();
  EXPECT_EQ((Lines{"1", "2", "3"}), sink_.Messages());
}

TEST_F(NewestMatchTest, AnOlderFileWrittenAfterANewerAppearedIsReadWithoutARescan) {
  // The agent keeps the tailer of a file it follows when a newer match
  // appears (plugins/inputs/logfile/logfile.go starts a tailer for the
  // newest, stops none): lines written to the older file later are read
  // too. Edgelog closes the older file once read (no descriptor held) and
  // reopens it when it grows, found by the tailer's own look at it, not by
  // a rescan of the directory.
  env_.WriteFile("/logs/app-1.log", "a1\n");
  StartWith(MatchPolicy::kNewestMatch, "/logs/app-*.log");
  ReadAt(kNow);
  env_.WriteFile("/logs/app-2.log", "b1\n");
  tailer_->Discover();
  ReadAt(kNow);
  ReadAt(kNow + 1);
  ASSERT_EQ((Lines{"a1", "b1"}), sink_.Messages());
  EXPECT_FALSE(IsOpen("/logs/app-1.log")) << "not the newest, read to its end: closed";
  EXPECT_TRUE(IsDormant("/logs/app-1.log")) << "but still followed";
  env_.AppendToFile("/logs/app-1.log", "a2\n");
  ReadAt(kNow + 2000);  // no Discover: no name changed
  ReadAt(kNow + 2001);
  EXPECT_EQ((Lines{"a1", "b1", "a2"}), sink_.Messages());
  // And let go of again once read.
  ReadAt(kNow + 2002);
  EXPECT_FALSE(IsOpen("/logs/app-1.log"));
}

TEST_F(NewestMatchTest, WhileWritesAreWatchedADormantFileIsLookedAtAfterAWriteIsReported) {
  // With inotify on the directory, a dormant file costs nothing until a
  // write is reported there: no stat of every dormant file each second.
  env_.WriteFile("/logs/app-1.log", "a1\n");
  StartWith(MatchPolicy::kNewestMatch, "/logs/app-*.log");
  tailer_->WatchingWrites(true);
  ReadAt(kNow);
  env_.WriteFile("/logs/app-2.log", "b1\n");
  tailer_->Discover();
  ReadAt(kNow);
  ReadAt(kNow + 1);
  ASSERT_TRUE(IsDormant("/logs/app-1.log"));
  env_.AppendToFile("/logs/app-1.log", "a2\n");
  ReadAt(kNow + 2000);
  ReadAt(kNow + 2001);
  EXPECT_EQ((Lines{"a1", "b1"}), sink_.Messages()) << "no write reported: not looked at";
  tailer_->WriteReported();
  ReadAt(kNow + 4000);
  ReadAt(kNow + 4001);
  EXPECT_EQ((Lines{"a1", "b1", "a2"}), sink_.Messages());
}

TEST_F(NewestMatchTest, AFileRenamedAwayIsNotFinishedByAnotherApplicationsLines) {
  // The agent's tailer follows a.log by name: lines its application writes
  // to the renamed file before it reopens are read (as a rotated file's,
  // until the file at its old name has lines or it is quiet); b.log's
  // lines say nothing about a.log's application.
  StartWithTwoApplications();
  ASSERT_TRUE(env_.Rename("/logs/a.log", "/logs/a.log.1").ok());
  tailer_->Discover();
  env_.AppendToFile("/logs/b.log", "b1\n");
  tailer_->Discover();
  ReadAt(kNow + 1000);
  ReadAt(kNow + 1001);
  env_.AppendToFile("/logs/a.log.1", "a-late\n");
  ReadAt(kNow + 2000);
  ReadAt(kNow + 2001);
  env_.WriteFile("/logs/a.log", "a1\n");
  tailer_->Discover();
  ReadAt(kNow + 3000);
  ReadAt(kNow + 3001);
  Lines got = sink_.Messages();
  std::sort(got.begin(), got.end());
  EXPECT_EQ((Lines{"a-late", "a0", "a1", "b0", "b1"}), got) << log_.Text();
}

TEST_F(NewestMatchTest, ANewFileAtAFollowedNameIsFollowedThoughAnotherIsNewer) {
  // A create rotation of a.log while b.log is the busier, newer match: the
  // new a.log is where a.log's application writes now (the agent's tailer
  // reopens the name).
  StartWithTwoApplications();
  env_.AppendToFile("/logs/b.log", "b1\n");
  tailer_->Discover();
  ReadAt(kNow + 2);
  ASSERT_TRUE(env_.Rename("/logs/a.log", "/logs/a.log.1").ok());
  env_.WriteFile("/logs/a.log", "a1\n");
  env_.AppendToFile("/logs/b.log", "b2\n");
  tailer_->Discover();
  for (int64_t t = kNow + 1000; t < kNow + 4 * kQuietMs; t += 1000) ReadAt(t);
  Lines got = sink_.Messages();
  std::sort(got.begin(), got.end());
  EXPECT_EQ((Lines{"a0", "a1", "b0", "b1", "b2"}), got) << log_.Text();
}

TEST_F(NewestMatchTest, AFileRenamedWithinThePatternIsFollowedOn) {
  StartWithTwoApplications();
  ASSERT_TRUE(env_.Rename("/logs/a.log", "/logs/c.log").ok());
  env_.AppendToFile("/logs/b.log", "b1\n");
  tailer_->Discover();
  ReadAt(kNow + 1000);
  ReadAt(kNow + kQuietMs + 1000);
  ReadAt(kNow + kQuietMs + 1001);
  env_.AppendToFile("/logs/c.log", "c-late\n");
  ReadAt(kNow + kQuietMs + 3000);
  ReadAt(kNow + kQuietMs + 3001);
  Lines got = sink_.Messages();
  EXPECT_NE(std::find(got.begin(), got.end(), "c-late"), got.end()) << "lines written to c.log";
}

TEST_F(NewestMatchTest, FilesFollowedBeforeARestartAreFollowedOnWithoutARescan) {
  // Checkpointed files were followed: after a restart they are followed on
  // (closed while idle), not only the newest.
  env_.WriteFile("/logs/a.log", "a0\n");
  env_.WriteFile("/logs/b.log", "b0\n");
  StartWith(MatchPolicy::kNewestMatch, "/logs/*.log",
            {CheckpointAt("/logs/a.log", 3), CheckpointAt("/logs/b.log", 3)});
  ReadAt(kNow);
  ReadAt(kNow + 1);
  env_.AppendToFile("/logs/a.log", "a1\n");
  ReadAt(kNow + 2000);  // no Discover: no name changed
  ReadAt(kNow + 2001);
  EXPECT_EQ((Lines{"a1"}), sink_.Messages());
}

TEST_F(NewestMatchTest, TheDirectoryOfAFileFollowedClosedIsWatched) {
  // Its writes are what make it be looked at (WatchingWrites): a file in a
  // directory below the pattern's fixed part is no exception.
  env_.WriteFile("/logs/a/app.log", "a0\n");
  StartWith(MatchPolicy::kNewestMatch, "/logs/*/app.log");
  ReadAt(kNow);
  env_.WriteFile("/logs/b/app.log", "b0\n");
  tailer_->Discover();
  ReadAt(kNow + 1);
  ReadAt(kNow + 2);
  ASSERT_TRUE(IsDormant("/logs/a/app.log"));
  std::vector<std::string> dirs = tailer_->WatchDirs();
  EXPECT_NE(std::find(dirs.begin(), dirs.end(), "/logs/a"), dirs.end());
}

TEST_F(NewestMatchTest, TwoFilesWrittenInTurnAreBothReadPromptlyInTheirOrder) {
  // Both files were followed (each the newest once): lines written to
  // either are read at the next looks, with no rescan between.
  env_.WriteFile("/logs/a.log", "a1\n");
  StartWith(MatchPolicy::kNewestMatch, "/logs/*.log");
  ReadAt(kNow);
  env_.WriteFile("/logs/b.log", "b1\n");
  tailer_->Discover();  // a name appeared
  int64_t t = kNow;
  ReadAt(t);
  ReadAt(t + 1);  // a.log read once more, then b.log
  Lines want{"a1", "b1"};
  for (int i = 2; i < 6; ++i) {
    env_.AppendToFile("/logs/a.log", "a" + std::to_string(i) + "\n");
    t += 1000;
    ReadAt(t);
    ReadAt(t + 1);
    want.push_back("a" + std::to_string(i));
    ASSERT_EQ(want, sink_.Messages()) << "after a" << i;
    env_.AppendToFile("/logs/b.log", "b" + std::to_string(i) + "\n");
    t += 1000;
    ReadAt(t);
    ReadAt(t + 1);
    want.push_back("b" + std::to_string(i));
    ASSERT_EQ(want, sink_.Messages()) << "after b" << i;
  }
}

TEST_F(NewestMatchTest, AFileNewEveryDayLeavesTheOlderOnesClosed) {
  // Dated files: each day's is followed while it is the newest, then
  // closed once read; only its growth reopens it. Deleted, it is dropped.
  int64_t t = kNow;
  for (int day = 10; day < 40; ++day) {
    env_.WriteFile("/logs/app-202612" + std::to_string(day) + ".log",
                   "day " + std::to_string(day) + "\n");
    if (day == 10) StartWith(MatchPolicy::kNewestMatch, "/logs/app-*.log");
    tailer_->Discover();
    ReadAt(t);
    ReadAt(t + 1);
    t += 1000;
  }
  EXPECT_EQ(30u, sink_.Messages().size());
  EXPECT_LE(OpenCount(), 2u) << "older days hold no descriptor";
  ASSERT_TRUE(IsDormant("/logs/app-20261210.log"));
  ASSERT_TRUE(env_.Remove("/logs/app-20261210.log").ok());
  tailer_->Discover();
  ReadAt(t);
  EXPECT_FALSE(IsDormant("/logs/app-20261210.log")) << "deleted: no longer followed";
}

TEST_F(NewestMatchTest, AFileNamedLikeAnotherWithAnExtensionIsNotItsGeneration) {
  // worker and worker.log both match worker*: worker.log is not a rotated
  // generation of worker (no numbered or dated suffix), so as the newest
  // it is the file followed.
  env_.WriteFile("/logs/worker", "stale\n");
  env_.WriteFile("/logs/worker.log", "w1\n");
  StartWith(MatchPolicy::kNewestMatch, "/logs/worker*");
  ReadAt(kNow);
  EXPECT_EQ((Lines{"w1"}), sink_.Messages());
}

TEST_F(NewestMatchTest, NumberedAndDatedSiblingsAreStillGenerations) {
  // logrotate's names (worker.1, worker-20261207 with dateext): written
  // last for a moment, they are still not taken for the newest file (read
  // as generations, before it, by rotation tracking).
  env_.WriteFile("/logs/worker", "live\n");
  env_.WriteFile("/logs/worker-20261207", "older\n");
  env_.WriteFile("/logs/worker.1", "old\n");
  StartWith(MatchPolicy::kNewestMatch, "/logs/worker*");
  RunPastQuiet();
  env_.AppendToFile("/logs/worker", "live2\n");
  RunPastQuiet();
  EXPECT_EQ((Lines{"older", "old", "live", "live2"}), sink_.Messages());
  EXPECT_TRUE(IsOpen("/logs/worker"));
  EXPECT_FALSE(IsOpen("/logs/worker.1"));
}

}  // namespace
}  // namespace edgelog
