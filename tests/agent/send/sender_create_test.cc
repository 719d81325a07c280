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

TEST_F(SenderTest, AnExistingGroupCountsAsCreatedAndTheStreamFollows) {
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
    return FakeHttp::Ok();
  });
  Enqueue(0, {"a"});
  RunUntilIdle();
  EXPECT_EQ((Strings{"PutLogEvents", "CreateLogStream", "CreateLogGroup", "CreateLogStream",
                     "PutLogEvents"}),
            Targets(http_))
      << "a group created by someone else keeps its retention";
  EXPECT_EQ(1u, acks_.size());
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
