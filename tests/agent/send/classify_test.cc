#include "agent/send/classify.h"

#include <gtest/gtest.h>

#include <ostream>
#include <string>

namespace edgelog {

// Readable verdicts in failure messages (found by argument-dependent lookup).
static void PrintTo(Verdict v, std::ostream* os) { *os << VerdictName(v); }

namespace {

HttpResponse Answer(int status, const std::string& body, const std::string& error_type = "") {
  HttpResponse r;
  r.status = status;
  r.body = body;
  r.amzn_error_type = error_type;
  r.request_id = "2b3c4d5e-0000-4000-8000-000000000000";
  return r;
}

HttpResponse AwsJson(int status, const std::string& code, const std::string& message = "m") {
  return Answer(status, "{\"__type\":\"" + code + "\",\"message\":\"" + message + "\"}");
}

HttpResponse Transport(TransportError e) {
  HttpResponse r;
  r.transport_error = e;
  r.error_message = "Connection reset by peer";
  return r;
}

TEST(ClassifyTest, TwoHundredsAreOk) {
  EXPECT_EQ(Verdict::kOk, Classify(Answer(200, "{}")).verdict);
  EXPECT_EQ(Verdict::kOk, Classify(Answer(200, "")).verdict);
  EXPECT_EQ(Verdict::kOk, Classify(Answer(204, "")).verdict);
}

TEST(ClassifyTest, ASuccessWithoutARequestIdIsNotACloudWatchAnswer) {
  // A captive portal or a middlebox: 200, but not from AWS.
  HttpResponse portal = Answer(200, "{}");
  portal.request_id.clear();
  Classification c = Classify(portal);
  EXPECT_EQ(Verdict::kRetry, c.verdict);
  EXPECT_EQ("not a CloudWatch Logs answer", c.code);
  EXPECT_NE(std::string::npos, c.detail.find("x-amzn-RequestId")) << c.detail;
}

TEST(ClassifyTest, ASuccessWhoseBodyIsNotAJsonObjectIsNotACloudWatchAnswer) {
  for (const char* body : {"<html><body>Welcome to the hotel network</body></html>", "[]",
                           "\"ok\"", "{\"truncated\":"}) {
    Classification c = Classify(Answer(200, body));
    EXPECT_EQ(Verdict::kRetry, c.verdict) << body;
    EXPECT_NE(std::string::npos, c.detail.find("not a JSON object")) << body;
  }
}

TEST(ClassifyTest, EveryTransportFailureIsRetriedAndNamed) {
  for (TransportError e : {TransportError::kConnect, TransportError::kTimeout,
                           TransportError::kConnection, TransportError::kOther}) {
    Classification c = Classify(Transport(e));
    EXPECT_EQ(Verdict::kRetry, c.verdict) << static_cast<int>(e);
    EXPECT_FALSE(c.code.empty());
    EXPECT_EQ("Connection reset by peer", c.detail);
  }
}

// A TLS version or cipher the endpoint refuses does not heal by waiting
// either: it was taken for an outage (--once waited 5 minutes, not 20 s).
TEST(ClassifyTest, ARefusedTlsHandshakeIsNotAnOutage) {
  Classification c = Classify(Transport(TransportError::kTls));
  EXPECT_EQ(Verdict::kUntrusted, c.verdict);
  EXPECT_EQ("TLS failed", c.code);
}

TEST(ClassifyTest, AnUntrustedCertificateIsNotAnOutage) {
  Classification c = Classify(Transport(TransportError::kCertificate));
  EXPECT_EQ(Verdict::kUntrusted, c.verdict);
  EXPECT_EQ("TLS certificate not trusted", c.code);
  EXPECT_EQ("Connection reset by peer", c.detail);
}

TEST(ClassifyTest, ResourceNotFoundMeansCreateTheGroupOrStream) {
  Classification c = Classify(AwsJson(400, "ResourceNotFoundException", "no stream"));
  EXPECT_EQ(Verdict::kMissing, c.verdict);
  EXPECT_EQ("ResourceNotFoundException", c.code);
  EXPECT_EQ("no stream", c.detail);
}

TEST(ClassifyTest, ResourceAlreadyExistsCountsAsCreated) {
  EXPECT_EQ(Verdict::kExists,
            Classify(AwsJson(400, "ResourceAlreadyExistsException")).verdict);
}

TEST(ClassifyTest, DataAlreadyAcceptedIsOk) {
  EXPECT_EQ(Verdict::kOk, Classify(AwsJson(400, "DataAlreadyAcceptedException")).verdict);
}

TEST(ClassifyTest, ThrottlingAndUnavailabilityAreRetried) {
  for (const char* code : {"ThrottlingException", "ServiceUnavailableException",
                           "LimitExceededException", "InternalFailure",
                           "RequestTimeoutException"}) {
    EXPECT_EQ(Verdict::kRetry, Classify(AwsJson(400, code)).verdict) << code;
  }
}

TEST(ClassifyTest, FiveHundredsAndTooManyRequestsAreRetriedWhateverTheBody) {
  for (int status : {500, 502, 503, 504}) {
    EXPECT_EQ(Verdict::kRetry, Classify(Answer(status, "")).verdict) << status;
    EXPECT_EQ(Verdict::kRetry,
              Classify(Answer(status, "<html>Bad Gateway</html>")).verdict)
        << status;
  }
  EXPECT_EQ(Verdict::kRetry, Classify(Answer(429, "")).verdict);
  Classification c = Classify(Answer(503, ""));
  EXPECT_EQ("HTTP 503", c.code) << "without an AWS code the status names the error";
}

TEST(ClassifyTest, ThrottlingNamedOnlyInTheErrorTypeHeaderIsRetried) {
  Classification c = Classify(
      Answer(400, "", "ThrottlingException:http://internal.amazon.com/coral/com.amazon.coral.service/"));
  EXPECT_EQ(Verdict::kRetry, c.verdict);
  EXPECT_EQ("ThrottlingException", c.code);
}

TEST(ClassifyTest, RefusedSignaturesAndCredentialsAreAuth) {
  for (const char* code :
       {"UnrecognizedClientException", "InvalidSignatureException", "SignatureDoesNotMatch",
        "IncompleteSignatureException", "AccessDeniedException", "InvalidClientTokenId",
        "MissingAuthenticationTokenException"}) {
    EXPECT_EQ(Verdict::kAuth, Classify(AwsJson(400, code)).verdict) << code;
  }
}

TEST(ClassifyTest, ASignatureTooOldOrTooNewIsClockSkew) {
  Classification c = Classify(AwsJson(
      400, "InvalidSignatureException",
      "Signature expired: 20260115T100000Z is now earlier than 20260115T102500Z"));
  EXPECT_EQ(Verdict::kSkewed, c.verdict);
  EXPECT_NE(std::string::npos, c.detail.find("Signature expired"));
  for (const char* code : {"RequestExpired", "SignatureExpired", "RequestTimeTooSkewed"}) {
    EXPECT_EQ(Verdict::kSkewed, Classify(AwsJson(400, code)).verdict) << code;
  }
  EXPECT_EQ(Verdict::kAuth,
            Classify(AwsJson(400, "InvalidSignatureException", "does not match")).verdict);
}

TEST(ClassifyTest, AnExpiredSessionTokenMeansRefresh) {
  for (const char* code : {"ExpiredTokenException", "ExpiredToken"}) {
    EXPECT_EQ(Verdict::kExpired, Classify(AwsJson(400, code)).verdict) << code;
  }
}

TEST(ClassifyTest, MotoXmlSignatureMismatchIsAuth) {
  Classification c = Classify(Answer(
      403,
      "<ErrorResponse><Error><Code>SignatureDoesNotMatch</Code>"
      "<Message>The request signature we calculated does not match</Message>"
      "</Error></ErrorResponse>"));
  EXPECT_EQ(Verdict::kAuth, c.verdict);
  EXPECT_EQ("SignatureDoesNotMatch", c.code);
  EXPECT_EQ("The request signature we calculated does not match", c.detail);
}

TEST(ClassifyTest, BareUnauthorizedAndForbiddenAreAuth) {
  EXPECT_EQ(Verdict::kAuth, Classify(Answer(401, "")).verdict);
  EXPECT_EQ(Verdict::kAuth, Classify(Answer(403, "")).verdict);
}

TEST(ClassifyTest, InvalidParameterMeansSplitTheRequest) {
  EXPECT_EQ(Verdict::kInvalid,
            Classify(AwsJson(400, "InvalidParameterException", "Log event too large")).verdict);
}

TEST(ClassifyTest, OtherCloudWatchRefusalsAreFinal) {
  for (const char* code : {"UnknownOperationException", "SerializationException",
                           "UnsupportedOperationException"}) {
    EXPECT_EQ(Verdict::kFinal, Classify(AwsJson(400, code)).verdict) << code;
  }
}

TEST(ClassifyTest, AnAnswerThatIsNotFromCloudWatchNeverThrowsEventsAway) {
  // A proxy asking for authentication, or a web server at a wrong endpoint,
  // says nothing about the events: they must not be sent to the rejected
  // file (kFinal) or split (kInvalid), and are surely not delivered (kOk).
  const HttpResponse answers[] = {
      Answer(407, "<html><body>Proxy Authentication Required</body></html>"),
      Answer(404, "<html><body>Not Found</body></html>"),
      Answer(400, "<html><body>Bad Request</body></html>"),
      Answer(301, ""),
  };
  for (const HttpResponse& r : answers) {
    Verdict v = Classify(r).verdict;
    EXPECT_NE(Verdict::kFinal, v) << "status " << r.status << " would discard the events";
    EXPECT_NE(Verdict::kInvalid, v) << "status " << r.status;
    EXPECT_NE(Verdict::kOk, v) << "status " << r.status;
  }
}

TEST(ClassifyTest, EveryVerdictHasAName) {
  for (Verdict v : {Verdict::kOk, Verdict::kRetry, Verdict::kMissing, Verdict::kExists,
                    Verdict::kAuth, Verdict::kInvalid, Verdict::kFinal}) {
    EXPECT_STRNE("?", VerdictName(v));
  }
  EXPECT_STREQ("retry", VerdictName(Verdict::kRetry));
}

}  // namespace
}  // namespace edgelog

namespace edgelog {
namespace {

TEST(OutcomeTest, EachAnswerCountsUnderOneOutcome) {
  auto outcome = [](const HttpResponse& r) { return OutcomeOf(r, Classify(r)); };
  EXPECT_EQ(Outcome::kOk, outcome(Answer(200, "{}")));
  EXPECT_EQ(Outcome::kOk, outcome(AwsJson(400, "DataAlreadyAcceptedException")));
  EXPECT_EQ(Outcome::kThrottled, outcome(AwsJson(400, "ThrottlingException")));
  EXPECT_EQ(Outcome::kThrottled, outcome(Answer(429, "")));
  EXPECT_EQ(Outcome::kServerError, outcome(AwsJson(400, "ServiceUnavailableException")));
  EXPECT_EQ(Outcome::kServerError, outcome(Answer(502, "<html>Bad Gateway</html>")));
  EXPECT_EQ(Outcome::kSetup, outcome(AwsJson(400, "ResourceNotFoundException")));
  EXPECT_EQ(Outcome::kSetup, outcome(AwsJson(400, "ResourceAlreadyExistsException")));
  EXPECT_EQ(Outcome::kClientError, outcome(AwsJson(400, "UnknownRefusalException")));
  EXPECT_EQ(Outcome::kClientError, outcome(AwsJson(400, "InvalidParameterException")));
  EXPECT_EQ(Outcome::kAuthError, outcome(AwsJson(400, "UnrecognizedClientException")));
  EXPECT_EQ(Outcome::kAuthError, outcome(AwsJson(400, "ExpiredTokenException")));
  EXPECT_EQ(Outcome::kTransportError, outcome(Transport(TransportError::kConnect)));
  EXPECT_EQ(Outcome::kTransportError, outcome(Transport(TransportError::kCertificate)));
  EXPECT_STREQ("throttled", OutcomeName(Outcome::kThrottled));
  EXPECT_STREQ("transport_error", OutcomeName(Outcome::kTransportError));
}

}  // namespace
}  // namespace edgelog
