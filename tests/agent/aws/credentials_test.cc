#include "agent/aws/credentials.h"

#include <gtest/gtest.h>

#include <string>

#include "tests/support/mem_env.h"

namespace edgelog {
namespace {

using testing::MemEnv;

TEST(EnvironmentCredentialsTest, ReadsKeySecretAndToken) {
  MemEnv env;
  env.SetVar("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE");
  env.SetVar("AWS_SECRET_ACCESS_KEY", "secret");
  env.SetVar("AWS_SESSION_TOKEN", "token");
  auto provider = NewEnvironmentCredentials(env);
  auto c = provider->Get();
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ("AKIDEXAMPLE", c->access_key_id);
  EXPECT_EQ("secret", c->secret_access_key);
  EXPECT_EQ("token", c->session_token);
  EXPECT_EQ("environment", provider->Source());
}

TEST(EnvironmentCredentialsTest, TheSessionTokenIsOptional) {
  MemEnv env;
  env.SetVar("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE");
  env.SetVar("AWS_SECRET_ACCESS_KEY", "secret");
  auto c = NewEnvironmentCredentials(env)->Get();
  ASSERT_TRUE(c.ok());
  EXPECT_EQ("", c->session_token);
}

TEST(EnvironmentCredentialsTest, NoVariablesIsNotFoundAndSaysWhatToSet) {
  MemEnv env;
  auto c = NewEnvironmentCredentials(env)->Get();
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(Code::kNotFound, c.status().code());
  EXPECT_NE(std::string::npos, c.status().message().find("AWS_ACCESS_KEY_ID"));
  EXPECT_NE(std::string::npos, c.status().message().find("AWS_SECRET_ACCESS_KEY"));
}

TEST(EnvironmentCredentialsTest, AKeyWithoutItsSecretNamesTheMissingOne) {
  MemEnv env;
  env.SetVar("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE");
  auto c = NewEnvironmentCredentials(env)->Get();
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(Code::kNotFound, c.status().code());
  EXPECT_NE(std::string::npos, c.status().message().find("AWS_SECRET_ACCESS_KEY"));

  MemEnv other;
  other.SetVar("AWS_SECRET_ACCESS_KEY", "secret");
  c = NewEnvironmentCredentials(other)->Get();
  ASSERT_FALSE(c.ok());
  EXPECT_NE(std::string::npos, c.status().message().find("AWS_ACCESS_KEY_ID"));
}

TEST(EnvironmentCredentialsTest, EmptyVariablesCountAsUnset) {
  MemEnv env;
  env.SetVar("AWS_ACCESS_KEY_ID", "");
  env.SetVar("AWS_SECRET_ACCESS_KEY", "");
  EXPECT_FALSE(NewEnvironmentCredentials(env)->Get().ok());
}

TEST(EnvironmentCredentialsTest, VariablesAreReadAtEachGetSoRotatedKeysAreSeen) {
  MemEnv env;
  auto provider = NewEnvironmentCredentials(env);
  EXPECT_FALSE(provider->Get().ok());
  env.SetVar("AWS_ACCESS_KEY_ID", "AKIDFIRST");
  env.SetVar("AWS_SECRET_ACCESS_KEY", "s1");
  ASSERT_TRUE(provider->Get().ok());
  EXPECT_EQ("AKIDFIRST", provider->Get()->access_key_id);
  env.SetVar("AWS_ACCESS_KEY_ID", "AKIDSECOND");
  EXPECT_EQ("AKIDSECOND", provider->Get()->access_key_id);
}

TEST(MaskAccessKeyIdTest, KeepsOnlyTheFirstAndLastFourCharacters) {
  std::string masked = MaskAccessKeyId("AKIAIOSFODNN7EXAMPLE");
  EXPECT_EQ(20u, masked.size());
  EXPECT_EQ("AKIA", masked.substr(0, 4));
  EXPECT_EQ("MPLE", masked.substr(16));
  EXPECT_EQ(std::string::npos, masked.find("IOSFODNN7EXA"));
}

TEST(MaskAccessKeyIdTest, ShortIdsAreMaskedCompletely) {
  EXPECT_EQ("********", MaskAccessKeyId("AKIDTEST"));
  EXPECT_EQ("", MaskAccessKeyId(""));
}

}  // namespace
}  // namespace edgelog
