#include "agent/cli/aws_setup.h"

#include <gtest/gtest.h>

#include <ctime>

#include "tests/support/fake_blocking_http.h"
#include "tests/support/fake_clock.h"
#include "tests/support/mem_env.h"

namespace edgelog {
namespace {

using testing::FakeBlockingHttp;
using testing::FakeClock;
using testing::MemEnv;

// An instance metadata service on a loopback address that knows `values`
// (paths under /latest/), IMDSv2 style.
class AwsSetupTest : public ::testing::Test {
 protected:
  AwsSetupTest() {
    env_.SetVar("AWS_EC2_METADATA_SERVICE_ENDPOINT", "http://127.0.0.1:1338");
    env_.SetVar("HOME", "/home/op");
    http_.set_responder([this](const BlockingRequest& r) {
      if (r.method == "PUT") return FakeBlockingHttp::Answer(200, "token");
      std::string prefix = "http://127.0.0.1:1338/latest/";
      if (!on_ec2_) return FakeBlockingHttp::Failure(TransportError::kConnect, "refused");
      auto it = values_.find(r.url.substr(prefix.size()));
      return it == values_.end() ? FakeBlockingHttp::Answer(404, "")
                                 : FakeBlockingHttp::Answer(200, it->second);
    });
  }
  MemEnv env_;
  FakeClock clock_;
  FakeBlockingHttp http_;
  bool on_ec2_ = true;
  std::map<std::string, std::string> values_ = {
      {"meta-data/placement/region", "eu-west-3"},
      {"meta-data/instance-id", "i-0abc"},
      {"meta-data/hostname", "ip-10-0-0-7.eu-west-3.compute.internal"},
      {"meta-data/local-ipv4", "10.0.0.7"},
      {"dynamic/instance-identity/document",
       R"({"accountId": "123456789012", "region": "eu-west-3"})"}};
  // 2026-12-07 12:00 UTC: noon is the same date in every time zone but
  // the farthest, and the date is built from it in local time.
  int64_t now_ = 1796644800;
};

TEST_F(AwsSetupTest, TheRegionComesFromConfigThenEnvironmentThenProfileThenTheInstance) {
  ImdsClient imds(env_, clock_, http_);
  auto r = ResolveRegionChain("", env_, imds);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ("eu-west-3", r->name);
  EXPECT_EQ("instance metadata", r->source);
  env_.WriteFile("/home/op/.aws/config", "[default]\nregion = ap-south-1\n");
  EXPECT_EQ("ap-south-1", ResolveRegionChain("", env_, imds)->name);
  EXPECT_EQ("profile", ResolveRegionChain("", env_, imds)->source);
  env_.SetVar("AWS_DEFAULT_REGION", "us-west-1");
  EXPECT_EQ("us-west-1", ResolveRegionChain("", env_, imds)->name);
  env_.SetVar("AWS_REGION", "us-east-2");
  EXPECT_EQ("us-east-2", ResolveRegionChain("", env_, imds)->name);
  EXPECT_EQ("AWS_REGION", ResolveRegionChain("", env_, imds)->source);
  EXPECT_EQ("sa-east-1", ResolveRegionChain("sa-east-1", env_, imds)->name);
}

// The region becomes part of the endpoint's host name: from wherever it
// comes, it must be a region's name.
TEST_F(AwsSetupTest, ARegionThatIsNoRegionNameIsRefusedNamingItsSource) {
  ImdsClient imds(env_, clock_, http_);
  env_.SetVar("AWS_REGION", "x.attacker.example/#");
  auto r = ResolveRegionChain("", env_, imds);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(std::string::npos, r.status().message().find("AWS_REGION")) << r.status().message();
  env_.SetVar("AWS_REGION", "");
  env_.WriteFile("/home/op/.aws/config", "[default]\nregion = us-east-1.evil\n");
  EXPECT_FALSE(ResolveRegionChain("", env_, imds).ok());
  env_.WriteFile("/home/op/.aws/config", "[default]\n");
  values_["meta-data/placement/region"] = "eu-west-3 ";
  EXPECT_FALSE(ResolveRegionChain("", env_, imds).ok());
  values_["meta-data/placement/region"] = "eu-west-3";
  EXPECT_EQ("eu-west-3", ResolveRegionChain("", env_, imds)->name);
}

TEST_F(AwsSetupTest, NoRegionAnywhereSaysWhereItLooked) {
  on_ec2_ = false;
  ImdsClient imds(env_, clock_, http_);
  auto r = ResolveRegionChain("", env_, imds);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(std::string::npos, r.status().message().find("set agent.region"));
  env_.SetVar("AWS_EC2_METADATA_DISABLED", "true");
  ImdsClient disabled(env_, clock_, http_);
  size_t asked = http_.requests().size();
  EXPECT_FALSE(ResolveRegionChain("", env_, disabled).ok());
  EXPECT_EQ(asked, http_.requests().size()) << "disabled means not asked";
}

TEST_F(AwsSetupTest, OnEc2ThePlaceholdersComeFromTheInstance) {
  ImdsClient imds(env_, clock_, http_);
  HostFacts facts = GatherHostFacts(env_, imds, http_, /*ask_imds=*/true, now_);
  EXPECT_EQ("i-0abc", facts.instance_id);
  EXPECT_EQ("ip-10-0-0-7.eu-west-3.compute.internal", facts.hostname);
  EXPECT_EQ("10.0.0.7", facts.ip_address);
  EXPECT_EQ(env_.HostName(), facts.local_hostname);
}

TEST_F(AwsSetupTest, OffEc2OrNotAskedThePlaceholdersAreTheHostsOwn) {
  on_ec2_ = false;
  ImdsClient imds(env_, clock_, http_);
  HostFacts facts = GatherHostFacts(env_, imds, http_, /*ask_imds=*/true, now_);
  EXPECT_EQ(env_.HostName(), facts.instance_id);
  EXPECT_EQ(env_.HostName(), facts.hostname);
  EXPECT_FALSE(facts.metadata_silent.empty()) << "asked, and it did not answer";
  on_ec2_ = true;
  size_t asked = http_.requests().size();
  facts = GatherHostFacts(env_, imds, http_, /*ask_imds=*/false, now_);
  EXPECT_EQ(env_.HostName(), facts.instance_id);
  EXPECT_EQ(asked, http_.requests().size());
}

// The agent fills {account_id} from the instance identity document.
TEST_F(AwsSetupTest, OnEc2TheAccountComesFromTheIdentityDocument) {
  ImdsClient imds(env_, clock_, http_);
  HostFacts facts = GatherHostFacts(env_, imds, http_, /*ask_imds=*/true, now_);
  EXPECT_TRUE(facts.on_ec2);
  EXPECT_EQ("123456789012", facts.account_id);
  on_ec2_ = false;
  facts = GatherHostFacts(env_, imds, http_, /*ask_imds=*/true, now_);
  EXPECT_FALSE(facts.on_ec2);
  EXPECT_EQ("", facts.account_id) << "off EC2 the loader puts UNKNOWN-ACCOUNT, as the agent";
}

// {date} is the local date when the config is read (the agent's
// time.Now().Format("2006-01-02")).
TEST_F(AwsSetupTest, TheDateIsTodayInLocalTime) {
  ImdsClient imds(env_, clock_, http_);
  HostFacts facts = GatherHostFacts(env_, imds, http_, /*ask_imds=*/false, now_);
  time_t t = static_cast<time_t>(now_);
  struct tm local = {};
  localtime_r(&t, &local);
  char expected[16];
  std::strftime(expected, sizeof(expected), "%Y-%m-%d", &local);
  EXPECT_EQ(expected, facts.date);
  EXPECT_EQ(10u, facts.date.size());
}

// ${VAR} reads the environment edgelog was given.
TEST_F(AwsSetupTest, TheEnvironmentIsThereForVariables) {
  ImdsClient imds(env_, clock_, http_);
  env_.SetVar("STREAM", "s-1");
  HostFacts facts = GatherHostFacts(env_, imds, http_, /*ask_imds=*/false, now_);
  ASSERT_TRUE(facts.getenv);
  EXPECT_EQ("s-1", facts.getenv("STREAM").value_or("?"));
  EXPECT_FALSE(facts.getenv("NOT_SET").has_value());
}

// The agent's logs/ruleLogStreamName.go: in its container (RUN_IN_CONTAINER)
// the default stream is POD_NAME, else HOST_NAME, else the host name; on a
// host it is {instance_id}.
TEST_F(AwsSetupTest, TheDefaultStreamFollowsTheAgentsContainerRule) {
  ImdsClient imds(env_, clock_, http_);
  EXPECT_EQ("{instance_id}", GatherHostFacts(env_, imds, http_, false, now_).default_stream);
  env_.SetVar("RUN_IN_CONTAINER", "True");
  EXPECT_EQ(env_.HostName(), GatherHostFacts(env_, imds, http_, false, now_).default_stream);
  env_.SetVar("HOST_NAME", "node-3");
  EXPECT_EQ("node-3", GatherHostFacts(env_, imds, http_, false, now_).default_stream);
  env_.SetVar("POD_NAME", "web-7f9c");
  EXPECT_EQ("web-7f9c", GatherHostFacts(env_, imds, http_, false, now_).default_stream);
  env_.SetVar("RUN_IN_CONTAINER", "");
  EXPECT_EQ("{instance_id}", GatherHostFacts(env_, imds, http_, false, now_).default_stream);
}

// The agent's util/ecsutil: on ECS (its container, a task metadata URL in
// the environment) the stream is the task's ARN with ':' made '_'.
TEST_F(AwsSetupTest, OnEcsTheDefaultStreamIsTheTaskArn) {
  ImdsClient imds(env_, clock_, http_);
  env_.SetVar("RUN_IN_CONTAINER", "True");
  env_.SetVar("POD_NAME", "web-7f9c");
  env_.SetVar("ECS_CONTAINER_METADATA_URI_V4", "http://127.0.0.1:1338/v4/abc");
  http_.set_responder([](const BlockingRequest& r) {
    if (r.url != "http://127.0.0.1:1338/v4/abc/task") return FakeBlockingHttp::Answer(404, "");
    return FakeBlockingHttp::Answer(
        200, R"({"Cluster": "arn:aws:ecs:eu-west-3:123456789012:cluster/c1",
                 "TaskARN": "arn:aws:ecs:eu-west-3:123456789012:task/c1/0f9e"})");
  });
  EXPECT_EQ("arn_aws_ecs_eu-west-3_123456789012_task/c1/0f9e",
            GatherHostFacts(env_, imds, http_, false, now_).default_stream);
  http_.set_responder([](const BlockingRequest&) {
    return FakeBlockingHttp::Failure(TransportError::kConnect, "refused");
  });
  EXPECT_EQ("web-7f9c", GatherHostFacts(env_, imds, http_, false, now_).default_stream)
      << "no answer: the pod's name";
}

}  // namespace
}  // namespace edgelog
