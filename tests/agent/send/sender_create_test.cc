#include "agent/send/sender.h"

#include <gtest/gtest.h>

#include <map>
#include <optional>
#include <string>

#include "tests/agent/send/sender_test_fixture.h"

namespace edgelog {
namespace {

using sender_test::kTarget;
using sender_test::SenderTest;
using sender_test::Strings;
using testing::FakeHttp;
using testing::SeenRequest;

Strings Targets(const FakeHttp& http) {
  Strings out;
  for (const SeenRequest& r : http.requests()) out.push_back(r.target);
  return out;
}

// ---------------------------------------------------------------------------
// Creating what is missing

TEST_F(SenderTest, AMissingStreamIsCreatedThenTheBatchReplayed) {
  Init({kTarget});
  int puts = 0;
  http_.set_responder([&](const SeenRequest& r) -> std::optional<HttpResponse> {
    if (r.target == "PutLogEvents" && puts++ == 0) {
      return FakeHttp::AwsError(400, "ResourceNotFoundException",
                                "The specified log stream does not exist.");
    }
    return FakeHttp::Ok();
  });
  uint64_t id = Enqueue(0, {"a", "b"});
  RunUntilIdle();
  EXPECT_EQ((Strings{"PutLogEvents", "CreateLogStream", "PutLogEvents"}), Targets(http_));
  const SeenRequest& create = http_.requests()[1];
  EXPECT_EQ(R"({"logGroupName":"/app/group","logStreamName":"host-1"})", create.body);
  EXPECT_EQ("", create.header("Content-Encoding"));
  EXPECT_EQ(http_.requests()[0].body, http_.requests()[2].body) << "the same batch replayed";
  ASSERT_EQ(1u, acks_.size());
  EXPECT_EQ(id, acks_[0].batch_id);
  EXPECT_EQ(2u, acks_[0].delivered);
  EXPECT_EQ(1u, sender_->stats().streams_created);
}

TEST_F(SenderTest, AMissingGroupIsCreatedWithItsRetentionThenTheStream) {
  LogStreamTarget target{"/app/group", "host-1", 14, "INFREQUENT_ACCESS"};
  Init({target});
  std::map<std::string, int> calls;
  http_.set_responder([&](const SeenRequest& r) -> std::optional<HttpResponse> {
    int n = calls[r.target]++;
    if (r.target == "PutLogEvents" && n == 0) {
      return FakeHttp::AwsError(400, "ResourceNotFoundException", "no stream");
    }
    if (r.target == "CreateLogStream" && n == 0) {
      return FakeHttp::AwsError(400, "ResourceNotFoundException",
                                "The specified log group does not exist.");
    }
    return FakeHttp::Ok();
  });
  Enqueue(0, {"a"});
  RunUntilIdle();
  EXPECT_EQ((Strings{"PutLogEvents", "CreateLogStream", "CreateLogGroup",
                     "PutRetentionPolicy", "CreateLogStream", "PutLogEvents"}),
            Targets(http_));
  auto groups = http_.requests_for("CreateLogGroup");
  ASSERT_EQ(1u, groups.size());
  EXPECT_EQ(R"({"logGroupName":"/app/group","logGroupClass":"INFREQUENT_ACCESS"})",
            groups[0].body);
  auto retention = http_.requests_for("PutRetentionPolicy");
  ASSERT_EQ(1u, retention.size());
  EXPECT_EQ(R"({"logGroupName":"/app/group","retentionInDays":14})", retention[0].body);
  EXPECT_EQ(1u, acks_.size());
  EXPECT_EQ(1u, sender_->stats().groups_created);
  EXPECT_EQ(1u, sender_->stats().streams_created);
}

// A create CloudWatch refuses for good (a name it does not accept, and the
// other final refusals) cannot succeed by retrying: the batch is refused
// with the reason, kept in the rejected file like events CloudWatch
// refuses in a put, and the stream goes on. (The CloudWatch agent's
// internal/pusher/target.go gives up on such a create too, rather than
// hold its queue.) Retried, --once would never end.
TEST_F(SenderTest, AStreamCloudWatchRefusesToCreateRejectsTheBatchWithTheCause) {
  for (const char* code : {"InvalidParameterException", "InvalidOperationException"}) {
    SCOPED_TRACE(code);
    http_ = FakeHttp();
    acks_.clear();
    Init({kTarget});
    http_.set_responder([&](const SeenRequest& r) -> std::optional<HttpResponse> {
      if (r.target == "PutLogEvents") {
        return FakeHttp::AwsError(400, "ResourceNotFoundException", "no stream");
      }
      return FakeHttp::AwsError(400, code, "1 validation error detected");
    });
    Enqueue(0, {"a", "b"});
    RunUntilIdle(200);
    EXPECT_FALSE(sender_->failed());
    EXPECT_EQ((Strings{"PutLogEvents", "CreateLogStream"}), Targets(http_)) << "not retried";
    ASSERT_EQ(1u, acks_.size());
    EXPECT_EQ(0u, acks_[0].delivered);
    EXPECT_EQ(2u, acks_[0].rejected);
    ASSERT_EQ(1u, acks_[0].refused.size());
    const std::string& reason = acks_[0].refused[0].reason;
    EXPECT_NE(std::string::npos, reason.find("/app/group / host-1")) << reason;
    EXPECT_NE(std::string::npos, reason.find(code)) << reason;
    EXPECT_NE(std::string::npos, reason.find("CreateLogStream")) << reason;
    EXPECT_EQ(2u, sender_->stats().events_rejected);
  }
}

TEST_F(SenderTest, AGroupCloudWatchRefusesToCreateRejectsTheBatchAndTheNextIsTriedAgain) {
  Init({kTarget});
  std::map<std::string, int> calls;
  http_.set_responder([&](const SeenRequest& r) -> std::optional<HttpResponse> {
    ++calls[r.target];
    if (r.target == "CreateLogGroup") {
      return FakeHttp::AwsError(400, "InvalidParameterException",
                                "1 validation error detected: Value at 'logGroupName' failed "
                                "to satisfy constraint");
    }
    return FakeHttp::AwsError(400, "ResourceNotFoundException", "does not exist");
  });
  Enqueue(0, {"a"});
  RunUntilIdle(200);
  ASSERT_EQ(1u, acks_.size());
  EXPECT_EQ(1u, acks_[0].rejected);
  ASSERT_EQ(1u, acks_[0].refused.size());
  EXPECT_NE(std::string::npos, acks_[0].refused[0].reason.find("CreateLogGroup"))
      << acks_[0].refused[0].reason;
  EXPECT_EQ(1, calls["CreateLogGroup"]);
  EXPECT_EQ(0u, sender_->stats().groups_created);
  // A later batch tries again from the put: the group may have been made
  // meanwhile, or the refusal may have been about this request alone.
  Enqueue(0, {"b"});
  RunUntilIdle(200);
  EXPECT_EQ(2, calls["CreateLogGroup"]);
  EXPECT_EQ(2u, acks_.size());
}

TEST_F(SenderTest, NoRetentionPolicyIsSetWithoutRetentionInDays) {
  for (int retention : {0, -1}) {
    SCOPED_TRACE("retention_in_days " + std::to_string(retention));
    http_ = FakeHttp();
    acks_.clear();
    Init({LogStreamTarget{"/app/group", "host-1", retention, ""}});
    std::map<std::string, int> calls;
    http_.set_responder([&](const SeenRequest& r) -> std::optional<HttpResponse> {
      int n = calls[r.target]++;
      if ((r.target == "PutLogEvents" || r.target == "CreateLogStream") && n == 0) {
        return FakeHttp::AwsError(400, "ResourceNotFoundException", "missing");
      }
      return FakeHttp::Ok();
    });
    Enqueue(0, {"a"});
    RunUntilIdle();
    EXPECT_EQ((Strings{"PutLogEvents", "CreateLogStream", "CreateLogGroup",
                       "CreateLogStream", "PutLogEvents"}),
              Targets(http_));
    EXPECT_EQ(1u, acks_.size());
  }
}

TEST_F(SenderTest, AnExistingStreamCountsAsCreated) {
  Init({kTarget});
  int puts = 0;
  http_.set_responder([&](const SeenRequest& r) -> std::optional<HttpResponse> {
    if (r.target == "PutLogEvents" && puts++ == 0) {
      return FakeHttp::AwsError(400, "ResourceNotFoundException", "missing");
    }
    if (r.target == "CreateLogStream") {
      return FakeHttp::AwsError(400, "ResourceAlreadyExistsException", "exists");
    }
    return FakeHttp::Ok();
  });
  Enqueue(0, {"a"});
  RunUntilIdle();
  EXPECT_EQ((Strings{"PutLogEvents", "CreateLogStream", "PutLogEvents"}), Targets(http_));
  EXPECT_EQ(1u, acks_.size());
  EXPECT_EQ(0u, sender_->stats().streams_created) << "someone else created it";
}

TEST_F(SenderTest, AGroupCreatedMeanwhileHasItsRetentionComparedThenTheStreamFollows) {
  // The agent's target.go: a group that already existed goes to
  // DescribeLogGroups, and PutRetentionPolicy when its retention differs.
  Init({LogStreamTarget{"/app/group", "host-1", 30, ""}});
  std::map<std::string, int> calls;
  http_.set_responder([&](const SeenRequest& r) -> std::optional<HttpResponse> {
    int n = calls[r.target]++;
    if ((r.target == "PutLogEvents" || r.target == "CreateLogStream") && n == 0) {
      return FakeHttp::AwsError(400, "ResourceNotFoundException", "missing");
    }
    if (r.target == "CreateLogGroup") {
      return FakeHttp::AwsError(400, "ResourceAlreadyExistsException", "exists");
    }
    if (r.target == "DescribeLogGroups") {
      return FakeHttp::Ok(R"({"logGroups":[{"logGroupName":"/app/group","retentionInDays":7}]})");
    }
    return FakeHttp::Ok();
  });
  Enqueue(0, {"a"});
  RunUntilIdle();
  EXPECT_EQ((Strings{"PutLogEvents", "CreateLogStream", "CreateLogGroup", "DescribeLogGroups",
                     "PutRetentionPolicy", "CreateLogStream", "PutLogEvents"}),
            Targets(http_));
  auto retention = http_.requests_for("PutRetentionPolicy");
  ASSERT_EQ(1u, retention.size());
  EXPECT_EQ(R"({"logGroupName":"/app/group","retentionInDays":30})", retention[0].body);
  EXPECT_EQ(1u, acks_.size());
  EXPECT_EQ(0u, sender_->stats().groups_created) << "someone else created it";
}

TEST_F(SenderTest, ARefusedRetentionPolicyDoesNotStopDelivery) {
  Init({LogStreamTarget{"/app/group", "host-1", 13, ""}});
  std::map<std::string, int> calls;
  http_.set_responder([&](const SeenRequest& r) -> std::optional<HttpResponse> {
    int n = calls[r.target]++;
    if ((r.target == "PutLogEvents" || r.target == "CreateLogStream") && n == 0) {
      return FakeHttp::AwsError(400, "ResourceNotFoundException", "missing");
    }
    if (r.target == "PutRetentionPolicy") {
      return FakeHttp::AwsError(400, "InvalidParameterException", "13 is not a valid value");
    }
    return FakeHttp::Ok();
  });
  Enqueue(0, {"a"});
  RunUntilIdle();
  EXPECT_EQ(1u, acks_.size());
  EXPECT_EQ(1, calls["PutRetentionPolicy"]);
  EXPECT_GE(log_.Count(LogLevel::kError, "retention"), 1);
}

}  // namespace
}  // namespace edgelog
