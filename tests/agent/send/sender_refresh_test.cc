// The sender after an expired session token and after a signature refused
// for its time: both are sent again at once, with new credentials or a
// corrected clock.
#include "agent/send/sender.h"

#include <gtest/gtest.h>

#include <optional>
#include <string>

#include "tests/agent/send/sender_test_fixture.h"

namespace edgelog {
namespace {

using sender_test::kTarget;
using sender_test::SenderTest;
using testing::FakeHttp;
using testing::SeenRequest;

// Hands out numbered session credentials; Invalidate() moves to the next.
class RotatingCredentials : public CredentialsProvider {
 public:
  StatusOr<Credentials> Get() override {
    return Credentials{"ASIAKEY" + std::to_string(generation_), "secret",
                       "token" + std::to_string(generation_)};
  }
  std::string Source() const override { return "test"; }
  void Invalidate() override { ++generation_; }
  int generation_ = 1;
};

class SenderRefreshTest : public SenderTest {
 protected:
  SenderRefreshTest() {
    auto rotating = std::make_unique<RotatingCredentials>();
    rotating_ = rotating.get();
    credentials_ = std::move(rotating);
  }
  RotatingCredentials* rotating_;
};

TEST_F(SenderRefreshTest, AnExpiredTokenRefreshesTheCredentialsAndSendsAgainAtOnce) {
  Init({kTarget});
  http_.set_responder([&](const SeenRequest& r) -> std::optional<HttpResponse> {
    if (r.header("X-Amz-Security-Token") == "token1") {
      return FakeHttp::AwsError(400, "ExpiredTokenException", "The security token expired");
    }
    return FakeHttp::Ok();
  });
  Enqueue(0, {"a"});
  Turn();
  Turn();
  auto puts = http_.requests_for("PutLogEvents");
  ASSERT_EQ(2u, puts.size()) << "sent again without a backoff";
  EXPECT_EQ("token2", puts[1].header("X-Amz-Security-Token"));
  EXPECT_EQ(1u, acks_.size());
  EXPECT_EQ(0, log_.Count(LogLevel::kError, "")) << "nothing to explain";
}

TEST_F(SenderRefreshTest, TokensThatKeepExpiringAreExplainedAndBackedOff) {
  Init({kTarget});
  http_.set_responder([&](const SeenRequest&) -> std::optional<HttpResponse> {
    return FakeHttp::AwsError(400, "ExpiredTokenException", "The security token expired");
  });
  Enqueue(0, {"a"});
  for (int i = 0; i < 5; ++i) Turn();
  EXPECT_EQ(3u, http_.requests_for("PutLogEvents").size()) << "two resends, then backoff";
  EXPECT_GE(log_.Count(LogLevel::kError, "ExpiredTokenException"), 1);
  EXPECT_TRUE(acks_.empty());
}

TEST_F(SenderRefreshTest, ASignatureRefusedForItsTimeIsSignedAgainWithAwsTime) {
  Init({kTarget});
  // AWS is 10 minutes ahead of this host's clock.
  int64_t aws_ms = clock_.NowUnixMillis() + 600000;
  std::time_t aws_s = static_cast<std::time_t>(aws_ms / 1000);
  char date[64];
  std::strftime(date, sizeof(date), "%a, %d %b %Y %H:%M:%S GMT", std::gmtime(&aws_s));
  char stamp[32];
  std::strftime(stamp, sizeof(stamp), "%Y%m%dT%H%M", std::gmtime(&aws_s));
  int puts = 0;
  http_.set_responder([&](const SeenRequest& r) -> std::optional<HttpResponse> {
    ++puts;
    HttpResponse answer = r.header("X-Amz-Date").rfind(stamp, 0) == 0
                              ? FakeHttp::Ok()
                              : FakeHttp::AwsError(400, "InvalidSignatureException",
                                                   "Signature expired: is now earlier than");
    answer.date = date;
    return answer;
  });
  Enqueue(0, {"a"});
  Turn();
  Turn();
  ASSERT_EQ(2, puts);
  EXPECT_EQ(1u, acks_.size()) << "the second request carried AWS's time";
  EXPECT_EQ(1, log_.Count(LogLevel::kWarning, "10 min"));
  // Later requests are signed with AWS's time from the start.
  Enqueue(0, {"b"});
  Turn();
  EXPECT_EQ(3, puts);
  EXPECT_EQ(2u, acks_.size());
  EXPECT_EQ(1, log_.Count(LogLevel::kWarning, "10 min")) << "said once";
}

}  // namespace
}  // namespace edgelog
