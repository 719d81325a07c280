#include "agent/cli/doctor.h"

#include <gtest/gtest.h>

#include <string>

#include "agent/aws/endpoint.h"
#include "tests/support/mem_env.h"

namespace edgelog {
namespace {

using testing::MemEnv;

Endpoint Logs(const std::string& url) {
  auto endpoint = ParseEndpointUrl(url);
  EXPECT_TRUE(endpoint.ok()) << url;
  return endpoint.ok() ? *endpoint : Endpoint{};
}

TEST(DoctorIdentityTest, ALocalLogsEndpointWithoutAnStsEndpointSkipsStsSayingWhy) {
  MemEnv env;
  for (const char* url : {"http://127.0.0.1:5000", "http://localhost:4566/", "http://[::1]:4566",
                          "http://127.1.2.3:80", "https://localhost"}) {
    std::string why = ReasonToSkipIdentity(Logs(url), env);
    EXPECT_EQ("the logs endpoint is local and no STS endpoint is set (AWS_ENDPOINT_URL_STS)",
              why)
        << url;
  }
}

TEST(DoctorIdentityTest, AnStsEndpointIsAskedEvenWithALocalLogsEndpoint) {
  for (const char* name : {"AWS_ENDPOINT_URL_STS", "AWS_ENDPOINT_URL"}) {
    MemEnv env;
    env.SetVar(name, "http://127.0.0.1:5000");
    EXPECT_EQ("", ReasonToSkipIdentity(Logs("http://127.0.0.1:5000"), env)) << name;
  }
}

TEST(DoctorIdentityTest, AnEmptyStsVariableIsNotAnEndpoint) {
  MemEnv env;
  env.SetVar("AWS_ENDPOINT_URL_STS", "");
  env.SetVar("AWS_ENDPOINT_URL", "");
  EXPECT_NE("", ReasonToSkipIdentity(Logs("http://127.0.0.1:5000"), env));
}

TEST(DoctorIdentityTest, ARemoteLogsEndpointAlwaysAsksSts) {
  MemEnv env;
  for (const char* url : {"https://logs.us-east-1.amazonaws.com/", "https://10.0.0.5:443",
                          "https://localhost.example.com", "https://128.0.0.1"}) {
    EXPECT_EQ("", ReasonToSkipIdentity(Logs(url), env)) << url;
  }
}

}  // namespace
}  // namespace edgelog
