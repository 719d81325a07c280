#include "agent/aws/creds/web_identity.h"

#include <gtest/gtest.h>
#include <strings.h>

#include <string>

#include "tests/support/fake_blocking_http.h"
#include "tests/support/fake_clock.h"
#include "tests/support/mem_env.h"

namespace edgelog {
namespace {

using testing::FakeBlockingHttp;
using testing::FakeClock;
using testing::MemEnv;

constexpr char kRole[] = "arn:aws:iam::123456789012:role/irsa";
constexpr char kTokenFile[] = "/var/run/secrets/eks.amazonaws.com/serviceaccount/token";
constexpr char kJwt[] = "eyJhbGciOiJSUzI1NiJ9.webIdentityDoNotPrint.c2lnbmF0dXJl";
constexpr char kSecret[] = "webSecretKeyDoNotPrint0123456789abcdefghi";

bool Contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

std::string Answer() {
  return std::string(
             "<AssumeRoleWithWebIdentityResponse><AssumeRoleWithWebIdentityResult><Credentials>"
             "<AccessKeyId>ASIAWEB</AccessKeyId><SecretAccessKey>") +
         kSecret +
         "</SecretAccessKey><SessionToken>tok</SessionToken>"
         "<Expiration>2026-01-15T11:30:00Z</Expiration></Credentials>"
         "</AssumeRoleWithWebIdentityResult></AssumeRoleWithWebIdentityResponse>";
}

class WebIdentityTest : public ::testing::Test {
 protected:
  WebIdentityTest() : sts_(env_, clock_, http_, "eu-west-1") {
    http_.set_responder(
        [](const BlockingRequest&) { return FakeBlockingHttp::Answer(200, Answer()); });
  }
  void SetUpIrsa() {
    env_.SetVar("AWS_ROLE_ARN", kRole);
    env_.SetVar("AWS_WEB_IDENTITY_TOKEN_FILE", kTokenFile);
    env_.WriteFile(kTokenFile, std::string(kJwt) + "\n");
  }
  StatusOr<SourcedCredentials> Fetch() { return NewWebIdentitySource(env_, sts_)->Fetch(); }

  MemEnv env_;
  FakeClock clock_;
  FakeBlockingHttp http_;
  StsClient sts_;
};

TEST_F(WebIdentityTest, IsNotFoundWithoutATokenFile) {
  auto c = Fetch();
  EXPECT_EQ(Code::kNotFound, c.status().code());
  EXPECT_TRUE(Contains(c.status().message(), "AWS_WEB_IDENTITY_TOKEN_FILE"));
  EXPECT_EQ("web identity", NewWebIdentitySource(env_, sts_)->Name());
}

TEST_F(WebIdentityTest, ARoleWithoutATokenFileNamesTheMissingVariable) {
  env_.SetVar("AWS_ROLE_ARN", kRole);
  auto c = Fetch();
  EXPECT_EQ(Code::kNotFound, c.status().code());
  EXPECT_TRUE(Contains(c.status().message(), "AWS_WEB_IDENTITY_TOKEN_FILE is not set"));
  EXPECT_TRUE(Contains(c.status().message(), "AWS_ROLE_ARN"));
  EXPECT_TRUE(http_.requests().empty());
}

TEST_F(WebIdentityTest, ATokenFileWithoutARoleIsAnErrorNamingAwsRoleArn) {
  env_.SetVar("AWS_WEB_IDENTITY_TOKEN_FILE", kTokenFile);
  env_.WriteFile(kTokenFile, kJwt);
  auto c = Fetch();
  EXPECT_EQ(Code::kInvalidArgument, c.status().code());
  EXPECT_TRUE(Contains(c.status().message(), "AWS_ROLE_ARN"));
  EXPECT_TRUE(http_.requests().empty());
}

TEST_F(WebIdentityTest, AssumesTheRoleUnsignedWithTheTokenAndTheHostSessionName) {
  SetUpIrsa();
  env_.set_host_name("node-7");
  auto c = Fetch();
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ("ASIAWEB", c->credentials.access_key_id);
  EXPECT_EQ(kSecret, c->credentials.secret_access_key);
  EXPECT_EQ(clock_.NowUnixMillis() + 3600 * 1000, c->expires_unix_ms);
  EXPECT_EQ("web identity for arn:aws:iam::123456789012:role/irsa", c->source);
  ASSERT_EQ(1u, http_.requests().size());
  const BlockingRequest& r = http_.requests()[0];
  EXPECT_FALSE(FakeBlockingHttp::HasHeader(r, "Authorization"));
  EXPECT_TRUE(Contains(r.body, "Action=AssumeRoleWithWebIdentity&"));
  EXPECT_TRUE(Contains(r.body, "&RoleSessionName=edgelog-node-7&"));
  EXPECT_TRUE(Contains(r.body, std::string("&WebIdentityToken=") + kJwt)) << r.body;
  EXPECT_FALSE(Contains(r.body, "%0A"));  // the file's newline is not part of the token
}

TEST_F(WebIdentityTest, TheSessionNameVariableIsHonoured) {
  SetUpIrsa();
  env_.SetVar("AWS_ROLE_SESSION_NAME", "my-session");
  ASSERT_TRUE(Fetch().ok());
  EXPECT_TRUE(Contains(http_.requests()[0].body, "&RoleSessionName=my-session&"));
}

TEST_F(WebIdentityTest, TheTokenFileIsReadOnEveryFetch) {
  SetUpIrsa();
  auto source = NewWebIdentitySource(env_, sts_);
  ASSERT_TRUE(source->Fetch().ok());
  env_.WriteFile(kTokenFile, "rotated.jwt.token");
  ASSERT_TRUE(source->Fetch().ok());
  EXPECT_TRUE(Contains(http_.requests()[0].body, kJwt));
  EXPECT_TRUE(Contains(http_.requests()[1].body, "WebIdentityToken=rotated.jwt.token"));
}

TEST_F(WebIdentityTest, AMissingTokenFileIsAnErrorNamingTheFile) {
  SetUpIrsa();
  ASSERT_TRUE(env_.Remove(kTokenFile).ok());
  auto c = Fetch();
  ASSERT_FALSE(c.ok());
  EXPECT_NE(Code::kNotFound, c.status().code());  // set up but failing: the chain stops
  EXPECT_TRUE(Contains(c.status().message(), kTokenFile));
  EXPECT_TRUE(Contains(c.status().message(), "AWS_WEB_IDENTITY_TOKEN_FILE"));
  EXPECT_TRUE(http_.requests().empty());
}

TEST_F(WebIdentityTest, AnEmptyTokenFileIsAnErrorNamingTheFile) {
  SetUpIrsa();
  env_.WriteFile(kTokenFile, "\n");
  auto c = Fetch();
  EXPECT_EQ(Code::kInvalidArgument, c.status().code());
  EXPECT_EQ(std::string("the web identity token file ") + kTokenFile +
                " (AWS_WEB_IDENTITY_TOKEN_FILE) is empty",
            c.status().message());
  EXPECT_TRUE(http_.requests().empty());
}

TEST_F(WebIdentityTest, AnStsRefusalIsPermissionDeniedAndNeverShowsTheToken) {
  SetUpIrsa();
  http_.set_responder([](const BlockingRequest&) {
    return FakeBlockingHttp::Answer(
        400, std::string("<ErrorResponse><Error><Code>InvalidIdentityToken</Code><Message>"
                         "Token ") +
                 kJwt + " has expired</Message></Error></ErrorResponse>");
  });
  auto c = Fetch();
  EXPECT_EQ(Code::kPermissionDenied, c.status().code());
  EXPECT_TRUE(Contains(c.status().message(), "AssumeRoleWithWebIdentity"));
  EXPECT_TRUE(Contains(c.status().message(), "InvalidIdentityToken"));
  EXPECT_FALSE(Contains(c.status().message(), kJwt)) << c.status().message();
  EXPECT_FALSE(Contains(c.status().message(), kSecret));
}

}  // namespace
}  // namespace edgelog
