// Rotation by rename (logrotate's default "create" mode): app.log becomes
// app.log.1, the writer goes on writing to it for a moment, then a new
// app.log appears. Every scenario runs with a pattern that matches only the
// live name ("app.log") and with one that matches the rotated names too
// ("app.log*").
#include <gtest/gtest.h>

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

class TailerScenarioRename : public TailerScenario,
                             public ::testing::WithParamInterface<PatternCase> {
 protected:
  void StartTailing() { Start({GetParam().pattern}); }
};

TEST_P(TailerScenarioRename, TwoRenamesBeforeTheFirstReadKeepTheGenerationsInOrder) {
  // app.log is followed, not read yet, when it is rotated twice (create,
  // the application reopening each time): the file followed, now
  // app.log.2, is older than app.log.1 and is read before it.
  env_.WriteFile(kApp, Text(Numbered("g1", 1, 3)));
  StartTailing();
  Rename(kApp, kApp1);
  env_.WriteFile(kApp, "");
  env_.AppendToFile(kApp1, Text(Numbered("g1", 4, 2)));  // before the application reopens
  Rename(kApp1, kApp2);
  Rename(kApp, kApp1);
  env_.WriteFile(kApp, "");
  env_.AppendToFile(kApp1, Text(Numbered("g2", 1, 2)));  // before it reopens again
  env_.AppendToFile(kApp, Text(Numbered("g3", 1, 2)));
  Settle();

  EXPECT_EQ(Concat({Numbered("g1", 1, 5), Numbered("g2", 1, 2), Numbered("g3", 1, 2)}),
            Messages());
}

TEST_P(TailerScenarioRename, TwoRenamesBeforeTheFirstReadKeepTheirOrderWhenReadBeforeALook) {
  // The same, read before anything looks for new files: the file followed
  // (now app.log.2) is read first, and app.log.1, written after its last
  // line, is newer than it, not a generation it missed.
  env_.WriteFile(kApp, Text(Numbered("g1", 1, 3)));
  StartTailing();
  Rename(kApp, kApp1);
  env_.WriteFile(kApp, "");
  env_.AppendToFile(kApp1, Text(Numbered("g1", 4, 2)));
  Rename(kApp1, kApp2);
  Rename(kApp, kApp1);
  env_.WriteFile(kApp, "");
  env_.AppendToFile(kApp1, Text(Numbered("g2", 1, 2)));
  ReadAll();
  env_.AppendToFile(kApp, Text(Numbered("g3", 1, 2)));
  Settle();

  EXPECT_EQ(Concat({Numbered("g1", 1, 5), Numbered("g2", 1, 2), Numbered("g3", 1, 2)}),
            Messages());
}

TEST_P(TailerScenarioRename, TheRenamedFilesLastLinesComeBeforeTheNewFilesLines) {
  env_.WriteFile(kApp, Text(Numbered("old", 1, 3)));
  StartTailing();
  Settle();
  env_.AppendToFile(kApp, Text(Numbered("old", 4, 1)));  // not read yet
  Rename(kApp, kApp1);
  env_.AppendToFile(kApp1, Text(Numbered("old", 5, 2)));  // the writer has not reopened yet
  env_.AppendToFile(kApp, Text(Numbered("new", 1, 2)));   // then it does
  Settle();

  EXPECT_EQ(Concat({Numbered("old", 1, 6), Numbered("new", 1, 2)}), Messages());
  FileId old_id = IdOf(kApp1);
  FileId new_id = IdOf(kApp);
  ASSERT_FALSE(EndOffsetsOf(old_id).empty());
  EXPECT_EQ(env_.ReadFile(kApp1).size(), EndOffsetsOf(old_id).back())
      << "the renamed file is covered to its end";
  EXPECT_EQ((std::vector<uint64_t>{6, 12}), EndOffsetsOf(new_id))
      << "the new file's offsets start again from its own start";
  EXPECT_EQ(1u, SourcesOf(old_id).size()) << "the renamed file kept its source";
}

TEST_P(TailerScenarioRename, LinesWrittenToTheRenamedFileBeforeALateRecreateAreRead) {
  // The application keeps writing to app.log.1 for a few seconds (until
  // logrotate's postrotate signal reaches it); the agent looks at the
  // directory several times meanwhile.
  env_.WriteFile(kApp, Text(Numbered("old", 1, 2)));
  StartTailing();
  Settle();
  Rename(kApp, kApp1);
  Pass();
  env_.AppendToFile(kApp1, Text(Numbered("old", 3, 1)));
  Pass();
  env_.AppendToFile(kApp1, Text(Numbered("old", 4, 1)));
  Pass();
  Pass();
  env_.AppendToFile(kApp, Text(Numbered("new", 1, 2)));
  Settle();

  EXPECT_EQ(Concat({Numbered("old", 1, 4), Numbered("new", 1, 2)}), Messages());
}

TEST_P(TailerScenarioRename, ARenameWithoutANewFileStillReadsTheRenamedFileToItsEnd) {
  env_.WriteFile(kApp, Text(Numbered("old", 1, 2)));
  StartTailing();
  Settle();
  env_.AppendToFile(kApp, Text(Numbered("old", 3, 1)));
  Rename(kApp, kApp1);
  env_.AppendToFile(kApp1, Text(Numbered("old", 4, 1)));
  Settle();

  EXPECT_EQ(Numbered("old", 1, 4), Messages());
  EXPECT_EQ(1u, tailer_->source_count()) << "nothing else to follow";
}

TEST_P(TailerScenarioRename, AFileCreatedLongAfterARenameIsReadFromItsStartAfterTheOldOne) {
  env_.WriteFile(kApp, Text(Numbered("old", 1, 2)));
  StartTailing();
  Settle();
  env_.AppendToFile(kApp, Text(Numbered("old", 3, 1)));
  Rename(kApp, kApp1);
  Settle();
  env_.AppendToFile(kApp, Text(Numbered("new", 1, 3)));
  Settle();

  EXPECT_EQ(Concat({Numbered("old", 1, 3), Numbered("new", 1, 3)}), Messages());
  EXPECT_EQ((std::vector<uint64_t>{6, 12, 18}), EndOffsetsOf(IdOf(kApp)));
}

TEST_P(TailerScenarioRename, TwoRotationsInARowKeepEveryGenerationInOrder) {
  env_.WriteFile(kApp, Text(Numbered("gen0", 1, 2)));
  StartTailing();
  Settle();
  // First rotation, with lines still going to the renamed file.
  env_.AppendToFile(kApp, Text(Numbered("gen0", 3, 1)));
  Rename(kApp, kApp1);
  env_.AppendToFile(kApp1, Text(Numbered("gen0", 4, 1)));
  env_.AppendToFile(kApp, Text(Numbered("gen1", 1, 2)));
  Settle();
  // Second rotation: the generations move down one name each.
  env_.AppendToFile(kApp, Text(Numbered("gen1", 3, 1)));
  if (env_.Exists(kApp1)) Rename(kApp1, kApp2);
  Rename(kApp, kApp1);
  env_.AppendToFile(kApp1, Text(Numbered("gen1", 4, 1)));
  env_.AppendToFile(kApp, Text(Numbered("gen2", 1, 2)));
  Settle();

  EXPECT_EQ(Concat({Numbered("gen0", 1, 4), Numbered("gen1", 1, 4), Numbered("gen2", 1, 2)}),
            Messages());
}

TEST_P(TailerScenarioRename, TwoRotationsBetweenTwoLooksReadTheMissedGenerationInBetween) {
  // A burst of rotations (or an agent starved of CPU): app.log was rotated
  // twice before the agent listed the directory again. The generation in
  // between was never seen under any name.
  env_.WriteFile(kApp, Text(Numbered("gen0", 1, 2)));
  StartTailing();
  Settle();
  env_.AppendToFile(kApp, Text(Numbered("gen0", 3, 1)));
  Rename(kApp, kApp1);
  env_.AppendToFile(kApp, Text(Numbered("gen1", 1, 3)));
  Rename(kApp1, kApp2);
  Rename(kApp, kApp1);
  env_.AppendToFile(kApp, Text(Numbered("gen2", 1, 2)));
  Settle();

  EXPECT_EQ(Concat({Numbered("gen0", 1, 3), Numbered("gen1", 1, 3), Numbered("gen2", 1, 2)}),
            Messages());
}

TEST_P(TailerScenarioRename, ARotationWhileTheOldFileIsPartlyReadReadsItsRestFirst) {
  // The agent reads in slices; a rotation arrives while the old file still
  // holds many unread lines.
  options_.read_chunk_bytes = 16;
  env_.WriteFile(kApp, Text(Numbered("old", 1, 2)));
  StartTailing();
  Settle();
  env_.AppendToFile(kApp, Text(Numbered("old", 3, 20)));
  tailer_->Read(16, At(now_), sink_);  // one slice only
  Rename(kApp, kApp1);
  env_.AppendToFile(kApp, Text(Numbered("new", 1, 20)));
  Settle();

  EXPECT_EQ(Concat({Numbered("old", 1, 22), Numbered("new", 1, 20)}), Messages());
}

TEST_F(TailerScenario, AFileRenamedOutOfThePatternIsClosedOnceReadAndNeverReopened) {
  env_.WriteFile(kApp, Text(Numbered("old", 1, 2)));
  Start({kApp});
  Settle();
  env_.AppendToFile(kApp, Text(Numbered("old", 3, 1)));
  Rename(kApp, kApp1);
  env_.AppendToFile(kApp, Text(Numbered("new", 1, 1)));
  Settle();
  FileId old_id = IdOf(kApp1);
  EXPECT_FALSE(HeldOpen(old_id));
  env_.AppendToFile(kApp1, "late\n");  // nobody should look at it any more
  env_.AppendToFile(kApp, Text(Numbered("new", 2, 1)));
  Settle();

  EXPECT_FALSE(HeldOpen(old_id));
  EXPECT_EQ(1u, SourcesOf(old_id).size()) << "opened again";
  EXPECT_EQ(Concat({Numbered("old", 1, 3), Numbered("new", 1, 2)}), Messages());
}

INSTANTIATE_TEST_SUITE_P(TailerScenario, TailerScenarioRename,
                         ::testing::Values(PatternCase{"LiveNameOnly", "/logs/app.log"},
                                           PatternCase{"RotatedNamesToo", "/logs/app.log*"}),
                         [](const auto& info) { return std::string(info.param.name); });

TEST_F(TailerScenario, AFileNamedLikeTheLogButNotAGenerationIsNotRead) {
  env_.WriteFile(kApp, Text(Numbered("old", 1, 3)));
  Start({kApp});
  Settle();
  env_.WriteFile("/logs/app.log.err", Text(Numbered("ERR", 1, 3)));
  env_.AppendToFile(kApp, Text(Numbered("old", 4, 1)));
  Rename(kApp, "/logs/app.log.1");
  env_.WriteFile(kApp, Text(Numbered("new", 1, 2)));
  Settle();
  EXPECT_EQ(Concat({Numbered("old", 1, 4), Numbered("new", 1, 2)}), Messages());
}

TEST_F(TailerScenario, ABackupCopyBesideTheLogIsNotReadAtTheNextRotation) {
  env_.WriteFile(kApp, Text(Numbered("old", 1, 3)));
  Start({kApp});
  Settle();
  CopyFile(kApp, "/logs/app.log.bak");
  env_.AppendToFile(kApp, Text(Numbered("old", 4, 1)));
  Settle();
  Rename(kApp, "/logs/app.log.1");
  env_.WriteFile(kApp, Text(Numbered("new", 1, 2)));
  Settle();
  EXPECT_EQ(Concat({Numbered("old", 1, 4), Numbered("new", 1, 2)}), Messages());
}

TEST_F(TailerScenario, AFileRenamedOutOfThePatternAndBackInIsNotReadAgain) {
  env_.WriteFile(kApp, Text(Numbered("a", 1, 3)));
  Start({"/logs/*.log"});
  Settle();
  Rename(kApp, "/logs/app.old");
  Settle();
  Rename("/logs/app.old", "/logs/app2.log");
  Settle();
  EXPECT_EQ(Numbered("a", 1, 3), Messages());
}

TEST_F(TailerScenario, AFileNamedLikeTheLogButNotAGenerationIsNotReadAfterAStop) {
  env_.WriteFile(kApp, Text(Numbered("old", 1, 3)));
  Start({kApp});
  Settle();
  Shutdown();
  auto saved = Checkpoints();
  tailer_.reset();
  env_.AppendToFile(kApp, Text(Numbered("old", 4, 1)));
  Rename(kApp, "/logs/app.log.1");
  env_.WriteFile("/logs/app.log.err", Text(Numbered("ERR", 1, 3)));
  env_.WriteFile(kApp, Text(Numbered("new", 1, 2)));
  Start({kApp}, saved);
  Settle();
  EXPECT_EQ(Concat({Numbered("old", 1, 4), Numbered("new", 1, 2)}), Messages());
}

TEST_F(TailerScenario, ACheckpointOfAnOlderVersionStillFindsTheRotatedFile) {
  env_.WriteFile(kApp, Text(Numbered("old", 1, 3)));
  FileId id = IdOf(kApp);
  uint64_t off = env_.ReadFile(kApp).size();
  env_.AppendToFile(kApp, Text(Numbered("old", 4, 2)));
  Rename(kApp, "/logs/app.log.1");
  env_.WriteFile(kApp, Text(Numbered("new", 1, 2)));
  std::vector<Checkpoint> legacy{Checkpoint{id, kApp, off, {}, {}, ""}};
  StartEntries({Entry(kApp, "/app:s")}, legacy);
  Settle();
  EXPECT_EQ(Concat({Numbered("old", 4, 2), Numbered("new", 1, 2)}), Messages());
}

}  // namespace
}  // namespace edgelog::tailer_scenarios
