// Line ends at the edges of a file's life: an incomplete last line is held
// while the writer may still finish it, and handed on as it is once the file
// is rotated away, deleted or the agent stops; CRLF line ends survive a
// rotation, even split across it.
#include <gtest/gtest.h>

#include <string>

#include "agent/tail/tailer.h"
#include "tests/agent/tail/tailer_scenarios_fixture.h"

namespace edgelog::tailer_scenarios {
namespace {

constexpr char kApp[] = "/logs/app.log";
constexpr char kApp1[] = "/logs/app.log.1";

using TailerScenarioLineEnds = TailerScenario;

// --- Incomplete last line ---

TEST_F(TailerScenarioLineEnds, AnIncompleteLastLineIsHeldWhileTheFileIsLive) {
  env_.WriteFile(kApp, "a\npar");
  Start({kApp});
  Settle();
  EXPECT_EQ(Lines{"a"}, Messages()) << "handed on before the writer finished it";
  env_.AppendToFile(kApp, "tial\n");
  Settle();

  EXPECT_EQ((Lines{"a", "partial"}), Messages());
  EXPECT_EQ((std::vector<uint64_t>{2, 10}), EndOffsetsOf(IdOf(kApp)));
}

TEST_F(TailerScenarioLineEnds, AnIncompleteLineFinishedInTheRenamedFileIsOneLine) {
  env_.WriteFile(kApp, "a\npar");
  Start({kApp});
  Settle();
  Rename(kApp, kApp1);
  env_.AppendToFile(kApp1, "tial\n");
  env_.AppendToFile(kApp, "b\n");
  Settle();

  EXPECT_EQ((Lines{"a", "partial", "b"}), Messages());
}

TEST_F(TailerScenarioLineEnds, AnIncompleteLastLineIsHandedOnWhenTheFileIsRenamedAway) {
  env_.WriteFile(kApp, "a\npar");
  Start({kApp});
  Settle();
  Rename(kApp, kApp1);
  env_.AppendToFile(kApp, "b\n");
  Settle();

  EXPECT_EQ((Lines{"a", "par", "b"}), Messages());
  EXPECT_EQ((std::vector<uint64_t>{2, 5}), EndOffsetsOf(IdOf(kApp1)))
      << "the incomplete line covers the file to its end";
}

TEST_F(TailerScenarioLineEnds, AnIncompleteLastLineIsHandedOnWhenARotatedFileIsFinished) {
  env_.WriteFile(kApp, "a\npar");
  Start({"/logs/app.log*"});
  Settle();
  Rename(kApp, kApp1);
  env_.AppendToFile(kApp, "b\n");
  Settle();

  EXPECT_EQ((Lines{"a", "par", "b"}), Messages());
  EXPECT_EQ((std::vector<uint64_t>{2, 5}), EndOffsetsOf(IdOf(kApp1)));
}

TEST_F(TailerScenarioLineEnds, AnIncompleteLastLineIsHandedOnWhenTheFileIsDeleted) {
  env_.WriteFile(kApp, "a\npar");
  Start({kApp});
  Settle();
  FileId id = IdOf(kApp);
  Remove(kApp);
  Settle();

  EXPECT_EQ((Lines{"a", "par"}), Messages());
  EXPECT_EQ((std::vector<uint64_t>{2, 5}), EndOffsetsOf(id));
}

TEST_F(TailerScenarioLineEnds, AnIncompleteLastLineIsHandedOnAtShutdownAndNotRepeatedAfter) {
  env_.WriteFile(kApp, "a\npar");
  Start({kApp});
  Settle();
  StopAndStartAgain();
  EXPECT_EQ((Lines{"a", "par"}), Messages());
  env_.AppendToFile(kApp, "tial\nb\n");
  Settle();

  EXPECT_EQ((Lines{"a", "par", "tial", "b"}), Messages())
      << "the bytes handed on at shutdown are not read again";
}

TEST_F(TailerScenarioLineEnds, AnIncompleteLastLineIsHandedOnWhenTheFileIsTruncated) {
  // "> app.log": the bytes of the incomplete line were read, and the file
  // no longer has them.
  env_.WriteFile(kApp, "a\npar");
  Start({kApp});
  Settle();
  TruncateInPlace(kApp, "new\n");
  Settle();

  EXPECT_EQ((Lines{"a", "par", "new"}), Messages());
}

TEST_F(TailerScenarioLineEnds, AnIncompleteLineFinishedJustBeforeCopytruncateLosesNoByte) {
  // The agent had read "par"; the writer finished the line, then logrotate
  // copied and truncated. The line may arrive whole or as "par" + "tial",
  // but every byte of it arrives once.
  env_.WriteFile(kApp, "a\npar");
  Start({"/logs/app.log*"});
  Settle();
  env_.AppendToFile(kApp, "tial\n");
  CopyFile(kApp, kApp1);
  TruncateInPlace(kApp, "b\n");
  Settle();

  Lines got = Messages();
  std::string joined;
  for (const std::string& m : got) joined += m;
  EXPECT_EQ("apartialb", joined) << ::testing::PrintToString(got);
  ASSERT_GE(got.size(), 3u);
  EXPECT_EQ("a", got.front());
  EXPECT_EQ("b", got.back());
}

// --- CRLF ---

TEST_F(TailerScenarioLineEnds, CrLfLinesKeepTheirOrderAndOffsetsAcrossARename) {
  env_.WriteFile(kApp, "a\r\nb\r\n");
  Start({kApp});
  Settle();
  env_.AppendToFile(kApp, "c\r\n");
  Rename(kApp, kApp1);
  env_.AppendToFile(kApp, "d\r\ne\r\n");
  Settle();

  EXPECT_EQ((Lines{"a", "b", "c", "d", "e"}), Messages());
  EXPECT_EQ((std::vector<uint64_t>{3, 6, 9}), EndOffsetsOf(IdOf(kApp1)));
  EXPECT_EQ((std::vector<uint64_t>{3, 6}), EndOffsetsOf(IdOf(kApp)));
}

TEST_F(TailerScenarioLineEnds, ACrLfSplitByARotationIsStillOneLineEnd) {
  // The agent read "c\r"; the "\n" reached the file after it was renamed.
  env_.WriteFile(kApp, "a\r\nc\r");
  Start({kApp});
  Settle();
  Rename(kApp, kApp1);
  env_.AppendToFile(kApp1, "\n");
  env_.AppendToFile(kApp, "d\r\n");
  Settle();

  EXPECT_EQ((Lines{"a", "c", "d"}), Messages());
  EXPECT_EQ((std::vector<uint64_t>{3, 6}), EndOffsetsOf(IdOf(kApp1)));
}

TEST_F(TailerScenarioLineEnds, CrLfLinesSurviveCopytruncate) {
  env_.WriteFile(kApp, "a\r\n");
  Start({"/logs/app.log*"});
  Settle();
  env_.AppendToFile(kApp, "b\r\n");
  CopyFile(kApp, kApp1);
  TruncateInPlace(kApp, "c\r\n");
  Settle();

  EXPECT_EQ((Lines{"a", "b", "c"}), Messages());
  EXPECT_EQ((std::vector<uint64_t>{6}), EndOffsetsOf(IdOf(kApp1)));
}

TEST_F(TailerScenarioLineEnds, CrLfLinesResumeAfterARestartAtTheCheckpoint) {
  env_.WriteFile(kApp, "a\r\nb\r\n");
  Start({kApp});
  Settle();
  StopAndStartAgain();
  env_.AppendToFile(kApp, "c\r\n");
  Settle();

  EXPECT_EQ((Lines{"a", "b", "c"}), Messages());
  EXPECT_EQ(6u, tailer_->source(0).start_offset);
}

}  // namespace
}  // namespace edgelog::tailer_scenarios
