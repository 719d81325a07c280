// BuildTailEntries: each collect_list entry compiled into what the tailer
// needs, every problem reported at once as "FILE: KEY PATH: reason".
#include "agent/run/tail_setup.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <ctime>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "agent/tail/record_assembler.h"
#include "agent/text/regex.h"

namespace edgelog {
namespace {

constexpr const char* kConfigPath = "/etc/edgelog/config.json";
constexpr const char* kWhere = "/etc/edgelog/config.json: logs.logs_collected.files.collect_list";

int64_t UtcMs(int year, int month, int day, int hour, int minute, int second) {
  std::tm tm{};
  tm.tm_year = year - 1900;
  tm.tm_mon = month - 1;
  tm.tm_mday = day;
  tm.tm_hour = hour;
  tm.tm_min = minute;
  tm.tm_sec = second;
  return static_cast<int64_t>(timegm(&tm)) * 1000;
}

const int64_t kNow = UtcMs(2024, 6, 15, 12, 0, 0);
const UtcOffsetFn kTwoHoursEast = [](int64_t) { return int64_t{2 * 3600}; };

FileEntry Entry(std::string file_path) {
  FileEntry e;
  e.file_path = std::move(file_path);
  e.log_group_name = "group";
  e.log_stream_name = "stream";
  return e;
}

Config ConfigOf(std::vector<FileEntry> files) {
  Config config;
  config.source_path = kConfigPath;
  config.files = std::move(files);
  return config;
}

// The entries built from `files`; an error fails the test.
std::vector<TailEntry> Build(std::vector<FileEntry> files,
                             const UtcOffsetFn& local_offset = kTwoHoursEast) {
  auto entries = BuildTailEntries(ConfigOf(std::move(files)), local_offset);
  if (!entries.ok()) {
    ADD_FAILURE() << entries.status().ToString();
    return {};
  }
  return std::move(entries).value();
}

// The error lines for `files`; success fails the test.
std::vector<std::string> Errors(std::vector<FileEntry> files,
                                const UtcOffsetFn& local_offset = kTwoHoursEast) {
  auto entries = BuildTailEntries(ConfigOf(std::move(files)), local_offset);
  if (entries.ok()) {
    ADD_FAILURE() << "expected errors";
    return {};
  }
  EXPECT_EQ(Code::kInvalidArgument, entries.status().code());
  std::vector<std::string> lines;
  std::istringstream in(entries.status().message());
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

bool StartsWith(const std::string& s, const std::string& prefix) {
  return s.compare(0, prefix.size(), prefix) == 0;
}

// ---- What an entry becomes ----------------------------------------------------------

TEST(TailSetupTest, AnEntryWithoutOptionsGetsTheAgentDefaults) {
  auto entries = Build({Entry("/var/log/app.log")});
  ASSERT_EQ(1u, entries.size());
  const TailEntry& e = entries[0];
  EXPECT_EQ("/var/log/app.log", e.pattern);
  EXPECT_EQ("", e.encoding);
  EXPECT_EQ(nullptr, e.blacklist);
  ASSERT_NE(nullptr, e.rules);
  EXPECT_EQ(EntryRules::StartRule::kNonWhitespace, e.rules->start_rule);
  EXPECT_FALSE(e.rules->timestamp.has_value());
  EXPECT_TRUE(e.rules->filters.empty());
}

TEST(TailSetupTest, EntriesKeepTheOrderOfTheCollectList) {
  auto entries = Build({Entry("/a/*.log"), Entry("/b/**/*.log"), Entry("/c/x.log")});
  ASSERT_EQ(3u, entries.size());
  EXPECT_EQ("/a/*.log", entries[0].pattern);
  EXPECT_EQ("/b/**/*.log", entries[1].pattern);
  EXPECT_EQ("/c/x.log", entries[2].pattern);
}

TEST(TailSetupTest, NoEntriesIsNoError) { EXPECT_TRUE(Build({}).empty()); }

TEST(TailSetupTest, TimestampsWithoutAZoneAreReadInUtcWhenTimezoneIsUtc) {
  for (const char* zone : {"UTC", "utc"}) {
    FileEntry e = Entry("/var/log/app.log");
    e.timestamp_format = "%Y-%m-%d %H:%M:%S";
    e.timezone = zone;
    auto entries = Build({e});
    ASSERT_EQ(1u, entries.size());
    ASSERT_TRUE(entries[0].rules->timestamp.has_value()) << zone;
    EXPECT_EQ(std::optional<int64_t>(UtcMs(2024, 6, 15, 10, 0, 0)),
              entries[0].rules->timestamp->Find("2024-06-15 10:00:00 x", kNow))
        << zone;
  }
}

TEST(TailSetupTest, TimestampsWithoutAZoneAreReadInLocalTimeByDefault) {
  for (const char* zone : {"", "Local"}) {
    FileEntry e = Entry("/var/log/app.log");
    e.timestamp_format = "%Y-%m-%d %H:%M:%S";
    e.timezone = zone;
    auto entries = Build({e}, kTwoHoursEast);
    ASSERT_EQ(1u, entries.size());
    ASSERT_TRUE(entries[0].rules->timestamp.has_value()) << zone;
    // 10:00 two hours east of Greenwich is 08:00 UTC.
    EXPECT_EQ(std::optional<int64_t>(UtcMs(2024, 6, 15, 8, 0, 0)),
              entries[0].rules->timestamp->Find("2024-06-15 10:00:00 x", kNow))
        << "timezone \"" << zone << "\"";
  }
}

TEST(TailSetupTest, TimestampStartPatternGroupsAPythonTracebackIntoOneRecord) {
  FileEntry e = Entry("/var/log/worker.log");
  e.timestamp_format = "%Y-%m-%d %H:%M:%S";
  e.timezone = "UTC";
  e.multi_line_start_pattern = "{timestamp_format}";
  auto entries = Build({e});
  ASSERT_EQ(1u, entries.size());
  ASSERT_EQ(EntryRules::StartRule::kTimestamp, entries[0].rules->start_rule);

  struct Sink : RecordSink {
    void OnRecord(const Record& r) override { messages.emplace_back(r.message); }
    void OnSkipped(uint32_t, uint64_t) override {}
    void OnRejected(const Record&, std::string_view) override {}
    std::vector<std::string> messages;
  } sink;
  TailStats stats;
  RecordAssembler assembler(0, entries[0].rules, 0);
  uint64_t offset = 0;
  for (std::string_view line :
       {"2024-06-15 11:00:00 ERROR crashed", "Traceback (most recent call last):",
        "  File \"w.py\", line 1, in <module>", "ValueError: x", "2024-06-15 11:00:01 INFO up"}) {
    offset += line.size() + 1;
    assembler.AddLine(line, offset, TailTime{kNow, kNow}, sink, stats);
  }
  EXPECT_EQ((std::vector<std::string>{"2024-06-15 11:00:00 ERROR crashed\n"
                                      "Traceback (most recent call last):\n"
                                      "  File \"w.py\", line 1, in <module>\n"
                                      "ValueError: x"}),
            sink.messages);
}

TEST(TailSetupTest, ARegularExpressionStartPatternIsCompiled) {
  FileEntry e = Entry("/var/log/app.log");
  e.multi_line_start_pattern = "^\\[\\d+\\]";
  auto entries = Build({e});
  ASSERT_EQ(1u, entries.size());
  const EntryRules& rules = *entries[0].rules;
  EXPECT_EQ(EntryRules::StartRule::kPattern, rules.start_rule);
  ASSERT_NE(nullptr, rules.start_pattern);
  EXPECT_TRUE(SearchRegex(*rules.start_pattern, "[42] start"));
  EXPECT_FALSE(SearchRegex(*rules.start_pattern, "continued [42]"));
}

TEST(TailSetupTest, FiltersAreCompiledWithTheirTypes) {
  FileEntry e = Entry("/var/log/app.log");
  e.filters = {{"include", "ERROR"}, {"exclude", "timeout"}};
  auto entries = Build({e});
  ASSERT_EQ(1u, entries.size());
  const Filters& f = entries[0].rules->filters;
  EXPECT_TRUE(f.Pass("ERROR disk"));
  EXPECT_FALSE(f.Pass("ERROR timeout"));
  EXPECT_FALSE(f.Pass("INFO ok"));
}

TEST(TailSetupTest, ABlacklistIsCompiledAndTheEncodingKept) {
  FileEntry e = Entry("/var/log/*");
  e.blacklist = "\\.(bak|old)$";
  e.encoding = "utf-16le";
  auto entries = Build({e});
  ASSERT_EQ(1u, entries.size());
  ASSERT_NE(nullptr, entries[0].blacklist);
  EXPECT_TRUE(SearchRegex(*entries[0].blacklist, "app.log.bak"));
  EXPECT_FALSE(SearchRegex(*entries[0].blacklist, "app.log"));
  EXPECT_EQ("utf-16le", entries[0].encoding);
}

TEST(TailSetupTest, EntriesOfOneConfigDoNotShareRules) {
  FileEntry a = Entry("/a.log");
  a.multi_line_start_pattern = "^A";
  FileEntry b = Entry("/b.log");
  auto entries = Build({a, b});
  ASSERT_EQ(2u, entries.size());
  EXPECT_EQ(EntryRules::StartRule::kPattern, entries[0].rules->start_rule);
  EXPECT_EQ(EntryRules::StartRule::kNonWhitespace, entries[1].rules->start_rule);
}

// ---- Errors ----------------------------------------------------------------------

TEST(TailSetupTest, TimestampStartPatternWithoutATimestampFormatIsAnError) {
  FileEntry e = Entry("/var/log/app.log");
  e.multi_line_start_pattern = "{timestamp_format}";
  EXPECT_EQ((std::vector<std::string>{std::string(kWhere) +
                                      "[0].multi_line_start_pattern: {timestamp_format} needs "
                                      "a timestamp_format"}),
            Errors({e}));
}

TEST(TailSetupTest, ABadStartPatternIsNamedWithItsKeyAndQuoted) {
  FileEntry e = Entry("/var/log/app.log");
  e.multi_line_start_pattern = "^(unclosed";
  auto lines = Errors({Entry("/ok.log"), e});
  ASSERT_EQ(1u, lines.size());
  EXPECT_TRUE(StartsWith(lines[0], std::string(kWhere) + "[1].multi_line_start_pattern: "))
      << lines[0];
  EXPECT_NE(std::string::npos, lines[0].find("\"^(unclosed\"")) << lines[0];
}

TEST(TailSetupTest, AnUnsupportedTimestampDirectiveIsNamed) {
  FileEntry e = Entry("/var/log/app.log");
  e.timestamp_format = "%Y-%j %H:%M";
  auto lines = Errors({e});
  ASSERT_EQ(1u, lines.size());
  EXPECT_TRUE(StartsWith(lines[0], std::string(kWhere) + "[0].timestamp_format: ")) << lines[0];
  EXPECT_NE(std::string::npos, lines[0].find("%j")) << lines[0];
}

TEST(TailSetupTest, LocalTimeWithoutAnOffsetFunctionIsAnError) {
  FileEntry e = Entry("/var/log/app.log");
  e.timestamp_format = "%H:%M:%S";
  auto lines = Errors({e}, nullptr);
  ASSERT_EQ(1u, lines.size());
  EXPECT_TRUE(StartsWith(lines[0], std::string(kWhere) + "[0].timestamp_format: ")) << lines[0];
  // UTC needs none.
  e.timezone = "UTC";
  EXPECT_EQ(1u, Build({e}, nullptr).size());
}

TEST(TailSetupTest, AnUnknownEncodingIsNamed) {
  FileEntry e = Entry("/var/log/app.log");
  e.encoding = "utf-17";
  auto lines = Errors({e});
  ASSERT_EQ(1u, lines.size());
  EXPECT_TRUE(StartsWith(lines[0], std::string(kWhere) + "[0].encoding: ")) << lines[0];
  EXPECT_NE(std::string::npos, lines[0].find("utf-17")) << lines[0];
}

TEST(TailSetupTest, ABadBlacklistIsNamed) {
  FileEntry e = Entry("/var/log/*");
  e.blacklist = "*.gz";
  auto lines = Errors({e});
  ASSERT_EQ(1u, lines.size());
  EXPECT_TRUE(StartsWith(lines[0], std::string(kWhere) + "[0].blacklist: ")) << lines[0];
  EXPECT_NE(std::string::npos, lines[0].find("\"*.gz\"")) << lines[0];
}

TEST(TailSetupTest, ABadFilterExpressionIsNamed) {
  FileEntry e = Entry("/var/log/app.log");
  e.filters = {{"include", "ok"}, {"exclude", "[unclosed"}};
  auto lines = Errors({e});
  ASSERT_EQ(1u, lines.size());
  EXPECT_TRUE(StartsWith(lines[0], std::string(kWhere) + "[0].filters")) << lines[0];
  EXPECT_NE(std::string::npos, lines[0].find("\"[unclosed\"")) << lines[0];
}

// A pattern may hold a newline or an escape sequence (from ${VAR}, say):
// one line per problem, and nothing a terminal would act on.
TEST(TailSetupTest, ControlCharactersInABadPatternAreWrittenOut) {
  FileEntry e = Entry("/var/log/app.log");
  e.filters = {{"include", "(\nINJECT\x1b[2J"}};
  e.encoding = "x\ny";
  auto lines = Errors({e});
  ASSERT_EQ(2u, lines.size());
  for (const std::string& line : lines) {
    EXPECT_EQ(std::string::npos, line.find_first_of("\n\x1b")) << line;
  }
  EXPECT_NE(std::string::npos, lines[1].find("(\\nINJECT\\x1b[2J")) << lines[1];
}

// journald filters are compiled when a journal starts: a bad one must
// still be a config error, found by check-config.
TEST(TailSetupTest, ABadJournalFilterIsAConfigError) {
  Config config = ConfigOf({});
  JournalEntry j;
  j.log_group_name = "g";
  j.filters = {{"include", "ok"}, {"exclude", "(bad"}};
  config.journals.push_back(j);
  auto entries = BuildTailEntries(config, kTwoHoursEast);
  ASSERT_FALSE(entries.ok());
  EXPECT_NE(std::string::npos,
            entries.status().message().find(
                "logs.logs_collected.journald.collect_list[0].filters[1].expression: "))
      << entries.status().message();
}

TEST(TailSetupTest, EveryBadFilterExpressionIsReported) {
  // One line per problem: the second bad expression must not hide behind
  // the first.
  FileEntry e = Entry("/var/log/app.log");
  e.filters = {{"include", "(first"}, {"exclude", "second)"}};
  auto lines = Errors({e});
  std::string all;
  for (const std::string& line : lines) all += line + "\n";
  EXPECT_EQ(2u, lines.size()) << all;
  EXPECT_NE(std::string::npos, all.find("\"(first\"")) << all;
  EXPECT_NE(std::string::npos, all.find("\"second)\"")) << all;
}

TEST(TailSetupTest, EveryProblemOfEveryEntryIsReportedAtOnce) {
  FileEntry first = Entry("/a.log");
  first.encoding = "no-such-charset";
  first.multi_line_start_pattern = "(";
  FileEntry fine = Entry("/b.log");
  FileEntry third = Entry("/c.log");
  third.timestamp_format = "%Q";
  third.blacklist = "+";
  third.filters = {{"include", "["}};
  auto lines = Errors({first, fine, third});
  std::string all;
  for (const std::string& line : lines) all += line + "\n";
  ASSERT_EQ(5u, lines.size()) << all;
  for (const std::string& prefix :
       {std::string(kWhere) + "[0].encoding: ",
        std::string(kWhere) + "[0].multi_line_start_pattern: ",
        std::string(kWhere) + "[2].timestamp_format: ", std::string(kWhere) + "[2].blacklist: ",
        std::string(kWhere) + "[2].filters"}) {
    int found = 0;
    for (const std::string& line : lines) found += StartsWith(line, prefix);
    EXPECT_EQ(1, found) << prefix << " in\n" << all;
  }
  EXPECT_EQ(std::string::npos, all.find("[1]")) << all;
}

// ---- Descriptors -------------------------------------------------------------

TEST(TailSetupTest, FilesGetWhatTheDescriptorLimitLeavesAfterSocketsAndTheBuffer) {
  // ulimit -n 1024, the common default: an eighth is kept for the rest.
  EXPECT_EQ(896u, OpenFilesAllowed(1024, 1024, 8));
  EXPECT_EQ(100u, OpenFilesAllowed(1024, 100, 8)) << "max_open_files below the limit wins";
}

TEST(TailSetupTest, ASmallDescriptorLimitStillKeepsRoomForSocketsPerRequestInFlight) {
  EXPECT_EQ(256u - 64 - 32, OpenFilesAllowed(256, 1024, 32));
  EXPECT_EQ(1u, OpenFilesAllowed(50, 1024, 8)) << "at least one file";
}

TEST(TailSetupTest, AnUnknownOrUnlimitedDescriptorLimitLeavesMaxOpenFiles) {
  EXPECT_EQ(1024u, OpenFilesAllowed(0, 1024, 8));
  EXPECT_EQ(1024u, OpenFilesAllowed(1048576, 1024, 8));
}

}  // namespace
}  // namespace edgelog
