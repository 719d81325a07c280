#include "agent/base/redact.h"

#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <utility>
#include <vector>

namespace edgelog {
namespace {

// Shaped like a secret access key: 40 characters, both cases, '/' and '+'.
constexpr char kSecretKey[] = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
// Shaped like nothing: only the known list finds it.
constexpr char kOddSecret[] = "odd+secret/value=1";

// Shaped like a session token: 300 characters of base64 and its padding.
std::string SessionToken() {
  std::string token = "IQoJb3JpZ2luX2VjEMr";
  while (token.size() < 298) token += "Ab+Cd/Ef9";
  token.resize(298);
  return token + "==";
}

bool Contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

TEST(RedactSecretsTest, TheShapesUsedHereAreTheRealOnes) {
  EXPECT_EQ(40u, std::string(kSecretKey).size());
  EXPECT_EQ(300u, SessionToken().size());
}

TEST(RedactSecretsTest, AKnownSecretIsReplacedAsItIs) {
  EXPECT_EQ("key [redacted] end", RedactSecrets("key odd+secret/value=1 end", {kOddSecret}));
}

TEST(RedactSecretsTest, AKnownSecretIsReplacedPercentEncoded) {
  EXPECT_EQ("key=[redacted]&x=1",
            RedactSecrets("key=odd%2Bsecret%2Fvalue%3D1&x=1", {kOddSecret}));
  EXPECT_EQ("key=[redacted]&x=1",
            RedactSecrets("key=odd%2bsecret%2fvalue%3d1&x=1", {kOddSecret}));
}

TEST(RedactSecretsTest, AKnownSecretIsReplacedJsonEscaped) {
  EXPECT_EQ(R"({"k":"[redacted]"})",
            RedactSecrets(R"({"k":"odd+secret\/value=1"})", {kOddSecret}));
  EXPECT_EQ(R"({"k":"[redacted]"})",
            RedactSecrets(R"({"k":"odd\u002Bsecret\u002fvalue\u003d1"})", {kOddSecret}));
}

TEST(RedactSecretsTest, AKnownSecretIsReplacedAsHtmlReferences) {
  EXPECT_EQ("<p>[redacted]</p>",
            RedactSecrets("<p>odd&#x2B;secret&#47;value&#61;1</p>", {kOddSecret}));
  EXPECT_EQ("<p>[redacted]</p>",
            RedactSecrets("<p>odd&plus;secret&sol;value&equals;1</p>", {kOddSecret}));
}

TEST(RedactSecretsTest, EveryOccurrenceOfEveryKnownSecretGoes) {
  std::string text = std::string(kOddSecret) + " and other+known+one and " + kOddSecret;
  EXPECT_EQ("[redacted] and [redacted] and [redacted]",
            RedactSecrets(text, {kOddSecret, "other+known+one"}));
}

TEST(RedactSecretsTest, KnownValuesTooShortToBeSecretsAreNotLookedFor) {
  EXPECT_EQ("a short word", RedactSecrets("a short word", {"short", ""}));
}

TEST(RedactSecretsTest, ASecretKeyShapeIsReplacedUnknown) {
  EXPECT_EQ("aws_secret_access_key = [redacted]\n",
            RedactSecrets(std::string("aws_secret_access_key = ") + kSecretKey + "\n", {}));
}

TEST(RedactSecretsTest, ASecretKeyShapeIsReplacedInItsEncodedSpellings) {
  EXPECT_EQ("k=[redacted]&x",
            RedactSecrets("k=wJalrXUtnFEMI%2FK7MDENG%2BbPxRfiCYEXAMPLEKEY&x", {}));
  EXPECT_EQ(R"("[redacted]")",
            RedactSecrets(R"("wJalrXUtnFEMI\/K7MDENG\u002BbPxRfiCYEXAMPLEKEY")", {}));
  EXPECT_EQ("[redacted]", RedactSecrets("wJalrXUtnFEMI&#x2F;K7MDENG&#43;bPxRfiCYEXAMPLEKEY", {}));
}

TEST(RedactSecretsTest, ASessionTokenShapeIsReplacedWithItsPadding) {
  std::string token = SessionToken();
  EXPECT_EQ("token [redacted] end", RedactSecrets("token " + token + " end", {}));
  std::string encoded;
  for (char c : token) {
    encoded += c == '+' ? "%2B" : c == '/' ? "%2F" : c == '=' ? "%3D" : std::string(1, c);
  }
  EXPECT_EQ("X-Amz-Security-Token=[redacted]&a=b",
            RedactSecrets("X-Amz-Security-Token=" + encoded + "&a=b", {}));
}

TEST(RedactSecretsTest, AJsonEscapeEndsARun) {
  // "\n" is a newline: the text after it is not part of the token.
  std::string text = R"({"Token":")" + SessionToken() + R"(\nexit 1\tnext"})";
  EXPECT_EQ(R"({"Token":"[redacted]\nexit 1\tnext"})", RedactSecrets(text, {}));
  text = std::string(R"(")") + kSecretKey + R"(\nNext)";
  EXPECT_EQ(R"("[redacted]\nNext)", RedactSecrets(text, {}));
}

TEST(RedactSecretsTest, WhatIsNotShapedLikeASecretIsKept) {
  const std::vector<std::string> kept = {
      "access key id AKIAIOSFODNN7EXAMPLE from profile default",
      "commit 9fceb02d0ae598e95dc970b74767f19372d61af8 (40 hex digits, one case)",
      "Signature=5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7",
      "/var/log/nginx/access.log and C:\\Program Files\\edgelog",
      "39 chars wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKE here",
      "HTTP 400 InvalidParameterException: Log event too old",
      "100%25 of 3 &amp; more \\u00e9t\\u00e9 &#233;",
      std::string(300, 'x') + " " + std::string(300, '=') + " " + std::string(120, 'A'),
      "",
  };
  for (const std::string& text : kept) EXPECT_EQ(text, RedactSecrets(text, {})) << text;
}

TEST(RedactSecretsTest, ASecretKeyAtTheEndOfAPathIsReplaced) {
  // `set -x` echoing a failing credential_process: the run is "/creds/"
  // and the key, 47 long; the key holds '/' itself.
  EXPECT_EQ("+ curl https://vault.local/creds/[redacted]",
            RedactSecrets("+ curl https://vault.local/creds/wJalrXUtnFEMI/K7MDENG/"
                          "bPxRfiCYEXAMPLEKEY",
                          {}));
  EXPECT_EQ("GET /v1/[redacted]/renew HTTP/1.1",
            RedactSecrets(std::string("GET /v1/") + kSecretKey + "/renew HTTP/1.1", {}));
  EXPECT_EQ("path=%2Fcreds%2F[redacted]&x",
            RedactSecrets("path=%2Fcreds%2FwJalrXUtnFEMI%2FK7MDENG%2BbPxRfiCYEXAMPLEKEY&x", {}));
}

TEST(RedactSecretsTest, AValueAfterASecretsNameIsReplacedWhateverItsShape) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {R"(+ echo '{"Version": 1, "AccessKeyId": "AKIAIOSFODNN7EXAMPLE", )"
       R"("SecretAccessKey": "short/secret", "SessionToken": "tok-en_1", "Expiration": "x"}')",
       R"(+ echo '{"Version": 1, "AccessKeyId": "AKIAIOSFODNN7EXAMPLE", )"
       R"("SecretAccessKey": "[redacted]", "SessionToken": "[redacted]", "Expiration": "x"}')"},
      {"+ export AWS_SECRET_ACCESS_KEY=abc123 AWS_SESSION_TOKEN='def456'",
       "+ export AWS_SECRET_ACCESS_KEY=[redacted] AWS_SESSION_TOKEN='[redacted]'"},
      {"aws_secret_access_key = not_base64!\naws_session_token=x.y.z",
       "aws_secret_access_key = [redacted]\naws_session_token=[redacted]"},
      {R"({"secretaccesskey":"s3cr3t","TOKEN" : "t0ken"})",
       R"({"secretaccesskey":"[redacted]","TOKEN" : "[redacted]"})"},
      {R"({\"SecretAccessKey\":\"esc\u002Daped\"})", R"({\"SecretAccessKey\":\"[redacted]\"})"},
      {"SessionToken:abc,next", "SessionToken:[redacted],next"},
  };
  for (const auto& [text, want] : cases) EXPECT_EQ(want, RedactSecrets(text, {})) << text;
}

TEST(RedactSecretsTest, TokenAloneIsANameOnlyAsAJsonKey) {
  const std::vector<std::string> kept = {
      "Token=abc123 was refused",
      "token: expired, fetching a new one",
      "IMDS token: 21600 s",
      R"(it must print {"Version": 1, "AccessKeyId": ..., "SecretAccessKey": ...})",
  };
  for (const std::string& text : kept) EXPECT_EQ(text, RedactSecrets(text, {})) << text;
}

TEST(RedactSecretsTest, OrdinaryLogLinesAndPathsAreKept) {
  const std::vector<std::string> kept = {
      "opened /var/log/containers/nginx-7d9f8b6c5d-x2x9q_default_nginx-0123456789ab.log",
      "/home/ubuntu/.aws/credentials: profile [default] has no aws_access_key_id",
      "shipped 512 events to /aws/ecs/MyCluster/MyService/TaskDefinitionRevision42",
      "GET /api/v2/Users/12345/Orders?status=Pending HTTP/1.1 200 1532 \"Mozilla/5.0\"",
      "file_path /srv/app/logs/ApplicationServer/PaymentGateway/Transactions.log",
      "Dec  7 09:21:31 host systemd[1]: Started edgelog.service - CloudWatch Logs forwarder.",
      "credentials from AWS_ACCESS_KEY_ID (long-term); state in /var/lib/edgelog",
      "refreshing the SessionToken in 300 s",
  };
  for (const std::string& text : kept) EXPECT_EQ(text, RedactSecrets(text, {})) << text;
}

TEST(RedactSecretsTest, ALongFilePathIsKeptAndSecretsInOrAfterOneAreNot) {
  // 100 and more characters of both cases, '/' and letters only: a token's
  // shape by length alone, but a path by its names. Logged as it is.
  const std::string path =
      "/srv/app/logs/ApplicationServer/PaymentGateway/TransactionsArchive/Subsystem/Component/"
      "Current/Today/x";
  ASSERT_GE(path.size(), 100u);
  EXPECT_EQ("following " + path + ".log from the start",
            RedactSecrets("following " + path + ".log from the start", {}));
  // A session token after a path is still one run shaped like a token.
  EXPECT_EQ("GET [redacted] x", RedactSecrets("GET /creds/" + SessionToken() + " x", {}));
  std::string no_plus = SessionToken();
  for (char& c : no_plus) c = c == '+' ? 'Q' : c;
  EXPECT_EQ("GET [redacted] x", RedactSecrets("GET /v1/" + std::string(45, 'k') + "K/" +
                                                  no_plus + " x",
                                              {}));
  // A secret key in a long path is found, as in a shorter one: between
  // two names, or last; with its '+', the whole run goes.
  const std::string slashed_key = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
  EXPECT_EQ(path + "/[redacted]/y", RedactSecrets(path + "/" + slashed_key + "/y", {}));
  EXPECT_EQ(path + "/[redacted]", RedactSecrets(path + "/" + slashed_key, {}));
  EXPECT_FALSE(Contains(RedactSecrets(path + "/" + kSecretKey + "/y", {}), kSecretKey));
}

TEST(RedactSecretsTest, AKnownSecretInsideAShapeIsOneRedaction) {
  std::string text = std::string("x ") + kSecretKey + " y";
  EXPECT_EQ("x [redacted] y", RedactSecrets(text, {kSecretKey}));
}

TEST(RedactSecretsTest, LongInputsTakeLinearTime) {
  std::string text;
  while (text.size() < (4u << 20)) {
    text += "line with %2 &# \\u00 and " + std::string(kSecretKey) + " and & % \\ \n";
  }
  text += SessionToken();
  std::string one_run(4u << 20, 'a');
  one_run[0] = 'A';
  auto start = std::chrono::steady_clock::now();
  std::string out = RedactSecrets(text, {kOddSecret, SessionToken()});
  std::string run_out = RedactSecrets(one_run, {kOddSecret});
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                std::chrono::steady_clock::now() - start)
                .count();
  EXPECT_FALSE(Contains(out, kSecretKey));
  EXPECT_FALSE(Contains(out, SessionToken()));
  EXPECT_EQ("[redacted]", run_out);
  EXPECT_LT(ms, 5000);
}

}  // namespace
}  // namespace edgelog
