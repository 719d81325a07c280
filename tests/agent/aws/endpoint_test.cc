#include "agent/aws/endpoint.h"

#include <gtest/gtest.h>

#include <string>

#include "tests/support/mem_env.h"

namespace edgelog {
namespace {

using testing::MemEnv;

TEST(ParseEndpointUrlTest, SplitsSchemeHostAndPath) {
  auto e = ParseEndpointUrl("https://logs.us-east-1.amazonaws.com/");
  ASSERT_TRUE(e.ok()) << e.status().ToString();
  EXPECT_EQ("https://logs.us-east-1.amazonaws.com/", e->url);
  EXPECT_EQ("logs.us-east-1.amazonaws.com", e->host);
  EXPECT_EQ("/", e->path);
}

TEST(ParseEndpointUrlTest, APasswordInTheUrlIsNotShownInTheError) {
  auto e = ParseEndpointUrl("http://admin:S3cretPassw0rd@127.0.0.1:5123/");
  ASSERT_FALSE(e.ok());
  EXPECT_EQ(std::string::npos, e.status().message().find("S3cretPassw0rd"))
      << e.status().message();
  EXPECT_NE(std::string::npos, e.status().message().find("http://admin:[redacted]@127.0.0.1"))
      << e.status().message();
  e = ParseEndpointUrl("ftp://u:pw-secret@host/");
  ASSERT_FALSE(e.ok());
  EXPECT_EQ(std::string::npos, e.status().message().find("pw-secret"));
}

TEST(ParseEndpointUrlTest, AMissingPathIsTheRoot) {
  auto e = ParseEndpointUrl("https://logs.eu-west-1.amazonaws.com");
  ASSERT_TRUE(e.ok());
  EXPECT_EQ("/", e->path);
  EXPECT_EQ("https://logs.eu-west-1.amazonaws.com/", e->url);
}

TEST(ParseEndpointUrlTest, ThePortStaysInTheHost) {
  auto e = ParseEndpointUrl("http://localhost:4566");
  ASSERT_TRUE(e.ok());
  EXPECT_EQ("localhost:4566", e->host);
  EXPECT_EQ("http://localhost:4566/", e->url);
}

TEST(ParseEndpointUrlTest, APathIsKept) {
  auto e = ParseEndpointUrl("https://proxy.example.com/aws/logs");
  ASSERT_TRUE(e.ok());
  EXPECT_EQ("proxy.example.com", e->host);
  EXPECT_EQ("/aws/logs", e->path);
}

TEST(ParseEndpointUrlTest, IPv6LiteralsWithPortAreHosts) {
  auto e = ParseEndpointUrl("http://[::1]:4566/");
  ASSERT_TRUE(e.ok());
  EXPECT_EQ("[::1]:4566", e->host);
}

TEST(ParseEndpointUrlTest, AnythingButHttpOrHttpsUrlsIsInvalid) {
  for (const char* url : {"logs.us-east-1.amazonaws.com", "ftp://host/", "https://",
                          "https:///path", "https://user@host/", "https://host?x=1",
                          "https://host#frag", ""}) {
    auto e = ParseEndpointUrl(url);
    EXPECT_FALSE(e.ok()) << url;
    if (!e.ok()) {
      EXPECT_EQ(Code::kInvalidArgument, e.status().code()) << url;
    }
  }
}

TEST(ResolveRegionTest, TheConfiguredRegionWins) {
  MemEnv env;
  env.SetVar("AWS_REGION", "eu-west-1");
  auto r = ResolveRegion("us-west-2", env);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ("us-west-2", *r);
}

TEST(ResolveRegionTest, AwsRegionComesBeforeAwsDefaultRegion) {
  MemEnv env;
  env.SetVar("AWS_DEFAULT_REGION", "ap-south-1");
  auto r = ResolveRegion("", env);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ("ap-south-1", *r);
  env.SetVar("AWS_REGION", "eu-central-1");
  r = ResolveRegion("", env);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ("eu-central-1", *r);
}

TEST(ResolveRegionTest, AnEmptyVariableCountsAsUnset) {
  MemEnv env;
  env.SetVar("AWS_REGION", "");
  env.SetVar("AWS_DEFAULT_REGION", "sa-east-1");
  auto r = ResolveRegion("", env);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ("sa-east-1", *r);
}

TEST(ResolveRegionTest, NoRegionAnywhereIsNotFoundAndSaysWhatToSet) {
  MemEnv env;
  auto r = ResolveRegion("", env);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(Code::kNotFound, r.status().code());
  EXPECT_NE(std::string::npos, r.status().message().find("AWS_REGION"));
}

TEST(ResolveLogsEndpointTest, DefaultsToTheRegionalEndpoint) {
  MemEnv env;
  auto e = ResolveLogsEndpoint("", "ap-southeast-2", env);
  ASSERT_TRUE(e.ok());
  EXPECT_EQ("https://logs.ap-southeast-2.amazonaws.com/", e->url);
  EXPECT_EQ("logs.ap-southeast-2.amazonaws.com", e->host);
  EXPECT_NE(std::string::npos, e->source.find("ap-southeast-2"));
}

TEST(ResolveLogsEndpointTest, PrecedenceIsOverrideThenServiceVariableThenGeneralVariable) {
  MemEnv env;
  env.SetVar("AWS_ENDPOINT_URL", "http://127.0.0.1:1");
  auto e = ResolveLogsEndpoint("", "us-east-1", env);
  ASSERT_TRUE(e.ok());
  EXPECT_EQ("127.0.0.1:1", e->host);
  EXPECT_EQ("AWS_ENDPOINT_URL", e->source);

  env.SetVar("AWS_ENDPOINT_URL_CLOUDWATCH_LOGS", "http://localhost:2");
  e = ResolveLogsEndpoint("", "us-east-1", env);
  ASSERT_TRUE(e.ok());
  EXPECT_EQ("localhost:2", e->host);
  EXPECT_EQ("AWS_ENDPOINT_URL_CLOUDWATCH_LOGS", e->source);

  e = ResolveLogsEndpoint("https://override:3", "us-east-1", env);
  ASSERT_TRUE(e.ok());
  EXPECT_EQ("override:3", e->host);
  EXPECT_EQ("logs.endpoint_override", e->source);
}

TEST(ResolveLogsEndpointTest, AnEmptyVariableCountsAsUnset) {
  MemEnv env;
  env.SetVar("AWS_ENDPOINT_URL_CLOUDWATCH_LOGS", "");
  env.SetVar("AWS_ENDPOINT_URL", "https://general:1");
  auto e = ResolveLogsEndpoint("", "us-east-1", env);
  ASSERT_TRUE(e.ok());
  EXPECT_EQ("general:1", e->host);
}

// Plain http carries the log lines, the signed Authorization header and any
// session token in clear text: accepted for this host only, unless the
// operator says the network is theirs. The error names where the URL came
// from and the key that allows it.
TEST(ResolveLogsEndpointTest, PlainHttpToAnotherHostIsRefusedUnlessAllowed) {
  MemEnv env;
  for (const char* url : {"http://logs.example.com/", "http://10.0.0.5:4566",
                          "http://127.0.0.1.example.com/", "http://[2001:db8::1]:80/"}) {
    auto e = ResolveLogsEndpoint(url, "us-east-1", env);
    ASSERT_FALSE(e.ok()) << url;
    EXPECT_NE(std::string::npos, e.status().message().find("logs.endpoint_override")) << url;
    EXPECT_NE(std::string::npos, e.status().message().find("edgelog.http.allow_plaintext"));
    EXPECT_TRUE(ResolveLogsEndpoint(url, "us-east-1", env, /*allow_plaintext=*/true).ok());
  }
  env.SetVar("AWS_ENDPOINT_URL", "http://moto.internal:5000");
  auto e = ResolveLogsEndpoint("", "us-east-1", env);
  ASSERT_FALSE(e.ok());
  EXPECT_NE(std::string::npos, e.status().message().find("AWS_ENDPOINT_URL"));
  for (const char* url : {"http://127.0.0.1:4566/", "http://localhost:5000", "http://[::1]:80/",
                          "http://127.1.2.3/", "https://logs.example.com/"}) {
    EXPECT_TRUE(ResolveLogsEndpoint(url, "us-east-1", env).ok()) << url;
  }
}

TEST(IsLoopbackHostTest, OnlyThisHostsNames) {
  for (const char* host : {"localhost", "localhost:80", "127.0.0.1", "127.0.0.1:4566",
                           "127.255.0.9", "[::1]", "[::1]:443", "::1"}) {
    EXPECT_TRUE(IsLoopbackHost(host)) << host;
  }
  for (const char* host : {"", "example.com", "127.0.0.1.nip.io", "127.0.0", "10.0.0.1",
                           "[2001:db8::1]:80", "localhost.example.com", "1127.0.0.1"}) {
    EXPECT_FALSE(IsLoopbackHost(host)) << host;
  }
}

TEST(ResolveLogsEndpointTest, ABadUrlIsInvalidAndNamesWhereItCameFrom) {
  MemEnv env;
  env.SetVar("AWS_ENDPOINT_URL_CLOUDWATCH_LOGS", "localhost:4566");
  auto e = ResolveLogsEndpoint("", "us-east-1", env);
  ASSERT_FALSE(e.ok());
  EXPECT_EQ(Code::kInvalidArgument, e.status().code());
  EXPECT_NE(std::string::npos,
            e.status().message().find("AWS_ENDPOINT_URL_CLOUDWATCH_LOGS"));
  e = ResolveLogsEndpoint("nonsense", "us-east-1", env);
  ASSERT_FALSE(e.ok());
  EXPECT_NE(std::string::npos, e.status().message().find("logs.endpoint_override"));
}

TEST(ResolveCaBundleTest, ConfiguredThenSslCertFileThenAwsCaBundle) {
  MemEnv env;
  env.SetVar("AWS_CA_BUNDLE", "/aws.pem");
  EXPECT_EQ("/aws.pem", ResolveCaBundle("", env, "").path);
  EXPECT_EQ("AWS_CA_BUNDLE", ResolveCaBundle("", env, "").source);
  env.SetVar("SSL_CERT_FILE", "/ssl.pem");
  EXPECT_EQ("/ssl.pem", ResolveCaBundle("", env, "").path);
  EXPECT_EQ("/conf.pem", ResolveCaBundle("/conf.pem", env, "").path);
  EXPECT_EQ("edgelog.http.ca_bundle", ResolveCaBundle("/conf.pem", env, "").source);
}

TEST(ResolveCaBundleTest, ThenTheFirstSystemBundleThatExistsThenTheOneBesideTheBinary) {
  MemEnv env;
  EXPECT_EQ("", ResolveCaBundle("", env, "/opt/edgelog").path) << "nothing anywhere";
  env.WriteFile("/opt/edgelog/ca-bundle.pem", "pem");
  EXPECT_EQ("/opt/edgelog/ca-bundle.pem", ResolveCaBundle("", env, "/opt/edgelog").path);
  EXPECT_EQ("beside the binary", ResolveCaBundle("", env, "/opt/edgelog").source);
  env.WriteFile("/etc/ssl/cert.pem", "pem");
  EXPECT_EQ("/etc/ssl/cert.pem", ResolveCaBundle("", env, "/opt/edgelog").path);
  env.WriteFile("/etc/pki/tls/certs/ca-bundle.crt", "pem");
  EXPECT_EQ("/etc/pki/tls/certs/ca-bundle.crt", ResolveCaBundle("", env, "/opt/edgelog").path);
  env.WriteFile("/etc/ssl/certs/ca-certificates.crt", "pem");
  EXPECT_EQ("/etc/ssl/certs/ca-certificates.crt", ResolveCaBundle("", env, "/opt/edgelog").path);
  EXPECT_EQ("system", ResolveCaBundle("", env, "/opt/edgelog").source);
  env.SetVar("AWS_CA_BUNDLE", "/aws.pem");
  EXPECT_EQ("/aws.pem", ResolveCaBundle("", env, "/opt/edgelog").path) << "variables first";
}

}  // namespace
}  // namespace edgelog
