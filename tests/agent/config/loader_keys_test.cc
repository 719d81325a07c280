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

TEST(ConfigLoaderTest, UnknownKeyInTheAgentSectionSuggestsTheClosestKey) {
  auto c = Parse(R"({"agent": {"regoin": "eu-west-1"}, "logs": {"logs_collected":
      {"files": {"collect_list": [{"file_path": "/a.log"}]}}}})");
  EXPECT_EQ("cfg.json: agent.regoin: unknown key (did you mean \"region\"?)", OnlyError(c));
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

TEST(ConfigLoaderTest, IgnoredCloudWatchAgentKeysAreAcceptedSilently) {
  auto c = Parse(R"({
    "agent": {"metrics_collection_interval": 60, "logfile": "/tmp/x.log",
              "run_as_user": "cwagent", "usage_data": false},
    "logs": {"concurrency": 2, "logs_collected": {"files": {"collect_list": [
      {"file_path": "/a.log", "publish_multi_logs": true, "backpressure_mode": "fd_release"}]}}}})");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_TRUE(c->warnings.empty()) << c->warnings.front();
}

TEST(ConfigLoaderTest, NotYetAppliedKeyIsAcceptedWithAWarningNamingIt) {
  auto c = Parse(OneEntry(R"(, "trim_timestamp": true)"));
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  ASSERT_EQ(1u, c->warnings.size());
  EXPECT_STARTS_WITH(std::string("cfg.json: ") + kList + "[0].trim_timestamp: ",
                     c->warnings[0]);
}

TEST(ConfigLoaderTest, EveryNotYetAppliedKeyGivesItsOwnWarning) {
  auto c = Parse(OneEntry(R"(, "trim_timestamp": false, "auto_removal": false)"));
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(2u, c->warnings.size());
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

TEST(ConfigLoaderTest, NotYetAppliedKeyOfTheWrongTypeIsStillRefused) {
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

}  // namespace
}  // namespace edgelog
