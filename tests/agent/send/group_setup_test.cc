// GroupSetup: the requests that bring a log group to its class and
// retention, as the CloudWatch agent's internal/pusher/target.go makes them
// (createLogGroup with LogGroupClass; DescribeLogGroups, then
// PutRetentionPolicy only when the retention differs; a retention <= 0
// left alone; numBackoffRetries attempts, then an error logged).
#include "agent/send/group_setup.h"

#include <gtest/gtest.h>

#include <string>

namespace edgelog {
namespace {

const Classification kOk{Verdict::kOk, "", ""};
const Classification kExists{Verdict::kExists, "ResourceAlreadyExistsException", "exists"};
const Classification kThrottled{Verdict::kRetry, "ThrottlingException", "Rate exceeded"};
const Classification kDenied{Verdict::kAuth, "AccessDeniedException", "not authorized"};
const Classification kInvalid{Verdict::kInvalid, "InvalidParameterException", "13 days"};

std::string Listed(const std::string& name, const std::string& retention_field) {
  return R"({"logGroups":[{"logGroupName":")" + name + "\"" + retention_field + "}]}";
}

TEST(GroupSetupTest, DescribeBodyAsksForTheGroupByPrefixAndOneResult) {
  EXPECT_EQ(R"({"logGroupNamePrefix":"/app/x","limit":1})", DescribeLogGroupBody("/app/x"));
}

TEST(GroupSetupTest, RetentionIsReadFromTheGroupOfThatExactName) {
  auto r = RetentionInAnswer(Listed("/app/x", R"(,"retentionInDays":14)"), "/app/x");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(std::optional<int>(14), *r);
}

TEST(GroupSetupTest, AGroupWithoutRetentionInDaysNeverExpires) {
  auto r = RetentionInAnswer(Listed("/app/x", ""), "/app/x");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(std::optional<int>(0), *r);
}

TEST(GroupSetupTest, AGroupOnlySharingThePrefixIsNotTheGroup) {
  auto r = RetentionInAnswer(Listed("/app/x-other", R"(,"retentionInDays":3)"), "/app/x");
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE(r->has_value());
  auto none = RetentionInAnswer(R"({"logGroups":[]})", "/app/x");
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(none->has_value());
}

TEST(GroupSetupTest, AnAnswerThatIsNoGroupListIsAnError) {
  EXPECT_FALSE(RetentionInAnswer("{}", "/app/x").ok());
  EXPECT_FALSE(RetentionInAnswer("<html>", "/app/x").ok());
  EXPECT_FALSE(RetentionInAnswer(Listed("/app/x", R"(,"retentionInDays":"7")"), "/app/x").ok());
}

TEST(GroupSetupTest, AnExistingGroupWithOtherRetentionGetsPutRetentionPolicy) {
  GroupSetup g({"/app/x", 7, ""}, GroupSetup::Start::kCheck);
  ASSERT_FALSE(g.done());
  EXPECT_EQ(LogsOperation::kDescribeLogGroups, g.operation());
  EXPECT_EQ(GroupSetup::Next::kNow, g.OnAnswer(kOk, Listed("/app/x", R"(,"retentionInDays":1)")));
  EXPECT_EQ(LogsOperation::kPutRetentionPolicy, g.operation());
  EXPECT_EQ(R"({"logGroupName":"/app/x","retentionInDays":7})", g.Body());
  EXPECT_EQ(GroupSetup::Next::kDone, g.OnAnswer(kOk, "{}"));
  EXPECT_TRUE(g.retention_set());
  EXPECT_EQ("", g.problem());
}

TEST(GroupSetupTest, AnExistingGroupThatNeverExpiresGetsItsRetention) {
  GroupSetup g({"/app/x", 7, ""}, GroupSetup::Start::kCheck);
  EXPECT_EQ(GroupSetup::Next::kNow, g.OnAnswer(kOk, Listed("/app/x", "")));
  EXPECT_EQ(LogsOperation::kPutRetentionPolicy, g.operation());
}

TEST(GroupSetupTest, TheSameRetentionNeedsNoPutRetentionPolicy) {
  GroupSetup g({"/app/x", 7, ""}, GroupSetup::Start::kCheck);
  EXPECT_EQ(GroupSetup::Next::kDone, g.OnAnswer(kOk, Listed("/app/x", R"(,"retentionInDays":7)")));
  EXPECT_FALSE(g.retention_set());
  EXPECT_EQ("", g.problem());
}

TEST(GroupSetupTest, NoRetentionConfiguredMeansNoRequestAtAll) {
  for (int days : {-1, 0}) {
    GroupSetup g({"/app/x", days, ""}, GroupSetup::Start::kCheck);
    EXPECT_TRUE(g.done()) << days;
  }
}

TEST(GroupSetupTest, AMissingGroupIsLeftForItsCreationOnFirstWrite) {
  GroupSetup g({"/app/x", 7, ""}, GroupSetup::Start::kCheck);
  EXPECT_EQ(GroupSetup::Next::kDone, g.OnAnswer(kOk, R"({"logGroups":[]})"));
  EXPECT_FALSE(g.retention_set());
  EXPECT_EQ("", g.problem());
}

TEST(GroupSetupTest, TheClassIsSentOnCreateThenTheRetention) {
  GroupSetup g({"/app/x", 14, "INFREQUENT_ACCESS"}, GroupSetup::Start::kCreate);
  EXPECT_EQ(LogsOperation::kCreateLogGroup, g.operation());
  EXPECT_EQ(R"({"logGroupName":"/app/x","logGroupClass":"INFREQUENT_ACCESS"})", g.Body());
  EXPECT_EQ(GroupSetup::Next::kNow, g.OnAnswer(kOk, "{}"));
  EXPECT_TRUE(g.created());
  EXPECT_EQ(LogsOperation::kPutRetentionPolicy, g.operation());
  EXPECT_EQ(GroupSetup::Next::kDone, g.OnAnswer(kOk, "{}"));
  EXPECT_TRUE(g.retention_set());
}

TEST(GroupSetupTest, WithoutAClassNoneIsSent) {
  GroupSetup g({"/app/x", -1, ""}, GroupSetup::Start::kCreate);
  EXPECT_EQ(R"({"logGroupName":"/app/x"})", g.Body());
  EXPECT_EQ(GroupSetup::Next::kDone, g.OnAnswer(kOk, "{}"));
}

TEST(GroupSetupTest, AGroupCreatedMeanwhileIsCheckedNotSetBlindly) {
  GroupSetup g({"/app/x", 14, ""}, GroupSetup::Start::kCreate);
  EXPECT_EQ(GroupSetup::Next::kNow, g.OnAnswer(kExists, ""));
  EXPECT_FALSE(g.created());
  EXPECT_EQ(LogsOperation::kDescribeLogGroups, g.operation());
}

TEST(GroupSetupTest, ACreationThatFailsIsTriedAgainByTheCaller) {
  GroupSetup g({"/app/x", 14, ""}, GroupSetup::Start::kCreate);
  for (int i = 0; i < 10; ++i) EXPECT_EQ(GroupSetup::Next::kRetry, g.OnAnswer(kDenied, ""));
  EXPECT_EQ(LogsOperation::kCreateLogGroup, g.operation());
}

TEST(GroupSetupTest, ThrottlingIsRetriedFiveTimesThenNamedAsTheProblem) {
  GroupSetup g({"/app/x", 7, ""}, GroupSetup::Start::kCheck);
  for (int i = 1; i < GroupSetup::kMaxRetentionAttempts; ++i) {
    EXPECT_EQ(GroupSetup::Next::kRetry, g.OnAnswer(kThrottled, "")) << i;
  }
  EXPECT_EQ(GroupSetup::Next::kDone, g.OnAnswer(kThrottled, ""));
  EXPECT_NE(std::string::npos, g.problem().find("/app/x")) << g.problem();
  EXPECT_NE(std::string::npos, g.problem().find("DescribeLogGroups")) << g.problem();
  EXPECT_NE(std::string::npos, g.problem().find("ThrottlingException")) << g.problem();
}

TEST(GroupSetupTest, ARefusedPutRetentionPolicyNamesTheGroupTheDaysAndThePermission) {
  GroupSetup g({"/app/x", 7, ""}, GroupSetup::Start::kCheck);
  g.OnAnswer(kOk, Listed("/app/x", R"(,"retentionInDays":1)"));
  GroupSetup::Next next = GroupSetup::Next::kRetry;
  for (int i = 0; i < GroupSetup::kMaxRetentionAttempts && next == GroupSetup::Next::kRetry; ++i) {
    next = g.OnAnswer(kDenied, "");
  }
  EXPECT_EQ(GroupSetup::Next::kDone, next);
  EXPECT_FALSE(g.retention_set());
  EXPECT_NE(std::string::npos, g.problem().find("retention of log group /app/x to 7 days"))
      << g.problem();
  EXPECT_NE(std::string::npos, g.problem().find("PutRetentionPolicy")) << g.problem();
  EXPECT_NE(std::string::npos, g.problem().find("logs:PutRetentionPolicy")) << g.problem();
}

TEST(GroupSetupTest, AnInvalidRetentionIsNotTriedAgain) {
  GroupSetup g({"/app/x", 13, ""}, GroupSetup::Start::kCreate);
  g.OnAnswer(kOk, "{}");
  EXPECT_EQ(GroupSetup::Next::kDone, g.OnAnswer(kInvalid, ""));
  EXPECT_NE(std::string::npos, g.problem().find("InvalidParameterException")) << g.problem();
}

TEST(GroupSetupTest, AnUnreadableDescribeAnswerIsNamedAsTheProblem) {
  GroupSetup g({"/app/x", 7, ""}, GroupSetup::Start::kCheck);
  EXPECT_EQ(GroupSetup::Next::kDone, g.OnAnswer(kOk, "not json"));
  EXPECT_NE(std::string::npos, g.problem().find("could not read the retention of log group /app/x"))
      << g.problem();
}

}  // namespace
}  // namespace edgelog
