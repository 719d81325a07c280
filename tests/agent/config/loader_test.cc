#include "agent/config/loader.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tests/support/mem_env.h"

namespace edgelog {
namespace {

using ::edgelog::testing::MemEnv;

constexpr char kSource[] = "cfg.json";
constexpr char kList[] = "logs.logs_collected.files.collect_list";

HostFacts Facts() {
  HostFacts f;
  f.instance_id = "i-0123456789abcdef0";
  f.hostname = "ip-10-0-0-1.ec2.internal";
  f.local_hostname = "edge-1";
  f.ip_address = "10.0.0.1";
  return f;
}

StatusOr<Config> Parse(const std::string& json, const HostFacts& facts = Facts()) {
  return ParseConfig(json, kSource, facts);
}

// A config whose collect_list holds `entries` (JSON objects, comma-joined).
std::string WithEntries(const std::string& entries) {
  return R"({"logs": {"logs_collected": {"files": {"collect_list": [)" + entries +
         "]}}}}";
}

// A config with one entry for /var/log/app.log plus `extra` (",..." members).
std::string OneEntry(const std::string& extra = "") {
  return WithEntries(R"({"file_path": "/var/log/app.log")" + extra + "}");
}

// The lines of the error message of `result`, which must have failed.
std::vector<std::string> ErrorLines(const StatusOr<Config>& result) {
  std::vector<std::string> lines;
  if (result.ok()) {
    ADD_FAILURE() << "the config was accepted";
    return lines;
  }
  EXPECT_EQ(Code::kInvalidArgument, result.status().code());
  const std::string& m = result.status().message();
  size_t start = 0;
  while (start <= m.size()) {
    size_t nl = m.find('\n', start);
    if (nl == std::string::npos) nl = m.size();
    lines.push_back(m.substr(start, nl - start));
    start = nl + 1;
  }
  return lines;
}

// The only error line of `result`.
std::string OnlyError(const StatusOr<Config>& result) {
  std::vector<std::string> lines = ErrorLines(result);
  EXPECT_EQ(1u, lines.size()) << (lines.empty() ? "" : result.status().message());
  return lines.empty() ? "" : lines[0];
}

bool StartsWith(const std::string& s, const std::string& prefix) {
  return s.compare(0, prefix.size(), prefix) == 0;
}

#define EXPECT_STARTS_WITH(prefix, s) \
  EXPECT_PRED2(StartsWith, s, prefix)

#define EXPECT_CONTAINS(needle, s) \
  EXPECT_NE(std::string::npos, std::string(s).find(needle)) << "in: " << (s)

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
      "max_in_flight": 4
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

  EXPECT_TRUE(c->warnings.empty()) << c->warnings.front();
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
  ASSERT_EQ(1u, c->files.size());
  EXPECT_EQ(-1, c->files[0].retention_in_days);
  EXPECT_EQ("", c->files[0].log_group_class);
  EXPECT_TRUE(c->warnings.empty());
}

TEST(ConfigLoaderTest, DefaultStreamIsTheHostnameFromHostFacts) {
  auto c = Parse(OneEntry());
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ("ip-10-0-0-1.ec2.internal", c->files[0].log_stream_name);
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

// --- where errors point ------------------------------------------------------

TEST(ConfigLoaderTest, ErrorNamesTheFileAndTheKeyPathWithArrayIndex) {
  auto c = Parse(WithEntries(R"({"file_path": "/a.log"},
                                {"file_path": "/b.log", "retention_in_days": 4})"));
  EXPECT_STARTS_WITH(std::string("cfg.json: ") + kList + "[1].retention_in_days: ",
                     OnlyError(c));
}

TEST(ConfigLoaderTest, ErrorLinesAllStartWithTheSourceName) {
  auto c = ParseConfig(OneEntry(R"(, "retention_in_days": 2, "bogus": 1)"),
                       "/etc/edgelog/config.json", Facts());
  std::vector<std::string> lines = ErrorLines(c);
  ASSERT_EQ(2u, lines.size()) << c.status().message();
  for (const std::string& line : lines) {
    EXPECT_STARTS_WITH("/etc/edgelog/config.json: ", line);
  }
}

TEST(ConfigLoaderTest, AllErrorsAreReportedAtOnce) {
  auto c = Parse(R"({"logs": {"force_flush_interval": "soon", "logs_collected":
      {"files": {"collect_list": [{"file_path": "/a.log", "retention_in_days": 4}]}}}})");
  std::vector<std::string> lines = ErrorLines(c);
  ASSERT_EQ(2u, lines.size()) << c.status().message();
  EXPECT_STARTS_WITH("cfg.json: logs.force_flush_interval: ", lines[0]);
  EXPECT_STARTS_WITH(std::string("cfg.json: ") + kList + "[0].retention_in_days: ", lines[1]);
}

TEST(ConfigLoaderTest, ErrorsOfDifferentEntriesAreReportedAtOnce) {
  // A bad value in entry 0 and a missing file_path in entry 1: both lines.
  auto c = Parse(WithEntries(R"({"file_path": "/a.log", "retention_in_days": 4},
                                {"log_group_name": "g"})"));
  std::vector<std::string> lines = ErrorLines(c);
  ASSERT_EQ(2u, lines.size()) << c.status().message();
  EXPECT_STARTS_WITH(std::string("cfg.json: ") + kList + "[0].retention_in_days: ", lines[0]);
  EXPECT_EQ(std::string("cfg.json: ") + kList + "[1].file_path: required", lines[1]);
}

// --- types -------------------------------------------------------------------

TEST(ConfigLoaderTest, StringWhereAnIntegerBelongsIsRefused) {
  auto c = Parse(R"({"logs": {"force_flush_interval": "5", "logs_collected":
      {"files": {"collect_list": [{"file_path": "/a.log"}]}}}})");
  EXPECT_EQ(
      "cfg.json: logs.force_flush_interval: expected a whole number, found the string \"5\"",
      OnlyError(c));
}

TEST(ConfigLoaderTest, FractionWhereAnIntegerBelongsIsRefused) {
  auto c = Parse(OneEntry(R"(, "retention_in_days": 7.5)"));
  EXPECT_EQ(std::string("cfg.json: ") + kList +
                "[0].retention_in_days: expected a whole number, found the number 7.5",
            OnlyError(c));
}

TEST(ConfigLoaderTest, NumberWhereAStringBelongsIsRefused) {
  auto c = Parse(WithEntries(R"({"file_path": 42})"));
  EXPECT_EQ(std::string("cfg.json: ") + kList +
                "[0].file_path: expected string, found the number 42",
            OnlyError(c));
}

TEST(ConfigLoaderTest, StringWhereABooleanBelongsIsRefused) {
  auto c = Parse(R"({"agent": {"debug": "yes"}, "logs": {"logs_collected":
      {"files": {"collect_list": [{"file_path": "/a.log"}]}}}})");
  EXPECT_EQ("cfg.json: agent.debug: expected boolean, found the string \"yes\"",
            OnlyError(c));
}

TEST(ConfigLoaderTest, NullWhereAStringBelongsIsRefused) {
  auto c = Parse(OneEntry(R"(, "log_group_name": null)"));
  EXPECT_EQ(std::string("cfg.json: ") + kList +
                "[0].log_group_name: expected string, found null",
            OnlyError(c));
}

TEST(ConfigLoaderTest, ArrayWhereAnObjectBelongsIsRefused) {
  auto c = Parse(R"({"logs": []})");
  std::vector<std::string> lines = ErrorLines(c);
  ASSERT_FALSE(lines.empty());
  EXPECT_EQ("cfg.json: logs: expected object, found an array", lines[0]);
}

TEST(ConfigLoaderTest, ObjectWhereTheCollectListBelongsIsRefused) {
  auto c = Parse(R"({"logs": {"logs_collected": {"files": {"collect_list":
      {"file_path": "/a.log"}}}}})");
  std::vector<std::string> lines = ErrorLines(c);
  ASSERT_FALSE(lines.empty());
  EXPECT_EQ(std::string("cfg.json: ") + kList + ": expected array, found an object",
            lines[0]);
}

TEST(ConfigLoaderTest, CollectListElementThatIsNotAnObjectIsRefused) {
  auto c = Parse(WithEntries(R"({"file_path": "/a.log"}, "/b.log")"));
  EXPECT_EQ(std::string("cfg.json: ") + kList +
                "[1]: expected an object, found the string \"/b.log\"",
            OnlyError(c));
}

TEST(ConfigLoaderTest, FileThatIsNotAnObjectIsRefused) {
  EXPECT_EQ("cfg.json: the file must hold one JSON object", OnlyError(Parse("[1, 2]")));
  EXPECT_EQ("cfg.json: the file must hold one JSON object", OnlyError(Parse("\"logs\"")));
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

TEST(ConfigLoaderTest, UnknownLogGroupClassIsRefused) {
  auto c = Parse(OneEntry(R"(, "log_group_class": "COLD")"));
  EXPECT_STARTS_WITH(std::string("cfg.json: ") + kList + "[0].log_group_class: ", OnlyError(c));
}

TEST(ConfigLoaderTest, RelativeStateDirIsRefused) {
  auto c = Parse(R"({"edgelog": {"state_dir": "state"}, "logs": {"logs_collected":
      {"files": {"collect_list": [{"file_path": "/a.log"}]}}}})");
  EXPECT_STARTS_WITH("cfg.json: edgelog.state_dir: ", OnlyError(c));
}

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
  auto c = Parse(OneEntry(R"(, "multi_line_start_pattern": "^\\d{4}-")"));
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  ASSERT_EQ(1u, c->warnings.size());
  EXPECT_STARTS_WITH(std::string("cfg.json: ") + kList + "[0].multi_line_start_pattern: ",
                     c->warnings[0]);
}

TEST(ConfigLoaderTest, EveryNotYetAppliedKeyGivesItsOwnWarning) {
  auto c = Parse(OneEntry(R"(, "timestamp_format": "%Y", "timezone": "UTC",
                              "encoding": "utf-8", "auto_removal": false)"));
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(4u, c->warnings.size());
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

// --- duplicates and syntax ---------------------------------------------------

TEST(ConfigLoaderTest, DuplicateTopLevelKeyIsRefused) {
  auto c = Parse(R"({"logs": {"logs_collected": {"files": {"collect_list":
      [{"file_path": "/a.log"}]}}}, "logs": {}})");
  std::vector<std::string> lines = ErrorLines(c);
  ASSERT_FALSE(lines.empty());
  EXPECT_EQ("cfg.json: logs: appears more than once", lines[0]);
}

TEST(ConfigLoaderTest, DuplicateKeyInAnEntryIsRefused) {
  auto c = Parse(OneEntry(R"(, "file_path": "/other.log")"));
  EXPECT_EQ(std::string("cfg.json: ") + kList + "[0].file_path: appears more than once",
            OnlyError(c));
}

TEST(ConfigLoaderTest, InvalidJsonReportsLineAndColumn) {
  // The second member has no comma before it: line 3, column 3.
  auto c = Parse("{\n  \"a\": 1\n  \"b\": 2\n}");
  EXPECT_EQ("cfg.json: line 3, column 3: not valid JSON", OnlyError(c));
}

TEST(ConfigLoaderTest, MisspeltLiteralReportsItsPosition) {
  auto c = Parse("{\n  \"agent\": {\"debug\": tru}\n}");
  std::string error = OnlyError(c);
  EXPECT_STARTS_WITH("cfg.json: line 2, column ", error);
  EXPECT_CONTAINS("not valid JSON", error);
}

TEST(ConfigLoaderTest, EmptyFileIsInvalidJson) {
  EXPECT_EQ("cfg.json: line 1, column 1: not valid JSON", OnlyError(Parse("")));
}

TEST(ConfigLoaderTest, TrailingGarbageAfterTheObjectIsInvalidJson) {
  std::string json = OneEntry() + "\n}";
  auto c = Parse(json);
  ASSERT_FALSE(c.ok()) << "accepted a file with text after its JSON object";
  EXPECT_CONTAINS("not valid JSON", c.status().message());
}

TEST(ConfigLoaderTest, SecondObjectAfterTheFirstIsInvalidJson) {
  // Two objects in one file: the second must not be silently ignored.
  auto c = Parse(OneEntry() + R"({"logs": {"force_flush_interval": 60}})");
  EXPECT_FALSE(c.ok());
}

// --- collect_list entries ----------------------------------------------------

TEST(ConfigLoaderTest, EmptyCollectListIsRefused) {
  EXPECT_EQ(std::string("cfg.json: ") + kList + ": no files to collect",
            OnlyError(Parse(WithEntries(""))));
}

TEST(ConfigLoaderTest, ConfigWithoutLogsSectionIsRefused) {
  EXPECT_EQ(std::string("cfg.json: ") + kList + ": no files to collect",
            OnlyError(Parse(R"({"agent": {"region": "eu-west-1"}})")));
}

TEST(ConfigLoaderTest, EntryWithoutFilePathIsRefused) {
  auto c = Parse(WithEntries(R"({"file_path": "/a.log"}, {"log_group_name": "g"})"));
  EXPECT_EQ(std::string("cfg.json: ") + kList + "[1].file_path: required", OnlyError(c));
}

TEST(ConfigLoaderTest, RelativeFilePathIsRefused) {
  auto c = Parse(WithEntries(R"({"file_path": "logs/app.log", "log_group_name": "g"})"));
  EXPECT_STARTS_WITH(std::string("cfg.json: ") + kList + "[0].file_path: ", OnlyError(c));
  EXPECT_CONTAINS("absolute", c.status().message());
}

TEST(ConfigLoaderTest, EmptyFilePathIsRefused) {
  auto c = Parse(WithEntries(R"({"file_path": ""})"));
  EXPECT_STARTS_WITH(std::string("cfg.json: ") + kList + "[0].file_path: ", OnlyError(c));
}

TEST(ConfigLoaderTest, GlobFilePathWithoutAGroupIsRefused) {
  for (const char* path : {"/var/log/*.log", "/var/log/app.?", "/var/log/app[12].log"}) {
    auto c = Parse(WithEntries(std::string(R"({"file_path": ")") + path + "\"}"));
    EXPECT_EQ(std::string("cfg.json: ") + kList +
                  "[0].log_group_name: required when file_path is a glob",
              OnlyError(c))
        << path;
  }
}

// --- group and stream names --------------------------------------------------

TEST(ConfigLoaderTest, GroupNameWithASpaceOrColonIsRefused) {
  for (const char* group : {"my group", "a:b", "caf\xC3\xA9", "a*b"}) {
    auto c = Parse(OneEntry(std::string(R"(, "log_group_name": ")") + group + "\""));
    EXPECT_STARTS_WITH(std::string("cfg.json: ") + kList + "[0].log_group_name: \"" + group +
                           "\" is not a valid log group name",
                       OnlyError(c));
  }
}

TEST(ConfigLoaderTest, GroupNameOfEveryAllowedCharacterIsAccepted) {
  auto c = Parse(OneEntry(R"(, "log_group_name": "/aws/My_Group-1.x#2")"));
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ("/aws/My_Group-1.x#2", c->files[0].log_group_name);
}

TEST(ConfigLoaderTest, GroupNameOf512CharactersIsAcceptedAnd513Refused) {
  std::string ok(512, 'g');
  EXPECT_TRUE(Parse(OneEntry(R"(, "log_group_name": ")" + ok + "\"")).ok());
  std::string too_long(513, 'g');
  EXPECT_STARTS_WITH(std::string("cfg.json: ") + kList + "[0].log_group_name: ",
                     OnlyError(Parse(OneEntry(R"(, "log_group_name": ")" + too_long + "\""))));
}

TEST(ConfigLoaderTest, StreamNameWithColonOrStarIsRefused) {
  for (const char* stream : {"a:b", "a*b"}) {
    auto c = Parse(OneEntry(std::string(R"(, "log_stream_name": ")") + stream + "\""));
    EXPECT_STARTS_WITH(std::string("cfg.json: ") + kList + "[0].log_stream_name: \"" + stream +
                           "\" is not a valid log stream name",
                       OnlyError(c));
  }
}

TEST(ConfigLoaderTest, StreamNameWithSpacesAndSlashesIsAccepted) {
  auto c = Parse(OneEntry(R"(, "log_stream_name": "my stream/1 [x]")"));
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ("my stream/1 [x]", c->files[0].log_stream_name);
}

TEST(ConfigLoaderTest, NamesAreCheckedAfterPlaceholderExpansion) {
  HostFacts facts = Facts();
  facts.hostname = "host:with:colons";
  auto c = Parse(OneEntry(R"(, "log_group_name": "g")"), facts);
  EXPECT_STARTS_WITH(std::string("cfg.json: ") + kList +
                         "[0].log_stream_name: \"host:with:colons\" is not a valid log stream name",
                     OnlyError(c));
  facts.hostname = "host name";
  c = Parse(OneEntry(R"(, "log_group_name": "grp-{hostname}")"), facts);
  EXPECT_STARTS_WITH(std::string("cfg.json: ") + kList +
                         "[0].log_group_name: \"grp-host name\" is not a valid log group name",
                     OnlyError(c));
}

TEST(ConfigLoaderTest, UnknownPlaceholderInAStreamNameIsRefused) {
  auto c = Parse(OneEntry(R"(, "log_stream_name": "s-{region}")"));
  std::string error = OnlyError(c);
  EXPECT_STARTS_WITH(std::string("cfg.json: ") + kList + "[0].log_stream_name: ", error);
  EXPECT_CONTAINS("unknown placeholder {region}", error);
}

TEST(ConfigLoaderTest, UnknownPlaceholderInAGroupNameIsOneErrorNotTwo) {
  // One problem, one line: the unexpanded "g-{region}" must not also be
  // judged as a group name (its braces are not the user's mistake).
  auto c = Parse(OneEntry(R"(, "log_group_name": "g-{region}")"));
  std::string error = OnlyError(c);
  EXPECT_STARTS_WITH(std::string("cfg.json: ") + kList + "[0].log_group_name: ", error);
  EXPECT_CONTAINS("unknown placeholder {region}", error);
}

TEST(ConfigLoaderTest, PlaceholderWithoutAValueOnThisHostIsRefused) {
  HostFacts facts = Facts();
  facts.instance_id.clear();
  auto c = Parse(OneEntry(R"(, "log_stream_name": "{instance_id}")"), facts);
  std::string error = OnlyError(c);
  EXPECT_STARTS_WITH(std::string("cfg.json: ") + kList + "[0].log_stream_name: ", error);
  EXPECT_CONTAINS("{instance_id}", error);
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

}  // namespace
}  // namespace edgelog
