#include "agent/config/loader.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tests/agent/config/loader_test_fixture.h"

namespace edgelog {
namespace {

using loader_test::ErrorLines;
using loader_test::Facts;
using loader_test::kList;
using loader_test::OneEntry;
using loader_test::OnlyError;
using loader_test::Parse;
using loader_test::StartsWith;
using loader_test::WithEntries;

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

TEST(ConfigLoaderTest, ControlCharactersQuotedFromTheFileKeepEachErrorOnOneLine) {
  // A key or value holding a newline used to split its error in two lines,
  // the second not starting with the source name.
  auto c = Parse(OneEntry(R"(, "bo\ngus": 1, "timezone": "Mars\tStandard\u0001")"));
  std::vector<std::string> lines = ErrorLines(c);
  ASSERT_EQ(2u, lines.size()) << c.status().message();
  EXPECT_STARTS_WITH(std::string("cfg.json: ") + kList + "[0].bo\\ngus: unknown key", lines[0]);
  EXPECT_EQ(std::string("cfg.json: ") + kList +
                "[0].timezone: the string \"Mars\\tStandard\\x01\" must be Local or UTC",
            lines[1]);
}

TEST(ConfigLoaderTest, AnUnknownSectionWithANewlineIsWarnedAboutOnOneLine) {
  auto c = Parse(R"({"me\ntrics": {}, )" + OneEntry().substr(1));
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  ASSERT_EQ(1u, c->warnings.size());
  EXPECT_STARTS_WITH("cfg.json: unknown section \"me\\ntrics\" ignored", c->warnings[0]);
  EXPECT_EQ(std::string::npos, c->warnings[0].find('\n'));
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

// The agent's schema: collect_list has "minItems": 1.
TEST(ConfigLoaderTest, EmptyCollectListIsRefused) {
  EXPECT_EQ(std::string("cfg.json: ") + kList + ": must hold at least one entry",
            OnlyError(Parse(WithEntries(""))));
}

// A metrics-only config is valid for the agent: edgelog accepts it and
// says it has nothing to collect.
TEST(ConfigLoaderTest, ConfigWithoutLogsSectionIsAcceptedWithAWarning) {
  auto c = Parse(R"({"agent": {"region": "eu-west-1"}, "metrics": {}})");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_TRUE(c->files.empty());
  bool said = false;
  for (const std::string& w : c->warnings) {
    said = said || w.find("nothing for edgelog to collect") != std::string::npos;
  }
  EXPECT_TRUE(said);
}

// The agent's schema: "logs" needs logs_collected or metrics_collected;
// logs_collected names a source; a source has its collect_list.
TEST(ConfigLoaderTest, ALogsSectionMustCollectSomething) {
  EXPECT_EQ("cfg.json: logs: needs logs_collected (or metrics_collected)",
            OnlyError(Parse(R"({"logs": {"force_flush_interval": 5}})")));
  EXPECT_EQ("cfg.json: logs.logs_collected: names no source (files, journald, ...)",
            OnlyError(Parse(R"({"logs": {"logs_collected": {}}})")));
  EXPECT_EQ("cfg.json: logs.logs_collected.files.collect_list: required",
            OnlyError(Parse(R"({"logs": {"logs_collected": {"files": {}}}})")));
  EXPECT_EQ("cfg.json: logs.logs_collected.journald.collect_list: required",
            OnlyError(Parse(R"({"logs": {"logs_collected": {"journald": {}}}})")));
  auto emf_only = Parse(R"({"logs": {"metrics_collected": {"emf": {}}}})");
  ASSERT_TRUE(emf_only.ok()) << emf_only.status().ToString();
}

// The agent's schema: collect_list has "uniqueItems": true (its
// sampleSchema/invalidLogFilesWithDuplicateEntry.json is refused).
TEST(ConfigLoaderTest, TheSameEntryTwiceIsRefusedNamingBoth) {
  auto c = Parse(WithEntries(R"({"file_path": "/a.log", "log_group_name": "g"},
      {"file_path": "/b.log"}, {"log_group_name": "g", "file_path": "/a.log"})"));
  EXPECT_EQ(std::string("cfg.json: ") + kList +
                "[2]: the same as [0]; each element must differ",
            OnlyError(c));
  auto differ = Parse(WithEntries(R"({"file_path": "/a.log", "log_group_name": "g"},
      {"file_path": "/a.log", "log_group_name": "h"})"));
  EXPECT_TRUE(differ.ok()) << differ.status().ToString();
}

TEST(ConfigLoaderTest, AWindowsPathSaysSo) {
  auto c = Parse(WithEntries(R"({"file_path": "c:\\ProgramData\\app.log"})"));
  EXPECT_CONTAINS("is a Windows path", OnlyError(c));
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
    EXPECT_STARTS_WITH(std::string("cfg.json: ") + kList +
                           "[0].log_group_name: required when file_path is a glob (unless "
                           "publish_multi_logs): the group the CloudWatch agent would derive",
                       OnlyError(c))
        << path;
  }
}

}  // namespace
}  // namespace edgelog
