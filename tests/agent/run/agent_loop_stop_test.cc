#include "agent/run/agent_loop.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>

#include "tests/agent/run/agent_loop_test_fixture.h"

namespace edgelog {
namespace {

using agent_loop_test::AgentLoopTest;
using agent_loop_test::kLog;
using agent_loop_test::Strings;
using testing::FakeHttp;
using testing::SeenRequest;

TEST_F(AgentLoopTest, LinesWrittenWhileRunningAreDeliveredBeforeAStopEndsTheRun) {
  env_.WriteFile(kLog, "one\n");
  int64_t start = clock_.MonotonicMillis();
  int rc = RunUntilStopped(
      [&](int wait) {
        if (wait == 3) env_.AppendToFile(kLog, "two\n");
        if (wait == 50) env_.AppendToFile(kLog, "three\n");
      },
      [&] { return clock_.MonotonicMillis() - start > 60000; });
  EXPECT_EQ(kExitOk, rc);
  EXPECT_EQ((Strings{"one", "two", "three"}), SentMessages());
  EXPECT_EQ(14, SavedOffset(kLog));
}

TEST_F(AgentLoopTest, AStopDeliversWhatWasReadWithoutWaitingForTheFlushInterval) {
  config_.force_flush_interval_s = 3600;
  env_.WriteFile(kLog, "one\ntwo\n");
  int rc = RunUntilStopped(nullptr, [] { return true; });
  EXPECT_EQ(kExitOk, rc);
  EXPECT_EQ((Strings{"one", "two"}), SentMessages());
  EXPECT_EQ(8, SavedOffset(kLog));
}

TEST_F(AgentLoopTest, AStopDuringAnOutageKeepsTheLinesForTheNextRun) {
  env_.WriteFile(kLog, "one\ntwo\n");
  options_.shutdown_grace_ms = 10000;
  http_.set_responder([](const SeenRequest&) -> std::optional<HttpResponse> {
    return FakeHttp::AwsError(503, "ServiceUnavailableException", "down");
  });
  int64_t start = clock_.MonotonicMillis();
  int rc = RunUntilStopped(nullptr, [&] { return clock_.MonotonicMillis() - start > 30000; });
  EXPECT_EQ(kExitOk, rc) << "a stop is not a failure";
  int64_t stopped_after = clock_.MonotonicMillis() - start;
  EXPECT_LE(stopped_after, 30000 + 10000 + 1000) << "the grace period was not kept";
  ExpectKeptForTheNextRun();
  EXPECT_GE(log_.Count(LogLevel::kWarning, "not yet acknowledged"), 1);

  http_.set_responder(nullptr);
  size_t puts = http_.requests_for("PutLogEvents").size();
  options_.once = true;
  EXPECT_EQ(kExitOk, RunOnce());
  EXPECT_EQ((Strings{"one", "two"}), SentMessages(puts));
}

TEST_F(AgentLoopTest, AStopSettlesABatchAcceptedAheadOfAnUnansweredOne) {
  // "two" goes out ahead of "one" and is accepted; "one" is never answered.
  // At the stop "one" goes to the disk buffer and "two" counts as
  // delivered: the next run sends "one" alone, "two" not again.
  config_.force_flush_interval_s = 1;
  options_.shutdown_grace_ms = 2000;
  http_.set_held_poll_ms(10);
  http_.set_responder([](const SeenRequest& r) -> std::optional<HttpResponse> {
    for (const std::string& m : agent_loop_test::MessagesOf(r.body)) {
      if (m == "one") return std::nullopt;
    }
    return FakeHttp::Ok();
  });
  env_.WriteFile(kLog, "one\n");
  int64_t start = clock_.MonotonicMillis();
  bool wrote = false;
  int rc = RunUntilStopped(
      [&](int) {
        if (!wrote && clock_.MonotonicMillis() - start > 3000) {
          env_.AppendToFile(kLog, "two\n");
          wrote = true;
        }
      },
      [&] { return clock_.MonotonicMillis() - start > 10000; });
  EXPECT_EQ(kExitOk, rc);
  ASSERT_EQ((Strings{"one", "two"}), SentMessages()) << "two went out ahead of one";

  http_.set_responder(nullptr);
  size_t puts = http_.requests_for("PutLogEvents").size();
  options_.once = true;
  EXPECT_EQ(kExitOk, RunOnce());
  EXPECT_EQ((Strings{"one"}), SentMessages(puts)) << "two was delivered already";
}

TEST_F(AgentLoopTest, TruncationWhileRunningDeliversTheNewLinesAndTheCheckpointFollows) {
  env_.WriteFile(kLog, "first line\nsecond line\n");
  int64_t start = clock_.MonotonicMillis();
  bool truncated = false;
  int rc = RunUntilStopped(
      [&](int) {
        // Once the first lines are delivered, truncate in place and write.
        if (!truncated && SavedOffset(kLog) == 23) {
          auto file = env_.OpenWritable(kLog, WriteMode::kTruncate);
          ASSERT_TRUE(file.ok());
          ASSERT_TRUE((*file)->Append("new\n").ok());
          truncated = true;
        }
      },
      [&] { return clock_.MonotonicMillis() - start > 60000; });
  EXPECT_EQ(kExitOk, rc);
  EXPECT_TRUE(truncated);
  EXPECT_EQ((Strings{"first line", "second line", "new"}), SentMessages());
  EXPECT_EQ(4, SavedOffset(kLog)) << "the checkpoint went down with the file";
}

TEST_F(AgentLoopTest, RotationByRenameWhileRunningLosesNoLine) {
  // logrotate's default: app.log becomes app.log.1 (not matched) and a new
  // app.log is created. The writer's last lines went to the old file after
  // the agent had read it to its end.
  options_.rescan_interval_ms = options_.poll_interval_ms;
  env_.WriteFile(kLog, "one\n");
  int64_t start = clock_.MonotonicMillis();
  int rc = RunUntilStopped(
      [&](int wait) {
        if (wait == 2) {
          env_.AppendToFile(kLog, "two\n");
          ASSERT_TRUE(env_.Rename(kLog, std::string(kLog) + ".1").ok());
          env_.WriteFile(kLog, "three\n");
        }
      },
      [&] { return clock_.MonotonicMillis() - start > 60000; });
  EXPECT_EQ(kExitOk, rc);
  Strings sent = SentMessages();
  std::sort(sent.begin(), sent.end());
  EXPECT_EQ((Strings{"one", "three", "two"}), sent) << "sorted";
}

}  // namespace
}  // namespace edgelog
