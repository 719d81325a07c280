#include "agent/aws/creds/sts.h"

#include <gtest/gtest.h>
#include <strings.h>

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

constexpr char kRole[] = "arn:aws:iam::123456789012:role/shipper";
constexpr char kCallerSecret[] = "callerSecretKeyDoNotPrint0123456789abcdef";
constexpr char kCallerToken[] = "callerSessionTokenDoNotPrint//wEaCXVz";
constexpr char kNewSecret[] = "newSecretKeyDoNotPrint0123456789abcdefgh";
constexpr char kNewToken[] = "newSessionTokenDoNotPrint//IQoJb3JpZ2lu";
// Not a real JWT: it holds characters a form body has to encode.
constexpr char kWebToken[] = "eyJhbGciOiJSUzI1NiJ9.webIdentityDoNotPrint+/=.c2lnbmF0dXJl";

bool Contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

std::string CredentialsAnswer(const std::string& action, const std::string& expiration) {
  return "<" + action + "Response xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><" +
         action +
         "Result><AssumedRoleUser><Arn>arn:aws:sts::123456789012:assumed-role/shipper/s</Arn>"
         "</AssumedRoleUser><Credentials><AccessKeyId>ASIANEWKEY</AccessKeyId>"
         "<SecretAccessKey>" +
         kNewSecret + "</SecretAccessKey><SessionToken>" + kNewToken +
         "</SessionToken><Expiration>" + expiration + "</Expiration></Credentials></" + action +
         "Result></" + action + "Response>";
}

std::string ErrorAnswer(const std::string& code, const std::string& message) {
  return "<ErrorResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><Error>"
         "<Type>Sender</Type><Code>" +
         code + "</Code><Message>" + message +
         "</Message></Error><RequestId>42</RequestId></ErrorResponse>";
}

class StsClientTest : public ::testing::Test {
 protected:
  Credentials Caller(bool with_token) {
    return {"AKIDCALLER", kCallerSecret, with_token ? kCallerToken : ""};
  }
  // Every secret of these tests must stay out of every message.
  void ExpectNoSecret(const Status& s) {
    for (const char* secret : {kCallerSecret, kCallerToken, kNewSecret, kNewToken, kWebToken}) {
      EXPECT_FALSE(Contains(s.message(), secret)) << s.message();
    }
  }

  MemEnv env_;
  FakeClock clock_;
  FakeBlockingHttp http_;
};

TEST_F(StsClientTest, TheEndpointIsRegional) {
  StsClient sts(env_, clock_, http_, "eu-west-1");
  ASSERT_TRUE(sts.endpoint_status().ok());
  EXPECT_EQ("https://sts.eu-west-1.amazonaws.com/", sts.endpoint().url);
  EXPECT_EQ("sts.eu-west-1.amazonaws.com", sts.endpoint().host);
}

TEST_F(StsClientTest, WithoutARegionTheGlobalEndpointIsUsed) {
  StsClient sts(env_, clock_, http_, "");
  ASSERT_TRUE(sts.endpoint_status().ok());
  EXPECT_EQ("https://sts.amazonaws.com/", sts.endpoint().url);
  http_.set_responder([](const BlockingRequest&) {
    return FakeBlockingHttp::Answer(200, CredentialsAnswer("AssumeRole", "2026-01-15T11:30:00Z"));
  });
  ASSERT_TRUE(sts.AssumeRole(Caller(false), kRole, "s", "").ok());
  EXPECT_TRUE(Contains(FakeBlockingHttp::Header(http_.requests()[0], "Authorization"), "/us-east-1/sts/"));
}

TEST_F(StsClientTest, TheStsEndpointVariableComesBeforeTheGeneralOne) {
  env_.SetVar("AWS_ENDPOINT_URL", "http://127.0.0.1:5000");
  StsClient general(env_, clock_, http_, "eu-west-1");
  EXPECT_EQ("http://127.0.0.1:5000/", general.endpoint().url);
  EXPECT_EQ("AWS_ENDPOINT_URL", general.endpoint().source);

  env_.SetVar("AWS_ENDPOINT_URL_STS", "http://localhost:4566/sts");
  StsClient specific(env_, clock_, http_, "eu-west-1");
  EXPECT_EQ("http://localhost:4566/sts", specific.endpoint().url);
  EXPECT_EQ("localhost:4566", specific.endpoint().host);
  EXPECT_EQ("AWS_ENDPOINT_URL_STS", specific.endpoint().source);
}

TEST_F(StsClientTest, AnUnusableEndpointVariableFailsEveryCallWithoutARequest) {
  env_.SetVar("AWS_ENDPOINT_URL_STS", "sts.example.com");
  StsClient sts(env_, clock_, http_, "eu-west-1");
  EXPECT_EQ(Code::kInvalidArgument, sts.endpoint_status().code());
  EXPECT_TRUE(Contains(sts.endpoint_status().message(), "AWS_ENDPOINT_URL_STS"));
  auto assumed = sts.AssumeRole(Caller(true), kRole, "s", "");
  EXPECT_EQ(Code::kInvalidArgument, assumed.status().code());
  EXPECT_TRUE(Contains(assumed.status().message(), "AWS_ENDPOINT_URL_STS"));
  EXPECT_EQ(Code::kInvalidArgument,
            sts.AssumeRoleWithWebIdentity(kRole, "s", kWebToken).status().code());
  EXPECT_EQ(Code::kInvalidArgument, sts.GetCallerIdentity(Caller(true)).status().code());
  EXPECT_TRUE(http_.requests().empty());
}

TEST_F(StsClientTest, AssumeRoleIsASignedFormPost) {
  StsClient sts(env_, clock_, http_, "eu-west-1");
  http_.set_responder([](const BlockingRequest&) {
    return FakeBlockingHttp::Answer(200, CredentialsAnswer("AssumeRole", "2026-01-15T11:30:00Z"));
  });
  auto assumed = sts.AssumeRole(Caller(false), kRole, "edgelog-host", "ext-1");
  ASSERT_TRUE(assumed.ok()) << assumed.status().ToString();
  ASSERT_EQ(1u, http_.requests().size());
  const BlockingRequest& r = http_.requests()[0];
  EXPECT_EQ("POST", r.method);
  EXPECT_EQ("https://sts.eu-west-1.amazonaws.com/", r.url);
  EXPECT_EQ("sts.eu-west-1.amazonaws.com", FakeBlockingHttp::Header(r, "Host"));
  EXPECT_EQ("application/x-www-form-urlencoded; charset=utf-8", FakeBlockingHttp::Header(r, "Content-Type"));
  EXPECT_EQ(
      "Action=AssumeRole&Version=2011-06-15"
      "&RoleArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2Fshipper"
      "&RoleSessionName=edgelog-host&DurationSeconds=3600&ExternalId=ext-1",
      r.body);
  EXPECT_EQ("20260115T103000Z", FakeBlockingHttp::Header(r, "X-Amz-Date"));
  std::string authorization = FakeBlockingHttp::Header(r, "Authorization");
  EXPECT_EQ(0u, authorization.find("AWS4-HMAC-SHA256 Credential=AKIDCALLER/20260115/eu-west-1/"
                                   "sts/aws4_request, SignedHeaders="))
      << authorization;
  EXPECT_FALSE(FakeBlockingHttp::HasHeader(r, "X-Amz-Security-Token"));
  EXPECT_EQ(3000, r.connect_timeout_ms);
  EXPECT_EQ(10000, r.timeout_ms);
  EXPECT_FALSE(r.direct);
}

TEST_F(StsClientTest, AssumeRoleCarriesTheCallersSessionTokenSigned) {
  StsClient sts(env_, clock_, http_, "eu-west-1");
  http_.set_responder([](const BlockingRequest&) {
    return FakeBlockingHttp::Answer(200, CredentialsAnswer("AssumeRole", "2026-01-15T11:30:00Z"));
  });
  ASSERT_TRUE(sts.AssumeRole(Caller(true), kRole, "s", "").ok());
  const BlockingRequest& r = http_.requests()[0];
  EXPECT_EQ(kCallerToken, FakeBlockingHttp::Header(r, "X-Amz-Security-Token"));
  EXPECT_TRUE(Contains(FakeBlockingHttp::Header(r, "Authorization"), "x-amz-security-token"));
  EXPECT_FALSE(Contains(r.body, "ExternalId"));
}

TEST_F(StsClientTest, AssumeRoleReturnsTheNewCredentialsAndTheirExpiry) {
  StsClient sts(env_, clock_, http_, "eu-west-1");
  http_.set_responder([](const BlockingRequest&) {
    return FakeBlockingHttp::Answer(200, CredentialsAnswer("AssumeRole", "2026-01-15T11:30:00Z"));
  });
  auto assumed = sts.AssumeRole(Caller(true), kRole, "s", "");
  ASSERT_TRUE(assumed.ok());
  EXPECT_EQ("ASIANEWKEY", assumed->credentials.access_key_id);
  EXPECT_EQ(kNewSecret, assumed->credentials.secret_access_key);
  EXPECT_EQ(kNewToken, assumed->credentials.session_token);
  EXPECT_EQ(clock_.NowUnixMillis() + 3600 * 1000, assumed->expires_unix_ms);
  EXPECT_EQ("role arn:aws:iam::123456789012:role/shipper assumed with STS", assumed->source);
}

TEST_F(StsClientTest, AssumeRoleWithoutCallerCredentialsSendsNothing) {
  StsClient sts(env_, clock_, http_, "eu-west-1");
  auto assumed = sts.AssumeRole(Credentials{}, kRole, "s", "");
  EXPECT_EQ(Code::kInvalidArgument, assumed.status().code());
  EXPECT_TRUE(http_.requests().empty());
}

TEST_F(StsClientTest, AccessDeniedIsPermissionDeniedWithTheCodeAndMessage) {
  StsClient sts(env_, clock_, http_, "eu-west-1");
  http_.set_responder([](const BlockingRequest&) {
    return FakeBlockingHttp::Answer(
        403, ErrorAnswer("AccessDenied",
                         "User: arn:aws:iam::123456789012:user/u is not authorized to perform: "
                         "sts:AssumeRole on resource: arn:aws:iam::123456789012:role/shipper"));
  });
  auto assumed = sts.AssumeRole(Caller(true), kRole, "s", "");
  ASSERT_FALSE(assumed.ok());
  EXPECT_EQ(Code::kPermissionDenied, assumed.status().code());
  EXPECT_EQ(
      "STS AssumeRole arn:aws:iam::123456789012:role/shipper: AccessDenied: User: "
      "arn:aws:iam::123456789012:user/u is not authorized to perform: sts:AssumeRole on "
      "resource: arn:aws:iam::123456789012:role/shipper",
      assumed.status().message());
  ExpectNoSecret(assumed.status());
}

TEST_F(StsClientTest, ErrorsAreClassifiedByCodeAndStatus) {
  struct Case {
    int status;
    std::string code;
    Code expected;
  };
  const std::vector<Case> cases = {
      {403, "InvalidClientTokenId", Code::kPermissionDenied},
      {400, "ExpiredToken", Code::kPermissionDenied},
      {403, "SignatureDoesNotMatch", Code::kPermissionDenied},
      {400, "InvalidIdentityToken", Code::kPermissionDenied},
      {400, "Throttling", Code::kUnavailable},
      {400, "IDPCommunicationError", Code::kUnavailable},
      {500, "InternalFailure", Code::kUnavailable},
      {503, "", Code::kUnavailable},
      {429, "", Code::kUnavailable},
      {400, "ValidationError", Code::kInvalidArgument},
      {400, "MalformedPolicyDocument", Code::kInvalidArgument},
  };
  for (const Case& c : cases) {
    StsClient sts(env_, clock_, http_, "eu-west-1");
    http_.set_responder([&](const BlockingRequest&) {
      return FakeBlockingHttp::Answer(c.status, c.code.empty() ? "" : ErrorAnswer(c.code, "m"));
    });
    auto assumed = sts.AssumeRole(Caller(true), kRole, "s", "");
    ASSERT_FALSE(assumed.ok());
    EXPECT_EQ(c.expected, assumed.status().code()) << c.status << " " << c.code;
    EXPECT_TRUE(Contains(assumed.status().message(),
                         c.code.empty() ? "HTTP " + std::to_string(c.status) : c.code + ": m"))
        << assumed.status().message();
  }
}

TEST_F(StsClientTest, AnAnswerThatIsNotStsIsQuotedBriefly) {
  StsClient sts(env_, clock_, http_, "eu-west-1");
  http_.set_responder([](const BlockingRequest&) {
    return FakeBlockingHttp::Answer(404, "<html>\n<body>Not Found</body>\n</html>" +
                                             std::string(1000, 'x'));
  });
  auto assumed = sts.AssumeRole(Caller(true), kRole, "s", "");
  ASSERT_FALSE(assumed.ok());
  EXPECT_EQ(Code::kInvalidArgument, assumed.status().code());
  EXPECT_TRUE(Contains(assumed.status().message(), "HTTP 404"));
  EXPECT_TRUE(Contains(assumed.status().message(), "<html> <body>Not Found"));
  EXPECT_LT(assumed.status().message().size(), 400u);
}

TEST_F(StsClientTest, NoAnswerIsUnavailableAndNamesTheEndpoint) {
  StsClient sts(env_, clock_, http_, "eu-west-1");
  http_.set_responder([](const BlockingRequest&) {
    return FakeBlockingHttp::Failure(TransportError::kTimeout, "Operation timed out");
  });
  auto assumed = sts.AssumeRole(Caller(true), kRole, "s", "");
  EXPECT_EQ(Code::kUnavailable, assumed.status().code());
  EXPECT_TRUE(Contains(assumed.status().message(), "https://sts.eu-west-1.amazonaws.com/"));
  EXPECT_TRUE(Contains(assumed.status().message(), "within 10 s"));

  http_.set_responder([](const BlockingRequest&) {
    return FakeBlockingHttp::Failure(TransportError::kCertificate, "unable to get issuer");
  });
  auto identity = sts.GetCallerIdentity(Caller(true));
  EXPECT_EQ(Code::kUnavailable, identity.status().code());
  EXPECT_TRUE(Contains(identity.status().message(), "SSL_CERT_FILE"));
}

TEST_F(StsClientTest, ASuccessWithoutCredentialsIsAnError) {
  StsClient sts(env_, clock_, http_, "eu-west-1");
  http_.set_responder([](const BlockingRequest&) {
    return FakeBlockingHttp::Answer(200, "<AssumeRoleResponse><AccessKeyId>ASIA</AccessKeyId>"
                                         "<SecretAccessKey>" +
                                             std::string(kNewSecret) +
                                             "</SecretAccessKey></AssumeRoleResponse>");
  });
  auto assumed = sts.AssumeRole(Caller(true), kRole, "s", "");
  ASSERT_FALSE(assumed.ok());
  EXPECT_TRUE(Contains(assumed.status().message(), "SessionToken"));
  ExpectNoSecret(assumed.status());
}

TEST_F(StsClientTest, AnUnreadableExpirationIsAnError) {
  StsClient sts(env_, clock_, http_, "eu-west-1");
  http_.set_responder([](const BlockingRequest&) {
    return FakeBlockingHttp::Answer(200, CredentialsAnswer("AssumeRole", "tomorrow"));
  });
  auto assumed = sts.AssumeRole(Caller(true), kRole, "s", "");
  ASSERT_FALSE(assumed.ok());
  EXPECT_TRUE(Contains(assumed.status().message(), "(8 characters)"));
  ExpectNoSecret(assumed.status());

  http_.set_responder([](const BlockingRequest&) {
    return FakeBlockingHttp::Answer(200, CredentialsAnswer("AssumeRole", "2026-13-01T00:00:00Z"));
  });
  assumed = sts.AssumeRole(Caller(true), kRole, "s", "");
  EXPECT_TRUE(Contains(assumed.status().message(), "\"2026-13-01T00:00:00Z\""));
}

TEST_F(StsClientTest, WebIdentityIsNotSigned) {
  StsClient sts(env_, clock_, http_, "eu-west-1");
  http_.set_responder([](const BlockingRequest&) {
    return FakeBlockingHttp::Answer(
        200, CredentialsAnswer("AssumeRoleWithWebIdentity", "2026-01-15T11:30:00Z"));
  });
  auto assumed = sts.AssumeRoleWithWebIdentity(kRole, "edgelog-host", kWebToken);
  ASSERT_TRUE(assumed.ok()) << assumed.status().ToString();
  const BlockingRequest& r = http_.requests()[0];
  EXPECT_EQ("POST", r.method);
  EXPECT_FALSE(FakeBlockingHttp::HasHeader(r, "Authorization"));
  EXPECT_FALSE(FakeBlockingHttp::HasHeader(r, "X-Amz-Security-Token"));
  EXPECT_EQ("application/x-www-form-urlencoded; charset=utf-8", FakeBlockingHttp::Header(r, "Content-Type"));
  EXPECT_EQ(
      "Action=AssumeRoleWithWebIdentity&Version=2011-06-15"
      "&RoleArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2Fshipper"
      "&RoleSessionName=edgelog-host"
      "&WebIdentityToken=eyJhbGciOiJSUzI1NiJ9.webIdentityDoNotPrint%2B%2F%3D.c2lnbmF0dXJl",
      r.body);
  EXPECT_EQ(kNewSecret, assumed->credentials.secret_access_key);
  EXPECT_EQ("web identity for arn:aws:iam::123456789012:role/shipper", assumed->source);
}

TEST_F(StsClientTest, AnErrorQuotingASecretHasItRedacted) {
  StsClient sts(env_, clock_, http_, "eu-west-1");
  // The worst case: an endpoint that quotes back everything it was sent.
  http_.set_responder([](const BlockingRequest& r) {
    std::string echo = "body " + r.body + ";";
    for (const HttpHeader& h : r.headers) echo += " " + h.name + "=" + h.value;
    return FakeBlockingHttp::Answer(400, ErrorAnswer("ValidationError", echo));
  });
  auto web = sts.AssumeRoleWithWebIdentity(kRole, "s", kWebToken);
  ASSERT_FALSE(web.ok());
  EXPECT_TRUE(Contains(web.status().message(), "[redacted]"));
  ExpectNoSecret(web.status());
  auto assumed = sts.AssumeRole(Caller(true), kRole, "s", "");
  ASSERT_FALSE(assumed.ok());
  ExpectNoSecret(assumed.status());
  auto identity = sts.GetCallerIdentity(Caller(true));
  ASSERT_FALSE(identity.ok());
  ExpectNoSecret(identity.status());
}

TEST_F(StsClientTest, ASecretThatIsPartOfTheRedactionMarkIsRedactedOnce) {
  // A token found inside "[redacted]" was replaced there again and again,
  // and the call never returned.
  StsClient sts(env_, clock_, http_, "eu-west-1");
  http_.set_responder([](const BlockingRequest&) {
    return FakeBlockingHttp::Answer(400,
                                    ErrorAnswer("ValidationError", "token redacted, redacted"));
  });
  auto web = sts.AssumeRoleWithWebIdentity(kRole, "s", "redacted");
  ASSERT_FALSE(web.ok());
  EXPECT_TRUE(Contains(web.status().message(), "ValidationError: token [redacted], [redacted]"))
      << web.status().message();
}

TEST_F(StsClientTest, GetCallerIdentityIsSignedAndReadsTheIdentity) {
  StsClient sts(env_, clock_, http_, "us-east-2");
  http_.set_responder([](const BlockingRequest&) {
    return FakeBlockingHttp::Answer(
        200,
        "<GetCallerIdentityResponse><GetCallerIdentityResult>"
        "<Arn>arn:aws:iam::123456789012:user/u</Arn><UserId>AIDAEXAMPLE</UserId>"
        "<Account>123456789012</Account></GetCallerIdentityResult></GetCallerIdentityResponse>");
  });
  auto id = sts.GetCallerIdentity(Caller(true));
  ASSERT_TRUE(id.ok()) << id.status().ToString();
  EXPECT_EQ("123456789012", id->account);
  EXPECT_EQ("arn:aws:iam::123456789012:user/u", id->arn);
  EXPECT_EQ("AIDAEXAMPLE", id->user_id);
  const BlockingRequest& r = http_.requests()[0];
  EXPECT_EQ("Action=GetCallerIdentity&Version=2011-06-15", r.body);
  EXPECT_TRUE(Contains(FakeBlockingHttp::Header(r, "Authorization"), "/us-east-2/sts/aws4_request"));
  EXPECT_EQ(kCallerToken, FakeBlockingHttp::Header(r, "X-Amz-Security-Token"));
}

TEST_F(StsClientTest, GetCallerIdentityDeniedNamesTheAction) {
  StsClient sts(env_, clock_, http_, "us-east-2");
  http_.set_responder([](const BlockingRequest&) {
    return FakeBlockingHttp::Answer(
        403, ErrorAnswer("InvalidClientTokenId", "The security token included in the request "
                                                 "is invalid."));
  });
  auto id = sts.GetCallerIdentity(Caller(true));
  EXPECT_EQ(Code::kPermissionDenied, id.status().code());
  EXPECT_EQ(
      "STS GetCallerIdentity: InvalidClientTokenId: The security token included in the "
      "request is invalid.",
      id.status().message());
}

TEST(DefaultSessionNameTest, IsEdgelogAndTheHostName) {
  MemEnv env;
  env.set_host_name("web-1.example.com");
  EXPECT_EQ("edgelog-web-1.example.com", DefaultSessionName(env));
}

TEST(DefaultSessionNameTest, KeepsOnlyTheCharactersStsAccepts) {
  MemEnv env;
  env.set_host_name("a b/c:d_e+f=g,h@i");
  EXPECT_EQ("edgelog-a-b-c-d_e+f=g,h@i", DefaultSessionName(env));
}

TEST(DefaultSessionNameTest, IsCutTo64Characters) {
  MemEnv env;
  env.set_host_name(std::string(100, 'h'));
  std::string name = DefaultSessionName(env);
  EXPECT_EQ(64u, name.size());
  EXPECT_EQ("edgelog-" + std::string(56, 'h'), name);
}

TEST(DefaultSessionNameTest, WithoutAHostNameIsEdgelog) {
  MemEnv env;
  env.set_host_name("");
  EXPECT_EQ("edgelog", DefaultSessionName(env));
}

TEST(ParseExpirationMillisTest, ReadsUtcTimes) {
  EXPECT_EQ(0, *ParseExpirationMillis("1970-01-01T00:00:00Z"));
  EXPECT_EQ(1768473000000, *ParseExpirationMillis("2026-01-15T10:30:00Z"));
  EXPECT_EQ(1795330800000, *ParseExpirationMillis("2026-11-22T07:00:00Z"));
  EXPECT_EQ(1709164800000, *ParseExpirationMillis("2024-02-29T00:00:00Z"));
  EXPECT_EQ(951782400000, *ParseExpirationMillis("2000-02-29T00:00:00Z"));
}

TEST(ParseExpirationMillisTest, ReadsFractionsAndOffsets) {
  EXPECT_EQ(1768473000359, *ParseExpirationMillis("2026-01-15T10:30:00.359Z"));
  EXPECT_EQ(1768473000500, *ParseExpirationMillis("2026-01-15T10:30:00.5Z"));
  EXPECT_EQ(1768473000123, *ParseExpirationMillis("2026-01-15T10:30:00.123456789Z"));
  EXPECT_EQ(1768473000000, *ParseExpirationMillis("2026-01-15T11:30:00+01:00"));
  EXPECT_EQ(1768473000000, *ParseExpirationMillis("2026-01-15T05:00:00-0530"));
}

TEST(ParseExpirationMillisTest, RefusesWhatIsNotAnIsoUtcTime) {
  for (const char* bad :
       {"", "tomorrow", "2026-01-15", "2026-01-15T10:30:00", "2026-01-15T10:30Z",
        "2026-13-01T00:00:00Z", "2026-02-29T00:00:00Z", "1900-02-29T00:00:00Z",
        "2026-01-32T00:00:00Z", "2026-01-15T24:00:00Z", "2026-01-15T10:60:00Z",
        "2026-01-15T10:30:00.Z", "2026-01-15T10:30:00Zjunk", "2026-1-15T10:30:00Z",
        "2026-01-15T10:30:00+1:00", "1768473000"}) {
    auto parsed = ParseExpirationMillis(bad);
    EXPECT_FALSE(parsed.ok()) << bad;
    if (!parsed.ok()) {
      EXPECT_EQ(Code::kInvalidArgument, parsed.status().code());
    }
  }
}

}  // namespace
}  // namespace edgelog
