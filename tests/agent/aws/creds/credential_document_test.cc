// QuoteRemote and the credential documents of IMDS and ECS
// (agent/aws/creds/credential_document.h).
#include "agent/aws/creds/credential_document.h"

#include <gtest/gtest.h>

#include <string>

namespace edgelog {
namespace {

TEST(QuoteRemoteTest, ASecretIsRedactedWhereverItOccurs) {
  EXPECT_EQ("denied for [redacted] and [redacted]",
            QuoteRemote("denied for s3cr3tK3y and s3cr3tK3y", 200, "s3cr3tK3y"));
}

TEST(QuoteRemoteTest, ASecretThatIsPartOfTheRedactionMarkIsRedactedOnce) {
  // "redacted" is inside "[redacted]": the search used to find it there
  // again after each replacement, and never ended.
  EXPECT_EQ("token [redacted], [redacted]",
            QuoteRemote("token redacted, redacted", 200, "redacted"));
  EXPECT_EQ("[redacted]", QuoteRemote("[redacted]", 200, "[redacted]"));
}

TEST(QuoteRemoteTest, ControlCharactersBecomeOneSpaceAndTheLengthIsCapped) {
  EXPECT_EQ("a b", QuoteRemote("a\r\n\tb\n", 200, ""));
  EXPECT_EQ("abc...", QuoteRemote("abcdef", 3, ""));
}

TEST(ParseCredentialDocumentTest, ReadsBothKeysTheTokenAndTheExpiry) {
  auto c = ParseCredentialDocument(
      "{\"Code\":\"Success\",\"AccessKeyId\":\"ASIA1\",\"SecretAccessKey\":\"s\","
      "\"Token\":\"t\",\"Expiration\":\"2026-01-15T16:30:00Z\"}",
      "doc");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ("ASIA1", c->credentials.access_key_id);
  EXPECT_EQ("s", c->credentials.secret_access_key);
  EXPECT_EQ("t", c->credentials.session_token);
  EXPECT_EQ(1768494600000, c->expires_unix_ms);
}

}  // namespace
}  // namespace edgelog
