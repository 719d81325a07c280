// A file deleted while the agent has it open: what was written before the
// deletion is still read through the open descriptor, then the file is
// closed for good (a deleted file held open keeps its disk space).
#include <gtest/gtest.h>

#include <string>

#include "agent/tail/tailer.h"
#include "tests/agent/tail/tailer_scenarios_fixture.h"

namespace edgelog::tailer_scenarios {
namespace {

constexpr char kApp[] = "/logs/app.log";
constexpr char kApp1[] = "/logs/app.log.1";

using TailerScenarioDelete = TailerScenario;

TEST_F(TailerScenarioDelete, LinesWrittenBeforeTheDeletionAreReadThenTheFileIsClosed) {
  env_.WriteFile(kApp, Text(Numbered("line", 1, 2)));
  Start({kApp});
  Settle();
  FileId id = IdOf(kApp);
  env_.AppendToFile(kApp, Text(Numbered("line", 3, 3)));
  Remove(kApp);
  Settle();

  EXPECT_EQ(Numbered("line", 1, 5), Messages());
  EXPECT_EQ((std::vector<uint64_t>{7, 14, 21, 28, 35}), EndOffsetsOf(id));
  EXPECT_FALSE(tailer_->source(0).open);
  EXPECT_FALSE(tailer_->source(0).dormant);
}

TEST_F(TailerScenarioDelete, ADeletionNoticedByAReadAloneStillFinishesTheFile) {
  // No Discover between the deletion and the read: the read itself sees the
  // file has no name left.
  env_.WriteFile(kApp, Text(Numbered("line", 1, 1)));
  Start({kApp});
  ReadAll();
  env_.AppendToFile(kApp, Text(Numbered("line", 2, 2)));
  Remove(kApp);
  ReadAll();

  EXPECT_EQ(Numbered("line", 1, 3), Messages());
  EXPECT_FALSE(tailer_->source(0).open) << "closed as soon as it was read to its end";
}

TEST_F(TailerScenarioDelete, ADeletedFileIsNeverHeldOpenAgain) {
  env_.WriteFile(kApp, Text(Numbered("line", 1, 2)));
  Start({kApp});
  Settle();
  FileId id = IdOf(kApp);
  Remove(kApp);
  for (int i = 0; i < 20; ++i) {
    Pass();
    ASSERT_FALSE(HeldOpen(id)) << "after pass " << i;
  }
  EXPECT_EQ(1u, tailer_->source_count());
  EXPECT_TRUE(tailer_->AtEnd());
}

TEST_F(TailerScenarioDelete, ADeletedFileIsFinishedBeforeTheFileThatTakesItsName) {
  env_.WriteFile(kApp, Text(Numbered("old", 1, 1)));
  Start({kApp});
  Settle();
  env_.AppendToFile(kApp, Text(Numbered("old", 2, 2)));
  Remove(kApp);
  env_.AppendToFile(kApp, Text(Numbered("new", 1, 2)));
  Settle();

  EXPECT_EQ(Concat({Numbered("old", 1, 3), Numbered("new", 1, 2)}), Messages());
  EXPECT_FALSE(tailer_->source(0).open);
  EXPECT_TRUE(tailer_->source(1).open) << "the new file is followed";
}

TEST_F(TailerScenarioDelete, ARotatedGenerationDeletedBeforeItWasFinishedIsFinished) {
  // app.log* with "rotate 0"-like cleanup: the renamed file is deleted while
  // it still holds lines the agent has not read.
  env_.WriteFile(kApp, Text(Numbered("old", 1, 1)));
  Start({"/logs/app.log*"});
  Settle();
  Rename(kApp, kApp1);
  Pass();
  env_.AppendToFile(kApp1, Text(Numbered("old", 2, 2)));
  Remove(kApp1);
  env_.AppendToFile(kApp, Text(Numbered("new", 1, 1)));
  Settle();

  EXPECT_EQ(Concat({Numbered("old", 1, 3), Numbered("new", 1, 1)}), Messages());
  EXPECT_FALSE(tailer_->source(0).open);
}

TEST_F(TailerScenarioDelete, ARenamedFileCompressedAwayBeforeTheNextLookIsStillFinished) {
  // logrotate with "compress" and no "delaycompress": app.log.1 is replaced
  // by app.log.1.gz (not a log to tail) before the agent looks again.
  env_.WriteFile(kApp, Text(Numbered("old", 1, 1)));
  Start({"/logs/app.log*"});
  Settle();
  env_.AppendToFile(kApp, Text(Numbered("old", 2, 2)));
  Rename(kApp, kApp1);
  env_.AppendToFile(kApp, Text(Numbered("new", 1, 1)));
  CopyFile(kApp1, "/logs/app.log.1.gz");
  Remove(kApp1);
  Settle();

  EXPECT_EQ(Concat({Numbered("old", 1, 3), Numbered("new", 1, 1)}), Messages());
  EXPECT_FALSE(tailer_->source(0).open);
}

}  // namespace
}  // namespace edgelog::tailer_scenarios
