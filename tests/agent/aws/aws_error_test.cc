#include "agent/aws/aws_error.h"

#include <gtest/gtest.h>

namespace edgelog {
namespace {

TEST(AwsErrorTest, JsonTypeAndMessageAreRead) {
  AwsError e = ParseAwsError(
      R"({"__type":"ResourceNotFoundException","message":"The specified log group does not exist."})",
      "");
  EXPECT_EQ("ResourceNotFoundException", e.code);
  EXPECT_EQ("The specified log group does not exist.", e.message);
}

TEST(AwsErrorTest, JsonTypeLosesItsNamespace) {
  AwsError e = ParseAwsError(
      R"({"__type":"com.amazonaws.logs#InvalidParameterException","message":"x"})", "");
  EXPECT_EQ("InvalidParameterException", e.code);
}

TEST(AwsErrorTest, JsonTypeLosesASuffixAfterAColon) {
  AwsError e = ParseAwsError(
      R"({"__type":"UnrecognizedClientException:http://internal.amazon.com/coral/com.amazon.coral.service/"})",
      "");
  EXPECT_EQ("UnrecognizedClientException", e.code);
}

TEST(AwsErrorTest, JsonCodeAndCapitalMessageAreAcceptedToo) {
  AwsError e = ParseAwsError(R"({"code":"ThrottlingException","Message":"Rate exceeded"})", "");
  EXPECT_EQ("ThrottlingException", e.code);
  EXPECT_EQ("Rate exceeded", e.message);
}

TEST(AwsErrorTest, LeadingWhitespaceBeforeJsonIsAllowed) {
  AwsError e = ParseAwsError(" \r\n\t{\"__type\":\"ThrottlingException\"}", "");
  EXPECT_EQ("ThrottlingException", e.code);
  EXPECT_EQ("", e.message);
}

TEST(AwsErrorTest, ErrorTypeHeaderIsUsedWhenTheBodyHasNoCode) {
  AwsError e = ParseAwsError(
      "", "ThrottlingException:http://internal.amazon.com/coral/com.amazon.coral.service/");
  EXPECT_EQ("ThrottlingException", e.code);
}

TEST(AwsErrorTest, ErrorTypeHeaderIsUsedWhenTheBodyIsNotJson) {
  EXPECT_EQ("ServiceUnavailableException",
            ParseAwsError("{not json", "ServiceUnavailableException").code);
  EXPECT_EQ("ServiceUnavailableException",
            ParseAwsError(R"({"message":"no type here"})", "ServiceUnavailableException").code);
}

TEST(AwsErrorTest, TheBodyCodeWinsOverTheHeader) {
  AwsError e = ParseAwsError(R"({"__type":"ResourceNotFoundException"})",
                             "ThrottlingException");
  EXPECT_EQ("ResourceNotFoundException", e.code);
}

TEST(AwsErrorTest, HeaderWithNamespaceAndSuffixIsCleaned) {
  EXPECT_EQ("AccessDeniedException",
            ParseAwsError("", "com.amazonaws.logs#AccessDeniedException:http://x/").code);
}

TEST(AwsErrorTest, MotoXmlErrorResponseIsRead) {
  // What moto server answers to a bad signature.
  const char* body =
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      "<ErrorResponse>\n"
      "  <Error>\n"
      "    <Code>SignatureDoesNotMatch</Code>\n"
      "    <Message>The request signature we calculated does not match the signature "
      "you provided.</Message>\n"
      "  </Error>\n"
      "  <RequestId>7a62c49f-347e-4fc4-9331-6e8eEXAMPLE</RequestId>\n"
      "</ErrorResponse>\n";
  AwsError e = ParseAwsError(body, "");
  EXPECT_EQ("SignatureDoesNotMatch", e.code);
  EXPECT_EQ(
      "The request signature we calculated does not match the signature you provided.",
      e.message);
}

TEST(AwsErrorTest, StsXmlWithNamespaceAttributeIsRead) {
  const char* body =
      "<ErrorResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">"
      "<Error><Type>Sender</Type><Code>InvalidClientTokenId</Code>"
      "<Message>The security token included in the request is invalid.</Message>"
      "</Error></ErrorResponse>";
  AwsError e = ParseAwsError(body, "");
  EXPECT_EQ("InvalidClientTokenId", e.code);
  EXPECT_EQ("The security token included in the request is invalid.", e.message);
}

TEST(AwsErrorTest, EmptyBodyWithoutHeaderHasNoCode) {
  AwsError e = ParseAwsError("", "");
  EXPECT_EQ("", e.code);
  EXPECT_EQ("", e.message);
}

TEST(AwsErrorTest, AnHtmlPageHasNoCode) {
  AwsError e = ParseAwsError("<html><body><h1>502 Bad Gateway</h1></body></html>", "");
  EXPECT_EQ("", e.code);
}

TEST(AwsErrorTest, PlainTextBodyFallsBackToTheHeader) {
  EXPECT_EQ("", ParseAwsError("Service Unavailable", "").code);
  EXPECT_EQ("ThrottlingException",
            ParseAwsError("Rate exceeded", "ThrottlingException").code);
}

TEST(AwsErrorTest, AMessageQuotingTheSessionTokenHasItRedacted) {
  std::string token = "IQoJb3JpZ2luX2VjEMr";
  while (token.size() < 400) token += "Ab+Cd/Ef9";
  std::string escaped;  // as JSON may spell it
  for (char c : token) escaped += c == '/' ? std::string("\\/") : std::string(1, c);
  AwsError json = ParseAwsError(
      R"({"__type":"UnrecognizedClientException","message":"The security token )" + escaped +
          R"( is invalid."})",
      "");
  EXPECT_EQ("The security token [redacted] is invalid.", json.message);
  AwsError xml = ParseAwsError(
      "<ErrorResponse><Error><Code>InvalidClientTokenId</Code><Message>token " + token +
          "</Message></Error></ErrorResponse>",
      "");
  EXPECT_EQ("token [redacted]", xml.message);
}

}  // namespace
}  // namespace edgelog
