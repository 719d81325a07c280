#include "agent/run/agent_loop.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <optional>
#include <string>

#include "tests/agent/run/agent_loop_test_fixture.h"

namespace edgelog {
namespace {

using agent_loop_test::AgentLoopTest;
using agent_loop_test::kCheckpoints;
using agent_loop_test::kLog;
using agent_loop_test::kStateDir;
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

}  // namespace
}  // namespace edgelog
