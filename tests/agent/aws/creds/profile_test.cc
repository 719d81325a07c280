#include "agent/aws/creds/profile.h"

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "tests/support/fake_blocking_http.h"
#include "tests/support/fake_clock.h"
#include "tests/support/mem_env.h"

namespace edgelog {
namespace {

using testing::FakeBlockingHttp;
using testing::FakeClock;
using testing::MemEnv;

constexpr char kCredentialsPath[] = "/home/u/.aws/credentials";
constexpr char kConfigPath[] = "/home/u/.aws/config";
// 2026-11-22T07:00:00Z
constexpr int64_t kExpirationMs = 1795330800000;

bool Contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

// ---------------------------------------------------------------------------
// The profile source

// Answers every command with `answer`, remembering what it was asked.
class FakeProcessRunner : public ProcessRunner {
 public:
  struct Call {
    std::string command;
    int64_t timeout_ms;
    size_t max_output;
  };

  StatusOr<std::string> Run(const std::string& command, int64_t timeout_ms,
                            size_t max_output) override {
    calls.push_back({command, timeout_ms, max_output});
    return answer;
  }

  StatusOr<std::string> answer = Status::Unavailable("nothing scripted");
  std::vector<Call> calls;
};

// Counts the files opened for reading, by path.
class CountingEnv : public EnvWrapper {
 public:
  using EnvWrapper::EnvWrapper;
  StatusOr<std::unique_ptr<ReadableFile>> OpenReadable(const std::string& path) override {
    ++opened[path];
    return EnvWrapper::OpenReadable(path);
  }
  std::map<std::string, int> opened;
};

std::string StsAnswer(const std::string& id, const std::string& secret,
                      const std::string& token) {
  return "<AssumeRoleResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">"
         "<AssumeRoleResult><Credentials>"
         "<AccessKeyId>" + id + "</AccessKeyId>"
         "<SecretAccessKey>" + secret + "</SecretAccessKey>"
         "<SessionToken>" + token + "</SessionToken>"
         "<Expiration>2026-11-22T07:00:00Z</Expiration>"
         "</Credentials></AssumeRoleResult></AssumeRoleResponse>";
}

std::string HeaderOf(const BlockingRequest& request, const std::string& name) {
  for (const HttpHeader& h : request.headers) {
    if (h.name == name) return h.value;
  }
  return "";
}

class ProfileSourceTest : public ::testing::Test {
 protected:
  ProfileSourceTest() : env_(mem_), sts_(mem_, clock_, http_, "eu-west-1") {
    mem_.SetVar("HOME", "/home/u");
  }

  void WriteCredentials(const std::string& text) { mem_.WriteFile(kCredentialsPath, text); }
  void WriteConfig(const std::string& text) { mem_.WriteFile(kConfigPath, text); }

  StatusOr<SourcedCredentials> Fetch() {
    if (source_ == nullptr) source_ = NewProfileSource(env_, sts_, processes_);
    return source_->Fetch();
  }

  // Every secret any test writes contains "SECRET" or "TOKEN"; none may
  // reach a message.
  static void ExpectNoSecretIn(const Status& status) {
    EXPECT_FALSE(Contains(status.message(), "SECRET")) << status.message();
    EXPECT_FALSE(Contains(status.message(), "TOKEN")) << status.message();
  }

  MemEnv mem_;
  CountingEnv env_;
  FakeClock clock_;
  FakeBlockingHttp http_;
  FakeProcessRunner processes_;
  StsClient sts_;
  std::unique_ptr<CredentialSource> source_;
};

TEST_F(ProfileSourceTest, StaticKeysOfTheDefaultProfile) {
  WriteCredentials(
      "[default]\n"
      "aws_access_key_id = AKIDDEFAULT\n"
      "aws_secret_access_key = SECRETdefault\n"
      "aws_session_token = TOKENdefault\n");
  auto c = Fetch();
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ("AKIDDEFAULT", c->credentials.access_key_id);
  EXPECT_EQ("SECRETdefault", c->credentials.secret_access_key);
  EXPECT_EQ("TOKENdefault", c->credentials.session_token);
  EXPECT_EQ(0, c->expires_unix_ms);
  EXPECT_EQ("profile default (/home/u/.aws/credentials)", c->source);
  EXPECT_EQ("shared files", source_->Name());
}

TEST_F(ProfileSourceTest, NoFilesIsNotFound) {
  auto c = Fetch();
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(Code::kNotFound, c.status().code());
  EXPECT_TRUE(Contains(c.status().message(), kCredentialsPath)) << c.status().message();
}

TEST_F(ProfileSourceTest, NoDefaultProfileIsNotFound) {
  WriteCredentials("[other]\naws_access_key_id = AKID\naws_secret_access_key = SECRETx\n");
  WriteConfig("[profile other]\nregion = eu-west-1\n");
  auto c = Fetch();
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(Code::kNotFound, c.status().code());
  ExpectNoSecretIn(c.status());
}

TEST_F(ProfileSourceTest, AProfileWithOnlyARegionIsNotFound) {
  WriteConfig("[default]\nregion = eu-west-1\n");
  auto c = Fetch();
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(Code::kNotFound, c.status().code());
}

TEST_F(ProfileSourceTest, AwsProfileChoosesTheProfileSectionOfTheConfigFile) {
  mem_.SetVar("AWS_PROFILE", "dev");
  WriteConfig(
      "[default]\naws_access_key_id = AKIDDEFAULT\naws_secret_access_key = SECRETd\n"
      "[profile   dev]\naws_access_key_id = AKIDDEV\naws_secret_access_key = SECRETdev\n");
  auto c = Fetch();
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ("AKIDDEV", c->credentials.access_key_id);
  EXPECT_EQ("profile dev (/home/u/.aws/config)", c->source);
}

TEST_F(ProfileSourceTest, ConfigSectionsWithoutTheProfilePrefixAreNotProfiles) {
  mem_.SetVar("AWS_PROFILE", "dev");
  WriteConfig("[dev]\naws_access_key_id = AKIDDEV\naws_secret_access_key = SECRETdev\n");
  auto c = Fetch();
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(Code::kInvalidArgument, c.status().code());
}

TEST_F(ProfileSourceTest, ProfileDefaultIsAcceptedInTheConfigFile) {
  WriteConfig("[profile default]\naws_access_key_id = AKIDPD\naws_secret_access_key = SECRETpd\n");
  auto c = Fetch();
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ("AKIDPD", c->credentials.access_key_id);
}

TEST_F(ProfileSourceTest, AnAwsProfileThatNoFileHasIsAnErrorNamingBothFiles) {
  mem_.SetVar("AWS_PROFILE", "prod");
  WriteCredentials("[default]\naws_access_key_id = AKID\naws_secret_access_key = SECRETx\n");
  auto c = Fetch();
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(Code::kInvalidArgument, c.status().code());
  EXPECT_EQ(0u, c.status().message().find("profile prod (AWS_PROFILE) is not in "
                                          "/home/u/.aws/credentials or /home/u/.aws/config"))
      << c.status().message();
}

TEST_F(ProfileSourceTest, CredentialsFileKeysWinOverConfigFileKeys) {
  WriteConfig(
      "[default]\naws_access_key_id = AKIDCONFIG\naws_secret_access_key = SECRETconfig\n"
      "aws_session_token = TOKENconfig\n");
  WriteCredentials(
      "[default]\naws_access_key_id = AKIDCREDS\naws_secret_access_key = SECRETcreds\n");
  auto c = Fetch();
  ASSERT_TRUE(c.ok());
  EXPECT_EQ("AKIDCREDS", c->credentials.access_key_id);
  EXPECT_EQ("SECRETcreds", c->credentials.secret_access_key);
  EXPECT_EQ("TOKENconfig", c->credentials.session_token);
  EXPECT_EQ("profile default (/home/u/.aws/credentials)", c->source);
}

TEST_F(ProfileSourceTest, TheFileVariablesMoveTheFilesAndExpandTilde) {
  mem_.SetVar("AWS_SHARED_CREDENTIALS_FILE", "~/elsewhere/creds");
  mem_.SetVar("AWS_CONFIG_FILE", "/etc/aws/config");
  WriteCredentials("[default]\naws_access_key_id = AKIDIGNORED\naws_secret_access_key = SECRETi\n");
  mem_.WriteFile("/home/u/elsewhere/creds",
                 "[default]\naws_access_key_id = AKIDMOVED\naws_secret_access_key = SECRETm\n");
  auto c = Fetch();
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ("AKIDMOVED", c->credentials.access_key_id);
  EXPECT_EQ("profile default (/home/u/elsewhere/creds)", c->source);
}

TEST_F(ProfileSourceTest, AnAccessKeyWithoutItsSecretNamesFileProfileAndKey) {
  WriteCredentials("[default]\naws_access_key_id = AKIDALONE\n");
  auto c = Fetch();
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(Code::kInvalidArgument, c.status().code());
  const std::string& m = c.status().message();
  EXPECT_TRUE(Contains(m, "profile default")) << m;
  EXPECT_TRUE(Contains(m, kCredentialsPath)) << m;
  EXPECT_TRUE(Contains(m, "no aws_secret_access_key")) << m;
}

TEST_F(ProfileSourceTest, ASecretWithoutItsAccessKeyIsAnErrorThatHidesTheSecret) {
  WriteConfig("[default]\naws_secret_access_key = SECRETalone\naws_session_token = TOKENx\n");
  auto c = Fetch();
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(Code::kInvalidArgument, c.status().code());
  EXPECT_TRUE(Contains(c.status().message(), "no aws_access_key_id")) << c.status().message();
  EXPECT_TRUE(Contains(c.status().message(), kConfigPath)) << c.status().message();
  ExpectNoSecretIn(c.status());
}

TEST_F(ProfileSourceTest, ABrokenFileIsAnErrorNamingFileAndLine) {
  WriteCredentials("[default]\naws_access_key_id = AKID\nSECRETwrappedontoitsownline\n");
  auto c = Fetch();
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(Code::kInvalidArgument, c.status().code());
  EXPECT_TRUE(Contains(c.status().message(), "/home/u/.aws/credentials:3: "))
      << c.status().message();
  ExpectNoSecretIn(c.status());
}

TEST_F(ProfileSourceTest, TheFilesAreReadAgainWhenTheyChange) {
  WriteCredentials("[default]\naws_access_key_id = AKIDONE\naws_secret_access_key = SECRET1\n");
  auto c = Fetch();
  ASSERT_TRUE(c.ok());
  EXPECT_EQ("AKIDONE", c->credentials.access_key_id);
  WriteCredentials("[default]\naws_access_key_id = AKIDTWO\naws_secret_access_key = SECRET2\n");
  c = Fetch();
  ASSERT_TRUE(c.ok());
  EXPECT_EQ("AKIDTWO", c->credentials.access_key_id);
}

TEST_F(ProfileSourceTest, UnchangedFilesAreNotReadAgain) {
  WriteCredentials("[default]\naws_access_key_id = AKIDONE\naws_secret_access_key = SECRET1\n");
  WriteConfig("[default]\nregion = eu-west-1\n");
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(Fetch().ok());
  EXPECT_EQ(1, env_.opened[kCredentialsPath]);
  EXPECT_EQ(1, env_.opened[kConfigPath]);
  mem_.AppendToFile(kConfigPath, "output = json\n");
  ASSERT_TRUE(Fetch().ok());
  EXPECT_EQ(1, env_.opened[kCredentialsPath]);
  EXPECT_EQ(2, env_.opened[kConfigPath]);
}

TEST_F(ProfileSourceTest, AFileThatAppearsLaterIsFound) {
  EXPECT_EQ(Code::kNotFound, Fetch().status().code());
  WriteCredentials("[default]\naws_access_key_id = AKIDLATE\naws_secret_access_key = SECRETl\n");
  auto c = Fetch();
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ("AKIDLATE", c->credentials.access_key_id);
  ASSERT_TRUE(mem_.Remove(kCredentialsPath).ok());
  EXPECT_EQ(Code::kNotFound, Fetch().status().code());
}

TEST_F(ProfileSourceTest, RoleArnIsAssumedWithTheSourceProfilesKeys) {
  mem_.SetVar("AWS_PROFILE", "deploy");
  WriteCredentials("[base]\naws_access_key_id = AKIDBASE\naws_secret_access_key = SECRETbase\n");
  WriteConfig(
      "[profile deploy]\n"
      "role_arn = arn:aws:iam::123456789012:role/deploy\n"
      "source_profile = base\n"
      "external_id = ext-42\n"
      "role_session_name = nightly\n");
  http_.set_responder([](const BlockingRequest&) {
    return FakeBlockingHttp::Answer(200, StsAnswer("ASIAROLE", "SECRETrole", "TOKENrole"));
  });
  auto c = Fetch();
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ("ASIAROLE", c->credentials.access_key_id);
  EXPECT_EQ("SECRETrole", c->credentials.secret_access_key);
  EXPECT_EQ("TOKENrole", c->credentials.session_token);
  EXPECT_EQ(kExpirationMs, c->expires_unix_ms);
  EXPECT_EQ("role arn:aws:iam::123456789012:role/deploy assumed with profile deploy", c->source);

  ASSERT_EQ(1u, http_.requests().size());
  const BlockingRequest& r = http_.requests()[0];
  EXPECT_TRUE(Contains(HeaderOf(r, "Authorization"), "Credential=AKIDBASE/"))
      << HeaderOf(r, "Authorization");
  EXPECT_TRUE(Contains(r.body, "Action=AssumeRole")) << r.body;
  EXPECT_TRUE(Contains(r.body, "RoleSessionName=nightly")) << r.body;
  EXPECT_TRUE(Contains(r.body, "ExternalId=ext-42")) << r.body;
}

TEST_F(ProfileSourceTest, TheDefaultSessionNameIsTheHostsName) {
  mem_.set_host_name("web-1");
  WriteConfig(
      "[default]\nrole_arn = arn:aws:iam::1:role/r\nsource_profile = keys\n"
      "[profile keys]\naws_access_key_id = AKIDKEYS\naws_secret_access_key = SECRETk\n");
  http_.set_responder([](const BlockingRequest&) {
    return FakeBlockingHttp::Answer(200, StsAnswer("ASIAX", "SECRETx", "TOKENx"));
  });
  ASSERT_TRUE(Fetch().ok());
  ASSERT_EQ(1u, http_.requests().size());
  EXPECT_TRUE(Contains(http_.requests()[0].body, "RoleSessionName=edgelog-web-1"))
      << http_.requests()[0].body;
}

TEST_F(ProfileSourceTest, RolesChainThroughSourceProfiles) {
  mem_.SetVar("AWS_PROFILE", "top");
  WriteConfig(
      "[profile top]\nrole_arn = arn:aws:iam::1:role/top\nsource_profile = middle\n"
      "[profile middle]\nrole_arn = arn:aws:iam::1:role/middle\nsource_profile = root\n"
      "[profile root]\naws_access_key_id = AKIDROOT\naws_secret_access_key = SECRETroot\n");
  http_.set_responder([](const BlockingRequest& r) {
    const bool middle = Contains(r.body, "role%2Fmiddle");
    return FakeBlockingHttp::Answer(
        200, middle ? StsAnswer("ASIAMIDDLE", "SECRETm", "TOKENm")
                    : StsAnswer("ASIATOP", "SECRETt", "TOKENt"));
  });
  auto c = Fetch();
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ("ASIATOP", c->credentials.access_key_id);
  EXPECT_EQ("role arn:aws:iam::1:role/top assumed with profile top", c->source);
  ASSERT_EQ(2u, http_.requests().size());
  EXPECT_TRUE(Contains(HeaderOf(http_.requests()[0], "Authorization"), "Credential=AKIDROOT/"));
  EXPECT_TRUE(Contains(http_.requests()[0].body, "role%2Fmiddle")) << http_.requests()[0].body;
  EXPECT_TRUE(
      Contains(HeaderOf(http_.requests()[1], "Authorization"), "Credential=ASIAMIDDLE/"));
  EXPECT_EQ("TOKENm", HeaderOf(http_.requests()[1], "X-Amz-Security-Token"));
}

TEST_F(ProfileSourceTest, ASourceProfileWithStaticKeysEndsTheChainEvenWithARole) {
  mem_.SetVar("AWS_PROFILE", "top");
  WriteConfig(
      "[profile top]\nrole_arn = arn:aws:iam::1:role/top\nsource_profile = both\n"
      "[profile both]\nrole_arn = arn:aws:iam::1:role/ignored\nsource_profile = top\n"
      "aws_access_key_id = AKIDBOTH\naws_secret_access_key = SECRETboth\n");
  http_.set_responder([](const BlockingRequest&) {
    return FakeBlockingHttp::Answer(200, StsAnswer("ASIATOP", "SECRETt", "TOKENt"));
  });
  auto c = Fetch();
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  ASSERT_EQ(1u, http_.requests().size());
  EXPECT_TRUE(Contains(HeaderOf(http_.requests()[0], "Authorization"), "Credential=AKIDBOTH/"));
}

TEST_F(ProfileSourceTest, ASourceProfileLoopIsAnErrorAndCallsNothing) {
  mem_.SetVar("AWS_PROFILE", "a");
  WriteConfig(
      "[profile a]\nrole_arn = arn:aws:iam::1:role/a\nsource_profile = b\n"
      "[profile b]\nrole_arn = arn:aws:iam::1:role/b\nsource_profile = a\n");
  auto c = Fetch();
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(Code::kInvalidArgument, c.status().code());
  EXPECT_TRUE(Contains(c.status().message(), "loop (a -> b -> a)")) << c.status().message();
  EXPECT_TRUE(Contains(c.status().message(), kConfigPath)) << c.status().message();
  EXPECT_TRUE(http_.requests().empty());
}

TEST_F(ProfileSourceTest, AProfileNamingItselfUsesItsOwnKeysForItsRole) {
  WriteCredentials(
      "[default]\nrole_arn = arn:aws:iam::1:role/self\nsource_profile = default\n"
      "aws_access_key_id = AKIDSELF\naws_secret_access_key = SECRETself\n");
  http_.set_responder([](const BlockingRequest&) {
    return FakeBlockingHttp::Answer(200, StsAnswer("ASIASELF", "SECRETs", "TOKENs"));
  });
  auto c = Fetch();
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ("ASIASELF", c->credentials.access_key_id);
  ASSERT_EQ(1u, http_.requests().size());
  EXPECT_TRUE(Contains(HeaderOf(http_.requests()[0], "Authorization"), "Credential=AKIDSELF/"));
}

TEST_F(ProfileSourceTest, AProfileNamingItselfWithoutKeysIsALoop) {
  WriteConfig("[default]\nrole_arn = arn:aws:iam::1:role/self\nsource_profile = default\n");
  auto c = Fetch();
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(Code::kInvalidArgument, c.status().code());
  EXPECT_TRUE(Contains(c.status().message(), "loop")) << c.status().message();
}

TEST_F(ProfileSourceTest, AMissingSourceProfileIsNamed) {
  WriteConfig("[default]\nrole_arn = arn:aws:iam::1:role/r\nsource_profile = nowhere\n");
  auto c = Fetch();
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(Code::kInvalidArgument, c.status().code());
  EXPECT_TRUE(Contains(c.status().message(), "source_profile nowhere")) << c.status().message();
}

TEST_F(ProfileSourceTest, ARoleWithoutASourceIsAnError) {
  WriteConfig("[default]\nrole_arn = arn:aws:iam::1:role/r\n");
  auto c = Fetch();
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(Code::kInvalidArgument, c.status().code());
  EXPECT_TRUE(Contains(c.status().message(), "source_profile")) << c.status().message();
}

TEST_F(ProfileSourceTest, StsRefusalsKeepTheirCodeAndNameTheProfile) {
  WriteConfig(
      "[default]\nrole_arn = arn:aws:iam::1:role/r\nsource_profile = keys\n"
      "[profile keys]\naws_access_key_id = AKIDKEYS\naws_secret_access_key = SECRETkeys\n");
  http_.set_responder([](const BlockingRequest&) {
    return FakeBlockingHttp::Answer(
        403,
        "<ErrorResponse><Error><Type>Sender</Type><Code>AccessDenied</Code>"
        "<Message>User is not authorized to perform: sts:AssumeRole</Message></Error>"
        "</ErrorResponse>");
  });
  auto c = Fetch();
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(Code::kPermissionDenied, c.status().code());
  EXPECT_TRUE(Contains(c.status().message(), "profile default")) << c.status().message();
  EXPECT_TRUE(Contains(c.status().message(), "AccessDenied")) << c.status().message();
  ExpectNoSecretIn(c.status());
}

TEST_F(ProfileSourceTest, CredentialSourceEnvironmentSignsWithTheVariables) {
  mem_.SetVar("AWS_ACCESS_KEY_ID", "AKIDENV");
  mem_.SetVar("AWS_SECRET_ACCESS_KEY", "SECRETenv");
  WriteConfig("[default]\nrole_arn = arn:aws:iam::1:role/r\ncredential_source = Environment\n");
  http_.set_responder([](const BlockingRequest&) {
    return FakeBlockingHttp::Answer(200, StsAnswer("ASIAENV", "SECRETr", "TOKENr"));
  });
  auto c = Fetch();
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ("ASIAENV", c->credentials.access_key_id);
  ASSERT_EQ(1u, http_.requests().size());
  EXPECT_TRUE(Contains(HeaderOf(http_.requests()[0], "Authorization"), "Credential=AKIDENV/"));
}

TEST_F(ProfileSourceTest, InstanceCredentialSourcesAreNotSupportedYet) {
  for (const char* source : {"Ec2InstanceMetadata", "EcsContainer"}) {
    WriteConfig(std::string("[default]\nrole_arn = arn:aws:iam::1:role/r\ncredential_source = ") +
                source + "\n");
    auto c = Fetch();
    ASSERT_FALSE(c.ok()) << source;
    EXPECT_EQ(Code::kInvalidArgument, c.status().code());
    EXPECT_TRUE(Contains(c.status().message(), "not support")) << c.status().message();
    EXPECT_TRUE(Contains(c.status().message(), source)) << c.status().message();
  }
  EXPECT_TRUE(http_.requests().empty());
}

TEST_F(ProfileSourceTest, AWebIdentityTokenFileInTheProfileIsUsed) {
  mem_.WriteFile("/var/run/token", "eyJTOKENjwt");
  WriteConfig(
      "[default]\nrole_arn = arn:aws:iam::1:role/wi\nweb_identity_token_file = /var/run/token\n");
  http_.set_responder([](const BlockingRequest&) {
    return FakeBlockingHttp::Answer(
        200, "<AssumeRoleWithWebIdentityResponse><AssumeRoleWithWebIdentityResult>"
             "<Credentials><AccessKeyId>ASIAWI</AccessKeyId>"
             "<SecretAccessKey>SECRETwi</SecretAccessKey><SessionToken>TOKENwi</SessionToken>"
             "<Expiration>2026-11-22T07:00:00Z</Expiration></Credentials>"
             "</AssumeRoleWithWebIdentityResult></AssumeRoleWithWebIdentityResponse>");
  });
  auto c = Fetch();
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ("ASIAWI", c->credentials.access_key_id);
  EXPECT_EQ(kExpirationMs, c->expires_unix_ms);
  ASSERT_EQ(1u, http_.requests().size());
  EXPECT_TRUE(Contains(http_.requests()[0].body, "WebIdentityToken=eyJTOKENjwt"));
  EXPECT_EQ("", HeaderOf(http_.requests()[0], "Authorization"));
}

TEST_F(ProfileSourceTest, MfaSerialIsRefusedWithAReason) {
  WriteConfig(
      "[default]\nrole_arn = arn:aws:iam::1:role/r\nsource_profile = keys\n"
      "mfa_serial = arn:aws:iam::1:mfa/me\n"
      "[profile keys]\naws_access_key_id = AKIDKEYS\naws_secret_access_key = SECRETkeys\n");
  auto c = Fetch();
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(Code::kInvalidArgument, c.status().code());
  EXPECT_TRUE(Contains(c.status().message(), "mfa_serial")) << c.status().message();
  EXPECT_TRUE(http_.requests().empty());
}

TEST_F(ProfileSourceTest, SsoProfilesAreNotSupportedYetAndSaySo) {
  WriteConfig("[default]\nsso_session = corp\nsso_account_id = 1\nsso_role_name = r\n");
  auto c = Fetch();
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(Code::kInvalidArgument, c.status().code());
  EXPECT_TRUE(Contains(c.status().message(), "credential_process")) << c.status().message();
}

TEST_F(ProfileSourceTest, CredentialProcessOutputIsRead) {
  WriteConfig("[default]\ncredential_process = /usr/bin/helper --account 1\n");
  processes_.answer = std::string(
      "{\"Version\": 1, \"AccessKeyId\": \"ASIAPROC\", \"SecretAccessKey\": \"SECRETproc\","
      " \"SessionToken\": \"TOKENproc\", \"Expiration\": \"2026-11-22T07:00:00Z\"}\n");
  auto c = Fetch();
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ("ASIAPROC", c->credentials.access_key_id);
  EXPECT_EQ("SECRETproc", c->credentials.secret_access_key);
  EXPECT_EQ("TOKENproc", c->credentials.session_token);
  EXPECT_EQ(kExpirationMs, c->expires_unix_ms);
  EXPECT_EQ("credential_process of profile default", c->source);
  ASSERT_EQ(1u, processes_.calls.size());
  EXPECT_EQ("/usr/bin/helper --account 1", processes_.calls[0].command);
  EXPECT_EQ(60000, processes_.calls[0].timeout_ms);
  EXPECT_EQ(64u * 1024, processes_.calls[0].max_output);
}

TEST_F(ProfileSourceTest, CredentialProcessLongTermKeysNeverExpire) {
  WriteConfig("[default]\ncredential_process = helper\n");
  processes_.answer = std::string(
      "{\"Version\": 1, \"AccessKeyId\": \"AKIAPROC\", \"SecretAccessKey\": \"SECRETproc\"}");
  auto c = Fetch();
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ("", c->credentials.session_token);
  EXPECT_EQ(0, c->expires_unix_ms);
}

TEST_F(ProfileSourceTest, CredentialProcessBadOutputsAreErrorsThatHideSecrets) {
  WriteConfig("[default]\ncredential_process = helper\n");
  const std::map<std::string, std::string> cases = {
      {"{\"Version\": 1, \"AccessKeyId\": \"AKIA\", \"SecretAccessKey\": \"SECRETcut", "JSON"},
      {"not json at all SECRETplain", "JSON"},
      {"[1, 2]", "JSON"},
      {"{\"Version\": 1, \"AccessKeyId\": \"AKIA\", \"SecretAccessKey\": \"SECRETt\"} and more",
       "JSON"},
      {"{\"Version\": 2, \"AccessKeyId\": \"AKIA\", \"SecretAccessKey\": \"SECRETv2\"}",
       "Version"},
      {"{\"AccessKeyId\": \"AKIA\", \"SecretAccessKey\": \"SECRETnov\"}", "Version"},
      {"{\"Version\": 1, \"AccessKeyId\": \"AKIA\"}", "SecretAccessKey"},
      {"{\"Version\": 1, \"SecretAccessKey\": \"SECRETnoid\"}", "AccessKeyId"},
      {"{\"Version\": 1, \"AccessKeyId\": \"AKIA\", \"SecretAccessKey\": 7}", "SecretAccessKey"},
      {"{\"Version\": 1, \"AccessKeyId\": \"AKIA\", \"SecretAccessKey\": \"SECRETe\","
       " \"Expiration\": \"tomorrow\"}",
       "Expiration"},
  };
  for (const auto& [output, named] : cases) {
    processes_.answer = output;
    auto c = Fetch();
    ASSERT_FALSE(c.ok()) << output;
    EXPECT_EQ(Code::kInvalidArgument, c.status().code()) << output;
    EXPECT_TRUE(Contains(c.status().message(), "credential_process of profile default"))
        << c.status().message();
    EXPECT_TRUE(Contains(c.status().message(), named)) << c.status().message();
    ExpectNoSecretIn(c.status());
  }
}

TEST_F(ProfileSourceTest, ACredentialProcessThatFailsIsReportedWithItsProfile) {
  WriteConfig("[default]\ncredential_process = helper --password SECRETarg\n");
  processes_.answer = Status::Unavailable("the command exited with status 1: login expired");
  auto c = Fetch();
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(Code::kUnavailable, c.status().code());
  EXPECT_EQ("credential_process of profile default: the command exited with status 1: "
            "login expired",
            c.status().message());
  ExpectNoSecretIn(c.status());
}

TEST_F(ProfileSourceTest, StaticKeysComeBeforeACredentialProcess) {
  WriteConfig("[default]\ncredential_process = helper\n");
  WriteCredentials("[default]\naws_access_key_id = AKIDSTATIC\naws_secret_access_key = SECRETs\n");
  auto c = Fetch();
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ("AKIDSTATIC", c->credentials.access_key_id);
  EXPECT_TRUE(processes_.calls.empty());
}

TEST_F(ProfileSourceTest, ASourceProfileMayUseACredentialProcess) {
  WriteConfig(
      "[default]\nrole_arn = arn:aws:iam::1:role/r\nsource_profile = helper\n"
      "[profile helper]\ncredential_process = helper\n");
  processes_.answer = std::string(
      "{\"Version\": 1, \"AccessKeyId\": \"AKIDHELPER\", \"SecretAccessKey\": \"SECRETh\"}");
  http_.set_responder([](const BlockingRequest&) {
    return FakeBlockingHttp::Answer(200, StsAnswer("ASIAR", "SECRETr", "TOKENr"));
  });
  auto c = Fetch();
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  ASSERT_EQ(1u, http_.requests().size());
  EXPECT_TRUE(
      Contains(HeaderOf(http_.requests()[0], "Authorization"), "Credential=AKIDHELPER/"));
}

// ---------------------------------------------------------------------------
// ProfileRegion

TEST(ProfileRegionTest, TheChosenProfilesRegion) {
  MemEnv env;
  env.SetVar("HOME", "/home/u");
  EXPECT_EQ("", ProfileRegion(env));
  env.WriteFile(kConfigPath,
                "[default]\nregion = eu-west-1\n[profile dev]\nregion = ap-south-1\n");
  EXPECT_EQ("eu-west-1", ProfileRegion(env));
  env.SetVar("AWS_PROFILE", "dev");
  EXPECT_EQ("ap-south-1", ProfileRegion(env));
  env.SetVar("AWS_PROFILE", "absent");
  EXPECT_EQ("", ProfileRegion(env));
}

TEST(ProfileRegionTest, NoHomeAndNoVariablesMeansNoRegion) {
  MemEnv env;
  EXPECT_EQ("", ProfileRegion(env));
}

TEST(ProfileRegionTest, ABrokenFileHasNoRegion) {
  MemEnv env;
  env.SetVar("AWS_CONFIG_FILE", "/etc/aws/config");
  env.WriteFile("/etc/aws/config", "[default]\nregion = eu-west-1\nbroken line\n");
  EXPECT_EQ("", ProfileRegion(env));
}

}  // namespace
}  // namespace edgelog
