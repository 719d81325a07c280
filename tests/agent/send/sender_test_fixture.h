// SenderTest: a Sender over FakeHttp and a FakeClock, driven one main-loop
// turn at a time (refused events kept in an in-memory rejected file, as the
// main loop keeps them), with the helpers the
// sender_*_test.cc files share.
#ifndef EDGELOG_TESTS_AGENT_SEND_SENDER_TEST_FIXTURE_H_
#define EDGELOG_TESTS_AGENT_SEND_SENDER_TEST_FIXTURE_H_

#include <gtest/gtest.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "agent/aws/credentials.h"
#include "tests/support/env_credentials.h"
#include "agent/aws/endpoint.h"
#include "agent/batch/gzip.h"
#include "agent/batch/payload.h"
#include "agent/send/rejected_log.h"
#include "agent/send/sender.h"
#include "tests/support/capture_logger.h"
#include "tests/support/fake_clock.h"
#include "tests/support/fake_http.h"
#include "tests/support/fault_env.h"
#include "tests/support/mem_env.h"

namespace edgelog::sender_test {

using testing::CaptureLogger;
using testing::FakeClock;
using testing::FakeHttp;
using testing::FaultEnv;
using testing::MemEnv;
using testing::SeenRequest;

using Strings = std::vector<std::string>;

inline constexpr char kRejectedPath[] = "/state/rejected.jsonl";

// The messages of a gzip PutLogEvents body, in order.
inline Strings MessagesOf(const std::string& gzip_body) {
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

inline bool BodyHas(const SeenRequest& r, const std::string& message) {
  for (const std::string& m : MessagesOf(r.body)) {
    if (m == message) return true;
  }
  return false;
}

class SenderTest : public ::testing::Test {
 protected:
  SenderTest() {
    EXPECT_TRUE(mem_.CreateDirs("/state").ok());
    mem_.SetVar("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE");
    mem_.SetVar("AWS_SECRET_ACCESS_KEY", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY");
  }

  void Init(std::vector<LogStreamTarget> targets, SenderOptions options = {},
            uint64_t seed = 1) {
    batcher_ = std::make_unique<Batcher>(targets, BatcherOptions{});
    auto endpoint = ParseEndpointUrl("https://logs.us-east-1.amazonaws.com/");
    ASSERT_TRUE(endpoint.ok());
    LogsRequestContext context{*endpoint, "us-east-1", "edgelog-test"};
    sender_.reset();
    queue_ = std::make_unique<DeliveryQueue>(0);
    sender_ = std::make_unique<Sender>(
        SenderDeps{http_, *credentials_, clock_, log_, *queue_}, context, targets,
        options, seed);
  }

  Batch MakeBatch(uint32_t stream, const Strings& messages) {
    int64_t ts = clock_.NowUnixMillis();
    for (const std::string& m : messages) {
      EXPECT_TRUE(batcher_->Add(stream, ts++, m, clock_.MonotonicMillis()).ok());
    }
    EXPECT_TRUE(batcher_->SealAll().ok());
    EXPECT_TRUE(batcher_->HasSealed());
    return batcher_->PopSealed();
  }

  uint64_t Enqueue(uint32_t stream, const Strings& messages) {
    Batch b = MakeBatch(stream, messages);
    uint64_t id = b.id;
    queue_->Push(std::move(b));
    return id;
  }

  // Removes the batches no request holds, as the main loop does for the
  // disk buffer (with `stopping`, at a stop).
  std::vector<Batch> TakeUnheld(bool stopping = false) {
    std::vector<Batch> out;
    for (uint32_t stream = 0; stream < queue_->stream_count(); ++stream) {
      for (Batch& b : queue_->Remove(stream, sender_->Unheld(stream, stopping))) {
        out.push_back(std::move(b));
      }
      sender_->Removed(stream);
    }
    return out;
  }

  // One turn of the main loop, without waiting.
  void Turn() {
    sender_->Pump();
    for (const HttpResponse& r : http_.Poll()) sender_->OnResponse(r);
    for (const Ack& a : sender_->TakeAcks()) {
      // Refused events are kept as the main loop keeps them.
      for (const Refused& r : a.refused) {
        Status kept = rejected_.Append(sender_->target(a.stream), r.events, r.reason,
                                       clock_.NowUnixMillis());
        EXPECT_TRUE(kept.ok()) << kept.ToString();
      }
      acks_.push_back(a);
    }
  }

  // Moves the clock to the next retry, as the main loop's wait would.
  void WaitForRetry() {
    auto wake = sender_->NextWakeMs();
    int64_t now = clock_.MonotonicMillis();
    if (wake && *wake > now) clock_.Advance(*wake - now);
  }

  // Turns until the sender is idle or failed.
  void RunUntilIdle(int max_turns = 10000) {
    for (int i = 0; i < max_turns; ++i) {
      Turn();
      if (sender_->idle() || sender_->failed()) return;
      if (http_.in_flight() == 0) WaitForRetry();
    }
    ADD_FAILURE() << "sender not idle after " << max_turns << " turns";
  }

  // Every PutLogEvents body's messages, in the order sent.
  std::vector<Strings> PutMessages() const {
    std::vector<Strings> out;
    for (const SeenRequest& r : http_.requests_for("PutLogEvents")) {
      out.push_back(MessagesOf(r.body));
    }
    return out;
  }

  MemEnv mem_;
  FaultEnv fault_env_{mem_};  // disarmed unless a test arms it
  RejectedLog rejected_{fault_env_, kRejectedPath};
  std::unique_ptr<CredentialsProvider> credentials_ =
      std::make_unique<testing::EnvCredentials>(mem_);
  FakeHttp http_;
  FakeClock clock_;
  CaptureLogger log_;
  std::unique_ptr<Batcher> batcher_;
  std::unique_ptr<DeliveryQueue> queue_;  // the main loop's, made by Init
  std::unique_ptr<Sender> sender_;
  std::vector<Ack> acks_;
};

inline const LogStreamTarget kTarget{"/app/group", "host-1", 0, ""};

}  // namespace edgelog::sender_test

#endif  // EDGELOG_TESTS_AGENT_SEND_SENDER_TEST_FIXTURE_H_
