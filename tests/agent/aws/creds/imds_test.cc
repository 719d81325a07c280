#include "agent/aws/creds/imds.h"

#include <gtest/gtest.h>
#include <strings.h>

#include <map>
#include <string>
#include <vector>

#include "tests/support/fake_blocking_http.h"
#include "tests/support/fake_clock.h"
#include "tests/support/mem_env.h"

namespace edgelog {
namespace {

using testing::FakeBlockingHttp;
using testing::FakeClock;
using testing::MemEnv;

constexpr char kEndpoint[] = "http://169.254.169.254";
constexpr char kSecret[] = "imdsSecretKeyDoNotPrint0123456789abcdefgh";
constexpr char kSessionToken[] = "imdsSessionTokenDoNotPrint//IQoJb3JpZ2lu";

bool Contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

std::string Document(const std::string& code, const std::string& expiration) {
  return "{\"Code\":\"" + code +
         "\",\"LastUpdated\":\"2026-01-15T10:00:00Z\",\"Type\":\"AWS-HMAC\","
         "\"AccessKeyId\":\"ASIAIMDS\",\"SecretAccessKey\":\"" +
         kSecret + "\",\"Token\":\"" + kSessionToken + "\",\"Expiration\":\"" + expiration +
         "\"}";
}

// A scripted instance metadata service: hands out tokens "token-1",
// "token-2", ... and answers GETs that carry a current one from `paths`.
class FakeImds {
 public:
  void Install(FakeBlockingHttp& http) {
    http.set_responder([this](const BlockingRequest& r) { return Answer(r); });
  }

  std::map<std::string, HttpResponse> paths;  // "/latest/..." → answer
  TransportError put_failure = TransportError::kNone;
  TransportError all_failure = TransportError::kNone;
  int put_status = 200;
  int tokens_issued = 0;
  std::string revoked;  // a token answered with 401

 private:
  HttpResponse Answer(const BlockingRequest& r) {
    if (all_failure != TransportError::kNone) return FakeBlockingHttp::Failure(all_failure);
    std::string path = r.url.substr(r.url.find('/', std::string("http://").size()));
    if (r.method == "PUT" && path == "/latest/api/token") {
      if (put_failure != TransportError::kNone) return FakeBlockingHttp::Failure(put_failure);
      if (put_status != 200) return FakeBlockingHttp::Answer(put_status, "");
      return FakeBlockingHttp::Answer(200, "token-" + std::to_string(++tokens_issued));
    }
    std::string token = FakeBlockingHttp::Header(r, "X-aws-ec2-metadata-token");
    if (token.empty() || token == revoked ||
        token != "token-" + std::to_string(tokens_issued)) {
      return FakeBlockingHttp::Answer(401, "");
    }
    auto it = paths.find(path);
    if (it == paths.end()) return FakeBlockingHttp::Answer(404, "");
    return it->second;
  }
};

class ImdsTest : public ::testing::Test {
 protected:
  ImdsTest() { imds_.Install(http_); }

  void ExpectNoSecret(const Status& s) {
    EXPECT_FALSE(Contains(s.message(), kSecret)) << s.message();
    EXPECT_FALSE(Contains(s.message(), kSessionToken)) << s.message();
  }
  void AttachRole(const std::string& document) {
    imds_.paths["/latest/meta-data/iam/security-credentials/"] =
        FakeBlockingHttp::Answer(200, "web-role\n");
    imds_.paths["/latest/meta-data/iam/security-credentials/web-role"] =
        FakeBlockingHttp::Answer(200, document);
  }

  MemEnv env_;
  FakeClock clock_;
  FakeBlockingHttp http_;
  FakeImds imds_;
};

TEST_F(ImdsTest, ATokenIsFetchedFirstAndCarriedByTheGet) {
  imds_.paths["/latest/meta-data/instance-id"] = FakeBlockingHttp::Answer(200, "i-0abc");
  ImdsClient client(env_, clock_, http_);
  auto id = client.Get("meta-data/instance-id");
  ASSERT_TRUE(id.ok()) << id.status().ToString();
  EXPECT_EQ("i-0abc", *id);
  ASSERT_EQ(2u, http_.requests().size());
  const BlockingRequest& put = http_.requests()[0];
  EXPECT_EQ("PUT", put.method);
  EXPECT_EQ("http://169.254.169.254/latest/api/token", put.url);
  EXPECT_EQ("21600", FakeBlockingHttp::Header(put, "X-aws-ec2-metadata-token-ttl-seconds"));
  const BlockingRequest& get = http_.requests()[1];
  EXPECT_EQ("GET", get.method);
  EXPECT_EQ("http://169.254.169.254/latest/meta-data/instance-id", get.url);
  EXPECT_EQ("token-1", FakeBlockingHttp::Header(get, "X-aws-ec2-metadata-token"));
  for (const BlockingRequest& r : http_.requests()) {
    EXPECT_TRUE(r.direct);
    EXPECT_EQ(1000, r.connect_timeout_ms);
    EXPECT_EQ(1000, r.timeout_ms);
  }
}

TEST_F(ImdsTest, TheTokenIsReused) {
  imds_.paths["/latest/meta-data/instance-id"] = FakeBlockingHttp::Answer(200, "i-0abc");
  ImdsClient client(env_, clock_, http_);
  ASSERT_TRUE(client.Get("meta-data/instance-id").ok());
  clock_.Advance(60 * 60 * 1000);
  ASSERT_TRUE(client.Get("/meta-data/instance-id").ok());
  EXPECT_EQ(3u, http_.requests().size());
  EXPECT_EQ(1, imds_.tokens_issued);
}

TEST_F(ImdsTest, TheTokenIsReplacedBeforeItsSixHoursEnd) {
  imds_.paths["/latest/meta-data/instance-id"] = FakeBlockingHttp::Answer(200, "i-0abc");
  ImdsClient client(env_, clock_, http_);
  ASSERT_TRUE(client.Get("meta-data/instance-id").ok());
  clock_.Advance(6 * 60 * 60 * 1000 - 60 * 1000);  // a minute before the TTL ends
  ASSERT_TRUE(client.Get("meta-data/instance-id").ok());
  EXPECT_EQ(2, imds_.tokens_issued);
  EXPECT_EQ("PUT", http_.requests()[2].method);
  EXPECT_EQ("token-2", FakeBlockingHttp::Header(http_.requests()[3], "X-aws-ec2-metadata-token"));
}

TEST_F(ImdsTest, AGetRefusedWith401FetchesANewTokenAndTriesOnceMore) {
  imds_.paths["/latest/meta-data/instance-id"] = FakeBlockingHttp::Answer(200, "i-0abc");
  ImdsClient client(env_, clock_, http_);
  ASSERT_TRUE(client.Get("meta-data/instance-id").ok());
  imds_.revoked = "token-1";
  auto id = client.Get("meta-data/instance-id");
  ASSERT_TRUE(id.ok()) << id.status().ToString();
  ASSERT_EQ(5u, http_.requests().size());
  EXPECT_EQ("token-1", FakeBlockingHttp::Header(http_.requests()[2], "X-aws-ec2-metadata-token"));
  EXPECT_EQ("PUT", http_.requests()[3].method);
  EXPECT_EQ("token-2", FakeBlockingHttp::Header(http_.requests()[4], "X-aws-ec2-metadata-token"));
}

TEST_F(ImdsTest, A401AgainIsPermissionDenied) {
  http_.set_responder([](const BlockingRequest& r) {
    return FakeBlockingHttp::Answer(r.method == "PUT" ? 200 : 401, r.method == "PUT" ? "t" : "");
  });
  ImdsClient client(env_, clock_, http_);
  auto id = client.Get("meta-data/instance-id");
  EXPECT_EQ(Code::kPermissionDenied, id.status().code());
  EXPECT_TRUE(Contains(id.status().message(), "/latest/meta-data/instance-id"));
  EXPECT_EQ(4u, http_.requests().size());  // PUT, GET, PUT, GET: no loop
}

TEST_F(ImdsTest, AMissingPathIsNotFound) {
  ImdsClient client(env_, clock_, http_);
  auto id = client.Get("meta-data/nothing");
  EXPECT_EQ(Code::kNotFound, id.status().code());
  EXPECT_FALSE(client.unreachable());
}

TEST_F(ImdsTest, ATokenPutThatTimesOutWhileTheServiceAnswersIsTheHopLimit) {
  imds_.put_failure = TransportError::kTimeout;
  ImdsClient client(env_, clock_, http_);
  auto id = client.Get("meta-data/instance-id");
  ASSERT_FALSE(id.ok());
  EXPECT_EQ(Code::kUnavailable, id.status().code());
  EXPECT_EQ(
      "the instance metadata service did not answer the token request "
      "(PUT /latest/api/token) within 1 s: in a container this is the IMDSv2 hop limit of 1; "
      "raise it with `aws ec2 modify-instance-metadata-options --instance-id ID "
      "--http-put-response-hop-limit 2`",
      id.status().message());
  EXPECT_FALSE(client.unreachable());
  // The PUT is tried twice, then a plain GET shows the service is there.
  ASSERT_EQ(3u, http_.requests().size());
  EXPECT_EQ("PUT", http_.requests()[1].method);
  EXPECT_EQ("GET", http_.requests()[2].method);
}

TEST_F(ImdsTest, NothingAnsweringIsUnavailableAndUnreachable) {
  imds_.all_failure = TransportError::kConnect;
  ImdsClient client(env_, clock_, http_);
  auto id = client.Get("meta-data/instance-id");
  EXPECT_EQ(Code::kUnavailable, id.status().code());
  EXPECT_TRUE(Contains(id.status().message(),
                       "no instance metadata service at http://169.254.169.254 (not on EC2?)"))
      << id.status().message();
  EXPECT_TRUE(client.unreachable());

  imds_.all_failure = TransportError::kTimeout;  // no route: the connect times out
  id = client.Get("meta-data/instance-id");
  EXPECT_EQ(Code::kUnavailable, id.status().code());
  EXPECT_TRUE(client.unreachable());
  EXPECT_FALSE(Contains(id.status().message(), "hop limit"));
}

TEST_F(ImdsTest, AGetIsRetriedOnceWhenItGetsNoAnswer) {
  imds_.paths["/latest/meta-data/instance-id"] = FakeBlockingHttp::Answer(200, "i-0abc");
  int gets = 0;
  http_.set_responder([&](const BlockingRequest& r) {
    if (r.method == "PUT") return FakeBlockingHttp::Answer(200, "t");
    if (++gets == 1) return FakeBlockingHttp::Failure(TransportError::kConnection);
    return FakeBlockingHttp::Answer(200, "i-0abc");
  });
  ImdsClient client(env_, clock_, http_);
  auto id = client.Get("meta-data/instance-id");
  ASSERT_TRUE(id.ok()) << id.status().ToString();
  EXPECT_EQ(2, gets);
}

TEST_F(ImdsTest, ARefusedTokenSaysHowToTurnTheServiceOn) {
  imds_.put_status = 403;
  ImdsClient client(env_, clock_, http_);
  auto id = client.Get("meta-data/instance-id");
  EXPECT_EQ(Code::kPermissionDenied, id.status().code());
  EXPECT_TRUE(Contains(id.status().message(), "--http-endpoint enabled"));
}

TEST_F(ImdsTest, DisabledMeansNotFoundAndNoRequest) {
  env_.SetVar("AWS_EC2_METADATA_DISABLED", "True");
  ImdsClient client(env_, clock_, http_);
  EXPECT_TRUE(client.disabled());
  auto id = client.Get("meta-data/instance-id");
  EXPECT_EQ(Code::kNotFound, id.status().code());
  EXPECT_TRUE(Contains(id.status().message(), "AWS_EC2_METADATA_DISABLED"));
  auto credentials = NewImdsSource(client)->Fetch();
  EXPECT_EQ(Code::kNotFound, credentials.status().code());
  EXPECT_TRUE(http_.requests().empty());
}

TEST_F(ImdsTest, OtherValuesOfTheDisableVariableDoNotDisable) {
  env_.SetVar("AWS_EC2_METADATA_DISABLED", "false");
  EXPECT_FALSE(ImdsClient(env_, clock_, http_).disabled());
  env_.SetVar("AWS_EC2_METADATA_DISABLED", "1");
  EXPECT_FALSE(ImdsClient(env_, clock_, http_).disabled());
}

TEST_F(ImdsTest, TheEndpointVariableIsUsed) {
  env_.SetVar("AWS_EC2_METADATA_SERVICE_ENDPOINT", "http://127.0.0.1:1338/");
  imds_.paths["/latest/meta-data/instance-id"] = FakeBlockingHttp::Answer(200, "i-0abc");
  ImdsClient client(env_, clock_, http_);
  EXPECT_EQ("http://127.0.0.1:1338", client.endpoint());
  ASSERT_TRUE(client.Get("meta-data/instance-id").ok());
  EXPECT_EQ("http://127.0.0.1:1338/latest/api/token", http_.requests()[0].url);
  EXPECT_EQ("http://127.0.0.1:1338/latest/meta-data/instance-id", http_.requests()[1].url);
}

TEST_F(ImdsTest, TheIpv6ModeUsesTheIpv6Endpoint) {
  env_.SetVar("AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE", "IPv6");
  EXPECT_EQ("http://[fd00:ec2::254]", ImdsClient(env_, clock_, http_).endpoint());
  MemEnv plain;
  EXPECT_EQ(kEndpoint, ImdsClient(plain, clock_, http_).endpoint());
}

// The instance role source.

TEST_F(ImdsTest, TheRoleSourceReadsTheRoleThenItsCredentials) {
  AttachRole(Document("Success", "2026-01-15T16:30:00Z"));
  ImdsClient client(env_, clock_, http_);
  auto source = NewImdsSource(client);
  EXPECT_EQ("EC2 instance metadata", source->Name());
  auto c = source->Fetch();
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ("ASIAIMDS", c->credentials.access_key_id);
  EXPECT_EQ(kSecret, c->credentials.secret_access_key);
  EXPECT_EQ(kSessionToken, c->credentials.session_token);
  EXPECT_EQ(clock_.NowUnixMillis() + 6 * 3600 * 1000, c->expires_unix_ms);
  EXPECT_EQ("EC2 instance role web-role", c->source);
  ASSERT_EQ(3u, http_.requests().size());
  EXPECT_EQ("http://169.254.169.254/latest/meta-data/iam/security-credentials/",
            http_.requests()[1].url);
  EXPECT_EQ("http://169.254.169.254/latest/meta-data/iam/security-credentials/web-role",
            http_.requests()[2].url);
}

TEST_F(ImdsTest, NoRoleAttachedIsNotFoundAndSaysSo) {
  ImdsClient client(env_, clock_, http_);
  auto c = NewImdsSource(client)->Fetch();
  EXPECT_EQ(Code::kNotFound, c.status().code());
  EXPECT_TRUE(Contains(c.status().message(), "no IAM role is attached to this instance"));

  imds_.paths["/latest/meta-data/iam/security-credentials/"] = FakeBlockingHttp::Answer(200, "");
  c = NewImdsSource(client)->Fetch();
  EXPECT_EQ(Code::kNotFound, c.status().code());
  EXPECT_TRUE(Contains(c.status().message(), "no IAM role is attached to this instance"));
}

TEST_F(ImdsTest, TheRoleSourceIsNotFoundWhereNothingAnswers) {
  imds_.all_failure = TransportError::kTimeout;
  ImdsClient client(env_, clock_, http_);
  auto c = NewImdsSource(client)->Fetch();
  EXPECT_EQ(Code::kNotFound, c.status().code());
  EXPECT_TRUE(Contains(c.status().message(), "not on EC2")) << c.status().message();
}

TEST_F(ImdsTest, TheRoleSourceReportsTheHopLimitInsteadOfMovingOn) {
  imds_.put_failure = TransportError::kTimeout;
  ImdsClient client(env_, clock_, http_);
  auto c = NewImdsSource(client)->Fetch();
  EXPECT_EQ(Code::kUnavailable, c.status().code());
  EXPECT_TRUE(Contains(c.status().message(), "--http-put-response-hop-limit 2"));
}

TEST_F(ImdsTest, ADocumentThatIsNotASuccessIsAnErrorWithoutSecrets) {
  const std::vector<std::string> documents = {
      Document("Failure", "2026-01-15T16:30:00Z"),
      Document("Success", "soon " + std::string(kSecret)),
      std::string("{\"AccessKeyId\":\"ASIA\",\"Token\":\"") + kSessionToken + "\"}",
      std::string("{\"SecretAccessKey\":\"") + kSecret + "\"}",
      std::string("not json ") + kSecret,
      std::string("[\"") + kSecret + "\"]",
  };
  for (const std::string& document : documents) {
    AttachRole(document);
    ImdsClient client(env_, clock_, http_);
    auto c = NewImdsSource(client)->Fetch();
    ASSERT_FALSE(c.ok()) << document;
    EXPECT_EQ(Code::kUnavailable, c.status().code()) << c.status().message();
    EXPECT_TRUE(Contains(c.status().message(), "EC2 instance role web-role"))
        << c.status().message();
    ExpectNoSecret(c.status());
  }
}

TEST_F(ImdsTest, AFailedCodeIsQuoted) {
  AttachRole("{\"Code\":\"AssumeRoleUnauthorizedAccess\",\"Message\":\"role trust\"}");
  ImdsClient client(env_, clock_, http_);
  auto c = NewImdsSource(client)->Fetch();
  EXPECT_TRUE(Contains(c.status().message(), "AssumeRoleUnauthorizedAccess: role trust"))
      << c.status().message();
}

TEST_F(ImdsTest, ARoleWithoutCredentialsYetIsUnavailable) {
  imds_.paths["/latest/meta-data/iam/security-credentials/"] =
      FakeBlockingHttp::Answer(200, "web-role");
  ImdsClient client(env_, clock_, http_);
  auto c = NewImdsSource(client)->Fetch();
  EXPECT_EQ(Code::kUnavailable, c.status().code());
}

}  // namespace
}  // namespace edgelog
