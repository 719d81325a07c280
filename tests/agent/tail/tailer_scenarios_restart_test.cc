// Rotation while the agent is stopped. On start the checkpointed file may be
// found under a rotated name, with generations the agent never saw between
// it and the live file: the rest of the checkpointed file comes first, then
// each unseen generation whole, oldest first, then the live file. Each
// scenario runs with a pattern matching only the live name ("app.log") and
// one matching the rotated names too ("app.log*").
#include <gtest/gtest.h>

#include <algorithm>
#include <ostream>
#include <string>

#include "agent/tail/tailer.h"
#include "tests/agent/tail/tailer_scenarios_fixture.h"

namespace edgelog::tailer_scenarios {
namespace {

constexpr char kApp[] = "/logs/app.log";
constexpr char kApp1[] = "/logs/app.log.1";
constexpr char kApp2[] = "/logs/app.log.2";

struct PatternCase {
  const char* name;
  const char* pattern;
};
void PrintTo(const PatternCase& c, std::ostream* os) { *os << c.pattern; }

class TailerScenarioRestart : public TailerScenario,
                              public ::testing::WithParamInterface<PatternCase> {
 protected:
  void StartTailing() { Start({GetParam().pattern}); }
  // The agent stops: what it held is handed on, its checkpoints are saved.
  void Stop() {
    Shutdown();
    saved_ = Checkpoints();
    tailer_.reset();
  }
  void StartAgain() { Start({GetParam().pattern}, saved_); }
  // logrotate "create": every generation moves down one name, then a new
  // app.log is created with `lines`.
  void RotateByRename(const Lines& lines) {
    for (int n = 8; n >= 1; --n) {
      std::string from = std::string(kApp) + "." + std::to_string(n);
      if (env_.Exists(from)) Rename(from, std::string(kApp) + "." + std::to_string(n + 1));
    }
    Rename(kApp, kApp1);
    env_.AppendToFile(kApp, Text(lines));
  }

  std::vector<Checkpoint> saved_;
};

TEST_P(TailerScenarioRestart, AStopWhileAReadEndedInsideALineDoesNotCutIt) {
  // A read stopped short of the file's end (its turn was over, the buffer
  // full) in the middle of a line, then the agent stops: the line is read
  // whole by the next run, not handed on in two pieces.
  std::string long_line(3000, 'x');
  env_.WriteFile(kApp, Text({"first", long_line, "last"}));
  StartTailing();
  tailer_->Read(100, At(now_), sink_);
  Stop();
  StartAgain();
  Settle();

  EXPECT_EQ((Lines{"first", long_line, "last"}), Messages());
}

TEST_P(TailerScenarioRestart, AStopAfterACopytruncateCutsNoLineAReadEndedInside) {
  // The read ended inside a long line; logrotate copies and truncates the
  // file; the agent stops before it reads again. The rest of the line is in
  // the copy: the next run reads the line whole from there.
  std::string long_line(3000, 'x');
  env_.WriteFile(kApp, Text({"first", long_line, "last"}));
  StartTailing();
  tailer_->Read(100, At(now_), sink_);
  CopyFile(kApp, kApp1);
  TruncateInPlace(kApp, Text({"new"}));
  Stop();
  StartAgain();
  Settle();

  EXPECT_EQ((Lines{"first", long_line, "last", "new"}), Messages());
}

TEST_P(TailerScenarioRestart, ACopytruncateNotSeenBeforeTheStopIsFinishedFromTheCopy) {
  // logrotate copies and truncates app.log, and the agent stops before it
  // reads again: the checkpoint still knows the bytes it ends with, so the
  // next run finds them in the copy and reads the lines after them there.
  env_.WriteFile(kApp, Text(Numbered("old", 1, 3)));
  StartTailing();
  Settle();
  env_.AppendToFile(kApp, Text(Numbered("old", 4, 2)));  // never read by this run
  CopyFile(kApp, kApp1);
  TruncateInPlace(kApp, Text(Numbered("new", 1, 2)));
  Stop();
  StartAgain();
  Settle();

  EXPECT_EQ(Concat({Numbered("old", 1, 5), Numbered("new", 1, 2)}), Messages());
}

TEST_P(TailerScenarioRestart, OneRotationWhileStoppedFinishesTheCheckpointedFileFirst) {
  env_.WriteFile(kApp, Text(Numbered("old", 1, 2)));
  StartTailing();
  Settle();
  Stop();
  env_.AppendToFile(kApp, Text(Numbered("old", 3, 2)));  // written, never read
  RotateByRename(Numbered("new", 1, 2));
  StartAgain();
  Settle();

  EXPECT_EQ(Concat({Numbered("old", 1, 4), Numbered("new", 1, 2)}), Messages());
  EXPECT_EQ((std::vector<uint64_t>{6, 12, 18, 24}), EndOffsetsOf(IdOf(kApp1)))
      << "each line of the checkpointed file once, over both runs";
}

TEST_P(TailerScenarioRestart, TwoRotationsWhileStoppedReadAnUnseenGenerationWholeInBetween) {
  env_.WriteFile(kApp, Text(Numbered("gen0", 1, 2)));
  StartTailing();
  Settle();
  Stop();
  env_.AppendToFile(kApp, Text(Numbered("gen0", 3, 1)));
  RotateByRename(Numbered("gen1", 1, 3));
  RotateByRename(Numbered("gen2", 1, 2));
  ASSERT_TRUE(env_.Exists(kApp2));
  StartAgain();
  Settle();

  EXPECT_EQ(Concat({Numbered("gen0", 1, 3), Numbered("gen1", 1, 3), Numbered("gen2", 1, 2)}),
            Messages());
  EXPECT_EQ((std::vector<uint64_t>{7, 14, 21}), EndOffsetsOf(IdOf(kApp2)))
      << "each line of the checkpointed file once, over both runs";
  EXPECT_EQ((std::vector<uint64_t>{7, 14, 21}), EndOffsetsOf(IdOf(kApp1)));
}

TEST_P(TailerScenarioRestart, TwoRotationsWhileStoppedWithTheCheckpointedFileReadToItsEnd) {
  env_.WriteFile(kApp, Text(Numbered("gen0", 1, 2)));
  StartTailing();
  Settle();
  Stop();
  RotateByRename(Numbered("gen1", 1, 2));
  RotateByRename(Numbered("gen2", 1, 2));
  StartAgain();
  Settle();

  EXPECT_EQ(Concat({Numbered("gen0", 1, 2), Numbered("gen1", 1, 2), Numbered("gen2", 1, 2)}),
            Messages());
}

TEST_P(TailerScenarioRestart, ThreeRotationsWhileStoppedReadEachUnseenGenerationOnceInOrder) {
  env_.WriteFile(kApp, Text(Numbered("gen0", 1, 2)));
  StartTailing();
  Settle();
  Stop();
  env_.AppendToFile(kApp, Text(Numbered("gen0", 3, 1)));
  RotateByRename(Numbered("gen1", 1, 2));
  RotateByRename(Numbered("gen2", 1, 2));
  RotateByRename(Numbered("gen3", 1, 2));
  StartAgain();
  Settle();

  EXPECT_EQ(Concat({Numbered("gen0", 1, 3), Numbered("gen1", 1, 2), Numbered("gen2", 1, 2),
                    Numbered("gen3", 1, 2)}),
            Messages());
}

// Checkpoints of older generations are kept while their files are there.
// After rotations while stopped, only the newest checkpointed generation
// leads; the older one must not make the newer ones be read again.
TEST_P(TailerScenarioRestart, AnOlderGenerationsCheckpointDoesNotMakeNewerOnesReadAgain) {
  env_.WriteFile(kApp, Text(Numbered("gen0", 1, 2)));
  StartTailing();
  Settle();
  Stop();
  std::vector<Checkpoint> gen0 = saved_;
  StartAgain();
  RotateByRename(Numbered("gen1", 1, 2));
  Settle();
  Stop();
  for (const Checkpoint& c : gen0) {  // as a save that kept it would have
    if (std::none_of(saved_.begin(), saved_.end(),
                     [&](const Checkpoint& k) { return k.id == c.id; })) {
      saved_.push_back(c);
    }
  }
  ASSERT_GE(saved_.size(), 2u);
  RotateByRename(Numbered("gen2", 1, 2));
  RotateByRename(Numbered("gen3", 1, 2));
  StartAgain();
  Settle();

  EXPECT_EQ(Concat({Numbered("gen0", 1, 2), Numbered("gen1", 1, 2), Numbered("gen2", 1, 2),
                    Numbered("gen3", 1, 2)}),
            Messages());
}

TEST_P(TailerScenarioRestart, ARotationWhileStoppedOfAFileCheckpointedEmptyLosesNothing) {
  // The agent stopped just after logrotate created an empty app.log; the
  // application then filled it, and it was rotated before the agent came back.
  env_.WriteFile(kApp, "");
  StartTailing();
  Settle();
  Stop();
  env_.AppendToFile(kApp, Text(Numbered("gen0", 1, 2)));
  RotateByRename(Numbered("gen1", 1, 2));
  StartAgain();
  Settle();

  EXPECT_EQ(Concat({Numbered("gen0", 1, 2), Numbered("gen1", 1, 2)}), Messages());
}

TEST_P(TailerScenarioRestart, ARotationWhileStoppedToADateNameFinishesTheCheckpointedFileFirst) {
  env_.WriteFile(kApp, Text(Numbered("old", 1, 2)));
  StartTailing();
  Settle();
  Stop();
  env_.AppendToFile(kApp, Text(Numbered("old", 3, 1)));
  Rename(kApp, "/logs/app.log-20260115");
  env_.AppendToFile(kApp, Text(Numbered("new", 1, 2)));
  StartAgain();
  Settle();

  EXPECT_EQ(Concat({Numbered("old", 1, 3), Numbered("new", 1, 2)}), Messages());
}

TEST_P(TailerScenarioRestart, AStopJustAfterARotationFinishesTheOldFileFirstAfterTheRestart) {
  // The agent had seen the rotation (Discover) but not yet read the lines
  // left in the renamed file when it was stopped.
  env_.WriteFile(kApp, Text(Numbered("old", 1, 2)));
  StartTailing();
  Settle();
  env_.AppendToFile(kApp, Text(Numbered("old", 3, 2)));
  Rename(kApp, kApp1);
  env_.AppendToFile(kApp, Text(Numbered("new", 1, 2)));
  tailer_->Discover();
  Stop();
  StartAgain();
  Settle();

  EXPECT_EQ(Concat({Numbered("old", 1, 4), Numbered("new", 1, 2)}), Messages());
}

TEST_P(TailerScenarioRestart, AStopWhileARotatedFileWasHalfReadFinishesItFirstAfterTheRestart) {
  options_.read_chunk_bytes = 12;
  env_.WriteFile(kApp, Text(Numbered("old", 1, 2)));
  StartTailing();
  Settle();
  env_.AppendToFile(kApp, Text(Numbered("old", 3, 6)));
  Rename(kApp, kApp1);
  env_.AppendToFile(kApp, Text(Numbered("new", 1, 2)));
  tailer_->Discover();
  tailer_->Read(12, At(now_), sink_);  // old-3, old-4
  Stop();
  StartAgain();
  Settle();

  EXPECT_EQ(Concat({Numbered("old", 1, 8), Numbered("new", 1, 2)}), Messages());
}

TEST_P(TailerScenarioRestart, NothingIsReadTwiceAfterARestartWithoutRotation) {
  env_.WriteFile(kApp, Text(Numbered("line", 1, 3)));
  StartTailing();
  Settle();
  Stop();
  env_.AppendToFile(kApp, Text(Numbered("line", 4, 2)));
  StartAgain();
  Settle();

  EXPECT_EQ(Numbered("line", 1, 5), Messages());
  EXPECT_EQ(21u, tailer_->source(0).start_offset);
}

// --- copytruncate while stopped: the live file keeps its inode, its
// checkpointed content is in a copy ---

TEST_P(TailerScenarioRestart, CopytruncateWhileStoppedResumesTheCopyAtTheCheckpoint) {
  env_.WriteFile(kApp, Text(Numbered("old", 1, 2)));
  StartTailing();
  Settle();
  Stop();
  env_.AppendToFile(kApp, Text(Numbered("old", 3, 2)));  // written, never read
  CopyFile(kApp, kApp1);
  TruncateInPlace(kApp, Text(Numbered("new", 1, 1)));
  StartAgain();
  Settle();

  EXPECT_EQ(Concat({Numbered("old", 1, 4), Numbered("new", 1, 1)}), Messages());
  EXPECT_EQ((std::vector<uint64_t>{18, 24}), EndOffsetsOf(IdOf(kApp1)))
      << "the copy from the checkpoint, once";
}

TEST_P(TailerScenarioRestart, TwoCopytruncatesWhileStoppedReadTheMiddleGenerationToo) {
  env_.WriteFile(kApp, Text(Numbered("gen0", 1, 2)));
  StartTailing();
  Settle();
  Stop();
  env_.AppendToFile(kApp, Text(Numbered("gen0", 3, 1)));
  CopyFile(kApp, kApp1);
  TruncateInPlace(kApp, Text(Numbered("gen1", 1, 3)));
  Rename(kApp1, kApp2);
  CopyFile(kApp, kApp1);
  TruncateInPlace(kApp, Text(Numbered("gen2", 1, 2)));
  StartAgain();
  Settle();

  EXPECT_EQ(Concat({Numbered("gen0", 1, 3), Numbered("gen1", 1, 3), Numbered("gen2", 1, 2)}),
            Messages());
}

TEST_P(TailerScenarioRestart, CopytruncateWhileStoppedWithEverythingReadReadsOnlyTheNewFile) {
  env_.WriteFile(kApp, Text(Numbered("old", 1, 2)));
  StartTailing();
  Settle();
  Stop();
  CopyFile(kApp, kApp1);
  TruncateInPlace(kApp, Text(Numbered("new", 1, 2)));
  StartAgain();
  Settle();

  EXPECT_EQ(Concat({Numbered("old", 1, 2), Numbered("new", 1, 2)}), Messages());
  EXPECT_TRUE(MessagesOf(IdOf(kApp1)).empty());
}

TEST_P(TailerScenarioRestart, TruncatedWhileStoppedWithoutACopyIsReadFromItsStart) {
  env_.WriteFile(kApp, Text(Numbered("old", 1, 2)));
  StartTailing();
  Settle();
  Stop();
  TruncateInPlace(kApp, Text(Numbered("new", 1, 1)));
  StartAgain();
  Settle();

  EXPECT_EQ(Concat({Numbered("old", 1, 2), Numbered("new", 1, 1)}), Messages());
}

INSTANTIATE_TEST_SUITE_P(TailerScenario, TailerScenarioRestart,
                         ::testing::Values(PatternCase{"LiveNameOnly", "/logs/app.log"},
                                           PatternCase{"RotatedNamesToo", "/logs/app.log*"}),
                         [](const auto& info) { return std::string(info.param.name); });

}  // namespace
}  // namespace edgelog::tailer_scenarios
