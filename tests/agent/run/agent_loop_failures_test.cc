#include "agent/run/agent_loop.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <optional>
#include <string>

#include "agent/run/last_error.h"
#include "tests/agent/run/agent_loop_test_fixture.h"

namespace edgelog {
namespace {

using agent_loop_test::AgentLoopTest;
using agent_loop_test::kCheckpoints;
using agent_loop_test::kLog;
using agent_loop_test::kStateDir;
using agent_loop_test::FakeStop;
using agent_loop_test::ReadCountingEnv;
using agent_loop_test::RejectedUnwritableEnv;
using agent_loop_test::ScriptedPoller;
using agent_loop_test::Strings;
using testing::FakeHttp;
using testing::SeenRequest;

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
  ExpectKeptForTheNextRun();
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
  ExpectKeptForTheNextRun();
}

TEST_F(AgentLoopTest, AnUntrustedCertificateEndsAOnceRunSayingWhy) {
  env_.WriteFile(kLog, "alpha\n");
  options_.once_auth_give_up_ms = 3000;
  http_.set_responder([](const SeenRequest&) -> std::optional<HttpResponse> {
    return FakeHttp::Transport(TransportError::kCertificate);
  });
  EXPECT_EQ(kExitUndelivered, RunOnce());
  EXPECT_GE(log_.Count(LogLevel::kError, "TLS certificate is not trusted"), 1);
  EXPECT_EQ(0, log_.Count(LogLevel::kInfo, "buffering batches to disk"))
      << "not an outage: the endpoint answered";
  ExpectKeptForTheNextRun();
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

// CloudWatch took "fresh" and refused "ancient" while rejected.jsonl cannot
// be written. The batch must not be sent again (CloudWatch stored "fresh"),
// nor its lines count as done before "ancient" is kept: the checkpoint
// stays put until the file can be written, then passes both lines.
TEST_F(AgentLoopTest, EventsCloudWatchRefusedAreKeptBeforeTheirLinesCountAsDone) {
  env_.WriteFile(kLog, "ancient\nfresh\n");
  http_.set_responder([](const SeenRequest&) -> std::optional<HttpResponse> {
    return FakeHttp::Ok(R"({"rejectedLogEventsInfo":{"tooOldLogEventEndIndex":0}})");
  });
  RejectedUnwritableEnv env(env_);
  ScriptedPoller poller(clock_);
  FakeStop stop;
  int64_t start = clock_.MonotonicMillis();
  int64_t saved_while_refused = -1;
  poller.on_wait = [&] {
    if (env.refuse) saved_while_refused = std::max(saved_while_refused, SavedOffset(kLog));
    if (env.refuse && clock_.MonotonicMillis() - start >= 20000) env.refuse = false;
    if (!env.refuse && clock_.MonotonicMillis() - start >= 30000) stop.requested = true;
    if (poller.waits > 100000) stop.requested = true;
  };
  options_.once = false;
  AgentDeps deps{env, clock_, log_, poller, http_, *credentials_, &stop};
  AgentLoop loop(deps, config_, Entries(), context_, options_);
  EXPECT_EQ(kExitOk, loop.Run());
  EXPECT_EQ(1u, http_.requests_for("PutLogEvents").size()) << "an accepted batch sent again";
  EXPECT_LE(saved_while_refused, 0) << "lines counted as done before the refused one was kept";
  EXPECT_GE(log_.Count(LogLevel::kError, "cannot keep rejected records"), 1);
  std::string rejected = env_.ReadFile(std::string(kStateDir) + "/rejected.jsonl");
  EXPECT_NE(std::string::npos, rejected.find("\"ancient\""));
  EXPECT_EQ(std::string::npos, rejected.find("\"fresh\""));
  EXPECT_EQ(14, SavedOffset(kLog));
}

// 20 MB of lines older than 14 days while rejected.jsonl cannot be written:
// they used to pile up in memory, all of them. The records waiting for the
// file count against edgelog.buffer.memory_bytes, so reading pauses; once
// the file can be written, every one of them is kept there.
TEST_F(AgentLoopTest, WhileRejectedRecordsCannotBeKeptReadingPausesInsteadOfQueueing) {
  config_.files[0].timestamp_format = "%Y-%m-%d %H:%M:%S";
  std::string text;
  int lines = 0;
  for (; text.size() < (20u << 20); ++lines) {
    text += "2001-02-03 04:05:06 old line " + std::to_string(lines) + " " +
            std::string(1000, 'o') + "\n";
  }
  env_.WriteFile(kLog, text);
  ReadCountingEnv counting(env_, kLog);
  RejectedUnwritableEnv env(counting);
  ScriptedPoller poller(clock_);
  FakeStop stop;
  int64_t start = clock_.MonotonicMillis();
  uint64_t read_while_refused = 0;
  poller.on_wait = [&] {
    if (env.refuse && clock_.MonotonicMillis() - start >= 30000) {
      read_while_refused = counting.bytes_read();
      env.refuse = false;
    }
    if (!env.refuse && counting.bytes_read() >= text.size() &&
        clock_.MonotonicMillis() - start >= 90000) {
      stop.requested = true;
    }
    if (poller.waits > 200000) stop.requested = true;
  };
  options_.once = false;
  AgentDeps deps{env, clock_, log_, poller, http_, *credentials_, &stop};
  AgentLoop loop(deps, config_, Entries(), context_, options_);
  EXPECT_EQ(kExitOk, loop.Run());
  EXPECT_LE(read_while_refused, uint64_t{10} << 20) << "read on while records piled up";
  EXPECT_GT(read_while_refused, 0u);
  EXPECT_EQ(static_cast<uint64_t>(lines), loop.summary().events_rejected);
  EXPECT_EQ(static_cast<int64_t>(text.size()), SavedOffset(kLog));
}


TEST_F(AgentLoopTest, TheLastErrorIsSavedForStatusWhileTheLoopRuns) {
  env_.WriteFile(kLog, "alpha\n");
  http_.set_responder([](const SeenRequest&) -> std::optional<HttpResponse> {
    return FakeHttp::AwsError(503, "ServiceUnavailableException", "down for maintenance");
  });
  const std::string path = std::string(kStateDir) + "/last_error.json";
  ErrorRecordingLogger recording(log_, clock_);
  LastErrorFile last_error(env_, clock_, kStateDir, recording);
  ScriptedPoller poller(clock_);
  FakeStop stop;
  bool saved_while_running = false;
  poller.on_wait = [&] {
    saved_while_running = saved_while_running || env_.Exists(path);
    if (saved_while_running || poller.waits > 100000) stop.requested = true;
  };
  options_.once = false;
  AgentDeps deps{env_, clock_, recording, poller, http_, *credentials_, &stop,
                 nullptr, nullptr, &last_error};
  AgentLoop loop(deps, config_, Entries(), context_, options_);
  loop.Run();
  EXPECT_TRUE(saved_while_running) << log_.Text();
  auto saved = LoadLastError(env_, path);
  ASSERT_TRUE(saved.ok() && saved->has_value()) << saved.status().ToString();
  EXPECT_NE(std::string::npos, (*saved)->message.find("down for maintenance")) << (*saved)->message;
  EXPECT_EQ(1, log_.Count(LogLevel::kError, "down for maintenance")) << "logged as before";
}

}  // namespace
}  // namespace edgelog
