#include "agent/aws/sigv4.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace edgelog {
namespace {

// Expected canonical strings are worked out by hand from the SigV4 spec;
// hashes were computed with Python's hashlib and full signatures with
// botocore 1.43 SigV4Auth (the create-log-stream case written by
// tests/data/sigv4/gen_vectors.py, and a one-off run of the same signer for
// the session-token case). Nothing is taken from the public AWS suite.
constexpr int64_t k20150830T123600Z = 1440938160;
constexpr int64_t k20250601T094107Z = 1748770867;
constexpr int64_t k20251231T235959Z = 1767225599;
constexpr char kEmptyHash[] =
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
constexpr char kAccessKey[] = "AKIDEDGELOGEXAMPLE";
constexpr char kSecretKey[] = "edgeLOGexampleSECRETkey/K7MDENG+bPxRfiEXAMP";

const SigningScope kScope = {"us-east-1", "logs", k20250601T094107Z};

RequestDescription Get(std::string path, std::string query = "") {
  RequestDescription r;
  r.method = "GET";
  r.path = std::move(path);
  r.query = std::move(query);
  r.headers = {{"Host", "example.com"}};
  return r;
}

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  size_t start = 0;
  for (size_t end; (end = text.find('\n', start)) != std::string::npos;
       start = end + 1) {
    lines.push_back(text.substr(start, end - start));
  }
  lines.push_back(text.substr(start));
  return lines;
}

std::string CanonicalPathOf(std::string path, PathMode mode) {
  return Lines(CanonicalRequest(Get(std::move(path)), kEmptyHash, mode))[1];
}

std::string CanonicalQueryOf(std::string query) {
  return Lines(CanonicalRequest(Get("/", std::move(query)), kEmptyHash,
                                PathMode::kNormalize))[2];
}

// The canonical header lines of a GET / carrying `headers`, '\n'-joined.
std::string CanonicalHeadersOf(std::vector<HttpHeader> headers) {
  RequestDescription r = Get("/");
  r.headers = std::move(headers);
  std::string cr = CanonicalRequest(r, kEmptyHash, PathMode::kNormalize);
  size_t start = 0;
  for (int i = 0; i < 3; ++i) start = cr.find('\n', start) + 1;
  return cr.substr(start, cr.find("\n\n", start) - start);
}

const HttpHeader* Find(const std::vector<HttpHeader>& headers,
                       const std::string& name) {
  for (const HttpHeader& h : headers) {
    if (h.name == name) return &h;
  }
  return nullptr;
}

std::vector<std::string> NamesOf(const std::vector<HttpHeader>& headers) {
  std::vector<std::string> names;
  for (const HttpHeader& h : headers) names.push_back(h.name);
  return names;
}

TEST(SigV4Test, AmzDateIsCompactIso8601InUtc) {
  EXPECT_EQ("20150830T123600Z", AmzDate(k20150830T123600Z));
  EXPECT_EQ("19700101T000000Z", AmzDate(0));
}

TEST(SigV4Test, PayloadHashIsLowerCaseHexSha256OfTheBytes) {
  EXPECT_EQ(kEmptyHash, PayloadHash(""));
  EXPECT_EQ("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
            PayloadHash("abc"));
}

TEST(SigV4Test, CanonicalRequestIsSixPartsInSpecOrder) {
  RequestDescription r = Get("/");
  r.method = "POST";
  EXPECT_EQ(std::string("POST\n/\n\nhost:example.com\n\nhost\n") + kEmptyHash,
            CanonicalRequest(r, kEmptyHash, PathMode::kNormalize));
}

TEST(SigV4Test, HeaderNamesAreLowerCasedAndSorted) {
  EXPECT_EQ("content-type:text/plain\nhost:example.com\nx-amz-target:T",
            CanonicalHeadersOf({{"X-Amz-Target", "T"},
                                {"Host", "example.com"},
                                {"Content-Type", "text/plain"}}));
}

TEST(SigV4Test, HeaderValuesAreTrimmedAndInnerSpacesCollapsed) {
  EXPECT_EQ("host:h\nmy-header:a b c \"d e\"",
            CanonicalHeadersOf(
                {{"Host", "h"}, {"My-Header", "  a   b \t c  \"d  e\" "}}));
}

TEST(SigV4Test, HeaderValueCaseIsKept) {
  EXPECT_EQ("host:h\nmy-header:MiXeD",
            CanonicalHeadersOf({{"Host", "h"}, {"My-Header", "MiXeD"}}));
}

TEST(SigV4Test, FoldedHeaderValueBecomesOneLine) {
  EXPECT_EQ(
      "host:h\nmy-header:value1 value2 value3",
      CanonicalHeadersOf(
          {{"Host", "h"}, {"My-Header", "value1\n  value2\r\n\tvalue3"}}));
}

TEST(SigV4Test, DuplicateHeadersJoinWithCommasInOrder) {
  EXPECT_EQ("host:h\nmy-header:z,a,m",
            CanonicalHeadersOf({{"My-Header", "z"},
                                {"Host", "h"},
                                {"my-header", " a "},
                                {"MY-HEADER", "m"}}));
}

TEST(SigV4Test, SignedHeaderListIsSortedLowerCaseNamesJoinedBySemicolons) {
  EXPECT_EQ("content-type;host;x-amz-date",
            SignedHeaderList({{"X-Amz-Date", "d"},
                              {"Host", "h"},
                              {"Content-Type", "c"},
                              {"host", "again"}}));
}

TEST(SigV4Test, UserAgentIsNeverSigned) {
  RequestDescription r = Get("/");
  r.headers.push_back({"User-Agent", "edgelog/0.1.0"});
  EXPECT_EQ("host", SignedHeaderList(r.headers));
  EXPECT_EQ("host:example.com", CanonicalHeadersOf(r.headers));
  SigningResult s = Sign(r, {kAccessKey, kSecretKey, ""}, kScope, {});
  EXPECT_EQ(std::string::npos, s.canonical_request.find("user-agent"));
  EXPECT_NE(std::string::npos, s.headers_to_add.back().value.find(
                                   "SignedHeaders=host;x-amz-date,"));
}

TEST(SigV4Test, AuthorizationExpectAndTraceIdAreNeverSigned) {
  EXPECT_TRUE(IsUnsignedHeader("user-agent"));
  EXPECT_TRUE(IsUnsignedHeader("authorization"));
  EXPECT_TRUE(IsUnsignedHeader("expect"));
  EXPECT_TRUE(IsUnsignedHeader("x-amzn-trace-id"));
  EXPECT_FALSE(IsUnsignedHeader("host"));
  EXPECT_FALSE(IsUnsignedHeader("x-amz-target"));
  EXPECT_EQ("host", SignedHeaderList({{"Host", "h"},
                                      {"Authorization", "old"},
                                      {"Expect", "100-continue"},
                                      {"X-Amzn-Trace-Id", "t"}}));
}

TEST(SigV4Test, QueryParametersSortedAfterEncoding) {
  // Sorted by encoded bytes: '%' < 'A' < 'a', and "a" before "a-b".
  EXPECT_EQ("%E1%88%B4=x&A=3&a=1&a-b=4&b=2",
            CanonicalQueryOf("b=2&a=1&%E1%88%B4=x&A=3&a-b=4"));
}

TEST(SigV4Test, RepeatedQueryKeysAreSortedByValue) {
  EXPECT_EQ("k=a&k=b&k=c", CanonicalQueryOf("k=b&k=c&k=a"));
}

TEST(SigV4Test, QueryIsDecodedThenReencodedStrictly) {
  EXPECT_EQ("a=hello%20world&b=x%2By&c=~&d=%2F&e=b%3Dc",
            CanonicalQueryOf("a=hello%20world&b=x+y&c=%7e&d=/&e=b=c"));
}

TEST(SigV4Test, QueryKeyWithoutValueGetsAnEmptyValue) {
  EXPECT_EQ("a=1&flag=", CanonicalQueryOf("flag&a=1"));
}

TEST(SigV4Test, EmptyQueryAndEmptyParametersGiveNothing) {
  EXPECT_EQ("", CanonicalQueryOf(""));
  EXPECT_EQ("a=1&b=2", CanonicalQueryOf("&a=1&&b=2&"));
}

TEST(SigV4Test, PathDotSegmentsRemovedWhenNormalizing) {
  EXPECT_EQ("/a/c", CanonicalPathOf("/a/./b/../c", PathMode::kNormalize));
  EXPECT_EQ("/a/", CanonicalPathOf("/a/b/..", PathMode::kNormalize));
  EXPECT_EQ("/", CanonicalPathOf("/../..", PathMode::kNormalize));
  EXPECT_EQ("/example", CanonicalPathOf("/./example", PathMode::kNormalize));
}

TEST(SigV4Test, RepeatedSlashesCollapsedWhenNormalizing) {
  EXPECT_EQ("/a/b/", CanonicalPathOf("//a///b//", PathMode::kNormalize));
}

TEST(SigV4Test, PathKeptAsIsWhenNotNormalizing) {
  EXPECT_EQ("/a/./b/../c", CanonicalPathOf("/a/./b/../c", PathMode::kAsIs));
  EXPECT_EQ("//a//", CanonicalPathOf("//a//", PathMode::kAsIs));
}

TEST(SigV4Test, PathIsPercentEncodedWithSlashesKept) {
  EXPECT_EQ("/my%20file/%E1%88%B4",
            CanonicalPathOf("/my file/\xE1\x88\xB4", PathMode::kNormalize));
}

TEST(SigV4Test, AlreadyEncodedPathIsEncodedAgainAsNonS3ServicesExpect) {
  EXPECT_EQ("/a%2520b", CanonicalPathOf("/a%20b", PathMode::kNormalize));
}

TEST(SigV4Test, EmptyPathIsSlash) {
  EXPECT_EQ("/", CanonicalPathOf("", PathMode::kNormalize));
  EXPECT_EQ("/", CanonicalPathOf("", PathMode::kAsIs));
}

TEST(SigV4Test, StringToSignIsAlgorithmDateScopeAndHashOfCanonicalRequest) {
  std::string cr = std::string("GET\n/\n\nhost:h\n\nhost\n") + kEmptyHash;
  EXPECT_EQ(
      "AWS4-HMAC-SHA256\n20250601T094107Z\n20250601/us-east-1/logs/"
      "aws4_request\n"
      "cca1658a80fcc3ce3f15b29b7190caab67bd1b06e42eea0d497e8307bb3fb634",
      StringToSign(cr, kScope));
}

TEST(SigV4Test, ScopeDateFollowsTheSigningTimeInUtc) {
  SigningScope before = {"ap-southeast-2", "logs", k20251231T235959Z};
  SigningScope after = before;
  after.unix_seconds += 1;
  EXPECT_EQ("20251231/ap-southeast-2/logs/aws4_request",
            Lines(StringToSign("", before))[2]);
  EXPECT_EQ("20260101/ap-southeast-2/logs/aws4_request",
            Lines(StringToSign("", after))[2]);
}

TEST(SigV4Test, SignatureDependsOnSecretDateRegionAndService) {
  std::string base = Signature("sts", kSecretKey, kScope);
  EXPECT_EQ(64u, base.size());
  SigningScope region = kScope, service = kScope, date = kScope;
  region.region = "us-east-2";
  service.service = "sts";
  date.unix_seconds += 86400;
  EXPECT_NE(base, Signature("sts", "other-secret", kScope));
  EXPECT_NE(base, Signature("sts", kSecretKey, region));
  EXPECT_NE(base, Signature("sts", kSecretKey, service));
  EXPECT_NE(base, Signature("sts", kSecretKey, date));
  // Same day, other second: the signing key is unchanged.
  SigningScope later = kScope;
  later.unix_seconds += 60;
  EXPECT_EQ(base, Signature("sts", kSecretKey, later));
}

TEST(SigV4Test, DateHeaderIsAddedAndSigned) {
  SigningResult s = Sign(Get("/"), {kAccessKey, kSecretKey, ""}, kScope, {});
  ASSERT_EQ((std::vector<std::string>{"X-Amz-Date", "Authorization"}),
            NamesOf(s.headers_to_add));
  EXPECT_EQ("20250601T094107Z", s.headers_to_add[0].value);
  EXPECT_NE(std::string::npos,
            s.canonical_request.find("\nx-amz-date:20250601T094107Z\n"));
}

TEST(SigV4Test, DateHeaderAlreadyInRequestIsNotAddedAgain) {
  RequestDescription r = Get("/");
  r.headers.push_back({"X-Amz-Date", "20250601T094107Z"});
  SigningResult s = Sign(r, {kAccessKey, kSecretKey, ""}, kScope, {});
  EXPECT_EQ((std::vector<std::string>{"Authorization"}),
            NamesOf(s.headers_to_add));
  EXPECT_NE(std::string::npos,
            s.canonical_request.find("\nx-amz-date:20250601T094107Z\n"));
}

TEST(SigV4Test, SessionTokenIsSignedByDefault) {
  SigningResult s =
      Sign(Get("/"), {kAccessKey, kSecretKey, "TOKEN"}, kScope, {});
  ASSERT_EQ((std::vector<std::string>{"X-Amz-Date", "X-Amz-Security-Token",
                                      "Authorization"}),
            NamesOf(s.headers_to_add));
  EXPECT_EQ("TOKEN", s.headers_to_add[1].value);
  EXPECT_NE(std::string::npos,
            s.canonical_request.find("\nx-amz-security-token:TOKEN\n"));
  EXPECT_NE(std::string::npos,
            s.headers_to_add[2].value.find(
                "SignedHeaders=host;x-amz-date;x-amz-security-token,"));
}

TEST(SigV4Test, SessionTokenPlacedAfterSigningIsSentButNotSigned) {
  SigningOptions options;
  options.token_placement = SessionTokenPlacement::kAfterSigning;
  SigningResult s =
      Sign(Get("/"), {kAccessKey, kSecretKey, "TOKEN"}, kScope, options);
  EXPECT_EQ((std::vector<std::string>{"X-Amz-Date", "X-Amz-Security-Token",
                                      "Authorization"}),
            NamesOf(s.headers_to_add));
  EXPECT_EQ(std::string::npos,
            s.canonical_request.find("x-amz-security-token"));
  EXPECT_EQ(s.signature,
            Sign(Get("/"), {kAccessKey, kSecretKey, ""}, kScope, {}).signature);
}

TEST(SigV4Test, LongTermCredentialsAddNoTokenHeader) {
  SigningResult s = Sign(Get("/"), {kAccessKey, kSecretKey, ""}, kScope, {});
  EXPECT_EQ(nullptr, Find(s.headers_to_add, "X-Amz-Security-Token"));
}

TEST(SigV4Test, ContentSha256HeaderIsAddedAndSignedOnlyWhenAsked) {
  RequestDescription r = Get("/");
  r.method = "POST";
  r.body = "abc";
  const std::string abc_hash =
      "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
  SigningOptions add;
  add.payload_hash_header = PayloadHashHeader::kAdd;
  SigningResult with = Sign(r, {kAccessKey, kSecretKey, ""}, kScope, add);
  ASSERT_NE(nullptr, Find(with.headers_to_add, "X-Amz-Content-SHA256"));
  EXPECT_EQ(abc_hash, Find(with.headers_to_add, "X-Amz-Content-SHA256")->value);
  EXPECT_NE(std::string::npos,
            with.canonical_request.find("\nx-amz-content-sha256:" + abc_hash));

  SigningResult without = Sign(r, {kAccessKey, kSecretKey, ""}, kScope, {});
  EXPECT_EQ(nullptr, Find(without.headers_to_add, "X-Amz-Content-SHA256"));
  EXPECT_EQ(abc_hash, Lines(without.canonical_request).back());
}

TEST(SigV4Test, SignReturnsTheStagesItComputed) {
  RequestDescription r = Get("/a b", "z=1&y=2");
  SigningResult s = Sign(r, {kAccessKey, kSecretKey, "TOKEN"}, kScope, {});
  std::vector<HttpHeader> signed_headers = r.headers;
  signed_headers.insert(signed_headers.end(), s.headers_to_add.begin(),
                        s.headers_to_add.end() - 1);
  EXPECT_EQ(
      CanonicalRequest({r.method, r.path, r.query, signed_headers, r.body},
                       kEmptyHash, PathMode::kNormalize),
      s.canonical_request);
  EXPECT_EQ(StringToSign(s.canonical_request, kScope), s.string_to_sign);
  EXPECT_EQ(Signature(s.string_to_sign, kSecretKey, kScope), s.signature);
}

TEST(SigV4Test, CreateLogStreamMatchesBotocore) {
  // tests/data/sigv4/create-log-stream, signed by botocore.
  RequestDescription r;
  r.method = "POST";
  r.headers = {{"Host", "logs.us-east-1.amazonaws.com"},
               {"Content-Type", "application/x-amz-json-1.1"},
               {"X-Amz-Target", "Logs_20140328.CreateLogStream"},
               {"User-Agent", "edgelog/0.1.0 (linux; aarch64)"}};
  r.body = R"({"logGroupName":"/edgelog/app","logStreamName":"host-1"})";
  SigningResult s = Sign(r, {kAccessKey, kSecretKey, ""}, kScope, {});
  EXPECT_EQ("fa2c9326bcebbd6adb4e93237653cb42adbdf9f2fdd5b3ff2f7262fef1bf73ab",
            s.signature);
  EXPECT_EQ(
      "AWS4-HMAC-SHA256 "
      "Credential=AKIDEDGELOGEXAMPLE/20250601/us-east-1/logs/aws4_request, "
      "SignedHeaders=content-type;host;x-amz-date;x-amz-target, "
      "Signature="
      "fa2c9326bcebbd6adb4e93237653cb42adbdf9f2fdd5b3ff2f7262fef1bf73ab",
      s.headers_to_add.back().value);
}

TEST(SigV4Test, PutLogEventsWithSessionTokenMatchesBotocore) {
  RequestDescription r;
  r.method = "POST";
  r.headers = {{"Host", "logs.eu-west-1.amazonaws.com"},
               {"Content-Type", "application/x-amz-json-1.1"},
               {"X-Amz-Target", "Logs_20140328.PutLogEvents"}};
  r.body = R"({"logGroupName":"g","logStreamName":"s","logEvents":)"
           R"([{"timestamp":1748770860000,"message":"hello"}]})";
  SigningScope scope = {"eu-west-1", "logs", k20250601T094107Z};
  SigningResult s =
      Sign(r, {kAccessKey, kSecretKey, "EdgelogExampleSessionToken//+=="},
           scope, {});
  EXPECT_EQ(
      "POST\n/\n\n"
      "content-type:application/x-amz-json-1.1\n"
      "host:logs.eu-west-1.amazonaws.com\n"
      "x-amz-date:20250601T094107Z\n"
      "x-amz-security-token:EdgelogExampleSessionToken//+==\n"
      "x-amz-target:Logs_20140328.PutLogEvents\n\n"
      "content-type;host;x-amz-date;x-amz-security-token;x-amz-target\n"
      "61ad297783c08a79cfcac49665425d2df4ecd9a72f3875edc35235e28f755abc",
      s.canonical_request);
  EXPECT_EQ(
      "AWS4-HMAC-SHA256\n20250601T094107Z\n20250601/eu-west-1/logs/"
      "aws4_request\n"
      "550fe98b7a754a46bb8409a5032c9477e99ee0ad0be43504d6f5700cc5e3561e",
      s.string_to_sign);
  EXPECT_EQ("30dc392372d550691421d35634861e596340dc9638470047b1158a9ab6cad5e8",
            s.signature);
}

}  // namespace
}  // namespace edgelog
