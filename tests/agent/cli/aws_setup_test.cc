#include "agent/cli/aws_setup.h"

#include <gtest/gtest.h>

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
      {"meta-data/local-ipv4", "10.0.0.7"}};
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
  HostFacts facts = GatherHostFacts(env_, imds, /*ask_imds=*/true);
  EXPECT_EQ("i-0abc", facts.instance_id);
  EXPECT_EQ("ip-10-0-0-7.eu-west-3.compute.internal", facts.hostname);
  EXPECT_EQ("10.0.0.7", facts.ip_address);
  EXPECT_EQ(env_.HostName(), facts.local_hostname);
}

TEST_F(AwsSetupTest, OffEc2OrNotAskedThePlaceholdersAreTheHostsOwn) {
  on_ec2_ = false;
  ImdsClient imds(env_, clock_, http_);
  HostFacts facts = GatherHostFacts(env_, imds, /*ask_imds=*/true);
  EXPECT_EQ(env_.HostName(), facts.instance_id);
  EXPECT_EQ(env_.HostName(), facts.hostname);
  on_ec2_ = true;
  size_t asked = http_.requests().size();
  facts = GatherHostFacts(env_, imds, /*ask_imds=*/false);
  EXPECT_EQ(env_.HostName(), facts.instance_id);
  EXPECT_EQ(asked, http_.requests().size());
}

TEST_F(AwsSetupTest, OnlyInstancePlaceholdersAreWorthAskingFor) {
  env_.WriteFile("/etc/a.json", R"({"logs":{"log_stream_name":"{instance_id}"}})");
  env_.WriteFile("/etc/b.json", R"({"logs":{"log_stream_name":"{local_hostname}"}})");
  EXPECT_TRUE(ConfigUsesInstancePlaceholders(env_, "/etc/a.json"));
  EXPECT_FALSE(ConfigUsesInstancePlaceholders(env_, "/etc/b.json"));
  EXPECT_FALSE(ConfigUsesInstancePlaceholders(env_, "/etc/missing.json"));
}

}  // namespace
}  // namespace edgelog
