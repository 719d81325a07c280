#include "agent/send/sender.h"

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

#include "tests/agent/send/sender_test_fixture.h"

namespace edgelog {
namespace {

using sender_test::kTarget;
using sender_test::MessagesOf;
using sender_test::SenderTest;
using sender_test::Strings;
using testing::FakeHttp;
using testing::SeenRequest;

// ---------------------------------------------------------------------------
// Delivery

TEST_F(SenderTest, OneDeliveredBatchGivesOneAck) {
  Init({kTarget});
  uint64_t id = Enqueue(0, {"first", "second"});
  EXPECT_FALSE(sender_->idle());
  Turn();
  ASSERT_EQ(1u, acks_.size());
  EXPECT_EQ(id, acks_[0].batch_id);
  EXPECT_EQ(0u, acks_[0].stream);
  EXPECT_EQ(2u, acks_[0].delivered);
  EXPECT_EQ(0u, acks_[0].rejected);
  EXPECT_TRUE(sender_->idle());
  EXPECT_EQ(0u, queue_->bytes());
  EXPECT_EQ(1u, sender_->stats().requests);
  EXPECT_EQ(2u, sender_->stats().events_delivered);
  EXPECT_EQ(1u, sender_->stats().batches_acked);
  EXPECT_TRUE(sender_->TakeAcks().empty()) << "an ack is handed over once";
}

TEST_F(SenderTest, TheBodySentIsTheBatchBodyByteForByteWithGzipEncoding) {
  Init({kTarget});
  Batch batch = MakeBatch(0, {"caf\xC3\xA9", "tab\there", "quote\"back\\slash"});
  std::string body = batch.body;
  queue_->Push(std::move(batch));
  EXPECT_EQ(body.size(), queue_->bytes());
  Turn();
  ASSERT_EQ(1u, http_.requests().size());
  const SeenRequest& r = http_.requests()[0];
  EXPECT_EQ("PutLogEvents", r.target);
  EXPECT_EQ(body, r.body);
  EXPECT_EQ("gzip", r.header("Content-Encoding"));
  EXPECT_EQ("application/x-amz-json-1.1", r.header("Content-Type"));
  EXPECT_NE("", r.header("Authorization"));
  EXPECT_EQ(body.size(), sender_->stats().body_bytes_sent);
  EXPECT_EQ((Strings{"caf\xC3\xA9", "tab\there", "quote\"back\\slash"}), MessagesOf(r.body));
}

TEST_F(SenderTest, NothingIsAckedBeforeTheAnswerArrives) {
  Init({kTarget});
  bool answer = false;
  http_.set_responder([&](const SeenRequest&) -> std::optional<HttpResponse> {
    if (!answer) return std::nullopt;
    return FakeHttp::Ok();
  });
  Enqueue(0, {"a"});
  for (int i = 0; i < 5; ++i) Turn();
  EXPECT_TRUE(acks_.empty());
  EXPECT_FALSE(sender_->idle());
  EXPECT_EQ(1u, http_.requests().size()) << "the request is not repeated while in flight";
  answer = true;
  Turn();
  EXPECT_EQ(1u, acks_.size());
  EXPECT_TRUE(sender_->idle());
}

TEST_F(SenderTest, DataAlreadyAcceptedCountsAsDelivered) {
  Init({kTarget});
  http_.set_responder([](const SeenRequest&) -> std::optional<HttpResponse> {
    return FakeHttp::AwsError(400, "DataAlreadyAcceptedException", "already");
  });
  Enqueue(0, {"a"});
  Turn();
  ASSERT_EQ(1u, acks_.size());
  EXPECT_EQ(1u, acks_[0].delivered);
}

// ---------------------------------------------------------------------------
// Requests in flight

TEST_F(SenderTest, AtMostOneRequestIsInFlightPerStream) {
  Init({kTarget});
  bool answer = false;
  http_.set_responder([&](const SeenRequest&) -> std::optional<HttpResponse> {
    if (!answer) return std::nullopt;
    return FakeHttp::Ok();
  });
  uint64_t b1 = Enqueue(0, {"one"});
  uint64_t b2 = Enqueue(0, {"two"});
  uint64_t b3 = Enqueue(0, {"three"});
  for (int i = 0; i < 5; ++i) Turn();
  EXPECT_EQ(1u, http_.requests().size());
  EXPECT_EQ(1u, http_.in_flight());
  answer = true;
  RunUntilIdle();
  EXPECT_EQ((std::vector<Strings>{{"one"}, {"two"}, {"three"}}), PutMessages());
  ASSERT_EQ(3u, acks_.size());
  EXPECT_EQ(b1, acks_[0].batch_id);
  EXPECT_EQ(b2, acks_[1].batch_id);
  EXPECT_EQ(b3, acks_[2].batch_id);
}

TEST_F(SenderTest, StreamsProceedInParallelUpToMaxInFlight) {
  SenderOptions options;
  options.max_in_flight = 2;
  Init({{"g", "s0", 0, ""}, {"g", "s1", 0, ""}, {"g", "s2", 0, ""}}, options);
  bool answer = false;
  http_.set_responder([&](const SeenRequest&) -> std::optional<HttpResponse> {
    if (!answer) return std::nullopt;
    return FakeHttp::Ok();
  });
  Enqueue(0, {"a"});
  Enqueue(1, {"b"});
  Enqueue(2, {"c"});
  for (int i = 0; i < 3; ++i) Turn();
  EXPECT_EQ(2u, http_.in_flight());
  EXPECT_EQ(2u, http_.requests().size());
  answer = true;
  RunUntilIdle();
  EXPECT_EQ(3u, http_.requests().size());
  EXPECT_EQ(3u, acks_.size());
}

// ---------------------------------------------------------------------------
// Timers

TEST_F(SenderTest, NoWakeUpIsNeededWhenNothingWaits) {
  Init({kTarget});
  EXPECT_FALSE(sender_->NextWakeMs().has_value());
  EXPECT_TRUE(sender_->idle());
}

TEST_F(SenderTest, AStreamWaitingOnlyForAFreeRequestSlotAsksForNoTimer) {
  // With more streams than max_in_flight, the waiting stream can only start
  // when an answer frees a slot; a wake-up time in the past would make the
  // main loop poll without sleeping until then.
  SenderOptions options;
  options.max_in_flight = 1;
  Init({{"g", "s0", 0, ""}, {"g", "s1", 0, ""}}, options);
  http_.set_responder([](const SeenRequest&) -> std::optional<HttpResponse> {
    return std::nullopt;
  });
  Enqueue(0, {"a"});
  Enqueue(1, {"b"});
  Turn();
  ASSERT_EQ(1u, http_.in_flight());
  auto wake = sender_->NextWakeMs();
  EXPECT_TRUE(!wake.has_value() || *wake > clock_.MonotonicMillis())
      << "wake-up at " << *wake << ", now is " << clock_.MonotonicMillis();
}

}  // namespace
}  // namespace edgelog
