#include "agent/run/agent_loop.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <string_view>
#include <vector>

#include "tests/agent/run/agent_loop_test_fixture.h"

namespace edgelog {
namespace {

using agent_loop_test::AgentLoopTest;
using agent_loop_test::kCheckpoints;
using agent_loop_test::kLog;
using agent_loop_test::MessagesOf;
using agent_loop_test::Strings;
using testing::SeenRequest;

TEST_F(AgentLoopTest, OnceDeliversEveryLineAndExitsZero) {
  env_.WriteFile(kLog, "alpha\nbeta\ngamma\n");
  EXPECT_EQ(kExitOk, RunOnce());
  EXPECT_EQ((Strings{"alpha", "beta", "gamma"}), SentMessages());
  for (const SeenRequest& r : http_.requests_for("PutLogEvents")) {
    EXPECT_EQ("gzip", r.header("Content-Encoding"));
  }
  EXPECT_EQ(3u, summary_.events_delivered);
  EXPECT_EQ(3u, summary_.lines_read);
}

// Keeps what the progress line showed.
class RecordingStatusLine : public StatusLine {
 public:
  void Show(std::string_view line) override { shown.emplace_back(line); }
  void End() override { ++ends; }
  std::vector<std::string> shown;
  int ends = 0;
};

TEST_F(AgentLoopTest, OnceWithAProgressLineEndsItWithEverythingReadAndSent) {
  RecordingStatusLine progress;
  progress_ = &progress;
  env_.WriteFile(kLog, "alpha\nbeta\ngamma\n");
  ASSERT_EQ(kExitOk, RunOnce());
  ASSERT_FALSE(progress.shown.empty());
  EXPECT_EQ(0u, progress.shown.back().find("edgelog: 17 B of 17 B read (100.0 %), 3 events sent"))
      << progress.shown.back();
  EXPECT_EQ(1, progress.ends);
}

TEST_F(AgentLoopTest, OnceSavesTheFileSizeAsItsCheckpoint) {
  env_.WriteFile(kLog, "alpha\nbeta\ngamma\n");
  ASSERT_EQ(kExitOk, RunOnce());
  EXPECT_EQ(17, SavedOffset(kLog));
  auto loaded = LoadCheckpoints(env_, kCheckpoints);
  ASSERT_TRUE(loaded.ok());
  ASSERT_EQ(1u, loaded->size());
  EXPECT_EQ(kLog, (*loaded)[0].path);
}

TEST_F(AgentLoopTest, CheckpointsSurviveAPowerLossAfterTheRun) {
  env_.WriteFile(kLog, "alpha\nbeta\n");
  ASSERT_EQ(kExitOk, RunOnce());
  env_.SimulateCrash();
  EXPECT_EQ(11, SavedOffset(kLog));
}

TEST_F(AgentLoopTest, ASecondOnceRunSendsNothing) {
  env_.WriteFile(kLog, "alpha\nbeta\n");
  ASSERT_EQ(kExitOk, RunOnce());
  size_t requests = http_.requests().size();
  EXPECT_EQ(kExitOk, RunOnce());
  EXPECT_EQ(requests, http_.requests().size()) << "sent again: nothing was new";
  EXPECT_EQ(11, SavedOffset(kLog));
}

TEST_F(AgentLoopTest, LinesAppendedBetweenRunsShipOnTheNextRun) {
  env_.WriteFile(kLog, "alpha\n");
  ASSERT_EQ(kExitOk, RunOnce());
  size_t puts = http_.requests_for("PutLogEvents").size();
  env_.AppendToFile(kLog, "beta\ngamma\n");
  ASSERT_EQ(kExitOk, RunOnce());
  EXPECT_EQ((Strings{"beta", "gamma"}), SentMessages(puts));
  EXPECT_EQ(17, SavedOffset(kLog));
}

TEST_F(AgentLoopTest, APartialLastLineIsDeliveredAsItIsWhenOnceEnds) {
  // --once hands on what it holds back: the rest of the line, once written,
  // is a record of its own.
  env_.WriteFile(kLog, "whole\npart");
  ASSERT_EQ(kExitOk, RunOnce());
  EXPECT_EQ((Strings{"whole", "part"}), SentMessages());
  EXPECT_EQ(10, SavedOffset(kLog));
  size_t puts = http_.requests_for("PutLogEvents").size();
  env_.AppendToFile(kLog, "ial\n");
  ASSERT_EQ(kExitOk, RunOnce());
  EXPECT_EQ(Strings{"ial"}, SentMessages(puts));
  EXPECT_EQ(14, SavedOffset(kLog));
}

TEST_F(AgentLoopTest, EmptyLinesBeforeARecordAreSkippedAndAfterItBelongToIt) {
  env_.WriteFile(kLog, "\n\nalpha\n\n");
  ASSERT_EQ(kExitOk, RunOnce());
  EXPECT_EQ(Strings{"alpha\n"}, SentMessages());
  EXPECT_EQ(2u, summary_.empty_lines);
  EXPECT_EQ(9, SavedOffset(kLog));
}

TEST_F(AgentLoopTest, EveryFileOfAGlobIsDeliveredToItsStream) {
  // Every file with publish_multi_logs (each to its own stream then);
  // without it, only the newest (agent_loop_multi_logs_test.cc).
  config_.files = {Entry("/var/log/*.log", "/app/group", "host-1"),
                   Entry("/srv/other.txt", "/other/group", "s")};
  config_.files[0].publish_multi_logs = true;
  env_.WriteFile("/var/log/a.log", "a1\na2\n");
  env_.WriteFile("/var/log/b.log", "b1\n");
  env_.WriteFile("/srv/other.txt", "o1\n");
  ASSERT_EQ(kExitOk, RunOnce());
  Strings app, other;
  for (const SeenRequest& r : http_.requests_for("PutLogEvents")) {
    auto json = GunzipBody(r.body, 1 << 20);
    ASSERT_TRUE(json.ok());
    bool is_other = json->find("\"/other/group\"") != std::string::npos;
    for (const std::string& m : MessagesOf(r.body)) (is_other ? other : app).push_back(m);
  }
  std::sort(app.begin(), app.end());
  EXPECT_EQ((Strings{"a1", "a2", "b1"}), app);
  EXPECT_EQ(Strings{"o1"}, other);
  EXPECT_EQ(6, SavedOffset("/var/log/a.log"));
  EXPECT_EQ(3, SavedOffset("/var/log/b.log"));
  EXPECT_EQ(3, SavedOffset("/srv/other.txt"));
}

TEST_F(AgentLoopTest, NoMatchingFileIsAWarningAndANormalExit) {
  EXPECT_EQ(kExitOk, RunOnce());
  EXPECT_TRUE(http_.requests().empty());
  EXPECT_GE(log_.Count(LogLevel::kWarning, "no file matches"), 1);
}

// Counts the saves of checkpoints.json (each one a rename into place).
class CheckpointSavesEnv : public EnvWrapper {
 public:
  explicit CheckpointSavesEnv(Env& target) : EnvWrapper(target) {}
  Status Rename(const std::string& from, const std::string& to) override {
    if (to == kCheckpoints) ++saves;
    return target().Rename(from, to);
  }
  int saves = 0;
};

// Twelve requests answered within a second used to make thirteen rewrites
// of checkpoints.json (two fsyncs and a rename each): flash wears. They are
// saved at most once a second, and at the end.
TEST_F(AgentLoopTest, CheckpointsAreSavedOnATimerNotForEveryAcknowledgedRequest) {
  std::string text;
  for (int i = 0; i < 12 * 10000; ++i) text += "line " + std::to_string(i) + "\n";
  env_.WriteFile(kLog, text);
  CheckpointSavesEnv counting(env_);
  AgentDeps deps{counting, clock_, log_, poller_, http_, *credentials_, nullptr};
  int64_t start = clock_.MonotonicMillis();
  AgentLoop loop(deps, config_, Entries(), context_, options_);
  ASSERT_EQ(kExitOk, loop.Run());
  int64_t took_ms = clock_.MonotonicMillis() - start;
  EXPECT_EQ(12u, http_.requests_for("PutLogEvents").size());
  EXPECT_LE(counting.saves, 2 + took_ms / 1000) << "over " << took_ms << " ms";
  EXPECT_GE(counting.saves, 1);
  EXPECT_EQ(static_cast<int64_t>(text.size()), SavedOffset(kLog)) << "the last save is complete";
}

}  // namespace
}  // namespace edgelog
