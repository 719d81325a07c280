// NewEcsSource (declared in imds.h): the ECS / container credential endpoint.
#include <gtest/gtest.h>
#include <strings.h>

#include <string>
#include <vector>

#include "agent/aws/creds/ecs.h"
#include "tests/support/fake_blocking_http.h"
#include "tests/support/mem_env.h"

namespace edgelog {
namespace {

using testing::FakeBlockingHttp;
using testing::MemEnv;

constexpr char kSecret[] = "ecsSecretKeyDoNotPrint0123456789abcdefghi";
constexpr char kSessionToken[] = "ecsSessionTokenDoNotPrint//IQoJb3JpZ2lu";
constexpr char kAuthToken[] = "ecsAuthorizationTokenDoNotPrint-5f2a";

bool Contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

std::string Document() {
  return std::string("{\"AccessKeyId\":\"ASIAECS\",\"SecretAccessKey\":\"") + kSecret +
         "\",\"Token\":\"" + kSessionToken +
         "\",\"Expiration\":\"2026-01-15T16:30:00Z\",\"RoleArn\":\"arn:aws:iam::1:role/task\"}";
}

class EcsSourceTest : public ::testing::Test {
 protected:
  EcsSourceTest() {
    http_.set_responder(
        [](const BlockingRequest&) { return FakeBlockingHttp::Answer(200, Document()); });
  }
  void ExpectNoSecret(const Status& s) {
    for (const char* secret : {kSecret, kSessionToken, kAuthToken}) {
      EXPECT_FALSE(Contains(s.message(), secret)) << s.message();
    }
  }
  StatusOr<SourcedCredentials> Fetch() { return NewEcsSource(env_, http_)->Fetch(); }

  MemEnv env_;
  FakeBlockingHttp http_;
};

TEST_F(EcsSourceTest, IsNotFoundWithoutEitherUriVariable) {
  auto c = Fetch();
  EXPECT_EQ(Code::kNotFound, c.status().code());
  EXPECT_TRUE(Contains(c.status().message(), "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"));
  EXPECT_TRUE(Contains(c.status().message(), "AWS_CONTAINER_CREDENTIALS_FULL_URI"));
  EXPECT_TRUE(http_.requests().empty());
}

TEST_F(EcsSourceTest, TheRelativeUriGoesToTheEcsAgentDirectly) {
  env_.SetVar("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "/v2/credentials/6a3c");
  auto source = NewEcsSource(env_, http_);
  EXPECT_EQ("ECS", source->Name());
  auto c = source->Fetch();
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  ASSERT_EQ(1u, http_.requests().size());
  const BlockingRequest& r = http_.requests()[0];
  EXPECT_EQ("GET", r.method);
  EXPECT_EQ("http://169.254.170.2/v2/credentials/6a3c", r.url);
  EXPECT_TRUE(r.direct);
  EXPECT_FALSE(FakeBlockingHttp::HasHeader(r, "Authorization"));
  EXPECT_EQ("ASIAECS", c->credentials.access_key_id);
  EXPECT_EQ(kSecret, c->credentials.secret_access_key);
  EXPECT_EQ(kSessionToken, c->credentials.session_token);
  EXPECT_EQ(1768473000000 + 6 * 3600 * 1000, c->expires_unix_ms);
  EXPECT_EQ("ECS container credentials", c->source);
}

TEST_F(EcsSourceTest, TheRelativeUriComesBeforeTheFullOne) {
  env_.SetVar("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "v2/credentials/6a3c");
  env_.SetVar("AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://127.0.0.1:9000/creds");
  ASSERT_TRUE(Fetch().ok());
  EXPECT_EQ("http://169.254.170.2/v2/credentials/6a3c", http_.requests()[0].url);
}

TEST_F(EcsSourceTest, TheFullUriCarriesTheTokenVariable) {
  env_.SetVar("AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://127.0.0.1:9000/creds");
  env_.SetVar("AWS_CONTAINER_AUTHORIZATION_TOKEN", kAuthToken);
  ASSERT_TRUE(Fetch().ok());
  const BlockingRequest& r = http_.requests()[0];
  EXPECT_EQ("http://127.0.0.1:9000/creds", r.url);
  EXPECT_EQ(kAuthToken, FakeBlockingHttp::Header(r, "Authorization"));
  EXPECT_TRUE(r.direct);
}

TEST_F(EcsSourceTest, TheTokenFileIsReadOnEveryFetchAndWinsOverTheVariable) {
  env_.SetVar("AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://169.254.170.23/v1/credentials");
  env_.SetVar("AWS_CONTAINER_AUTHORIZATION_TOKEN", "from-variable");
  env_.SetVar("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", "/var/run/secrets/pod-identity/token");
  env_.WriteFile("/var/run/secrets/pod-identity/token", "token-one\n");
  auto source = NewEcsSource(env_, http_);
  ASSERT_TRUE(source->Fetch().ok());
  env_.WriteFile("/var/run/secrets/pod-identity/token", "token-two");
  ASSERT_TRUE(source->Fetch().ok());
  ASSERT_EQ(2u, http_.requests().size());
  EXPECT_EQ("token-one", FakeBlockingHttp::Header(http_.requests()[0], "Authorization"));
  EXPECT_EQ("token-two", FakeBlockingHttp::Header(http_.requests()[1], "Authorization"));
}

TEST_F(EcsSourceTest, AMissingOrEmptyTokenFileIsAnErrorNamingIt) {
  env_.SetVar("AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://127.0.0.1:9000/creds");
  env_.SetVar("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", "/run/token");
  auto c = Fetch();
  ASSERT_FALSE(c.ok());
  EXPECT_NE(Code::kNotFound, c.status().code());  // set up but failing: the chain stops
  EXPECT_TRUE(Contains(c.status().message(), "/run/token"));
  EXPECT_TRUE(Contains(c.status().message(), "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE"));

  env_.WriteFile("/run/token", " \n");
  c = Fetch();
  EXPECT_EQ(Code::kInvalidArgument, c.status().code());
  EXPECT_TRUE(Contains(c.status().message(), "/run/token"));
  EXPECT_TRUE(Contains(c.status().message(), "empty"));
  EXPECT_TRUE(http_.requests().empty());
}

TEST_F(EcsSourceTest, ATokenWithALineBreakIsRefusedWithoutQuotingIt) {
  env_.SetVar("AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://127.0.0.1:9000/creds");
  env_.SetVar("AWS_CONTAINER_AUTHORIZATION_TOKEN", std::string(kAuthToken) + "\r\nX-Evil: 1");
  auto c = Fetch();
  EXPECT_EQ(Code::kInvalidArgument, c.status().code());
  EXPECT_TRUE(Contains(c.status().message(), "line break"));
  ExpectNoSecret(c.status());
  EXPECT_TRUE(http_.requests().empty());
}

TEST_F(EcsSourceTest, PlainHttpFullUrisMustBeLoopbackOrAContainerAgent) {
  for (const char* allowed :
       {"http://127.0.0.1:51679/creds", "http://127.1.2.3/", "http://localhost:8080/creds",
        "http://LOCALHOST/creds", "http://[::1]:80/creds", "http://169.254.170.2/v2/creds",
        "http://169.254.170.23/v1/credentials", "http://[fd00:ec2::23]/v1/credentials",
        "https://creds.example.com/role", "HTTPS://10.0.0.1:8443/x"}) {
    MemEnv env;
    env.SetVar("AWS_CONTAINER_CREDENTIALS_FULL_URI", allowed);
    auto c = NewEcsSource(env, http_)->Fetch();
    EXPECT_TRUE(c.ok()) << allowed << ": " << c.status().ToString();
  }
  size_t requests = http_.requests().size();
  for (const char* refused :
       {"http://example.com/creds", "http://10.0.0.1/creds", "http://128.0.0.1/",
        "http://127.0.0.1.example.com/", "http://127.0.0.256/", "http://127.0.0/",
        "http://user@127.0.0.1/", "http://169.254.169.254/latest", "ftp://127.0.0.1/",
        "127.0.0.1:9000/creds", "http:///creds", "http://[::2]/"}) {
    MemEnv env;
    env.SetVar("AWS_CONTAINER_CREDENTIALS_FULL_URI", refused);
    auto c = NewEcsSource(env, http_)->Fetch();
    ASSERT_FALSE(c.ok()) << refused;
    EXPECT_EQ(Code::kInvalidArgument, c.status().code()) << refused;
    EXPECT_TRUE(Contains(c.status().message(), "AWS_CONTAINER_CREDENTIALS_FULL_URI"))
        << c.status().message();
  }
  EXPECT_EQ(requests, http_.requests().size());
}

TEST_F(EcsSourceTest, ARefusalGivesTheStatusAndTheEndpointsMessage) {
  env_.SetVar("AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://127.0.0.1:9000/creds");
  env_.SetVar("AWS_CONTAINER_AUTHORIZATION_TOKEN", kAuthToken);
  http_.set_responder([](const BlockingRequest&) {
    return FakeBlockingHttp::Answer(
        403, "{\"code\":\"AccessDenied\",\"message\":\"the token is not valid\"}");
  });
  auto c = Fetch();
  EXPECT_EQ(Code::kPermissionDenied, c.status().code());
  EXPECT_EQ(
      "the ECS credential endpoint http://127.0.0.1:9000 (AWS_CONTAINER_CREDENTIALS_FULL_URI) "
      "answered HTTP 403: the token is not valid",
      c.status().message());
  EXPECT_EQ(1u, http_.requests().size());  // a refusal is not retried
}

TEST_F(EcsSourceTest, ErrorsAreClassifiedByStatus) {
  env_.SetVar("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "/v2/credentials/6a3c");
  http_.set_responder(
      [](const BlockingRequest&) { return FakeBlockingHttp::Answer(400, "bad request"); });
  auto c = Fetch();
  EXPECT_EQ(Code::kInvalidArgument, c.status().code());
  EXPECT_TRUE(Contains(c.status().message(), "HTTP 400: bad request"));
  EXPECT_FALSE(Contains(c.status().message(), "6a3c"));  // the path is not shown

  http_.set_responder(
      [](const BlockingRequest&) { return FakeBlockingHttp::Answer(500, "oops"); });
  size_t before = http_.requests().size();
  c = Fetch();
  EXPECT_EQ(Code::kUnavailable, c.status().code());
  EXPECT_EQ(before + 2, http_.requests().size());  // one retry
}

TEST_F(EcsSourceTest, NoAnswerIsRetriedOnceThenUnavailable) {
  env_.SetVar("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "/v2/credentials/6a3c");
  http_.set_responder([](const BlockingRequest&) {
    return FakeBlockingHttp::Failure(TransportError::kConnect, "Connection refused");
  });
  auto c = Fetch();
  EXPECT_EQ(Code::kUnavailable, c.status().code());
  EXPECT_TRUE(Contains(c.status().message(), "http://169.254.170.2"));
  EXPECT_TRUE(Contains(c.status().message(), "Connection refused"));
  EXPECT_EQ(2u, http_.requests().size());

  int calls = 0;
  http_.set_responder([&](const BlockingRequest&) {
    return ++calls == 1 ? FakeBlockingHttp::Failure(TransportError::kTimeout)
                        : FakeBlockingHttp::Answer(200, Document());
  });
  EXPECT_TRUE(Fetch().ok());
}

TEST_F(EcsSourceTest, NoMessageEverShowsASecret) {
  env_.SetVar("AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://127.0.0.1:9000/creds");
  env_.SetVar("AWS_CONTAINER_AUTHORIZATION_TOKEN", kAuthToken);
  const std::vector<HttpResponse> answers = {
      FakeBlockingHttp::Answer(401, std::string("bad token ") + kAuthToken),
      FakeBlockingHttp::Answer(403, std::string("{\"message\":\"bad token ") + kAuthToken +
                                        "\"}"),
      FakeBlockingHttp::Answer(200, std::string("{\"AccessKeyId\":\"A\",\"Token\":\"") +
                                        kSessionToken + "\"}"),
      FakeBlockingHttp::Answer(200, std::string("{\"SecretAccessKey\":\"") + kSecret + "\"}"),
      FakeBlockingHttp::Answer(200, std::string("{\"AccessKeyId\":\"A\",\"SecretAccessKey\":\"") +
                                        kSecret + "\",\"Expiration\":\"" + kSessionToken +
                                        "\"}"),
      FakeBlockingHttp::Answer(200, std::string("<html>") + kSecret),
      FakeBlockingHttp::Failure(TransportError::kOther, std::string("echo ") + kAuthToken),
  };
  for (const HttpResponse& answer : answers) {
    http_.set_responder([&](const BlockingRequest&) { return answer; });
    auto c = Fetch();
    ASSERT_FALSE(c.ok()) << answer.body;
    ExpectNoSecret(c.status());
  }
}

}  // namespace
}  // namespace edgelog
