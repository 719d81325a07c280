// The main loop with a directory watcher (inotify in production, a
// FakeWatcher here): a change of names rediscovers files at once, an
// unavailable watcher falls back to polling, an idle agent sleeps, and the
// directories watched are those the files live in.
#include "agent/run/agent_loop.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "platform/watcher.h"
#include "tests/agent/run/agent_loop_test_fixture.h"
#include "tests/support/fake_watcher.h"

namespace edgelog {
namespace {

using agent_loop_test::AgentLoopTest;
using agent_loop_test::FakeStop;
using agent_loop_test::ScriptedPoller;
using agent_loop_test::Strings;
using testing::FakeWatcher;

constexpr char kA[] = "/var/log/a.log";
constexpr char kB[] = "/var/log/b.log";

class AgentLoopWatch : public AgentLoopTest {
 protected:
  AgentLoopWatch() { config_.files[0].file_path = "/var/log/*.log"; }

  // A run without --once, with `watcher` as the agent's DirWatcher (null:
  // none), stopped by SIGTERM once `stop_when` is true (checked at every
  // wait, after `act`). Records the monotonic time after every wait.
  int RunWatched(DirWatcher* watcher, std::function<void(int wait)> act,
                 std::function<bool()> stop_when) {
    ScriptedPoller poller(clock_);
    agent_loop_test::FakeStop stop;
    poller.on_wait = [&] {
      waits_at_.push_back(clock_.MonotonicMillis());
      if (act) act(poller.waits);
      if (stop_when() || poller.waits > 100000) stop.requested = true;
    };
    options_.once = false;
    AgentDeps deps{env_, clock_, log_, poller, http_, *credentials_, &stop, watcher};
    AgentLoop loop(deps, config_, Entries(), context_, options_);
    int rc = loop.Run();
    summary_ = loop.summary();
    EXPECT_LE(poller.waits, 100000) << "the stop condition never came true";
    return rc;
  }

  bool Sent(const std::string& message) const {
    Strings sent = SentMessages();
    return std::find(sent.begin(), sent.end(), message) != sent.end();
  }
  bool Followed(const std::string& path) const {
    return log_.Count(LogLevel::kInfo, "following " + path) > 0;
  }

  // Creates b.log some time into a run and signals the watcher with
  // `signal`; returns how long after its creation b.log was followed.
  std::optional<int64_t> TimeToFollowANewFile(const std::function<void()>& signal) {
    env_.WriteFile(kA, "one\n");
    int64_t start = clock_.MonotonicMillis();
    std::optional<int64_t> created, followed;
    RunWatched(
        &watcher_,
        [&](int) {
          int64_t now = clock_.MonotonicMillis();
          if (!created && now - start >= 3000) {
            env_.WriteFile(kB, "two\n");
            signal();
            created = now;
          } else if (created && !followed && Followed(kB)) {
            followed = now;
          }
        },
        [&] { return Sent("two") || clock_.MonotonicMillis() - start > 120000; });
    EXPECT_TRUE(Sent("one"));
    EXPECT_TRUE(Sent("two")) << "the new file was never shipped";
    if (!created || !followed) return std::nullopt;
    return *followed - *created;
  }

  FakeWatcher watcher_;
  std::vector<int64_t> waits_at_;  // monotonic time after each wait
};

TEST_F(AgentLoopWatch, ANamesChangeFindsANewFileWithoutWaitingForTheRescan) {
  options_.watched_rescan_interval_ms = 60000;  // the safety net is far away
  std::optional<int64_t> took = TimeToFollowANewFile([&] { watcher_.SignalNames(); });
  ASSERT_TRUE(took.has_value()) << "b.log was never followed";
  EXPECT_LE(*took, options_.poll_interval_ms) << "found by the rescan, not by the change";
}

TEST_F(AgentLoopWatch, AnOverflowFindsANewFileWithoutWaitingForTheRescan) {
  options_.watched_rescan_interval_ms = 60000;
  std::optional<int64_t> took = TimeToFollowANewFile([&] { watcher_.SignalOverflow(); });
  ASSERT_TRUE(took.has_value()) << "b.log was never followed";
  EXPECT_LE(*took, options_.poll_interval_ms) << "found by the rescan, not by the overflow";
}

TEST_F(AgentLoopWatch, WithoutASignalANewFileIsFoundByTheWatchedRescan) {
  // The safety net: a change inotify missed is found within the rescan
  // interval all the same.
  options_.watched_rescan_interval_ms = 10000;
  std::optional<int64_t> took = TimeToFollowANewFile([] {});
  ASSERT_TRUE(took.has_value()) << "b.log was never followed";
  EXPECT_LE(*took, options_.watched_rescan_interval_ms + options_.poll_interval_ms);
}

TEST_F(AgentLoopWatch, WithTheWatcherUnavailableAppendedLinesAndNewFilesStillShip) {
  watcher_.set_unavailable(true);
  env_.WriteFile(kA, "one\n");
  int64_t start = clock_.MonotonicMillis();
  int rc = RunWatched(
      &watcher_,
      [&](int wait) {
        if (wait == 3) env_.AppendToFile(kA, "two\n");
        if (wait == 6) env_.WriteFile(kB, "three\n");
      },
      [&] {
        return (Sent("two") && Sent("three")) || clock_.MonotonicMillis() - start > 120000;
      });

  EXPECT_EQ(kExitOk, rc);
  EXPECT_TRUE(watcher_.watched().empty());
  EXPECT_GE(watcher_.watch_calls(), 1) << "the agent never tried to watch";
  Strings sent = SentMessages();
  EXPECT_EQ(1, std::count(sent.begin(), sent.end(), "one"));
  EXPECT_EQ(1, std::count(sent.begin(), sent.end(), "two"));
  EXPECT_EQ(1, std::count(sent.begin(), sent.end(), "three"));
}

TEST_F(AgentLoopWatch, WithTheWatcherUnavailableNewFilesAreFoundAtThePollingRescanInterval) {
  // No watch is in place, so no change will ever be signalled: the agent
  // must rescan as often as without a watcher (rescan_interval_ms), not
  // rely on the watched safety net.
  watcher_.set_unavailable(true);
  env_.WriteFile(kA, "one\n");
  int64_t start = clock_.MonotonicMillis();
  std::optional<int64_t> created, followed;
  RunWatched(
      &watcher_,
      [&](int) {
        int64_t now = clock_.MonotonicMillis();
        // Just after the watched rescan would have run.
        if (!created && now - start >= options_.watched_rescan_interval_ms + 1500) {
          env_.WriteFile(kB, "two\n");
          created = now;
        } else if (created && !followed && Followed(kB)) {
          followed = now;
        }
      },
      [&] { return Sent("two") || clock_.MonotonicMillis() - start > 120000; });

  ASSERT_TRUE(created && followed) << "b.log was never followed";
  EXPECT_LE(*followed - *created, options_.rescan_interval_ms + options_.poll_interval_ms);
}

TEST_F(AgentLoopWatch, AnIdleAgentWithAWatcherWakesAtMostOncePerSecond) {
  env_.WriteFile(kA, "one\n");
  int64_t start = clock_.MonotonicMillis();
  RunWatched(&watcher_, nullptr, [&] { return clock_.MonotonicMillis() - start > 80000; });

  ASSERT_TRUE(Sent("one"));
  // From 15 s on everything has been read and delivered: 60 s of nothing.
  int64_t from = start + 15000, to = from + 60000;
  long wakes = std::count_if(waits_at_.begin(), waits_at_.end(),
                             [&](int64_t t) { return t > from && t <= to; });
  EXPECT_LE(wakes, 61);
  EXPECT_GE(wakes, 1) << "the run did not last";
}

TEST_F(AgentLoopWatch, AnIdleAgentWithoutAWatcherWakesAtMostOncePerSecond) {
  env_.WriteFile(kA, "one\n");
  int64_t start = clock_.MonotonicMillis();
  RunWatched(nullptr, nullptr, [&] { return clock_.MonotonicMillis() - start > 80000; });

  ASSERT_TRUE(Sent("one"));
  int64_t from = start + 15000, to = from + 60000;
  long wakes = std::count_if(waits_at_.begin(), waits_at_.end(),
                             [&](int64_t t) { return t > from && t <= to; });
  EXPECT_LE(wakes, 61);
  EXPECT_GE(wakes, 1);
}

TEST_F(AgentLoopWatch, TheDirectoriesOfTheFilesAndOfThePatternAreWatched) {
  config_.files[0].file_path = "/var/log/*/app.log";
  config_.files[0].publish_multi_logs = true;  // every match followed, so watched
  env_.WriteFile("/var/log/svc1/app.log", "one\n");
  env_.WriteFile("/var/log/svc2/app.log", "two\n");
  int64_t start = clock_.MonotonicMillis();
  bool svc3_created = false;
  RunWatched(
      &watcher_,
      [&](int wait) {
        if (wait == 3) {
          EXPECT_TRUE(watcher_.is_watched("/var/log")) << "the pattern's fixed part";
          EXPECT_TRUE(watcher_.is_watched("/var/log/svc1"));
          EXPECT_TRUE(watcher_.is_watched("/var/log/svc2"));
          env_.WriteFile("/var/log/svc3/app.log", "three\n");
          watcher_.SignalNames();  // a directory appeared in /var/log
          svc3_created = true;
        }
      },
      [&] { return Sent("three") || clock_.MonotonicMillis() - start > 60000; });

  EXPECT_TRUE(svc3_created);
  EXPECT_TRUE(watcher_.is_watched("/var/log/svc3")) << "a new file's directory";
  EXPECT_TRUE(Sent("three"));
}

}  // namespace
}  // namespace edgelog
