// Batches sent ahead of their turn: several requests of one stream in
// flight, acknowledged in queue order, never a batch accepted twice, and
// never two batches out together whose events CloudWatch could interleave.
#include <gtest/gtest.h>

#include <algorithm>
#include <limits>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "agent/send/sender.h"
#include "tests/agent/send/sender_test_fixture.h"

namespace edgelog {
namespace {

using sender_test::BodyHas;
using sender_test::kRejectedPath;
using sender_test::kTarget;
using sender_test::MessagesOf;
using sender_test::SenderTest;
using sender_test::Strings;
using testing::FakeHttp;
using testing::SeenRequest;


class SenderAheadTest : public SenderTest {
 protected:
  void InitAhead(size_t per_stream) {
    SenderOptions options;
    options.max_in_flight_per_stream = per_stream;
    Init({kTarget}, options);
  }
  // A batch of one event, later than every batch made before.
  uint64_t EnqueueLater(const std::string& message) {
    clock_.Advance(10);
    return Enqueue(0, {message});
  }
  // The first message of every PutLogEvents request, in the order sent.
  Strings Sent() const {
    Strings out;
    for (const Strings& m : PutMessages()) out.push_back(m.empty() ? "" : m[0]);
    return out;
  }
  size_t PutsOf(const std::string& first) const {
    size_t n = 0;
    for (const Strings& m : PutMessages()) n += (!m.empty() && m[0] == first) ? 1 : 0;
    return n;
  }
  std::vector<uint64_t> AckedIds() const {
    std::vector<uint64_t> out;
    for (const Ack& a : acks_) out.push_back(a.batch_id);
    return out;
  }
  // Holds every request whose first message is in `held`; answers the rest.
  void HoldThose(const std::set<std::string>* held) {
    http_.set_responder([held](const SeenRequest& r) -> std::optional<HttpResponse> {
      Strings m = MessagesOf(r.body);
      if (!m.empty() && held->count(m[0]) > 0) return std::nullopt;
      return FakeHttp::Ok();
    });
  }
};

TEST_F(SenderAheadTest, OneStreamHasUpToThePerStreamLimitOfRequestsInFlight) {
  InitAhead(3);
  std::set<std::string> held{"b1", "b2", "b3", "b4", "b5"};
  HoldThose(&held);
  std::vector<uint64_t> ids;
  for (const char* m : {"b1", "b2", "b3", "b4", "b5"}) ids.push_back(EnqueueLater(m));
  for (int i = 0; i < 3; ++i) Turn();
  EXPECT_EQ(3u, http_.in_flight());
  EXPECT_EQ((Strings{"b1", "b2", "b3"}), Sent());
  held.clear();
  RunUntilIdle();
  EXPECT_EQ((Strings{"b1", "b2", "b3", "b4", "b5"}), Sent()) << "each batch sent once";
  EXPECT_EQ(ids, AckedIds());
}

TEST_F(SenderAheadTest, AcksComeInQueueOrderWhateverOrderTheAnswersCome) {
  InitAhead(4);
  std::set<std::string> held{"b1"};
  HoldThose(&held);
  uint64_t b1 = EnqueueLater("b1");
  uint64_t b2 = EnqueueLater("b2");
  uint64_t b3 = EnqueueLater("b3");
  for (int i = 0; i < 5; ++i) Turn();
  EXPECT_EQ(3u, http_.requests().size());
  EXPECT_TRUE(acks_.empty()) << "b2 and b3 are accepted, but b1 is not yet";
  EXPECT_FALSE(sender_->idle());
  held.clear();
  RunUntilIdle();
  EXPECT_EQ((std::vector<uint64_t>{b1, b2, b3}), AckedIds());
  EXPECT_EQ(3u, http_.requests().size()) << "nothing sent again";
  EXPECT_EQ(3u, sender_->stats().events_delivered);
}

TEST_F(SenderAheadTest, AFrontWhoseRequestWentAheadAsksForNoTimer) {
  // b2 went out ahead of its turn; b1 is acknowledged; b2, at the front
  // now, waits for its answer: a wake-up time in the past would make the
  // main loop spin until it comes.
  InitAhead(4);
  std::set<std::string> held{"b2"};
  HoldThose(&held);
  EnqueueLater("b1");
  EnqueueLater("b2");
  for (int i = 0; i < 3; ++i) Turn();
  ASSERT_EQ(1u, acks_.size());
  ASSERT_EQ(1u, http_.in_flight());
  auto wake = sender_->NextWakeMs();
  EXPECT_TRUE(!wake.has_value() || *wake > clock_.MonotonicMillis())
      << "wake-up at " << *wake << ", now is " << clock_.MonotonicMillis();
  held.clear();
  RunUntilIdle();
  EXPECT_EQ(2u, acks_.size());
  EXPECT_EQ((Strings{"b1", "b2"}), Sent());
}

TEST_F(SenderAheadTest, ABatchWhoseEventsAreNotAllLaterWaitsForTheOnesBefore) {
  // Two batches out together whose events share a time could be stored in
  // either order: the later waits.
  InitAhead(4);
  std::set<std::string> held{"b1", "b2", "b3"};
  HoldThose(&held);
  uint64_t b1 = EnqueueLater("b1");
  uint64_t b2 = Enqueue(0, {"b2"});  // the same millisecond as b1
  uint64_t b3 = EnqueueLater("b3");
  for (int i = 0; i < 3; ++i) Turn();
  EXPECT_EQ((Strings{"b1", "b3"}), Sent()) << "b3 is later than b1 and b2; b2 is not";
  held.clear();
  RunUntilIdle();
  EXPECT_EQ((Strings{"b1", "b3", "b2"}), Sent());
  EXPECT_EQ((std::vector<uint64_t>{b1, b2, b3}), AckedIds());
}

TEST_F(SenderAheadTest, OneRequestPerStreamWhenTheLimitIsOne) {
  InitAhead(1);
  std::set<std::string> held{"b1", "b2"};
  HoldThose(&held);
  EnqueueLater("b1");
  EnqueueLater("b2");
  for (int i = 0; i < 3; ++i) Turn();
  EXPECT_EQ(1u, http_.in_flight());
  held.clear();
  RunUntilIdle();
  EXPECT_EQ((Strings{"b1", "b2"}), Sent());
}

TEST_F(SenderAheadTest, ABatchAheadThatFailsIsSentAgainInItsTurnAndNoOtherTwice) {
  InitAhead(4);
  int failures = 1;
  http_.set_responder([&](const SeenRequest& r) -> std::optional<HttpResponse> {
    Strings m = MessagesOf(r.body);
    if (!m.empty() && m[0] == "b2" && failures > 0) {
      --failures;
      return FakeHttp::AwsError(400, "ThrottlingException", "Rate exceeded");
    }
    return FakeHttp::Ok();
  });
  uint64_t b1 = EnqueueLater("b1");
  uint64_t b2 = EnqueueLater("b2");
  uint64_t b3 = EnqueueLater("b3");
  RunUntilIdle();
  Strings sent = Sent();
  EXPECT_EQ(1, std::count(sent.begin(), sent.end(), "b1"));
  EXPECT_EQ(2, std::count(sent.begin(), sent.end(), "b2"));
  EXPECT_EQ(1, std::count(sent.begin(), sent.end(), "b3")) << "accepted ahead: not sent again";
  EXPECT_EQ((std::vector<uint64_t>{b1, b2, b3}), AckedIds());
  EXPECT_EQ(3u, sender_->stats().events_delivered);
}

TEST_F(SenderAheadTest, NothingGoesAheadWhileTheFrontIsFailing) {
  InitAhead(4);
  bool down = true;
  http_.set_responder([&](const SeenRequest&) -> std::optional<HttpResponse> {
    if (down) return FakeHttp::Transport(TransportError::kConnect);
    return FakeHttp::Ok();
  });
  EnqueueLater("b1");
  EnqueueLater("b2");
  EnqueueLater("b3");
  Turn();  // all three go out; all three fail
  for (int i = 0; i < 5; ++i) {
    WaitForRetry();
    Turn();
  }
  size_t while_down = http_.requests().size();
  EXPECT_EQ(3u + 5u, while_down) << "one probe at a time while the endpoint is down";
  down = false;
  RunUntilIdle();
  Strings sent = Sent();
  EXPECT_EQ(3u, acks_.size());
  EXPECT_EQ((Strings{"b1", "b2", "b3"}),
            Strings(sent.end() - 3, sent.end())) << "once back, each batch once more";
}

TEST_F(SenderAheadTest, RefusedEventsOfABatchAcceptedAheadAreKeptOnceInItsTurn) {
  InitAhead(4);
  std::set<std::string> held{"b1"};
  http_.set_responder([&](const SeenRequest& r) -> std::optional<HttpResponse> {
    Strings m = MessagesOf(r.body);
    if (!m.empty() && held.count(m[0]) > 0) return std::nullopt;
    if (!m.empty() && m[0] == "b2-old") {
      return FakeHttp::Ok(R"({"rejectedLogEventsInfo":{"tooOldLogEventEndIndex":0}})");
    }
    return FakeHttp::Ok();
  });
  EnqueueLater("b1");
  clock_.Advance(10);
  uint64_t b2 = Enqueue(0, {"b2-old", "b2-new"});
  for (int i = 0; i < 3; ++i) Turn();
  EXPECT_EQ("", mem_.ReadFile(kRejectedPath)) << "kept when b2's turn comes, not before";
  held.clear();
  RunUntilIdle();
  ASSERT_EQ(2u, acks_.size());
  EXPECT_EQ(b2, acks_[1].batch_id);
  EXPECT_EQ(1u, acks_[1].delivered);
  EXPECT_EQ(1u, acks_[1].rejected);
  std::string kept = mem_.ReadFile(kRejectedPath);
  EXPECT_NE(std::string::npos, kept.find("b2-old"));
  EXPECT_EQ(kept.find("b2-old"), kept.rfind("b2-old")) << "kept once";
  EXPECT_EQ(2u, http_.requests().size());
}

TEST_F(SenderAheadTest, AMissingStreamIsCreatedOnceAndEveryBatchDeliveredOnce) {
  InitAhead(4);
  bool exists = false;
  std::multiset<std::string> accepted;
  http_.set_responder([&](const SeenRequest& r) -> std::optional<HttpResponse> {
    if (r.target == "CreateLogStream") {
      exists = true;
      return FakeHttp::Ok();
    }
    if (r.target != "PutLogEvents") return FakeHttp::Ok();
    if (!exists) {
      return FakeHttp::AwsError(400, "ResourceNotFoundException",
                                "The specified log stream does not exist.");
    }
    for (const std::string& m : MessagesOf(r.body)) accepted.insert(m);
    return FakeHttp::Ok();
  });
  EnqueueLater("b1");
  EnqueueLater("b2");
  EnqueueLater("b3");
  RunUntilIdle();
  EXPECT_EQ((std::multiset<std::string>{"b1", "b2", "b3"}), accepted);
  EXPECT_EQ(1u, http_.requests_for("CreateLogStream").size());
  EXPECT_EQ(3u, acks_.size());
}

TEST_F(SenderAheadTest, AtAStopBatchesAcceptedAheadStayAndThoseStillOutAreTaken) {
  InitAhead(4);
  std::set<std::string> held{"b1", "b3"};
  HoldThose(&held);
  uint64_t b1 = EnqueueLater("b1");
  uint64_t b2 = EnqueueLater("b2");
  uint64_t b3 = EnqueueLater("b3");
  for (int i = 0; i < 3; ++i) Turn();
  ASSERT_EQ(3u, http_.requests().size());
  EXPECT_TRUE(TakeUnheld().empty())
      << "every batch is out or accepted: none may be buffered while running";
  std::vector<Batch> taken =
      TakeUnheld(/*stopping=*/true);
  ASSERT_EQ(2u, taken.size());
  EXPECT_EQ(b1, taken[0].id);
  EXPECT_EQ(b3, taken[1].id);
  // b2 was accepted: it is acknowledged, not buffered to be sent again.
  std::vector<Ack> acks = sender_->TakeAcks();
  ASSERT_EQ(1u, acks.size());
  EXPECT_EQ(b2, acks[0].batch_id);
  EXPECT_EQ(0u, queue_->bytes());
}

TEST_F(SenderAheadTest, ABatchRefusedAheadWaitsForItsTurnInsteadOfGoingAheadAgain) {
  // While the front is slow, a batch refused ahead of its turn must not go
  // out again and again: one request per answer against the endpoint.
  InitAhead(4);
  bool hold_b1 = true;
  http_.set_responder([&](const SeenRequest& r) -> std::optional<HttpResponse> {
    Strings m = MessagesOf(r.body);
    if (!m.empty() && m[0] == "b1" && hold_b1) return std::nullopt;
    if (!m.empty() && m[0] == "b2" && PutsOf("b2") == 1) {
      return FakeHttp::AwsError(400, "ResourceNotFoundException",
                                "The specified log stream does not exist.");
    }
    return FakeHttp::Ok();
  });
  uint64_t b1 = EnqueueLater("b1");
  uint64_t b2 = EnqueueLater("b2");
  for (int i = 0; i < 20; ++i) Turn();
  EXPECT_EQ(1u, PutsOf("b2"));
  hold_b1 = false;
  RunUntilIdle();
  EXPECT_EQ(2u, PutsOf("b2")) << "once ahead, once in its turn";
  EXPECT_EQ((std::vector<uint64_t>{b1, b2}), AckedIds());
}

TEST_F(SenderAheadTest, ABatchRefusedAsInvalidAheadIsSplitInItsTurnOnly) {
  InitAhead(4);
  bool hold_b1 = true;
  http_.set_responder([&](const SeenRequest& r) -> std::optional<HttpResponse> {
    Strings m = MessagesOf(r.body);
    if (!m.empty() && m[0] == "b1" && hold_b1) return std::nullopt;
    if (m.size() == 2) return FakeHttp::AwsError(400, "InvalidParameterException", "bad event");
    return FakeHttp::Ok();
  });
  EnqueueLater("b1");
  clock_.Advance(10);
  Enqueue(0, {"b2", "b2-bis"});
  for (int i = 0; i < 20; ++i) Turn();
  EXPECT_EQ(1u, PutsOf("b2"));
  hold_b1 = false;
  RunUntilIdle();
  EXPECT_EQ(3u, PutsOf("b2")) << "ahead, in its turn, then its first half";
  EXPECT_EQ(2u, acks_.size());
  EXPECT_EQ(3u, sender_->stats().events_delivered);
}

TEST_F(SenderAheadTest, AFrontTakenForTheDiskBufferWhileTheStreamIsCreatedLeavesNoStall) {
  // b1 finds the stream gone after b2, sent ahead, was accepted; creating
  // the stream meets a 503, so the endpoint counts as down and the disk
  // buffer takes b1. b2, accepted, is at the front: acknowledged, not left
  // waiting for a step that is not its own.
  InitAhead(4);
  int create_failures = 1;
  http_.set_responder([&](const SeenRequest& r) -> std::optional<HttpResponse> {
    if (r.target == "CreateLogStream") {
      if (create_failures-- > 0) return FakeHttp::AwsError(503, "ServiceUnavailableException");
      return FakeHttp::Ok();
    }
    Strings m = MessagesOf(r.body);
    if (!m.empty() && m[0] == "b1") {
      return FakeHttp::AwsError(400, "ResourceNotFoundException",
                                "The specified log stream does not exist.");
    }
    return FakeHttp::Ok();
  });
  uint64_t b1 = EnqueueLater("b1");
  uint64_t b2 = EnqueueLater("b2");
  Turn();  // b1 (stream missing) and b2 (accepted, held)
  Turn();  // CreateLogStream: 503
  ASSERT_EQ(1u, http_.requests_for("CreateLogStream").size());
  ASSERT_TRUE(sender_->endpoint_down());
  std::vector<Batch> taken = TakeUnheld();
  ASSERT_EQ(1u, taken.size());
  EXPECT_EQ(b1, taken[0].id);
  int spins = 0;
  Turn();
  for (int i = 0; i < 200 && !sender_->idle(); ++i) {
    Turn();
    auto wake = sender_->NextWakeMs();
    if (http_.in_flight() == 0 && wake && *wake <= clock_.MonotonicMillis()) ++spins;
    WaitForRetry();
  }
  EXPECT_TRUE(sender_->idle()) << "b2 stayed at the front";
  EXPECT_EQ((std::vector<uint64_t>{b2}), AckedIds());
  EXPECT_LT(spins, 5) << "a wake-up in the past with nothing to do";
}

TEST_F(SenderAheadTest, AtAStopABatchFromTheDiskBufferLeavesAndThoseAcceptedBehindItSettle) {
  // Batches from the disk buffer: the first is unanswered at the stop, the
  // two behind it were accepted ahead of their turn. The first leaves (its
  // record stays in the buffer, its request given up); the two are
  // acknowledged, so their records are closed and not sent again at the
  // next start. Kept in the queue, the first held them back for ever.
  InitAhead(4);
  http_.set_responder([&](const SeenRequest& r) -> std::optional<HttpResponse> {
    if (BodyHas(r, "s1")) return std::nullopt;
    return FakeHttp::Ok();
  });
  uint64_t ids[3];
  for (int i = 0; i < 3; ++i) {
    clock_.Advance(1000);  // later events: they may go ahead
    Batch b = MakeBatch(0, {"s" + std::to_string(i + 1)});
    b.in_buffer = true;
    ids[i] = b.id;
    queue_->Push(std::move(b));
  }
  Turn();
  Turn();
  ASSERT_EQ(3u, http_.requests().size());
  ASSERT_TRUE(acks_.empty());
  std::vector<Batch> left = TakeUnheld(/*stopping=*/true);
  ASSERT_EQ(1u, left.size());
  EXPECT_EQ(ids[0], left[0].id);
  for (const Ack& a : sender_->TakeAcks()) acks_.push_back(a);
  EXPECT_EQ((std::vector<uint64_t>{ids[1], ids[2]}), AckedIds());
  EXPECT_TRUE(queue_->empty());
}

}  // namespace
}  // namespace edgelog
