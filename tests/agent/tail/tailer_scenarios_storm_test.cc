// Rotations piling up unseen, as on a loaded host: several rotations of
// different kinds between two looks of the agent.
#include <gtest/gtest.h>

#include <string>

#include "agent/tail/tailer.h"
#include "tests/agent/tail/tailer_scenarios_fixture.h"

namespace edgelog::tailer_scenarios {
namespace {

constexpr char kApp[] = "/logs/app.log";
constexpr char kApp1[] = "/logs/app.log.1";
constexpr char kApp2[] = "/logs/app.log.2";
constexpr char kApp3[] = "/logs/app.log.3";

class TailerScenarioStorm : public TailerScenario,
                            public ::testing::WithParamInterface<int> {};

TEST_P(TailerScenarioStorm, CopytruncateThenRenameBeforeTheFirstRead) {
  // gen0 read; renamed (create), the new app.log followed holding
  // `followed` lines of gen1 before any read; gen1 grows, is copied to
  // app.log.1 and truncated; gen2 written to it; it is renamed away in turn
  // and a new app.log created late with gen3. Then the agent looks.
  int followed = GetParam();
  env_.WriteFile(kApp, Text(Numbered("gen0", 1, 2)));
  Start({kApp});
  Settle();
  Rename(kApp, kApp1);
  env_.WriteFile(kApp, Text(Numbered("gen1", 1, followed)));
  if (followed >= 0) tailer_->Discover();
  env_.AppendToFile(kApp, Text(Numbered("gen1", 1 + followed, 3)));
  Rename(kApp1, kApp2);
  CopyFile(kApp, kApp1);
  TruncateInPlace(kApp, Text(Numbered("gen2", 1, 3)));
  Rename(kApp2, kApp3);
  Rename(kApp1, kApp2);
  Rename(kApp, kApp1);
  Settle();
  env_.WriteFile(kApp, Text(Numbered("gen3", 1, 2)));
  Settle();

  EXPECT_EQ(Concat({Numbered("gen0", 1, 2), Numbered("gen1", 1, 3 + followed),
                    Numbered("gen2", 1, 3), Numbered("gen3", 1, 2)}),
            Messages())
      << log_.Text();
}

INSTANTIATE_TEST_SUITE_P(Followed, TailerScenarioStorm, ::testing::Values(0, 1, 2));

TEST_F(TailerScenario, AGenerationFoundLateIsReadBeforeAFileRenamedEmptyAndWrittenSince) {
  // app.log.1 gets its lines after app.log (empty) was followed and before
  // that is renamed away, still empty, and written: app.log.1 is found
  // late, yet its lines come first.
  env_.WriteFile(kApp, Text(Numbered("gen0", 1, 2)));
  Start({kApp});
  Pass();
  Rename(kApp, kApp1);
  env_.WriteFile(kApp, "");  // gen1, the application's file now
  Rename(kApp1, kApp2);
  Rename(kApp, kApp1);
  env_.WriteFile(kApp, "");  // gen2, created by logrotate; not reopened yet
  tailer_->Discover();       // follows gen2, empty
  env_.AppendToFile(kApp1, Text(Numbered("gen1", 1, 3)));
  Rename(kApp2, kApp3);
  Rename(kApp1, kApp2);
  Rename(kApp, kApp1);
  env_.WriteFile(kApp, "");  // gen3
  tailer_->Discover();       // gen2 renamed away empty; gen1 found late
  env_.AppendToFile(kApp1, Text(Numbered("gen2", 1, 3)));
  Settle();

  EXPECT_EQ(Concat({Numbered("gen0", 1, 2), Numbered("gen1", 1, 3), Numbered("gen2", 1, 3)}),
            Messages())
      << log_.Text();
}

TEST_F(TailerScenario, AFileRenamedAfterItsTruncationIsNotTakenForItsOwnGeneration) {
  // Read to the middle of a long line; copytruncated; renamed in a create
  // rotation before the agent reads again. The truncation is found under
  // the new name: the copy gives the rest, the file itself is no copy.
  options_.read_chunk_bytes = 64;
  const std::string long_line = "long " + std::string(1500, 'x');
  env_.WriteFile(kApp, Text(Numbered("gen0", 1, 2)) + long_line + "\n");
  Start({kApp});
  tailer_->Read(100, At(now_), sink_);  // into the long line
  env_.AppendToFile(kApp, Text(Numbered("gen0", 3, 2)));
  CopyFile(kApp, kApp1);
  TruncateInPlace(kApp);
  Rename(kApp1, kApp2);
  Rename(kApp, kApp1);
  env_.WriteFile(kApp, Text(Numbered("gen1", 1, 2)));
  Settle();

  EXPECT_EQ(Concat({Numbered("gen0", 1, 2), Lines{long_line}, Numbered("gen0", 3, 2),
                    Numbered("gen1", 1, 2)}),
            Messages())
      << log_.Text();
}

TEST_F(TailerScenario, AFileTruncatedBeforeItsFirstReadAndRenamedIsReadOnce) {
  // Followed, copytruncated and written before its first read, which waits
  // for the copy; then renamed in a create rotation. A second reading of it
  // would repeat its lines.
  options_.read_chunk_bytes = 64;
  options_.rotated_quiet_ms = 5000;
  const std::string long_line = "long " + std::string(1500, 'x');
  env_.WriteFile(kApp, long_line + "\n" + Text(Numbered("gen0", 1, 1)));
  Start({kApp});
  env_.AppendToFile(kApp, Text(Numbered("gen0", 2, 2)));
  CopyFile(kApp, kApp1);
  TruncateInPlace(kApp);
  tailer_->Read(900, At(now_), sink_);
  env_.AppendToFile(kApp, Text(Numbered("gen1", 1, 3)));
  tailer_->Read(2600, At(now_), sink_);
  Rename(kApp1, kApp2);
  Rename(kApp, kApp1);
  env_.WriteFile(kApp, "");
  Settle();

  EXPECT_EQ(Concat({Lines{long_line}, Numbered("gen0", 1, 3), Numbered("gen1", 1, 3)}),
            Messages())
      << log_.Text();
}

TEST_F(TailerScenario, ACopyOfANewFileFoundWithItIsHeldAsACopy) {
  // A create rotation, then a copytruncate of the new file, both before
  // the agent looks: the copy, found when the new file is, is its copy
  // (its truncation still to come), not a generation missed.
  env_.WriteFile(kApp, Text(Numbered("gen0", 1, 2)));
  Start({kApp});
  Pass();
  env_.AppendToFile(kApp, Text(Numbered("gen0", 3, 2)));  // not read yet
  Rename(kApp, kApp1);
  env_.WriteFile(kApp, "");
  Rename(kApp1, kApp2);
  env_.WriteFile(kApp1, "");  // the copy begun, empty
  env_.AppendToFile(kApp, Text(Numbered("gen1", 1, 1)));
  CopyFile(kApp, kApp1);
  Pass();
  TruncateInPlace(kApp, Text(Numbered("gen2", 1, 2)));
  Settle();

  EXPECT_EQ(Concat({Numbered("gen0", 1, 4), Numbered("gen1", 1, 1), Numbered("gen2", 1, 2)}),
            Messages())
      << log_.Text();
}

TEST_F(TailerScenario, ACopyFoundAfterItsFileWasRenamedIsReadFromWhereThatFileGotTo) {
  // Under app.log*: app.log is read, copytruncated, then renamed in a
  // create rotation, all before the agent looks. The copy, app.log.2, is
  // found beside the truncated file renamed app.log.1: it is that file's
  // copy, not a file of its own.
  env_.WriteFile(kApp, Text(Numbered("gen0", 1, 2)));
  Start({"/logs/app.log*"});
  Pass();
  env_.AppendToFile(kApp, Text(Numbered("gen0", 3, 2)));  // not read yet
  CopyFile(kApp, kApp1);
  TruncateInPlace(kApp);
  Rename(kApp1, kApp2);
  Rename(kApp, kApp1);
  env_.WriteFile(kApp, Text(Numbered("gen1", 1, 2)));
  Settle();

  EXPECT_EQ(Concat({Numbered("gen0", 1, 4), Numbered("gen1", 1, 2)}), Messages()) << log_.Text();
}

TEST_F(TailerScenario, TwoCopiesOfAFileNeverReadAreReadOldestFirst) {
  // Under app.log*: app.log, followed empty, is copytruncated twice before
  // its first read. The older copy is found by the pattern as a file of
  // its own, the newer held as a copy; both come before the file, oldest
  // first.
  env_.WriteFile(kApp, "");
  Start({"/logs/app.log*"});
  env_.WriteFile(kApp1, "");  // the first copy begun
  ReadAll();
  env_.AppendToFile(kApp, Text(Numbered("gen1", 1, 2)));
  env_.AppendToFile(kApp1, env_.ReadFile(kApp));
  TruncateInPlace(kApp);
  ReadAll();
  env_.AppendToFile(kApp, Text(Numbered("gen2", 1, 3)));
  Rename(kApp1, kApp2);
  CopyFile(kApp, kApp1);
  tailer_->Discover();
  TruncateInPlace(kApp);
  tailer_->Discover();
  ReadAll();
  env_.AppendToFile(kApp, Text(Numbered("gen3", 1, 2)));
  Settle();

  EXPECT_EQ(Concat({Numbered("gen1", 1, 2), Numbered("gen2", 1, 3), Numbered("gen3", 1, 2)}),
            Messages())
      << log_.Text();
}

// Coarse modification times (1 s on ext3, HFS+ and many NFS mounts): three
// create rotations within one tick, missed between two looks. Equal times
// say nothing of the order: the names do (NAME.3 is older than NAME.1).
class TailerScenarioCoarse : public TailerScenario {
 protected:
  ~TailerScenarioCoarse() override { MemEnv::FreezeMtime(false); }
};

TEST_F(TailerScenarioCoarse, GenerationsMissedWithinOneTickKeepTheirOrder) {
  env_.WriteFile(kApp, Text(Numbered("gen0", 1, 2)));
  Start({kApp});
  Settle();
  MemEnv::FreezeMtime(true);
  Rename(kApp, kApp1);
  env_.WriteFile(kApp, Text(Numbered("gen1", 1, 2)));
  Rename(kApp1, kApp2);
  Rename(kApp, kApp1);
  env_.WriteFile(kApp, Text(Numbered("gen2", 1, 2)));
  Rename(kApp2, kApp3);
  Rename(kApp1, kApp2);
  Rename(kApp, kApp1);
  env_.WriteFile(kApp, Text(Numbered("gen3", 1, 2)));
  MemEnv::FreezeMtime(false);
  Settle();

  EXPECT_EQ(Concat({Numbered("gen0", 1, 2), Numbered("gen1", 1, 2), Numbered("gen2", 1, 2),
                    Numbered("gen3", 1, 2)}),
            Messages())
      << log_.Text();
}

TEST_F(TailerScenarioCoarse, DateextGenerationsMissedWithinOneTickKeepTheirOrder) {
  env_.WriteFile(kApp, Text(Numbered("gen0", 1, 2)));
  Start({kApp});
  Settle();
  MemEnv::FreezeMtime(true);
  Rename(kApp, "/logs/app.log-20261206-1001");
  env_.WriteFile(kApp, Text(Numbered("gen1", 1, 2)));
  Rename(kApp, "/logs/app.log-20261206-1002");
  env_.WriteFile(kApp, Text(Numbered("gen2", 1, 2)));
  Rename(kApp, "/logs/app.log-20261206-1003");
  env_.WriteFile(kApp, Text(Numbered("gen3", 1, 2)));
  MemEnv::FreezeMtime(false);
  Settle();

  EXPECT_EQ(Concat({Numbered("gen0", 1, 2), Numbered("gen1", 1, 2), Numbered("gen2", 1, 2),
                    Numbered("gen3", 1, 2)}),
            Messages())
      << log_.Text();
}

}  // namespace
}  // namespace edgelog::tailer_scenarios
