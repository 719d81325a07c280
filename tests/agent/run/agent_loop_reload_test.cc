// SIGHUP in the main loop: a reload that is ready stops the loop as
// SIGTERM does and says so; one that is not leaves it running.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include "agent/run/agent_loop.h"
#include "tests/agent/run/agent_loop_test_fixture.h"

namespace edgelog {
namespace {

using agent_loop_test::AgentLoopTest;
using agent_loop_test::FakeStop;
using agent_loop_test::kLog;
using agent_loop_test::ScriptedPoller;
using agent_loop_test::Strings;

class AgentLoopReloadTest : public AgentLoopTest {
 protected:
  // Runs without --once; SIGHUP comes at wait `hup_at`, the reload answers
  // `ready`; SIGTERM at wait `term_at` if the loop still runs.
  int Run(int hup_at, bool ready, int term_at, std::function<void(int wait)> act = nullptr) {
    ScriptedPoller poller(clock_);
    FakeStop stop;
    poller.on_wait = [&] {
      if (act) act(poller.waits);
      if (poller.waits == hup_at) stop.reload = true;
      if (poller.waits >= term_at) stop.requested = true;
    };
    options_.once = false;
    AgentDeps deps{env_, clock_, log_, poller, http_, *credentials_, &stop};
    deps.reload = [&] {
      ++reload_asked_;
      return ready;
    };
    AgentLoop loop(deps, config_, Entries(), context_, options_);
    int rc = loop.Run();
    reloading_ = loop.reloading();
    waits_ = poller.waits;
    return rc;
  }

  int reload_asked_ = 0;
  bool reloading_ = false;
  int waits_ = 0;
};

TEST_F(AgentLoopReloadTest, AReadyReloadDeliversWhatWasReadThenEndsTheRunForIt) {
  config_.force_flush_interval_s = 3600;  // only the stop sends
  env_.WriteFile(kLog, "one\ntwo\n");
  int rc = Run(/*hup_at=*/5, /*ready=*/true, /*term_at=*/100000);
  EXPECT_EQ(kExitOk, rc);
  EXPECT_TRUE(reloading_);
  EXPECT_EQ(1, reload_asked_);
  EXPECT_LT(waits_, 1000) << "the reload did not end the run";
  EXPECT_EQ((Strings{"one", "two"}), SentMessages());
  EXPECT_EQ(8, SavedOffset(kLog));
  EXPECT_EQ(1, log_.Count(LogLevel::kInfo, "then reloading"));
}

TEST_F(AgentLoopReloadTest, AReloadThatIsNotReadyLeavesTheLoopRunning) {
  env_.WriteFile(kLog, "one\n");
  int rc = Run(/*hup_at=*/5, /*ready=*/false, /*term_at=*/200, [&](int wait) {
    if (wait == 50) env_.AppendToFile(kLog, "two\n");
  });
  EXPECT_EQ(kExitOk, rc);
  EXPECT_FALSE(reloading_);
  EXPECT_EQ(1, reload_asked_);
  EXPECT_GE(waits_, 200) << "the loop stopped for a refused reload";
  EXPECT_EQ((Strings{"one", "two"}), SentMessages());
}

TEST_F(AgentLoopReloadTest, SigtermDuringAReloadStopsForGood) {
  env_.WriteFile(kLog, "one\n");
  Run(/*hup_at=*/5, /*ready=*/true, /*term_at=*/6);
  EXPECT_TRUE(reloading_) << "the caller reads stop_requested() to tell";
  EXPECT_EQ((Strings{"one"}), SentMessages());
}

TEST_F(AgentLoopReloadTest, OnceIgnoresSighup) {
  env_.WriteFile(kLog, "one\n");
  ScriptedPoller poller(clock_);
  FakeStop stop;
  stop.reload = true;
  options_.once = true;
  AgentDeps deps{env_, clock_, log_, poller, http_, *credentials_, &stop};
  deps.reload = [&] {
    ++reload_asked_;
    return true;
  };
  AgentLoop loop(deps, config_, Entries(), context_, options_);
  EXPECT_EQ(kExitOk, loop.Run());
  EXPECT_FALSE(loop.reloading());
  EXPECT_EQ(0, reload_asked_);
  EXPECT_EQ(1, log_.Count(LogLevel::kInfo, "SIGHUP ignored"));
  EXPECT_EQ((Strings{"one"}), SentMessages());
}

// A changed destination, whether by SIGHUP or by a restart with the file
// edited, goes on from the checkpoints: nothing is sent twice.
TEST_F(AgentLoopReloadTest, ARunWithTheDestinationChangedGoesOnFromTheCheckpoints) {
  env_.WriteFile(kLog, "one\ntwo\n");
  EXPECT_EQ(kExitOk, RunOnce());
  size_t puts = http_.requests_for("PutLogEvents").size();
  env_.AppendToFile(kLog, "three\n");
  config_.files[0] = Entry(kLog, "/app/group", "host-2");
  EXPECT_EQ(kExitOk, RunOnce());
  EXPECT_EQ((Strings{"three"}), SentMessages(puts));
  EXPECT_EQ(1, log_.Count(LogLevel::kInfo, "carried 1 checkpoint(s)"));
}

TEST_F(AgentLoopReloadTest, SwappedDestinationsSendNothingTwice) {
  const std::string other = "/var/log/other.log";
  config_.files = {Entry(kLog, "/g", "a"), Entry(other, "/g", "b")};
  env_.WriteFile(kLog, "a1\n");
  env_.WriteFile(other, "b1\n");
  EXPECT_EQ(kExitOk, RunOnce());
  size_t puts = http_.requests_for("PutLogEvents").size();
  config_.files = {Entry(kLog, "/g", "b"), Entry(other, "/g", "a")};
  env_.AppendToFile(kLog, "a2\n");
  env_.AppendToFile(other, "b2\n");
  EXPECT_EQ(kExitOk, RunOnce());
  Strings sent = SentMessages(puts);
  std::sort(sent.begin(), sent.end());
  EXPECT_EQ((Strings{"a2", "b2"}), sent);
}

}  // namespace
}  // namespace edgelog
