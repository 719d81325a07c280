#include "agent/config/loader.h"

#include <gtest/gtest.h>

#include <string>

#include "tests/support/mem_env.h"
#include "tests/agent/config/loader_test_fixture.h"

namespace edgelog {
namespace {

using loader_test::Facts;
using loader_test::kList;
using loader_test::kSource;
using loader_test::OneEntry;
using loader_test::OnlyError;
using loader_test::Parse;
using loader_test::StartsWith;
using loader_test::WithEntries;
using testing::MemEnv;

// --- a valid file ------------------------------------------------------------

const char kFullConfig[] = R"({
  "agent": {
    "region": "eu-west-1",
    "debug": true,
    "metrics_collection_interval": 60,
    "logfile": "/opt/aws/amazon-cloudwatch-agent/logs/amazon-cloudwatch-agent.log",
    "run_as_user": "root",
    "omit_hostname": true
  },
  "logs": {
    "endpoint_override": "https://logs.eu-west-1.amazonaws.com",
    "force_flush_interval": 15,
    "log_stream_name": "{instance_id}-default",
    "logs_collected": {
      "files": {
        "collect_list": [
          {
            "file_path": "/var/log/app/app.log",
            "log_group_name": "app-{hostname}",
            "log_stream_name": "{ip_address}",
            "retention_in_days": 30,
            "log_group_class": "infrequent_access"
          },
          {
            "file_path": "/var/log/syslog",
            "publish_multi_logs": false
          }
        ]
      }
    }
  },
  "edgelog": {
    "state_dir": "/data/edgelog",
    "http": {
      "ca_bundle": "/etc/ssl/ca.pem",
      "connect_timeout": 5,
      "request_timeout": 30,
      "max_in_flight": 4,
      "max_in_flight_per_stream": 2
    }
  }
})";

TEST(ConfigLoaderTest, FullCloudWatchAgentStyleConfigParses) {
  auto c = Parse(kFullConfig);
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(kSource, c->source_path);
  EXPECT_EQ("eu-west-1", c->region);
  EXPECT_TRUE(c->debug);
  EXPECT_EQ("https://logs.eu-west-1.amazonaws.com", c->endpoint_override);
  EXPECT_EQ(15, c->force_flush_interval_s);
  EXPECT_EQ("/data/edgelog", c->state_dir);
  EXPECT_EQ("/etc/ssl/ca.pem", c->ca_bundle);
  EXPECT_EQ(5, c->connect_timeout_s);
  EXPECT_EQ(30, c->request_timeout_s);
  EXPECT_EQ(4, c->max_in_flight);
  EXPECT_EQ(2, c->max_in_flight_per_stream);
  ASSERT_EQ(2u, c->files.size());

  const FileEntry& app = c->files[0];
  EXPECT_EQ("/var/log/app/app.log", app.file_path);
  EXPECT_EQ("app-ip-10-0-0-1.ec2.internal", app.log_group_name);
  EXPECT_EQ("10.0.0.1", app.log_stream_name);
  EXPECT_EQ(30, app.retention_in_days);
  EXPECT_EQ("INFREQUENT_ACCESS", app.log_group_class);

  const FileEntry& syslog = c->files[1];
  EXPECT_EQ("/var/log/syslog", syslog.file_path);
  EXPECT_EQ("/var/log/syslog", syslog.log_group_name);
  EXPECT_EQ("i-0123456789abcdef0-default", syslog.log_stream_name);
  EXPECT_EQ(-1, syslog.retention_in_days);
  EXPECT_EQ("", syslog.log_group_class);

  // The agent's metrics and process keys: accepted, each said once.
  for (const char* key : {"metrics_collection_interval", "logfile", "run_as_user",
                          "omit_hostname"}) {
    size_t said = 0;
    for (const std::string& w : c->warnings) {
      said += w.rfind(std::string("cfg.json: agent.") + key + ": accepted, no effect", 0) == 0;
    }
    EXPECT_EQ(1u, said) << key;
  }
}

TEST(ConfigLoaderTest, MinimalConfigGetsTheDefaults) {
  auto c = Parse(OneEntry());
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ("", c->region);
  EXPECT_FALSE(c->debug);
  EXPECT_EQ("", c->endpoint_override);
  EXPECT_EQ(5, c->force_flush_interval_s);
  EXPECT_EQ("/var/lib/edgelog", c->state_dir);
  EXPECT_EQ(10, c->connect_timeout_s);
  EXPECT_EQ(60, c->request_timeout_s);
  EXPECT_EQ(8, c->max_in_flight);
  EXPECT_EQ(4, c->max_in_flight_per_stream);
  ASSERT_EQ(1u, c->files.size());
  EXPECT_EQ(-1, c->files[0].retention_in_days);
  EXPECT_EQ("", c->files[0].log_group_class);
  EXPECT_TRUE(c->warnings.empty());
}

// The agent's logs/ruleLogStreamName.go: on a host, {instance_id} (the
// host name off EC2, in edgelog); in a container the pod or host name,
// which GatherHostFacts puts in default_stream.
TEST(ConfigLoaderTest, DefaultStreamIsTheInstanceIdOrTheHostsDefault) {
  auto c = Parse(OneEntry());
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ("i-0123456789abcdef0", c->files[0].log_stream_name);
  HostFacts in_container = Facts();
  in_container.default_stream = "web-7f9c";
  c = Parse(OneEntry(), in_container);
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ("web-7f9c", c->files[0].log_stream_name);
  // Off EC2 the agent's default is the host name too: nothing to warn of.
  HostFacts off_ec2 = Facts();
  off_ec2.on_ec2 = false;
  off_ec2.instance_id = off_ec2.local_hostname;
  c = Parse(OneEntry(), off_ec2);
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ("edge-1", c->files[0].log_stream_name);
  EXPECT_TRUE(c->warnings.empty()) << c->warnings.front();
  // Asked and silent (EC2 behind a hop limit, or off EC2 not told so):
  // the stream's name depends on it, so it is said.
  off_ec2.metadata_silent = "no answer within 1 s";
  c = Parse(OneEntry(), off_ec2);
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  ASSERT_EQ(1u, c->warnings.size());
  EXPECT_NE(std::string::npos, c->warnings[0].find("no answer within 1 s")) << c->warnings[0];
  EXPECT_NE(std::string::npos, c->warnings[0].find("\"edge-1\" is the stream"));
}

TEST(ConfigLoaderTest, SectionStreamNameIsTheDefaultForEntriesWithoutOne) {
  auto c = Parse(R"({"logs": {"log_stream_name": "{local_hostname}-s",
      "logs_collected": {"files": {"collect_list": [
        {"file_path": "/a.log"}, {"file_path": "/b.log", "log_stream_name": "own"}]}}}})");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ("edge-1-s", c->files[0].log_stream_name);
  EXPECT_EQ("own", c->files[1].log_stream_name);
}

TEST(ConfigLoaderTest, DefaultGroupIsFilePathWithoutExtension) {
  auto c = Parse(WithEntries(R"({"file_path": "/var/log/nginx/access.log"},
                                {"file_path": "/var/log/messages"},
                                {"file_path": "/opt/my.app/current"},
                                {"file_path": "/var/log/app.log.1"})"));
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  ASSERT_EQ(4u, c->files.size());
  EXPECT_EQ("/var/log/nginx/access", c->files[0].log_group_name);
  EXPECT_EQ("/var/log/messages", c->files[1].log_group_name);
  EXPECT_EQ("/opt/my.app/current", c->files[2].log_group_name);
  EXPECT_EQ("/var/log/app.log", c->files[3].log_group_name);
}

TEST(ConfigLoaderTest, GlobFilePathWithAGroupIsAccepted) {
  auto c = Parse(WithEntries(R"({"file_path": "/var/log/*.log", "log_group_name": "g"})"));
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ("/var/log/*.log", c->files[0].file_path);
  EXPECT_EQ("g", c->files[0].log_group_name);
}

TEST(ConfigLoaderTest, LogGroupClassIsUpperCased) {
  auto c = Parse(OneEntry(R"(, "log_group_class": "Standard")"));
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ("STANDARD", c->files[0].log_group_class);
}

TEST(ConfigLoaderTest, WholeNumberWrittenWithAFractionIsAnInteger) {
  auto c = Parse(R"({"logs": {"force_flush_interval": 10.0, "logs_collected":
      {"files": {"collect_list": [{"file_path": "/a.log"}]}}}})");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(10, c->force_flush_interval_s);
}

// --- values ------------------------------------------------------------------

TEST(ConfigLoaderTest, RetentionOfFourOrZeroDaysIsRefused) {
  for (const char* days : {"4", "0", "2", "3654", "-2"}) {
    auto c = Parse(OneEntry(std::string(R"(, "retention_in_days": )") + days));
    std::string error = OnlyError(c);
    EXPECT_STARTS_WITH(std::string("cfg.json: ") + kList + "[0].retention_in_days: the number " +
                           days + " is not a CloudWatch Logs retention period",
                       error);
  }
}

TEST(ConfigLoaderTest, RetentionOfEveryCloudWatchPeriodIsAccepted) {
  for (int days : {-1, 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096,
                   1827, 2192, 2557, 2922, 3288, 3653}) {
    auto c = Parse(OneEntry(R"(, "retention_in_days": )" + std::to_string(days)));
    ASSERT_TRUE(c.ok()) << days << ": " << c.status().ToString();
    EXPECT_EQ(days, c->files[0].retention_in_days);
  }
}

TEST(ConfigLoaderTest, FlushIntervalOutsideItsRangeIsRefused) {
  for (const char* v : {"0", "-5", "172801"}) {
    auto c = Parse(std::string(R"({"logs": {"force_flush_interval": )") + v +
                   R"(, "logs_collected": {"files": {"collect_list": [{"file_path": "/a"}]}}}})");
    EXPECT_STARTS_WITH("cfg.json: logs.force_flush_interval: ", OnlyError(c)) << v;
  }
  for (const char* v : {"1", "172800"}) {
    auto c = Parse(std::string(R"({"logs": {"force_flush_interval": )") + v +
                   R"(, "logs_collected": {"files": {"collect_list": [{"file_path": "/a"}]}}}})");
    EXPECT_TRUE(c.ok()) << v << ": " << c.status().ToString();
  }
}

TEST(ConfigLoaderTest, EndpointWithoutHttpSchemeIsRefused) {
  auto c = Parse(R"({"logs": {"endpoint_override": "logs.example.com", "logs_collected":
      {"files": {"collect_list": [{"file_path": "/a.log"}]}}}})");
  EXPECT_STARTS_WITH("cfg.json: logs.endpoint_override: ", OnlyError(c));
}

TEST(ConfigLoaderTest, RegionThatIsNotARegionNameIsRefused) {
  auto c = Parse(R"({"agent": {"region": "EU West 1"}, "logs": {"logs_collected":
      {"files": {"collect_list": [{"file_path": "/a.log"}]}}}})");
  EXPECT_STARTS_WITH("cfg.json: agent.region: ", OnlyError(c));
}

// The agent's translator (defaultKeyCase.go, DefaultLogGroupClassCase)
// drops a class it does not know and goes on; so does edgelog, saying so.
TEST(ConfigLoaderTest, UnknownLogGroupClassIsDroppedWithAWarning) {
  auto c = Parse(OneEntry(R"(, "log_group_class": "cold")"));
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ("", c->files[0].log_group_class);
  ASSERT_EQ(1u, c->warnings.size());
  EXPECT_STARTS_WITH(std::string("cfg.json: ") + kList + "[0].log_group_class: \"COLD\" is not "
                                                          "STANDARD or INFREQUENT_ACCESS",
                     c->warnings[0]);
  EXPECT_STARTS_WITH(std::string("cfg.json: ") + kList + "[0].log_group_class: ",
                     OnlyError(Parse(OneEntry(R"(, "log_group_class": "")"))))
      << "the agent's schema: minLength 1";
}

TEST(ConfigLoaderTest, RelativeStateDirIsRefused) {
  auto c = Parse(R"({"edgelog": {"state_dir": "state"}, "logs": {"logs_collected":
      {"files": {"collect_list": [{"file_path": "/a.log"}]}}}})");
  EXPECT_STARTS_WITH("cfg.json: edgelog.state_dir: ", OnlyError(c));
}

// --- LoadConfig ----------------------------------------------------------------

TEST(ConfigLoaderTest, LoadConfigReadsTheFileThroughTheEnv) {
  MemEnv env;
  env.WriteFile("/etc/edgelog.json", OneEntry());
  auto c = LoadConfig(env, "/etc/edgelog.json", Facts());
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ("/etc/edgelog.json", c->source_path);
  EXPECT_EQ("/var/log/app.log", c->files.at(0).file_path);
}

TEST(ConfigLoaderTest, LoadConfigOfAMissingFileNamesIt) {
  MemEnv env;
  auto c = LoadConfig(env, "/etc/missing.json", Facts());
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(Code::kInvalidArgument, c.status().code());
  EXPECT_STARTS_WITH("/etc/missing.json: ", c.status().message());
}

TEST(ConfigLoaderTest, LoadConfigErrorsNameThePathItWasGiven) {
  MemEnv env;
  env.WriteFile("/etc/bad.json", OneEntry(R"(, "retention_in_days": 4)"));
  auto c = LoadConfig(env, "/etc/bad.json", Facts());
  ASSERT_FALSE(c.ok());
  EXPECT_STARTS_WITH(std::string("/etc/bad.json: ") + kList + "[0].retention_in_days: ",
                     c.status().message());
}

// Two retentions for one group: only one can hold; which is said.
TEST(ConfigLoaderTest, OneGroupWithTwoRetentionsWarnsWhichIsApplied) {
  auto c = Parse(R"({"logs": {"logs_collected": {
      "files": {"collect_list": [
        {"file_path": "/a.log", "log_group_name": "g", "retention_in_days": 7},
        {"file_path": "/b.log", "log_group_name": "g", "retention_in_days": 7},
        {"file_path": "/c.log", "log_group_name": "g"}]},
      "journald": {"collect_list": [{"log_group_name": "g", "retention_in_days": 14}]}}}})");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  ASSERT_EQ(2u, c->warnings.size());
  EXPECT_STARTS_WITH("cfg.json: logs.logs_collected.journald.collect_list: differs from the "
                     "CloudWatch agent",
                     c->warnings[0]);
  EXPECT_EQ("cfg.json: logs.logs_collected.journald.collect_list[0].retention_in_days: group "
            "\"g\" has retention_in_days 7 at logs.logs_collected.files.collect_list[0]."
            "retention_in_days: that one is applied",
            c->warnings[1]);
}

}  // namespace
}  // namespace edgelog
