#include "agent/aws/creds/chain.h"

#include <gtest/gtest.h>

#include "agent/aws/creds/sts.h"
#include "tests/support/fake_blocking_http.h"
#include "tests/support/fake_clock.h"
#include "tests/support/mem_env.h"

namespace edgelog {
namespace {

using testing::FakeBlockingHttp;
using testing::FakeClock;
using testing::MemEnv;

class FixedSource : public CredentialSource {
 public:
  FixedSource(std::string name, Status status) : name_(std::move(name)), status_(status) {}
  StatusOr<SourcedCredentials> Fetch() override {
    ++fetches;
    if (!status_.ok()) return status_;
    SourcedCredentials c;
    c.credentials = {"AKIA" + name_, "secret-of-" + name_, ""};
    c.source = name_;
    return c;
  }
  std::string Name() const override { return name_; }
  int fetches = 0;

 private:
  std::string name_;
  Status status_;
};

std::unique_ptr<CredentialSource> Chain(std::vector<FixedSource*>* out,
                                        std::vector<std::pair<std::string, Status>> spec) {
  std::vector<std::unique_ptr<CredentialSource>> sources;
  for (auto& [name, status] : spec) {
    auto s = std::make_unique<FixedSource>(name, status);
    out->push_back(s.get());
    sources.push_back(std::move(s));
  }
  return NewChainSource(std::move(sources));
}

TEST(ChainSourceTest, TheFirstSourceSetUpHereAnswers) {
  std::vector<FixedSource*> s;
  auto chain = Chain(&s, {{"environment", Status::NotFound("not set")},
                          {"shared files", Status::Ok()},
                          {"EC2 instance metadata", Status::Ok()}});
  auto got = chain->Fetch();
  ASSERT_TRUE(got.ok());
  EXPECT_EQ("shared files", got->source);
  EXPECT_EQ(0, s[2]->fetches) << "later sources are not asked";
}

TEST(ChainSourceTest, ASourceSetUpButFailingStopsTheChainWithItsReason) {
  std::vector<FixedSource*> s;
  auto chain = Chain(&s, {{"environment", Status::NotFound("not set")},
                          {"web identity", Status::PermissionDenied("STS refused the token")},
                          {"EC2 instance metadata", Status::Ok()}});
  auto got = chain->Fetch();
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(Code::kPermissionDenied, got.status().code());
  EXPECT_EQ("STS refused the token", got.status().message());
  EXPECT_EQ(0, s[2]->fetches);
}

TEST(ChainSourceTest, NothingSetUpListsWhatWasTried) {
  std::vector<FixedSource*> s;
  auto chain = Chain(&s, {{"environment", Status::NotFound("AWS_ACCESS_KEY_ID is not set")},
                          {"EC2 instance metadata", Status::NotFound("disabled")}});
  auto got = chain->Fetch();
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(Code::kNotFound, got.status().code());
  EXPECT_EQ(
      "no credentials found (tried environment: AWS_ACCESS_KEY_ID is not set; "
      "EC2 instance metadata: disabled)",
      got.status().message());
}

TEST(EnvironmentSourceTest, BothKeysOrNeither) {
  MemEnv env;
  auto source = NewEnvironmentSource(env);
  EXPECT_EQ(Code::kNotFound, source->Fetch().status().code());
  env.SetVar("AWS_ACCESS_KEY_ID", "AKIAEXAMPLE");
  auto half = source->Fetch();
  EXPECT_EQ(Code::kInvalidArgument, half.status().code());
  EXPECT_NE(std::string::npos, half.status().message().find("AWS_SECRET_ACCESS_KEY"));
  env.SetVar("AWS_SECRET_ACCESS_KEY", "wJalrXUtnFEMI");
  env.SetVar("AWS_SESSION_TOKEN", "tok");
  auto got = source->Fetch();
  ASSERT_TRUE(got.ok());
  EXPECT_EQ("AKIAEXAMPLE", got->credentials.access_key_id);
  EXPECT_EQ("tok", got->credentials.session_token);
  EXPECT_EQ(0, got->expires_unix_ms);
  EXPECT_EQ("environment", got->source);
}

constexpr char kAssumed[] =
    "<AssumeRoleResponse><AssumeRoleResult><Credentials>"
    "<AccessKeyId>ASIAROLE</AccessKeyId><SecretAccessKey>role-secret</SecretAccessKey>"
    "<SessionToken>role-token</SessionToken><Expiration>2026-01-15T11:30:00Z</Expiration>"
    "</Credentials></AssumeRoleResult></AssumeRoleResponse>";

TEST(AssumeRoleSourceTest, TheRoleIsAssumedWithWhatTheChainFound) {
  MemEnv env;
  FakeClock clock;
  FakeBlockingHttp http;
  env.SetVar("AWS_ENDPOINT_URL_STS", "http://127.0.0.1:5000");
  http.set_responder([](const BlockingRequest&) { return FakeBlockingHttp::Answer(200, kAssumed); });
  StsClient sts(env, clock, http, "us-east-1");
  auto source = NewAssumeRoleSource(std::make_unique<FixedSource>("environment", Status::Ok()),
                                    sts, "arn:aws:iam::123456789012:role/shipper",
                                    "edgelog-host", "");
  auto got = source->Fetch();
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_EQ("ASIAROLE", got->credentials.access_key_id);
  EXPECT_EQ("role-token", got->credentials.session_token);
  EXPECT_EQ(1768476600000, got->expires_unix_ms);
  EXPECT_EQ("role arn:aws:iam::123456789012:role/shipper assumed with environment", got->source);
  ASSERT_EQ(1u, http.requests().size());
  std::string auth;
  for (const HttpHeader& h : http.requests()[0].headers) {
    if (h.name == "Authorization") auth = h.value;
  }
  EXPECT_NE(std::string::npos, auth.find("Credential=AKIAenvironment/")) << auth;
}

TEST(AssumeRoleSourceTest, NoBaseCredentialsIsAnErrorNotAMissingSource) {
  MemEnv env;
  FakeClock clock;
  FakeBlockingHttp http;
  StsClient sts(env, clock, http, "us-east-1");
  auto source = NewAssumeRoleSource(
      std::make_unique<FixedSource>("default chain", Status::NotFound("no credentials found")),
      sts, "arn:aws:iam::1:role/x", "s", "");
  auto got = source->Fetch();
  EXPECT_EQ(Code::kPermissionDenied, got.status().code());
  EXPECT_TRUE(http.requests().empty());
}

}  // namespace
}  // namespace edgelog
