#include "agent/send/logs_api.h"

#include <cjson/cJSON.h>
#include <gtest/gtest.h>
#include <strings.h>

#include <memory>
#include <string>
#include <vector>

namespace edgelog {
namespace {

constexpr int64_t kUnixSeconds = 1768473000;  // 2026-01-15 10:30:00 UTC

LogsRequestContext Context(const std::string& url, const std::string& region = "us-west-2") {
  auto endpoint = ParseEndpointUrl(url);
  EXPECT_TRUE(endpoint.ok()) << url;
  LogsRequestContext c;
  if (endpoint.ok()) c.endpoint = *endpoint;
  c.region = region;
  c.user_agent = "edgelog/1.2.3";
  return c;
}

Credentials Creds(const std::string& token = "") {
  return Credentials{"AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", token};
}

// Values of every header called `name` (case-insensitive).
std::vector<std::string> Headers(const HttpRequest& r, const std::string& name) {
  std::vector<std::string> out;
  for (const HttpHeader& h : r.headers) {
    if (strcasecmp(h.name.c_str(), name.c_str()) == 0) out.push_back(h.value);
  }
  return out;
}

std::string Header(const HttpRequest& r, const std::string& name) {
  auto values = Headers(r, name);
  EXPECT_LE(values.size(), 1u) << name << " appears more than once";
  return values.empty() ? "" : values[0];
}

// The part of the Authorization header after `key=` up to ',' or the end.
std::string AuthorizationPart(const HttpRequest& r, const std::string& key) {
  std::string auth = Header(r, "Authorization");
  size_t at = auth.find(key + "=");
  if (at == std::string::npos) return "";
  at += key.size() + 1;
  size_t end = auth.find(',', at);
  return auth.substr(at, end == std::string::npos ? std::string::npos : end - at);
}

std::vector<std::string> Split(const std::string& s, char sep) {
  std::vector<std::string> out;
  size_t start = 0;
  while (true) {
    size_t at = s.find(sep, start);
    out.push_back(s.substr(start, at == std::string::npos ? std::string::npos : at - start));
    if (at == std::string::npos) return out;
    start = at + 1;
  }
}

using Json = std::unique_ptr<cJSON, void (*)(cJSON*)>;
Json ParseJson(const std::string& text) {
  return Json(cJSON_ParseWithLength(text.data(), text.size()), cJSON_Delete);
}

TEST(LogsApiTest, OperationNamesAreTheApiNames) {
  EXPECT_STREQ("PutLogEvents", OperationName(LogsOperation::kPutLogEvents));
  EXPECT_STREQ("CreateLogStream", OperationName(LogsOperation::kCreateLogStream));
  EXPECT_STREQ("CreateLogGroup", OperationName(LogsOperation::kCreateLogGroup));
  EXPECT_STREQ("PutRetentionPolicy", OperationName(LogsOperation::kPutRetentionPolicy));
}

TEST(LogsApiTest, RequestIsAJson11PostToTheEndpoint) {
  std::string body = "{}";
  HttpRequest r = BuildLogsRequest(Context("https://logs.us-west-2.amazonaws.com/"),
                                   LogsOperation::kCreateLogStream, body,
                                   BodyEncoding::kIdentity, Creds(), kUnixSeconds);
  EXPECT_EQ("POST", r.method);
  EXPECT_EQ("https://logs.us-west-2.amazonaws.com/", r.url);
  EXPECT_EQ("application/x-amz-json-1.1", Header(r, "Content-Type"));
  EXPECT_EQ("Logs_20140328.CreateLogStream", Header(r, "X-Amz-Target"));
  EXPECT_EQ("20260115T103000Z", Header(r, "X-Amz-Date"));
}

TEST(LogsApiTest, TargetNamesEachOperation) {
  for (LogsOperation op : {LogsOperation::kPutLogEvents, LogsOperation::kCreateLogStream,
                           LogsOperation::kCreateLogGroup, LogsOperation::kPutRetentionPolicy}) {
    HttpRequest r = BuildLogsRequest(Context("https://logs.us-west-2.amazonaws.com/"), op,
                                     "{}", BodyEncoding::kIdentity, Creds(), kUnixSeconds);
    EXPECT_EQ(std::string("Logs_20140328.") + OperationName(op), Header(r, "X-Amz-Target"));
  }
}

TEST(LogsApiTest, ContentEncodingGzipOnlyForGzipBodies) {
  auto context = Context("https://logs.us-west-2.amazonaws.com/");
  HttpRequest gz = BuildLogsRequest(context, LogsOperation::kPutLogEvents, "\x1f\x8b...",
                                    BodyEncoding::kGzip, Creds(), kUnixSeconds);
  EXPECT_EQ(std::vector<std::string>{"gzip"}, Headers(gz, "Content-Encoding"));
  EXPECT_NE(std::string::npos, AuthorizationPart(gz, "SignedHeaders").find("content-encoding"))
      << "the encoding is part of what is signed";
  HttpRequest plain = BuildLogsRequest(context, LogsOperation::kCreateLogGroup, "{}",
                                       BodyEncoding::kIdentity, Creds(), kUnixSeconds);
  EXPECT_TRUE(Headers(plain, "Content-Encoding").empty());
}

TEST(LogsApiTest, HostHeaderIsTheEndpointHostWithItsPort) {
  HttpRequest r = BuildLogsRequest(Context("http://localhost:4566/"),
                                   LogsOperation::kPutLogEvents, "x", BodyEncoding::kGzip,
                                   Creds(), kUnixSeconds);
  EXPECT_EQ("localhost:4566", Header(r, "Host"));
  EXPECT_EQ("http://localhost:4566/", r.url);
  HttpRequest aws = BuildLogsRequest(Context("https://logs.eu-west-1.amazonaws.com"),
                                     LogsOperation::kPutLogEvents, "x", BodyEncoding::kGzip,
                                     Creds(), kUnixSeconds);
  EXPECT_EQ("logs.eu-west-1.amazonaws.com", Header(aws, "Host"));
}

TEST(LogsApiTest, UserAgentIsSentButNotSigned) {
  HttpRequest r = BuildLogsRequest(Context("https://logs.us-west-2.amazonaws.com/"),
                                   LogsOperation::kPutLogEvents, "x", BodyEncoding::kGzip,
                                   Creds(), kUnixSeconds);
  EXPECT_EQ("edgelog/1.2.3", Header(r, "User-Agent"));
  std::string signed_headers = AuthorizationPart(r, "SignedHeaders");
  ASSERT_FALSE(signed_headers.empty());
  for (const std::string& name : Split(signed_headers, ';')) {
    EXPECT_NE("user-agent", name);
  }
}

TEST(LogsApiTest, SignedHeadersAreHostTypeTargetDateAndEncoding) {
  HttpRequest r = BuildLogsRequest(Context("https://logs.us-west-2.amazonaws.com/"),
                                   LogsOperation::kPutLogEvents, "x", BodyEncoding::kGzip,
                                   Creds(), kUnixSeconds);
  EXPECT_EQ("content-encoding;content-type;host;x-amz-date;x-amz-target",
            AuthorizationPart(r, "SignedHeaders"));
}

TEST(LogsApiTest, CredentialScopeIsDateRegionAndLogs) {
  HttpRequest r = BuildLogsRequest(Context("https://logs.ap-southeast-2.amazonaws.com/",
                                           "ap-southeast-2"),
                                   LogsOperation::kPutLogEvents, "x", BodyEncoding::kGzip,
                                   Creds(), kUnixSeconds);
  std::string auth = Header(r, "Authorization");
  EXPECT_EQ(0u, auth.find("AWS4-HMAC-SHA256 ")) << auth;
  EXPECT_EQ("AKIDEXAMPLE/20260115/ap-southeast-2/logs/aws4_request",
            AuthorizationPart(r, "Credential"));
  std::string signature = AuthorizationPart(r, "Signature");
  EXPECT_EQ(64u, signature.size());
  EXPECT_EQ(std::string::npos, signature.find_first_not_of("0123456789abcdef"));
}

TEST(LogsApiTest, SessionTokenIsSentAndSigned) {
  HttpRequest r = BuildLogsRequest(Context("https://logs.us-west-2.amazonaws.com/"),
                                   LogsOperation::kPutLogEvents, "x", BodyEncoding::kGzip,
                                   Creds("FQoGZXIvYXdzEXAMPLE"), kUnixSeconds);
  EXPECT_EQ("FQoGZXIvYXdzEXAMPLE", Header(r, "X-Amz-Security-Token"));
  EXPECT_NE(std::string::npos,
            AuthorizationPart(r, "SignedHeaders").find("x-amz-security-token"));
}

TEST(LogsApiTest, SignatureCoversTheHeadersAndBodyExactlyAsSent) {
  std::string body = "\x1f\x8b\x08 compressed bytes \x00\xff";
  body.push_back('\0');
  HttpRequest r = BuildLogsRequest(Context("http://localhost:4566/"),
                                   LogsOperation::kPutLogEvents, body, BodyEncoding::kGzip,
                                   Creds(), kUnixSeconds);
  EXPECT_EQ(body.data(), r.body.data()) << "the body is not copied";
  EXPECT_EQ(body.size(), r.body.size());
  // Sign what goes on the wire, minus the unsigned User-Agent: the same
  // signature must come out.
  RequestDescription sent;
  sent.method = r.method;
  sent.path = "/";
  for (const HttpHeader& h : r.headers) {
    if (strcasecmp(h.name.c_str(), "Authorization") == 0) continue;
    if (strcasecmp(h.name.c_str(), "User-Agent") == 0) continue;
    sent.headers.push_back(h);
  }
  sent.body = r.body;
  SigningResult again =
      Sign(sent, Creds(), SigningScope{"us-west-2", "logs", kUnixSeconds}, SigningOptions{});
  EXPECT_EQ(again.signature, AuthorizationPart(r, "Signature"));
}

TEST(LogsApiTest, EndpointPathIsUsedForSigning) {
  HttpRequest r = BuildLogsRequest(Context("https://proxy.example.com/logs/"),
                                   LogsOperation::kPutLogEvents, "x", BodyEncoding::kGzip,
                                   Creds(), kUnixSeconds);
  EXPECT_EQ("https://proxy.example.com/logs/", r.url);
  RequestDescription sent;
  sent.method = "POST";
  sent.path = "/logs/";
  for (const HttpHeader& h : r.headers) {
    if (strcasecmp(h.name.c_str(), "Authorization") == 0) continue;
    if (strcasecmp(h.name.c_str(), "User-Agent") == 0) continue;
    sent.headers.push_back(h);
  }
  sent.body = r.body;
  SigningResult again =
      Sign(sent, Creds(), SigningScope{"us-west-2", "logs", kUnixSeconds}, SigningOptions{});
  EXPECT_EQ(again.signature, AuthorizationPart(r, "Signature"));
}

TEST(LogsApiTest, CreateLogStreamBodyNamesGroupAndStream) {
  LogStreamTarget t{"/aws/app", "host-1", 0, ""};
  Json j = ParseJson(CreateLogStreamBody(t));
  ASSERT_TRUE(j);
  EXPECT_STREQ("/aws/app", cJSON_GetObjectItem(j.get(), "logGroupName")->valuestring);
  EXPECT_STREQ("host-1", cJSON_GetObjectItem(j.get(), "logStreamName")->valuestring);
  EXPECT_EQ(2, cJSON_GetArraySize(j.get()));
}

TEST(LogsApiTest, CreateLogGroupBodyCarriesTheClassOnlyWhenSet) {
  Json plain = ParseJson(CreateLogGroupBody(LogStreamTarget{"g", "s", 0, ""}));
  ASSERT_TRUE(plain);
  EXPECT_STREQ("g", cJSON_GetObjectItem(plain.get(), "logGroupName")->valuestring);
  EXPECT_EQ(nullptr, cJSON_GetObjectItem(plain.get(), "logGroupClass"));
  Json with_class =
      ParseJson(CreateLogGroupBody(LogStreamTarget{"g", "s", 0, "INFREQUENT_ACCESS"}));
  ASSERT_TRUE(with_class);
  EXPECT_STREQ("INFREQUENT_ACCESS",
               cJSON_GetObjectItem(with_class.get(), "logGroupClass")->valuestring);
}

TEST(LogsApiTest, PutRetentionPolicyBodyHasTheDaysAsANumber) {
  Json j = ParseJson(PutRetentionPolicyBody(LogStreamTarget{"g", "s", 30, ""}));
  ASSERT_TRUE(j);
  EXPECT_STREQ("g", cJSON_GetObjectItem(j.get(), "logGroupName")->valuestring);
  const cJSON* days = cJSON_GetObjectItem(j.get(), "retentionInDays");
  ASSERT_TRUE(cJSON_IsNumber(days));
  EXPECT_EQ(30, days->valueint);
}

TEST(LogsApiTest, NamesAreJsonEscaped) {
  LogStreamTarget t{"g\"q", "s\\b", 0, ""};
  Json j = ParseJson(CreateLogStreamBody(t));
  ASSERT_TRUE(j);
  EXPECT_STREQ("g\"q", cJSON_GetObjectItem(j.get(), "logGroupName")->valuestring);
  EXPECT_STREQ("s\\b", cJSON_GetObjectItem(j.get(), "logStreamName")->valuestring);
}

}  // namespace
}  // namespace edgelog
