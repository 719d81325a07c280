#include "agent/config/loader.h"

#include <gtest/gtest.h>

#include <string>

#include "tests/agent/config/loader_test_fixture.h"

namespace edgelog {
namespace {

using loader_test::kList;
using loader_test::OneEntry;
using loader_test::OnlyError;
using loader_test::Parse;
using loader_test::StartsWith;

// --- unknown, ignored and not-yet-applied keys ---------------------------------

TEST(ConfigLoaderTest, UnknownKeyInAnEntrySuggestsTheClosestKey) {
  auto c = Parse(OneEntry(R"(, "log_groupname": "g")"));
  EXPECT_EQ(std::string("cfg.json: ") + kList +
                "[0].log_groupname: unknown key (did you mean \"log_group_name\"?)",
            OnlyError(c));
}

// The agent's schema has "additionalProperties": true for its agent
// section: any key is valid there, so an unknown one is a warning.
TEST(ConfigLoaderTest, UnknownKeyInTheAgentSectionIsAWarningSuggestingTheClosestKey) {
  auto c = Parse(R"({"agent": {"regoin": "eu-west-1"}, "logs": {"logs_collected":
      {"files": {"collect_list": [{"file_path": "/a.log"}]}}}})");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  ASSERT_EQ(1u, c->warnings.size());
  EXPECT_EQ("cfg.json: agent.regoin: not a key edgelog knows, ignored (did you mean "
            "\"region\"?)",
            c->warnings[0]);
}

TEST(ConfigLoaderTest, UnknownKeyFarFromEveryKeyHasNoSuggestion) {
  auto c = Parse(OneEntry(R"(, "zzzzzzzzzzzz": 1)"));
  EXPECT_EQ(std::string("cfg.json: ") + kList + "[0].zzzzzzzzzzzz: unknown key", OnlyError(c));
}

TEST(ConfigLoaderTest, UnknownTopLevelSectionIsOneWarningNotAnError) {
  auto c = Parse(R"({"mystery": {"x": 1}, "logs": {"logs_collected":
      {"files": {"collect_list": [{"file_path": "/a.log"}]}}}})");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  ASSERT_EQ(1u, c->warnings.size());
  EXPECT_STARTS_WITH("cfg.json: ", c->warnings[0]);
  EXPECT_CONTAINS("mystery", c->warnings[0]);
}

TEST(ConfigLoaderTest, MisspeltTopLevelSectionWarningSuggestsTheSection) {
  auto c = Parse(R"({"edgelgo": {}, "logs": {"logs_collected":
      {"files": {"collect_list": [{"file_path": "/a.log"}]}}}})");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  ASSERT_EQ(1u, c->warnings.size());
  EXPECT_CONTAINS("did you mean \"edgelog\"", c->warnings[0]);
}

TEST(ConfigLoaderTest, MetricsAndTracesSectionsGiveExactlyOneWarningNamingBoth) {
  auto c = Parse(R"({
    "metrics": {"metrics_collected": {"cpu": {"measurement": ["usage_idle"]}}},
    "traces": {"traces_collected": {"xray": {}}},
    "logs": {"logs_collected": {"files": {"collect_list": [{"file_path": "/a.log"}]}}}})");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  ASSERT_EQ(1u, c->warnings.size());
  EXPECT_STARTS_WITH("cfg.json: ", c->warnings[0]);
  EXPECT_CONTAINS("metrics", c->warnings[0]);
  EXPECT_CONTAINS("traces", c->warnings[0]);
}

// Keys with no effect in edgelog are accepted, never in silence: one
// warning each, naming the key.
TEST(ConfigLoaderTest, IgnoredCloudWatchAgentKeysAreAcceptedWithOneWarningEach) {
  auto c = Parse(R"({
    "agent": {"metrics_collection_interval": 60, "logfile": "/tmp/x.log",
              "run_as_user": "cwagent", "usage_data": false, "internal": true,
              "quiet": true, "flush_interval": "10s", "service.name": "web",
              "deployment.environment": "prod"},
    "logs": {"concurrency": 2, "service.name": "web", "deployment.environment": "prod",
      "metrics_collected": {"emf": {}},
      "logs_collected": {"windows_events": {"collect_list": []},
        "application_signals": {},
        "files": {"collect_list": [
      {"file_path": "/a.log", "backpressure_mode": "fd_release",
       "service.name": "web", "deployment.environment": "prod"}]}}}})");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  std::vector<std::string> keys = {
      "agent.metrics_collection_interval", "agent.logfile", "agent.run_as_user",
      "agent.usage_data", "agent.internal", "agent.quiet", "agent.flush_interval",
      "agent.service.name", "agent.deployment.environment", "logs.concurrency",
      "logs.service.name", "logs.deployment.environment", "logs.metrics_collected",
      "logs.logs_collected.windows_events", "logs.logs_collected.application_signals",
      std::string(kList) + "[0].backpressure_mode", std::string(kList) + "[0].service.name",
      std::string(kList) + "[0].deployment.environment"};
  ASSERT_EQ(keys.size(), c->warnings.size());
  for (size_t i = 0; i < keys.size(); ++i) {
    EXPECT_STARTS_WITH("cfg.json: " + keys[i] + ": accepted, no effect in edgelog: ",
                       c->warnings[i]);
  }
}

// Accepted is not unchecked: the agent's schema types still hold.
TEST(ConfigLoaderTest, IgnoredKeysOfTheWrongTypeAreRefused) {
  auto c = Parse(R"({"agent": {"service.name": 7}, "logs": {"logs_collected":
      {"files": {"collect_list": [{"file_path": "/a.log"}]}}}})");
  EXPECT_EQ("cfg.json: agent.service.name: expected string, found the number 7", OnlyError(c));
}

// auto_removal is where edgelog deliberately waits longer than the agent:
// said once where it is on, never when off.
TEST(ConfigLoaderTest, TrimTimestampAndAutoRemovalAreAppliedAndTheDifferenceSaid) {
  auto c = Parse(OneEntry(R"(, "trim_timestamp": true, "auto_removal": true)"));
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  ASSERT_EQ(1u, c->warnings.size());
  EXPECT_STARTS_WITH(std::string("cfg.json: ") + kList +
                         "[0].auto_removal: differs from the CloudWatch agent: edgelog deletes "
                         "a file only once CloudWatch acknowledged all of it",
                     c->warnings[0]);
  ASSERT_EQ(1u, c->files.size());
  EXPECT_TRUE(c->files[0].trim_timestamp);
  EXPECT_TRUE(c->files[0].auto_removal);
  auto off = Parse(OneEntry(R"(, "auto_removal": false)"));
  ASSERT_TRUE(off.ok());
  EXPECT_TRUE(off->warnings.empty()) << off->warnings.front();
}

TEST(ConfigLoaderTest, TrimTimestampAndAutoRemovalDefaultToOff) {
  auto c = Parse(OneEntry(R"(, "trim_timestamp": false)"));
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  ASSERT_EQ(1u, c->files.size());
  EXPECT_FALSE(c->files[0].trim_timestamp);
  EXPECT_FALSE(c->files[0].auto_removal);
}

TEST(ConfigLoaderTest, TailingKeysAreAppliedWithoutWarnings) {
  auto c = Parse(OneEntry(R"(, "timestamp_format": "%Y", "timezone": "UTC",
      "multi_line_start_pattern": "^\\d", "encoding": "utf-16le", "blacklist": "\\.bak$",
      "filters": [{"type": "exclude", "expression": "DEBUG"}])"));
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_TRUE(c->warnings.empty());
  ASSERT_EQ(1u, c->files.size());
  const FileEntry& e = c->files[0];
  EXPECT_EQ("%Y", e.timestamp_format);
  EXPECT_EQ("UTC", e.timezone);
  EXPECT_EQ("^\\d", e.multi_line_start_pattern);
  EXPECT_EQ("utf-16le", e.encoding);
  EXPECT_EQ("\\.bak$", e.blacklist);
  ASSERT_EQ(1u, e.filters.size());
  EXPECT_EQ("exclude", e.filters[0].type);
  EXPECT_EQ("DEBUG", e.filters[0].expression);
}

TEST(ConfigLoaderTest, AFilterNeedsATypeOfIncludeOrExcludeAndAnExpression) {
  auto bad_type = Parse(OneEntry(R"(, "filters": [{"type": "keep", "expression": "x"}])"));
  EXPECT_STARTS_WITH(std::string("cfg.json: ") + kList + "[0].filters[0].type: ",
                     OnlyError(bad_type));
  auto missing = Parse(OneEntry(R"(, "filters": [{"type": "include"}])"));
  EXPECT_STARTS_WITH(std::string("cfg.json: ") + kList + "[0].filters[0]: needs both",
                     OnlyError(missing));
  auto unknown = Parse(OneEntry(R"(, "filters": [{"type": "include", "expresion": "x"}])"));
  EXPECT_NE(std::string::npos, OnlyError(unknown).find("did you mean \"expression\""));
}

TEST(ConfigLoaderTest, TimezoneIsLocalOrUtc) {
  EXPECT_TRUE(Parse(OneEntry(R"(, "timezone": "Local")")).ok());
  EXPECT_TRUE(Parse(OneEntry(R"(, "timezone": "utc")")).ok());
  EXPECT_STARTS_WITH(std::string("cfg.json: ") + kList + "[0].timezone: ",
                     OnlyError(Parse(OneEntry(R"(, "timezone": "Europe/Paris")"))));
}

TEST(ConfigLoaderTest, BooleanEntryKeyOfTheWrongTypeIsRefused) {
  auto c = Parse(OneEntry(R"(, "auto_removal": "yes")"));
  EXPECT_STARTS_WITH(std::string("cfg.json: ") + kList + "[0].auto_removal: expected boolean",
                     OnlyError(c));
}

TEST(ConfigLoaderTest, LogsRoleArnOverridesAgentRoleArnWhateverTheirOrder) {
  // The option table: logs.credentials.role_arn "overrides
  // agent.credentials.role_arn". JSON member order must not matter.
  const char* logs_first = R"({
    "logs": {"credentials": {"role_arn": "arn:aws:iam::1:role/logs"},
             "logs_collected": {"files": {"collect_list": [{"file_path": "/a.log"}]}}},
    "agent": {"credentials": {"role_arn": "arn:aws:iam::1:role/agent"}}})";
  const char* agent_first = R"({
    "agent": {"credentials": {"role_arn": "arn:aws:iam::1:role/agent"}},
    "logs": {"credentials": {"role_arn": "arn:aws:iam::1:role/logs"},
             "logs_collected": {"files": {"collect_list": [{"file_path": "/a.log"}]}}}})";
  for (const char* json : {agent_first, logs_first}) {
    auto c = Parse(json);
    ASSERT_TRUE(c.ok()) << c.status().ToString();
    EXPECT_EQ("arn:aws:iam::1:role/logs", c->role_arn()) << json;
  }
}

// A key with a dot or brackets is one name, never a path into the option
// table: "filters[].type" as a key once wrote through a null filter.
TEST(ConfigLoaderTest, AKeyThatLooksLikeAPathIsAnUnknownKey) {
  EXPECT_STARTS_WITH(std::string("cfg.json: ") + kList + "[0].filters[].type: unknown key",
                     OnlyError(Parse(OneEntry(R"(, "filters[].type": "include")"))));
  EXPECT_STARTS_WITH("cfg.json: logs.credentials.role_arn: unknown key",
                     OnlyError(Parse(R"({"logs": {"credentials.role_arn": "arn:aws:iam::1:role/r",
                         "logs_collected": {"files": {"collect_list": [{"file_path": "/a"}]}}}})")));
  auto top = Parse(R"({"edgelog.state_dir": "/tmp/x", "logs": {"logs_collected": {"files":
      {"collect_list": [{"file_path": "/a"}]}}}})");
  ASSERT_TRUE(top.ok()) << top.status().ToString();
  EXPECT_EQ("/var/lib/edgelog", top->state_dir) << "an unknown section, not a setting";
  auto agent = Parse(R"({"agent": {"credentials.role_arn": "arn:aws:iam::1:role/r"}, "logs":
      {"logs_collected": {"files": {"collect_list": [{"file_path": "/a"}]}}}})");
  ASSERT_TRUE(agent.ok()) << agent.status().ToString();
  EXPECT_EQ("", agent->role_arn()) << "the agent takes any key under agent, and ignores it";
  EXPECT_STARTS_WITH(std::string("cfg.json: logs.logs_collected.journald.collect_list[0]."
                                 "filters[].expression: unknown key"),
                     OnlyError(Parse(R"({"logs": {"logs_collected": {"journald": {"collect_list":
                         [{"log_group_name": "g", "filters[].expression": "x"}]}}}})")));
}

}  // namespace
}  // namespace edgelog
