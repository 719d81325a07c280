// The journald source and ${VAR} references, as the CloudWatch agent's
// schema (translator/config/schema.json, logsJournaldDefinition) and its
// runtime read them.
#include "agent/config/loader.h"

#include <gtest/gtest.h>

#include <map>
#include <string>

#include "tests/agent/config/loader_test_fixture.h"
#include "tests/support/host_facts.h"

namespace edgelog {
namespace {

using loader_test::ErrorLines;
using loader_test::Facts;
using loader_test::OnlyError;
using loader_test::Parse;
using loader_test::StartsWith;

constexpr char kJournal[] = "logs.logs_collected.journald.collect_list";
constexpr char kCollect[] = "logs.logs_collected.files.collect_list";

std::string WithJournal(const std::string& entries) {
  return R"({"logs": {"logs_collected": {"journald": {"collect_list": [)" + entries +
         "]}}}}";
}

// The agent's sampleSchema/validLogJournald.json, in shape.
TEST(ConfigJournaldTest, EntriesAreReadWithEveryKey) {
  auto c = Parse(WithJournal(R"(
    {"log_group_name": "system-{hostname}", "log_stream_name": "{instance_id}",
     "retention_in_days": 7, "log_group_class": "infrequent_access",
     "units": ["sshd", "cron.service"], "priority": "warning",
     "matches": [{"_SYSTEMD_UNIT": "nginx.service", "_PID": "42"}, {"SYSLOG_IDENTIFIER": "x"}],
     "filters": [{"type": "exclude", "expression": "DEBUG"}]},
    {"log_group_name": "all"})"));
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_TRUE(c->files.empty());
  ASSERT_EQ(2u, c->journals.size());
  const JournalEntry& j = c->journals[0];
  EXPECT_EQ("system-ip-10-0-0-1.ec2.internal", j.log_group_name);
  EXPECT_EQ("i-0123456789abcdef0", j.log_stream_name);
  EXPECT_EQ(7, j.retention_in_days);
  EXPECT_EQ("INFREQUENT_ACCESS", j.log_group_class);
  EXPECT_EQ((std::vector<std::string>{"sshd", "cron.service"}), j.units);
  EXPECT_EQ("4", j.priority) << "warning is syslog level 4";
  ASSERT_EQ(2u, j.matches.size());
  EXPECT_EQ((std::vector<std::pair<std::string, std::string>>{{"_SYSTEMD_UNIT", "nginx.service"},
                                                               {"_PID", "42"}}),
            j.matches[0]);
  ASSERT_EQ(1u, j.filters.size());
  EXPECT_EQ("exclude", j.filters[0].type);
  const JournalEntry& all = c->journals[1];
  EXPECT_EQ("all", all.log_group_name);
  EXPECT_EQ("i-0123456789abcdef0", all.log_stream_name) << "the default stream";
  EXPECT_TRUE(all.units.empty());
  EXPECT_EQ("", all.priority);
  ASSERT_EQ(1u, c->warnings.size()) << "the one difference from the agent, said once";
  EXPECT_STARTS_WITH(std::string("cfg.json: ") + kJournal + ": differs from the CloudWatch "
                                                             "agent: edgelog sends each entry's MESSAGE",
                     c->warnings[0]);
}

TEST(ConfigJournaldTest, PriorityNamesAndDigitsAreTheSyslogLevels) {
  std::map<std::string, std::string> levels = {
      {"emerg", "0"}, {"alert", "1"}, {"crit", "2"}, {"err", "3"}, {"warning", "4"},
      {"notice", "5"}, {"info", "6"}, {"debug", "7"}, {"0", "0"}, {"7", "7"}};
  for (const auto& [given, level] : levels) {
    auto c = Parse(WithJournal(R"({"log_group_name": "g", "priority": ")" + given + "\"}"));
    ASSERT_TRUE(c.ok()) << given << ": " << c.status().ToString();
    EXPECT_EQ(level, c->journals[0].priority) << given;
  }
  for (const char* bad : {"error", "8", "WARNING", ""}) {
    auto c = Parse(WithJournal(R"({"log_group_name": "g", "priority": ")" + std::string(bad) +
                               "\"}"));
    EXPECT_PRED2(StartsWith, OnlyError(c), std::string("cfg.json: ") + kJournal +
                                               "[0].priority: ")
        << bad;
  }
}

// The agent's sampleSchema/invalidLogJournald*.json, one per rule.
TEST(ConfigJournaldTest, WhatTheAgentsSchemaRefusesIsRefusedByKey) {
  std::string list = std::string("cfg.json: ") + kJournal;
  EXPECT_EQ(list + "[0].log_group_name: required",
            OnlyError(Parse(WithJournal(R"({"units": ["a"]})"))));
  EXPECT_EQ(list + "[0].units: expected array, found the number 123",
            OnlyError(Parse(WithJournal(R"({"log_group_name": "g", "units": 123})"))));
  EXPECT_EQ(list + "[0].units[1]: expected a string, found the number 5",
            OnlyError(Parse(WithJournal(R"({"log_group_name": "g", "units": ["a", 5]})"))));
  EXPECT_EQ(list + "[0].units[1]: the same as [0]; each element must differ",
            OnlyError(Parse(WithJournal(R"({"log_group_name": "g", "units": ["a", "a"]})"))));
  EXPECT_EQ(list + "[0].units: must hold at least one unit",
            OnlyError(Parse(WithJournal(R"({"log_group_name": "g", "units": []})"))));
  EXPECT_EQ(list + "[0].log_stream_name: expected string, found the number 456",
            OnlyError(Parse(WithJournal(R"({"log_group_name": "g", "log_stream_name": 456})"))));
  EXPECT_EQ(list + "[0].filters[0].type: the string \"invalid_type\" must be include or exclude",
            OnlyError(Parse(WithJournal(
                R"({"log_group_name": "g", "filters": [{"type": "invalid_type",
                    "expression": "x"}]})"))));
  EXPECT_EQ(list + "[0].matches[0]._PID: expected a string, found the number 1",
            OnlyError(Parse(WithJournal(R"({"log_group_name": "g", "matches": [{"_PID": 1}]})"))));
  EXPECT_EQ(list + "[0].matches[0].pid: not a journal field name (A-Z, 0-9 and _, not "
                   "starting with a digit)",
            OnlyError(Parse(WithJournal(R"({"log_group_name": "g", "matches": [{"pid": "1"}]})"))));
  EXPECT_EQ(list + "[0].matches[0]: needs at least one FIELD: value pair",
            OnlyError(Parse(WithJournal(R"({"log_group_name": "g", "matches": [{}]})"))));
  EXPECT_EQ(list + "[1]: the same as [0]; each element must differ",
            OnlyError(Parse(WithJournal(R"({"log_group_name": "g"}, {"log_group_name": "g"})"))));
  EXPECT_EQ(list + "[0].unit: unknown key (did you mean \"units\"?)",
            OnlyError(Parse(WithJournal(R"({"log_group_name": "g", "unit": ["a"]})"))));
  EXPECT_EQ(list + ": must hold at least one entry", OnlyError(Parse(WithJournal(""))));
}

TEST(ConfigJournaldTest, FilesAndJournalTogether) {
  auto c = Parse(R"({"logs": {"logs_collected": {
      "files": {"collect_list": [{"file_path": "/a.log"}]},
      "journald": {"collect_list": [{"log_group_name": "j"}]}}}})");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(1u, c->files.size());
  EXPECT_EQ(1u, c->journals.size());
}

// --- ${VAR} ------------------------------------------------------------------

HostFacts WithEnvironment(std::map<std::string, std::string> vars) {
  return testing::WithEnvironment(Facts(), std::move(vars));
}

// The agent's tocwconfig/sampleConfig/config_with_env.json.
TEST(ConfigEnvironmentTest, VariablesAreReadInEveryStringBeforeItIsChecked) {
  auto c = Parse(R"({"agent": {"region": "${ENV_REGION}"},
      "logs": {"credentials": {"role_arn": "${ENV_ROLE}"},
               "log_stream_name": "${ENV_STREAM}",
               "logs_collected": {"files": {"collect_list": [
                 {"file_path": "/var/log/${APP}/app.log", "log_group_name": "${APP}-{date}"}]}}}})",
                 [] {
                   HostFacts f = WithEnvironment({{"ENV_REGION", "us-west-2"},
                                                  {"ENV_ROLE", "arn:aws:iam::1:role/r"},
                                                  {"ENV_STREAM", "s-{local_hostname}"},
                                                  {"APP", "web"}});
                   f.date = "2026-12-07";
                   return f;
                 }());
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ("us-west-2", c->region);
  EXPECT_EQ("arn:aws:iam::1:role/r", c->role_arn());
  EXPECT_EQ("/var/log/web/app.log", c->files[0].file_path);
  EXPECT_EQ("web-2026-12-07", c->files[0].log_group_name);
  EXPECT_EQ("s-edge-1", c->files[0].log_stream_name) << "placeholders after variables";
  EXPECT_TRUE(c->warnings.empty()) << c->warnings.front();
}

TEST(ConfigEnvironmentTest, AnErrorInAnExpandedValueNamesTheVariable) {
  auto c = Parse(R"({"agent": {"region": "${ENV_REGION}"}, "logs": {"logs_collected":
      {"files": {"collect_list": [{"file_path": "/a.log"}]}}}})",
                 WithEnvironment({{"ENV_REGION", "US West"}}));
  EXPECT_EQ("cfg.json: agent.region: the string \"US West\" is not a region name (like "
            "us-east-1) (from \"${ENV_REGION}\")",
            OnlyError(c));
}

TEST(ConfigEnvironmentTest, AnUnsetVariableIsAWarningNamingTheKey) {
  auto c = Parse(R"({"logs": {"credentials": {"role_arn": "${NO_ROLE}"}, "logs_collected":
      {"files": {"collect_list": [{"file_path": "/a-${NO_APP}.log"}]}}}})",
                 WithEnvironment({}));
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ("", c->role_arn());
  EXPECT_EQ("/a-.log", c->files[0].file_path);
  ASSERT_EQ(2u, c->warnings.size());
  EXPECT_EQ("cfg.json: logs.credentials.role_arn: ${NO_ROLE} is not set in the environment; "
            "the key is read as not set",
            c->warnings[0]);
  EXPECT_EQ(std::string("cfg.json: ") + kCollect +
                "[0].file_path: ${NO_APP} is not set in the environment",
            c->warnings[1]);
}

// The agent's tocwconfig/sampleConfig/config_with_env.json runs with its
// variables unset: a value only an unset variable filled is as if absent.
TEST(ConfigEnvironmentTest, AValueOnlyAnUnsetVariableFilledIsNotSet) {
  auto c = Parse(R"({"agent": {"region": "${ENV_REGION}"},
      "logs": {"log_stream_name": "${ENV_LOG_STREAM_NAME}", "logs_collected":
      {"files": {"collect_list": [{"file_path": "/a.log", "log_group_name": "g"}]}}}})",
                 WithEnvironment({}));
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ("", c->region) << "the environment's region then";
  EXPECT_EQ("i-0123456789abcdef0", c->files[0].log_stream_name) << "the default stream then";
}

}  // namespace
}  // namespace edgelog
