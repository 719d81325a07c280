#include "agent/send/sender.h"

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

#include "tests/agent/send/sender_test_fixture.h"

namespace edgelog {
namespace {

using sender_test::BodyHas;
using sender_test::kRejectedPath;
using sender_test::kTarget;
using sender_test::SenderTest;
using sender_test::Strings;
using testing::FakeHttp;
using testing::SeenRequest;

HttpResponse MotoSignatureMismatch() {
  HttpResponse r;
  r.status = 403;
  r.body =
      "<ErrorResponse><Error><Code>SignatureDoesNotMatch</Code><Message>The request "
      "signature we calculated does not match the signature you provided.</Message>"
      "</Error></ErrorResponse>";
  return r;
}

// ---------------------------------------------------------------------------
// Transient failures

struct TransientCase {
  const char* name;
  HttpResponse response;
};

class SenderTransientTest : public SenderTest,
                            public ::testing::WithParamInterface<TransientCase> {};

TEST_P(SenderTransientTest, BacksOffAndDeliversTheBatchOnceItSucceeds) {
  SenderOptions options;
  options.backoff = BackoffPolicy{1000, 1000};
  Init({kTarget}, options);
  int puts = 0;
  http_.set_responder([&](const SeenRequest&) -> std::optional<HttpResponse> {
    return puts++ < 2 ? GetParam().response : FakeHttp::Ok();
  });
  uint64_t id = Enqueue(0, {"a", "b"});

  for (int failure = 1; failure <= 2; ++failure) {
    SCOPED_TRACE("after failure " + std::to_string(failure));
    Turn();
    ASSERT_EQ(failure, puts);
    EXPECT_TRUE(acks_.empty());
    auto wake = sender_->NextWakeMs();
    ASSERT_TRUE(wake.has_value());
    int64_t now = clock_.MonotonicMillis();
    ASSERT_GT(*wake, now) << "no backoff";
    EXPECT_LE(*wake, now + 1000);
    clock_.Advance(*wake - now - 1);
    Turn();
    Turn();
    EXPECT_EQ(failure, puts) << "retried before the backoff ended";
    clock_.Advance(1);
  }
  Turn();
  EXPECT_EQ(3, puts);
  ASSERT_EQ(1u, acks_.size());
  EXPECT_EQ(id, acks_[0].batch_id);
  EXPECT_EQ(2u, acks_[0].delivered);
  EXPECT_EQ(2u, sender_->stats().retries);
  EXPECT_EQ(0u, sender_->stats().events_rejected);
  EXPECT_FALSE(mem_.Exists(kRejectedPath));
  // All three attempts carried the same body.
  auto puts_seen = http_.requests_for("PutLogEvents");
  ASSERT_EQ(3u, puts_seen.size());
  EXPECT_EQ(puts_seen[0].body, puts_seen[2].body);
}

HttpResponse WithStatus(int status) {
  HttpResponse r;
  r.status = status;
  return r;
}

// A 200 that did not come from CloudWatch Logs: it must not count as
// delivered.
HttpResponse NotFromAws(const std::string& body, const std::string& request_id = "") {
  HttpResponse r = FakeHttp::Ok(body);
  r.request_id = request_id;
  return r;
}

INSTANTIATE_TEST_SUITE_P(
    Failures, SenderTransientTest,
    ::testing::Values(
        TransientCase{"Throttling", FakeHttp::AwsError(400, "ThrottlingException", "Rate exceeded")},
        TransientCase{"ServiceUnavailable",
                      FakeHttp::AwsError(503, "ServiceUnavailableException", "")},
        TransientCase{"Bare503", WithStatus(503)},
        TransientCase{"Bare500", WithStatus(500)},
        TransientCase{"ConnectionRefused", FakeHttp::Transport(TransportError::kConnect)},
        TransientCase{"ConnectionReset", FakeHttp::Transport(TransportError::kConnection)},
        TransientCase{"Timeout", FakeHttp::Transport(TransportError::kTimeout)},
        TransientCase{"CaptivePortal", NotFromAws("<html>Sign in to the network</html>")},
        TransientCase{"EmptyJsonWithoutRequestId", NotFromAws("{}")},
        TransientCase{"HtmlWithARequestId", NotFromAws("<html>ok</html>", "r-1")}),
    [](const ::testing::TestParamInfo<TransientCase>& info) { return info.param.name; });

// ---------------------------------------------------------------------------
// Streams and order under retries

TEST_F(SenderTest, AFailingStreamDoesNotHoldBackAnother) {
  Init({{"g", "broken", 0, ""}, {"g", "fine", 0, ""}});
  http_.set_responder([&](const SeenRequest& r) -> std::optional<HttpResponse> {
    if (BodyHas(r, "to broken")) {
      return FakeHttp::AwsError(503, "ServiceUnavailableException", "");
    }
    return FakeHttp::Ok();
  });
  Enqueue(0, {"to broken"});
  uint64_t fine = Enqueue(1, {"to fine"});
  for (int i = 0; i < 5; ++i) {
    Turn();
    WaitForRetry();
  }
  ASSERT_EQ(1u, acks_.size());
  EXPECT_EQ(fine, acks_[0].batch_id);
}

TEST_F(SenderTest, OrderOfBatchesInAStreamIsKeptAcrossRetries) {
  Init({kTarget});
  int b2_failures = 0;
  http_.set_responder([&](const SeenRequest& r) -> std::optional<HttpResponse> {
    if (BodyHas(r, "b2") && b2_failures < 3) {
      ++b2_failures;
      return b2_failures == 2 ? FakeHttp::Transport(TransportError::kConnection)
                              : FakeHttp::AwsError(400, "ThrottlingException", "");
    }
    return FakeHttp::Ok();
  });
  uint64_t id1 = Enqueue(0, {"b1"});
  uint64_t id2 = Enqueue(0, {"b2"});
  uint64_t id3 = Enqueue(0, {"b3"});
  RunUntilIdle();
  EXPECT_EQ((std::vector<Strings>{{"b1"}, {"b2"}, {"b2"}, {"b2"}, {"b2"}, {"b3"}}),
            PutMessages());
  ASSERT_EQ(3u, acks_.size());
  EXPECT_EQ(id1, acks_[0].batch_id);
  EXPECT_EQ(id2, acks_[1].batch_id);
  EXPECT_EQ(id3, acks_[2].batch_id);
}

TEST_F(SenderTest, WithAStallGiveUpTimeAStreamWithoutProgressFails) {
  SenderOptions options;
  options.stall_give_up_ms = 5000;
  Init({kTarget}, options);
  http_.set_responder([](const SeenRequest&) -> std::optional<HttpResponse> {
    return FakeHttp::AwsError(503, "ServiceUnavailableException", "down");
  });
  Enqueue(0, {"a"});
  int64_t start = clock_.MonotonicMillis();
  RunUntilIdle();
  ASSERT_TRUE(sender_->failed());
  EXPECT_GE(clock_.MonotonicMillis() - start, 5000);
  EXPECT_NE(std::string::npos, sender_->failure().find("ServiceUnavailableException"));
  EXPECT_TRUE(acks_.empty());
}

// ---------------------------------------------------------------------------
// Refused credentials

TEST_F(SenderTest, RefusedCredentialsFailAfterTheAuthGiveUpTimeAndNotBefore) {
  SenderOptions options;
  options.auth_give_up_ms = 10000;
  Init({kTarget}, options);
  http_.set_responder(
      [](const SeenRequest&) -> std::optional<HttpResponse> { return MotoSignatureMismatch(); });
  Enqueue(0, {"a"});
  int64_t start = clock_.MonotonicMillis();
  int64_t failed_after = -1;
  for (int i = 0; i < 10000 && clock_.MonotonicMillis() - start < 3600 * 1000; ++i) {
    Turn();
    if (sender_->failed()) {
      failed_after = clock_.MonotonicMillis() - start;
      break;
    }
    WaitForRetry();
  }
  ASSERT_GE(failed_after, 0) << "never gave up";
  EXPECT_GE(failed_after, 10000) << "gave up before auth_give_up_ms";
  EXPECT_LE(failed_after, 10000 + BackoffPolicy().cap_ms) << "gave up long after";
  EXPECT_GT(http_.requests().size(), 2u) << "retried in between";
  EXPECT_NE(std::string::npos, sender_->failure().find("signature or credentials"))
      << sender_->failure();
  EXPECT_NE(std::string::npos, sender_->failure().find("SignatureDoesNotMatch"));
  EXPECT_TRUE(acks_.empty());
  size_t requests = http_.requests().size();
  Turn();
  EXPECT_EQ(requests, http_.requests().size()) << "a failed sender sends nothing more";
}

TEST_F(SenderTest, AccessDeniedNamesTheMissingPermissionNotTheSecret) {
  Init({kTarget});
  http_.set_responder([&](const SeenRequest&) -> std::optional<HttpResponse> {
    return FakeHttp::AwsError(400, "AccessDeniedException",
                              "User is not authorized to perform: logs:PutLogEvents");
  });
  Enqueue(0, {"a"});
  Turn();
  EXPECT_EQ(1, log_.Count(LogLevel::kError, "grant them logs:CreateLogGroup"));
  EXPECT_EQ(0, log_.Count(LogLevel::kError, "check the access key"));
  EXPECT_TRUE(acks_.empty());
}

TEST_F(SenderTest, WithoutAGiveUpTimeRefusedCredentialsAreRetriedUntilAccepted) {
  Init({kTarget});
  bool refuse = true;
  http_.set_responder([&](const SeenRequest&) -> std::optional<HttpResponse> {
    if (refuse) return FakeHttp::AwsError(400, "UnrecognizedClientException", "bad token");
    return FakeHttp::Ok();
  });
  Enqueue(0, {"a"});
  int64_t start = clock_.MonotonicMillis();
  while (clock_.MonotonicMillis() - start < 3600 * 1000) {
    Turn();
    ASSERT_FALSE(sender_->failed());
    WaitForRetry();
  }
  EXPECT_GT(http_.requests().size(), 10u);
  EXPECT_TRUE(acks_.empty());
  EXPECT_EQ(1, log_.Count(LogLevel::kError, "signature or credentials"))
      << "the refusal is explained once, not on every retry";
  refuse = false;
  RunUntilIdle();
  EXPECT_EQ(1u, acks_.size());
}

TEST_F(SenderTest, WithoutCredentialsNothingIsSentUntilTheyAppear) {
  mem_.UnsetVar("AWS_ACCESS_KEY_ID");
  mem_.UnsetVar("AWS_SECRET_ACCESS_KEY");
  Init({kTarget});
  Enqueue(0, {"a"});
  for (int i = 0; i < 5; ++i) {
    Turn();
    WaitForRetry();
  }
  EXPECT_TRUE(http_.requests().empty());
  EXPECT_GE(log_.Count(LogLevel::kError, "AWS_ACCESS_KEY_ID"), 1);
  mem_.SetVar("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE");
  mem_.SetVar("AWS_SECRET_ACCESS_KEY", "secret");
  RunUntilIdle();
  EXPECT_EQ(1u, acks_.size());
}

}  // namespace
}  // namespace edgelog
