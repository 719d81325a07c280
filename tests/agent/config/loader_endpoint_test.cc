// logs.endpoint_override and plain http: accepted for this host (loopback)
// or with edgelog.http.allow_plaintext, refused otherwise.
#include <gtest/gtest.h>

#include <string>

#include "agent/config/loader.h"
#include "tests/agent/config/loader_test_fixture.h"

namespace edgelog {
namespace {

using loader_test::OnlyError;
using loader_test::Parse;
using loader_test::StartsWith;  // for EXPECT_STARTS_WITH

// A config with one file entry, `endpoint` as logs.endpoint_override and
// `edgelog` (a JSON object) as the edgelog section.
std::string WithEndpoint(const std::string& endpoint, const std::string& edgelog = "{}") {
  return R"({"edgelog": )" + edgelog + R"(, "logs": {"endpoint_override": ")" + endpoint +
         R"(", "logs_collected": {"files": {"collect_list": [{"file_path": "/var/log/a.log"}]}}}})";
}

TEST(ConfigEndpointTest, PlainHttpToAnotherHostIsRefusedNamingTheKeyAndTheFix) {
  for (const char* url : {"http://logs.example.com", "http://10.0.0.5:4566/",
                          "http://logs.eu-west-1.amazonaws.com", "http://[2001:db8::1]:80"}) {
    std::string error = OnlyError(Parse(WithEndpoint(url)));
    EXPECT_STARTS_WITH("cfg.json: logs.endpoint_override: ", error);
    EXPECT_CONTAINS(url, error);
    EXPECT_CONTAINS("https://", error);
    EXPECT_CONTAINS("edgelog.http.allow_plaintext", error);
  }
}

TEST(ConfigEndpointTest, NamesThatOnlyLookLikeThisHostAreNotLoopback) {
  for (const char* url : {"http://localhost.example.com", "http://127.0.0.1.nip.io/",
                          "http://128.0.0.1", "http://127.0.0.1@evil.example.com",
                          "http://[::2]:80", "http://0x7f.0.0.1"}) {
    auto c = Parse(WithEndpoint(url));
    EXPECT_FALSE(c.ok()) << url << " was accepted";
  }
}

TEST(ConfigEndpointTest, PlainHttpToThisHostIsAccepted) {
  for (const char* url : {"http://127.0.0.1:4566", "http://localhost:8080/", "http://localhost",
                          "http://127.9.8.7/logs", "http://[::1]:4566/"}) {
    auto c = Parse(WithEndpoint(url));
    ASSERT_TRUE(c.ok()) << url << ": " << c.status().message();
    EXPECT_EQ(url, c->endpoint_override);
  }
}

TEST(ConfigEndpointTest, AllowPlaintextAcceptsPlainHttpToAnotherHost) {
  auto c = Parse(WithEndpoint("http://logs.example.com:8080",
                              R"({"http": {"allow_plaintext": true}})"));
  ASSERT_TRUE(c.ok()) << c.status().message();
  EXPECT_TRUE(c->allow_plaintext);
  EXPECT_FALSE(Parse(WithEndpoint("http://logs.example.com",
                                  R"({"http": {"allow_plaintext": false}})")).ok());
}

TEST(ConfigEndpointTest, HttpsToAnyHostNeedsNoPermission) {
  auto c = Parse(WithEndpoint("https://logs.example.com"));
  EXPECT_TRUE(c.ok()) << c.status().message();
  EXPECT_FALSE(c->allow_plaintext);
}

}  // namespace
}  // namespace edgelog
