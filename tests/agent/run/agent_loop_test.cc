#include "agent/run/agent_loop.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "agent/aws/credentials.h"
#include "agent/aws/endpoint.h"
#include "agent/batch/gzip.h"
#include "agent/batch/payload.h"
#include "agent/tail/checkpoint_store.h"
#include "tests/support/capture_logger.h"
#include "tests/support/fake_clock.h"
#include "tests/support/fake_http.h"
#include "tests/support/mem_env.h"

namespace edgelog {
namespace {

using testing::CaptureLogger;
using testing::FakeClock;
using testing::FakeHttp;
using testing::FakePoller;
using testing::MemEnv;
using testing::SeenRequest;

using Strings = std::vector<std::string>;

const char kLog[] = "/var/log/app.log";
const char kStateDir[] = "/var/lib/edgelog";
const char kCheckpoints[] = "/var/lib/edgelog/checkpoints.json";

Strings MessagesOf(const std::string& gzip_body) {
  auto json = GunzipBody(gzip_body, 64 << 20);
  EXPECT_TRUE(json.ok()) << json.status().ToString();
  if (!json.ok()) return {};
  auto events = ParseEvents(*json);
  EXPECT_TRUE(events.ok()) << events.status().ToString();
  Strings out;
  if (events.ok()) {
    for (const ParsedEvent& e : *events) out.push_back(e.message);
  }
  return out;
}

// A Poller that moves the clock like FakePoller and lets a test act at each
// wait, as if things happened while the agent slept.
class ScriptedPoller : public Poller {
 public:
  explicit ScriptedPoller(FakeClock& clock) : clock_(clock) {}
  Status Watch(int, uint32_t, PollHandler*) override { return Status::Ok(); }
  void Unwatch(int) override {}
  StatusOr<int> Wait(int64_t timeout_ms) override {
    if (timeout_ms > 0) clock_.Advance(timeout_ms);
    ++waits;
    if (on_wait) on_wait();
    return 0;
  }

  std::function<void()> on_wait;
  int waits = 0;

 private:
  FakeClock& clock_;
};

class FakeStop : public StopSignals {
 public:
  bool stop_requested() const override { return requested; }
  const char* signal_name() const override { return requested ? "SIGTERM" : ""; }
  bool requested = false;
};

class AgentLoopTest : public ::testing::Test {
 protected:
  AgentLoopTest() {
    env_.SetVar("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE");
    env_.SetVar("AWS_SECRET_ACCESS_KEY", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY");
    env_.CreateDirs(kStateDir);  // the CLI does this in production
    config_.state_dir = kStateDir;
    config_.region = "us-east-1";
    config_.files.push_back(FileEntry{kLog, "/app/group", "host-1", -1, ""});
    auto endpoint = ParseEndpointUrl("https://logs.us-east-1.amazonaws.com/");
    EXPECT_TRUE(endpoint.ok());
    context_ = LogsRequestContext{*endpoint, "us-east-1", "edgelog-test"};
    options_.once = true;
    options_.seed = 7;
  }

  // A fresh agent process over the same disk, network and time.
  int RunOnce() {
    AgentDeps deps{env_, clock_, log_, poller_, http_, *credentials_, nullptr};
    AgentLoop loop(deps, config_, context_, options_);
    int rc = loop.Run();
    summary_ = loop.summary();
    return rc;
  }

  // A run without --once, stopped by SIGTERM when `stop_when` says so
  // (checked at every wait, after `act`).
  int RunUntilStopped(std::function<void(int wait)> act, std::function<bool()> stop_when) {
    ScriptedPoller poller(clock_);
    FakeStop stop;
    poller.on_wait = [&] {
      if (act) act(poller.waits);
      if (stop_when() || poller.waits > 100000) stop.requested = true;
    };
    options_.once = false;
    AgentDeps deps{env_, clock_, log_, poller, http_, *credentials_, &stop};
    AgentLoop loop(deps, config_, context_, options_);
    int rc = loop.Run();
    summary_ = loop.summary();
    EXPECT_LE(poller.waits, 100000) << "the stop condition never came true";
    return rc;
  }

  // Messages of every PutLogEvents request from index `from` on.
  Strings SentMessages(size_t from = 0) const {
    Strings out;
    auto puts = http_.requests_for("PutLogEvents");
    for (size_t i = from; i < puts.size(); ++i) {
      for (const std::string& m : MessagesOf(puts[i].body)) out.push_back(m);
    }
    return out;
  }

  // The checkpoint offset saved for the file at `path` now, or -1 if none.
  int64_t SavedOffset(const std::string& path) {
    auto info = env_.Stat(path);
    EXPECT_TRUE(info.ok());
    auto loaded = LoadCheckpoints(env_, kCheckpoints);
    EXPECT_TRUE(loaded.ok()) << loaded.status().ToString();
    if (!info.ok() || !loaded.ok()) return -2;
    for (const Checkpoint& c : *loaded) {
      if (c.id == info->id) return static_cast<int64_t>(c.offset);
    }
    return -1;
  }

  MemEnv env_;
  FakeClock clock_;
  CaptureLogger log_;
  FakePoller poller_{clock_};
  FakeHttp http_;
  std::unique_ptr<CredentialsProvider> credentials_ = NewEnvironmentCredentials(env_);
  Config config_;
  LogsRequestContext context_;
  RunOptions options_;
  RunSummary summary_;
};

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

TEST_F(AgentLoopTest, APartialLastLineWaitsForItsNewline) {
  env_.WriteFile(kLog, "whole\npart");
  ASSERT_EQ(kExitOk, RunOnce());
  EXPECT_EQ(Strings{"whole"}, SentMessages());
  EXPECT_EQ(6, SavedOffset(kLog));
  size_t puts = http_.requests_for("PutLogEvents").size();
  env_.AppendToFile(kLog, "ial\n");
  ASSERT_EQ(kExitOk, RunOnce());
  EXPECT_EQ(Strings{"partial"}, SentMessages(puts));
  EXPECT_EQ(14, SavedOffset(kLog));
}

TEST_F(AgentLoopTest, EmptyLinesAreSkippedAndCovered) {
  env_.WriteFile(kLog, "\n\nalpha\n\n");
  ASSERT_EQ(kExitOk, RunOnce());
  EXPECT_EQ(Strings{"alpha"}, SentMessages());
  EXPECT_EQ(3u, summary_.empty_lines);
  EXPECT_EQ(9, SavedOffset(kLog));
}

TEST_F(AgentLoopTest, EveryFileOfAGlobIsDeliveredToItsStream) {
  config_.files = {FileEntry{"/var/log/*.log", "/app/group", "host-1", -1, ""},
                   FileEntry{"/srv/other.txt", "/other/group", "s", -1, ""}};
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

TEST_F(AgentLoopTest, AMissingStreamIsCreatedAndTheLinesStillArrive) {
  env_.WriteFile(kLog, "alpha\n");
  int puts = 0;
  http_.set_responder([&](const SeenRequest& r) -> std::optional<HttpResponse> {
    if (r.target == "PutLogEvents" && puts++ == 0) {
      return FakeHttp::AwsError(400, "ResourceNotFoundException", "no stream");
    }
    return FakeHttp::Ok();
  });
  EXPECT_EQ(kExitOk, RunOnce());
  EXPECT_EQ(1u, http_.requests_for("CreateLogStream").size());
  EXPECT_EQ(6, SavedOffset(kLog));
}

TEST_F(AgentLoopTest, WhilePutLogEventsFailsTheCheckpointDoesNotAdvance) {
  env_.WriteFile(kLog, "alpha\nbeta\n");
  options_.once_stall_give_up_ms = 5000;
  http_.set_responder([](const SeenRequest&) -> std::optional<HttpResponse> {
    return FakeHttp::AwsError(503, "ServiceUnavailableException", "down");
  });
  int64_t start = clock_.MonotonicMillis();
  EXPECT_EQ(kExitUndelivered, RunOnce());
  EXPECT_GE(clock_.MonotonicMillis() - start, 5000);
  EXPECT_GT(http_.requests_for("PutLogEvents").size(), 1u) << "retried before giving up";
  int64_t saved = SavedOffset(kLog);
  EXPECT_TRUE(saved == 0 || saved == -1) << "checkpoint moved to " << saved;
  EXPECT_EQ(0u, summary_.events_delivered);

  // CloudWatch is back: the next run delivers everything.
  http_.set_responder(nullptr);
  size_t puts = http_.requests_for("PutLogEvents").size();
  EXPECT_EQ(kExitOk, RunOnce());
  EXPECT_EQ((Strings{"alpha", "beta"}), SentMessages(puts));
  EXPECT_EQ(11, SavedOffset(kLog));
}

TEST_F(AgentLoopTest, TheCheckpointAdvancesOnlyAfterTheAck) {
  env_.WriteFile(kLog, "alpha\nbeta\n");
  int polls_while_held = 0;
  bool checkpoint_passed_unacked_data = false;
  http_.set_responder([&](const SeenRequest& r) -> std::optional<HttpResponse> {
    if (r.target != "PutLogEvents") return FakeHttp::Ok();
    // The request is in flight: nothing may be recorded as delivered yet.
    if (env_.Exists(kCheckpoints)) {
      auto loaded = LoadCheckpoints(env_, kCheckpoints);
      if (loaded.ok()) {
        for (const Checkpoint& c : *loaded) {
          if (c.offset > 0) checkpoint_passed_unacked_data = true;
        }
      }
    }
    if (polls_while_held++ < 5) return std::nullopt;
    return FakeHttp::Ok();
  });
  EXPECT_EQ(kExitOk, RunOnce());
  EXPECT_GT(polls_while_held, 5);
  EXPECT_FALSE(checkpoint_passed_unacked_data);
  EXPECT_EQ(11, SavedOffset(kLog));
}

TEST_F(AgentLoopTest, RefusedCredentialsEndAOnceRunWithUndelivered) {
  env_.WriteFile(kLog, "alpha\n");
  options_.once_auth_give_up_ms = 3000;
  http_.set_responder([](const SeenRequest&) -> std::optional<HttpResponse> {
    return FakeHttp::AwsError(403, "UnrecognizedClientException",
                              "The security token included in the request is invalid.");
  });
  EXPECT_EQ(kExitUndelivered, RunOnce());
  EXPECT_GE(log_.Count(LogLevel::kError, "signature or credentials"), 1);
  int64_t saved = SavedOffset(kLog);
  EXPECT_TRUE(saved == 0 || saved == -1) << saved;
}

TEST_F(AgentLoopTest, RejectedEventsAreCountedKeptAndCovered) {
  env_.WriteFile(kLog, "ancient\nfresh\n");
  http_.set_responder([](const SeenRequest&) -> std::optional<HttpResponse> {
    return FakeHttp::Ok(R"({"rejectedLogEventsInfo":{"tooOldLogEventEndIndex":0}})");
  });
  EXPECT_EQ(kExitOk, RunOnce());
  EXPECT_EQ(1u, summary_.events_rejected);
  EXPECT_EQ(1u, summary_.events_delivered);
  std::string rejected = env_.ReadFile(std::string(kStateDir) + "/rejected.jsonl");
  EXPECT_NE(std::string::npos, rejected.find("\"ancient\""));
  EXPECT_EQ(14, SavedOffset(kLog));
}

TEST_F(AgentLoopTest, ACorruptCheckpointFileIsSetAsideAndFilesAreReadFromTheStart) {
  env_.WriteFile(kLog, "alpha\n");
  env_.WriteFile(kCheckpoints, "this is not json");
  EXPECT_EQ(kExitOk, RunOnce());
  EXPECT_EQ(Strings{"alpha"}, SentMessages());
  EXPECT_EQ("this is not json", env_.ReadFile(std::string(kCheckpoints) + ".corrupt"));
  EXPECT_EQ(6, SavedOffset(kLog));
  EXPECT_GE(log_.Count(LogLevel::kError, "corrupt"), 1);
}

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
  int64_t saved = SavedOffset(kLog);
  EXPECT_TRUE(saved == 0 || saved == -1) << saved;
  EXPECT_GE(log_.Count(LogLevel::kWarning, "not yet acknowledged"), 1);

  http_.set_responder(nullptr);
  size_t puts = http_.requests_for("PutLogEvents").size();
  options_.once = true;
  EXPECT_EQ(kExitOk, RunOnce());
  EXPECT_EQ((Strings{"one", "two"}), SentMessages(puts));
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

TEST_F(AgentLoopTest, NoMatchingFileIsAWarningAndANormalExit) {
  EXPECT_EQ(kExitOk, RunOnce());
  EXPECT_TRUE(http_.requests().empty());
  EXPECT_GE(log_.Count(LogLevel::kWarning, "no file matches"), 1);
}

}  // namespace
}  // namespace edgelog
