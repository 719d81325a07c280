// Sender: the retention of every configured group checked at start, apart
// from the batches, as the CloudWatch agent's pusher does when it starts
// (NewPusher -> targetManager.PutRetentionPolicy -> DescribeLogGroups, then
// PutRetentionPolicy where it differs). Also what a restart with a new
// retention_in_days does: the check runs again and sets the new value.
#include "agent/send/sender.h"

#include <gtest/gtest.h>

#include <map>
#include <optional>
#include <string>

#include "tests/agent/send/sender_test_fixture.h"

namespace edgelog {
namespace {

using sender_test::SenderTest;
using sender_test::Strings;
using testing::FakeHttp;
using testing::SeenRequest;

// A CloudWatch with groups of given retentions (0: never expires).
class Groups {
 public:
  explicit Groups(std::map<std::string, int> retention) : retention_(std::move(retention)) {}
  std::optional<HttpResponse> operator()(const SeenRequest& r) {
    if (r.target == "DescribeLogGroups") {
      std::string out = R"({"logGroups":[)";
      for (const auto& [name, days] : retention_) {
        if (r.body.find("\"" + name + "\"") == std::string::npos) continue;
        out += R"({"logGroupName":")" + name + "\"";
        if (days > 0) out += ",\"retentionInDays\":" + std::to_string(days);
        out += "}";
      }
      return FakeHttp::Ok(out + "]}");
    }
    if (r.target == "PutRetentionPolicy") {
      for (auto& [name, days] : retention_) {
        std::string prefix = R"({"logGroupName":")" + name + R"(","retentionInDays":)";
        if (r.body.rfind(prefix, 0) == 0) days = std::stoi(r.body.substr(prefix.size()));
      }
    }
    return FakeHttp::Ok();
  }
  std::map<std::string, int> retention_;
};

SenderOptions Checking(std::vector<LogGroupSettings> groups) {
  SenderOptions options;
  options.check_groups = std::move(groups);
  return options;
}

TEST_F(SenderTest, AnExistingGroupWithOtherRetentionIsSetAtStart) {
  Groups cloud({{"/app/a", 1}});
  http_.set_responder([&](const SeenRequest& r) { return cloud(r); });
  Init({LogStreamTarget{"/app/a", "s", 7, ""}}, Checking({{"/app/a", 7, ""}}));
  RunUntilIdle();
  ASSERT_EQ(2u, http_.requests().size());
  EXPECT_EQ("DescribeLogGroups", http_.requests()[0].target);
  EXPECT_EQ(R"({"logGroupNamePrefix":"/app/a","limit":1})", http_.requests()[0].body);
  EXPECT_EQ("PutRetentionPolicy", http_.requests()[1].target);
  EXPECT_EQ(R"({"logGroupName":"/app/a","retentionInDays":7})", http_.requests()[1].body);
  EXPECT_EQ(7, cloud.retention_["/app/a"]);
  EXPECT_EQ(1u, sender_->stats().retentions_set);
  EXPECT_GE(log_.Count(LogLevel::kInfo, "set the retention of log group /app/a to 7 days"), 1);
}

TEST_F(SenderTest, AGroupWithTheSameRetentionIsLeftAlone) {
  Groups cloud({{"/app/a", 7}});
  http_.set_responder([&](const SeenRequest& r) { return cloud(r); });
  Init({LogStreamTarget{"/app/a", "s", 7, ""}}, Checking({{"/app/a", 7, ""}}));
  RunUntilIdle();
  EXPECT_EQ(1u, http_.requests().size());
  EXPECT_TRUE(http_.requests_for("PutRetentionPolicy").empty());
}

TEST_F(SenderTest, NoRetentionConfiguredMeansNoCheckAtStart) {
  Init({LogStreamTarget{"/app/a", "s", -1, ""}},
       Checking({{"/app/a", -1, ""}, {"/app/b", 0, "INFREQUENT_ACCESS"}}));
  RunUntilIdle();
  EXPECT_TRUE(http_.requests().empty());
}

TEST_F(SenderTest, ARestartWithAnotherRetentionSetsTheNewOne) {
  Groups cloud({{"/app/a", 1}});
  http_.set_responder([&](const SeenRequest& r) { return cloud(r); });
  Init({LogStreamTarget{"/app/a", "s", 7, ""}}, Checking({{"/app/a", 7, ""}}));
  RunUntilIdle();
  EXPECT_EQ(7, cloud.retention_["/app/a"]);
  Init({LogStreamTarget{"/app/a", "s", 14, ""}}, Checking({{"/app/a", 14, ""}}));  // new config
  RunUntilIdle();
  EXPECT_EQ(14, cloud.retention_["/app/a"]);
  EXPECT_EQ(2u, http_.requests_for("PutRetentionPolicy").size());
}

TEST_F(SenderTest, EachGroupIsCheckedOnceHoweverManyStreamsItHas) {
  Groups cloud({{"/app/a", 3}, {"/app/b", 0}});
  http_.set_responder([&](const SeenRequest& r) { return cloud(r); });
  Init({LogStreamTarget{"/app/a", "s1", 5, ""}, LogStreamTarget{"/app/a", "s2", 5, ""},
        LogStreamTarget{"/app/b", "s", 30, ""}},
       Checking({{"/app/a", 5, ""}, {"/app/a", 5, ""}, {"/app/b", 30, ""}}));
  RunUntilIdle();
  EXPECT_EQ(2u, http_.requests_for("DescribeLogGroups").size());
  EXPECT_EQ(5, cloud.retention_["/app/a"]);
  EXPECT_EQ(30, cloud.retention_["/app/b"]);
}

TEST_F(SenderTest, ARefusedCheckIsLoggedAndDeliveryGoesOn) {
  http_.set_responder([&](const SeenRequest& r) -> std::optional<HttpResponse> {
    if (r.target == "DescribeLogGroups") {
      return FakeHttp::AwsError(400, "AccessDeniedException", "not authorized to describe");
    }
    return FakeHttp::Ok();
  });
  Init({LogStreamTarget{"/app/a", "s", 7, ""}}, Checking({{"/app/a", 7, ""}}));
  Enqueue(0, {"a"});
  RunUntilIdle();
  EXPECT_EQ(1u, acks_.size()) << "the batch is delivered whatever the check says";
  EXPECT_EQ(static_cast<size_t>(GroupSetup::kMaxRetentionAttempts),
            http_.requests_for("DescribeLogGroups").size());
  EXPECT_EQ(1, log_.Count(LogLevel::kError, "could not read the retention of log group /app/a"));
  EXPECT_TRUE(sender_->idle());
}

TEST_F(SenderTest, ACheckThrottledIsRetriedAfterABackoff) {
  int describes = 0;
  Groups cloud({{"/app/a", 1}});
  http_.set_responder([&](const SeenRequest& r) -> std::optional<HttpResponse> {
    if (r.target == "DescribeLogGroups" && describes++ == 0) {
      return FakeHttp::AwsError(400, "ThrottlingException", "Rate exceeded");
    }
    return cloud(r);
  });
  Init({LogStreamTarget{"/app/a", "s", 7, ""}}, Checking({{"/app/a", 7, ""}}));
  sender_->Pump();
  for (const HttpResponse& r : http_.Poll()) sender_->OnResponse(r);
  EXPECT_FALSE(sender_->idle()) << "a check waiting for its retry";
  ASSERT_TRUE(sender_->NextWakeMs().has_value());
  RunUntilIdle();
  EXPECT_EQ(7, cloud.retention_["/app/a"]);
}

}  // namespace
}  // namespace edgelog
