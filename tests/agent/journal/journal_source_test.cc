// JournalSource over a FakeProcessStarter replaying `journalctl -o json`
// output, the recorded sample in tests/data/journal among it.
#include "agent/journal/journal_source.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "tests/support/capture_logger.h"
#include "tests/support/fake_process.h"

namespace edgelog {
namespace {

using testing::CaptureLogger;
using testing::FakeChild;
using testing::FakeProcessStarter;

constexpr int64_t kNowMs = 1768473000000;  // the wall clock of these tests

struct Got {
  int64_t timestamp_ms;
  std::string message;
  uint64_t end_offset;
};

class CollectingSink : public RecordSink {
 public:
  void OnRecord(const Record& r) override {
    records.push_back({r.timestamp_ms, std::string(r.message), r.end_offset});
  }
  void OnSkipped(uint32_t, uint64_t end_offset) override { skipped.push_back(end_offset); }
  void OnRejected(const Record& r, std::string_view reason) override {
    rejected.push_back({r.timestamp_ms, std::string(r.message), r.end_offset});
    reasons.emplace_back(reason);
  }
  std::vector<Got> records;
  std::vector<Got> rejected;
  std::vector<std::string> reasons;
  std::vector<uint64_t> skipped;
};

std::string Entry(const std::string& cursor, int64_t time_ms, const std::string& message_json) {
  return "{\"__CURSOR\":\"" + cursor + "\",\"__REALTIME_TIMESTAMP\":\"" +
         std::to_string(time_ms * 1000 + 123) + "\",\"MESSAGE\":" + message_json + "}\n";
}

// The recorded sample, its entries moved to a minute before kNowMs (each
// keeps its distance to the first). `times_us` gets the new times.
std::string RecordedSample(std::vector<int64_t>* times_us,
                           const std::string& name = "journalctl_sample.jsonl") {
  std::ifstream in(std::string(EDGELOG_SOURCE_DIR) + "/tests/data/journal/" + name,
                   std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  std::string text = ss.str();
  EXPECT_FALSE(text.empty());
  // A plain scan: std::regex trips GCC 12's maybe-uninitialized warning
  // in the sanitizer build.
  const std::string key = "\"__REALTIME_TIMESTAMP\":\"";
  std::string out;
  int64_t shift = 0;
  bool first = true;
  size_t last = 0;
  for (size_t at = text.find(key); at != std::string::npos; at = text.find(key, last)) {
    size_t digits = at + key.size();
    size_t end = text.find('"', digits);
    if (end == std::string::npos) break;
    int64_t us = std::stoll(text.substr(digits, end - digits));
    if (first) shift = (kNowMs - 60000) * 1000 - us;
    first = false;
    times_us->push_back(us + shift);
    out += text.substr(last, at - last);
    out += key + std::to_string(us + shift) + "\"";
    last = end + 1;
  }
  return out + text.substr(last);
}

class JournalSourceTest : public ::testing::Test {
 protected:
  JournalSourceTest() {
    entry_.log_group_name = "g";
    entry_.log_stream_name = "s";
  }

  std::unique_ptr<JournalSource> Source(const std::string& cursor = "",
                                        std::vector<FileFilter> filters = {}) {
    auto compiled = JournalFilters::Compile(filters);
    EXPECT_TRUE(compiled.ok());
    return std::make_unique<JournalSource>(3, "collect_list[0]", entry_, std::move(*compiled),
                                           cursor, starter_, log_, options_);
  }
  size_t Read(JournalSource& j) { return j.Read(1 << 20, now_, sink_); }
  void Advance(int64_t ms) {
    now_.unix_ms += ms;
    now_.mono_ms += ms;
  }

  JournalEntry entry_;
  JournalSourceOptions options_;
  FakeProcessStarter starter_;
  CaptureLogger log_;
  CollectingSink sink_;
  TailTime now_{kNowMs, 5000};
};

TEST_F(JournalSourceTest, TheRecordedStreamBecomesItsMessagesAndRealtimeTimestamps) {
  std::vector<int64_t> times;
  starter_.Next(RecordedSample(&times));
  ASSERT_EQ(7u, times.size());
  auto j = Source();
  Read(*j);
  // MESSAGE as journalctl printed it; the byte array's 0xff and 0xfe
  // repaired to U+FFFD each as a file's bytes would be; the entry without
  // MESSAGE makes no event. Times: __REALTIME_TIMESTAMP µs → ms.
  std::vector<std::string> want = {"service started",
                                   "caf\xC3\xA9 \xE2\x98\x83 ok",
                                   "raw \xEF\xBF\xBD\xEF\xBF\xBD bytes\x01",
                                   "first line\nsecond line",
                                   "debug noise",
                                   "tab\there"};
  std::vector<int64_t> want_ms = {times[0] / 1000, times[1] / 1000, times[2] / 1000,
                                  times[4] / 1000, times[5] / 1000, times[6] / 1000};
  ASSERT_EQ(want.size(), sink_.records.size());
  for (size_t i = 0; i < want.size(); ++i) {
    EXPECT_EQ(want[i], sink_.records[i].message) << i;
    EXPECT_EQ(want_ms[i], sink_.records[i].timestamp_ms) << i;
  }
  EXPECT_EQ(1u, j->stats().empty);
  EXPECT_EQ(7u, j->stats().entries);
  EXPECT_EQ(0u, j->stats().malformed);
}

TEST_F(JournalSourceTest, AnEntryWithSeveralMessagesSendsThemAllAsOneEvent) {
  // Recorded from journalctl (systemd 252) over entries with MESSAGE twice,
  // printed as an array: every value, in order, a line each; a binary one
  // repaired as ever.
  std::vector<int64_t> times;
  starter_.Next(RecordedSample(&times, "journalctl_multi_message.jsonl"));
  ASSERT_EQ(3u, times.size());
  auto j = Source();
  Read(*j);
  std::vector<std::string> want = {"first value\nsecond value",
                                   "text part\nbytes \xEF\xBF\xBD part", "single"};
  ASSERT_EQ(want.size(), sink_.records.size());
  for (size_t i = 0; i < want.size(); ++i) {
    EXPECT_EQ(want[i], sink_.records[i].message) << i;
    EXPECT_EQ(times[i] / 1000, sink_.records[i].timestamp_ms) << i;
  }
}

TEST_F(JournalSourceTest, OffsetsCountTheOutputBytesAndDeliveryNamesTheCursor) {
  std::string a = Entry("c1", kNowMs, "\"one\"");
  std::string b = Entry("c2", kNowMs, "\"two\"");
  starter_.Next(a + b);
  auto j = Source("c0");
  Read(*j);
  ASSERT_EQ(2u, sink_.records.size());
  EXPECT_EQ(a.size(), sink_.records[0].end_offset);
  EXPECT_EQ(a.size() + b.size(), sink_.records[1].end_offset);
  // Nothing delivered yet: the cursor is the one it started from.
  EXPECT_EQ("c0", j->delivered_cursor());
  j->Delivered(a.size() - 1);
  EXPECT_EQ("c0", j->delivered_cursor());
  j->Delivered(a.size());
  EXPECT_EQ("c1", j->delivered_cursor());
  j->Delivered(a.size() + b.size());
  EXPECT_EQ("c2", j->delivered_cursor());
}

TEST_F(JournalSourceTest, MalformedLinesAreCountedSkippedAndNamed) {
  std::string good = Entry("c1", kNowMs, "\"ok\"");
  starter_.Next("this is not json\n{\"MESSAGE\":\"x\",\"__REALTIME_TIMESTAMP\":\"1\"}\n" + good);
  auto j = Source();
  Read(*j);
  ASSERT_EQ(1u, sink_.records.size());
  EXPECT_EQ("ok", sink_.records[0].message);
  EXPECT_EQ(2u, j->stats().malformed);
  EXPECT_NE(std::string::npos, log_.Text().find("skipped a line journalctl printed: not JSON"))
      << log_.Text();
  EXPECT_NE(std::string::npos, log_.Text().find("no __CURSOR field")) << log_.Text();
  // Their bytes count as done: a checkpoint may pass them.
  ASSERT_EQ(2u, sink_.skipped.size());
  EXPECT_EQ(17u, sink_.skipped[0]);
}

TEST_F(JournalSourceTest, FiltersAreTheAgentsJournaldFilters) {
  // translator/translate/otel/processor/journaldfilter: dropped when an
  // exclude matches, or when includes exist and none matches (any one of
  // them is enough, unlike a file entry's filters).
  starter_.Next(Entry("c1", kNowMs, "\"ERROR disk\"") + Entry("c2", kNowMs, "\"WARN fan\"") +
                Entry("c3", kNowMs, "\"INFO boot\"") + Entry("c4", kNowMs, "\"ERROR debug x\""));
  auto j = Source("", {{"include", "ERROR"}, {"include", "WARN"}, {"exclude", "debug"}});
  Read(*j);
  ASSERT_EQ(2u, sink_.records.size());
  EXPECT_EQ("ERROR disk", sink_.records[0].message);
  EXPECT_EQ("WARN fan", sink_.records[1].message);
  EXPECT_EQ(2u, j->stats().filtered);
  // A filtered entry still moves the cursor once what precedes it is delivered.
  j->Delivered(sink_.skipped.back());
  EXPECT_EQ("c4", j->delivered_cursor());
}

TEST_F(JournalSourceTest, TooOldIsRejectedAndTooFarAheadTakesTheReadTime) {
  starter_.Next(Entry("c1", kNowMs - 15LL * 24 * 3600 * 1000, "\"old\"") +
                Entry("c2", kNowMs + 3LL * 3600 * 1000, "\"ahead\""));
  auto j = Source();
  Read(*j);
  ASSERT_EQ(1u, sink_.rejected.size());
  EXPECT_EQ("old", sink_.rejected[0].message);
  EXPECT_NE(std::string::npos, sink_.reasons[0].find("too old"));
  ASSERT_EQ(1u, sink_.records.size());
  EXPECT_EQ(kNowMs, sink_.records[0].timestamp_ms);
}

TEST_F(JournalSourceTest, AChildThatDiesIsStartedAgainAfterTheLastEntryReadWithBackoff) {
  std::string a = Entry("c1", kNowMs, "\"one\"");
  starter_.Next(a, /*ends=*/true, "exited with status 1: Failed to get journal fields");
  starter_.Next("", true, "was killed by signal 9");
  auto j = Source();
  Read(*j);
  ASSERT_EQ(1u, starter_.started.size());
  EXPECT_NE(std::string::npos,
            log_.Text().find("journalctl exited with status 1: Failed to get journal fields"))
      << log_.Text();
  EXPECT_NE(std::string::npos, log_.Text().find("starting journalctl again in 1 s"))
      << log_.Text();
  ASSERT_TRUE(j->NextWakeMs().has_value());
  EXPECT_EQ(now_.mono_ms + 1000, *j->NextWakeMs());
  Advance(999);
  Read(*j);
  EXPECT_EQ(1u, starter_.started.size()) << "started before its wait";
  Advance(1);
  Read(*j);
  ASSERT_EQ(2u, starter_.started.size());
  // It goes on after the last entry read, not the last delivered: nothing twice.
  const std::vector<std::string>& argv = starter_.started[1];
  EXPECT_NE(std::find(argv.begin(), argv.end(), "--after-cursor=c1"), argv.end());
  // It died at once, having read nothing: the wait doubles.
  EXPECT_NE(std::string::npos, log_.Text().find("starting journalctl again in 2 s"))
      << log_.Text();
  Advance(2000);
  starter_.Next(Entry("c2", kNowMs, "\"two\""));
  Read(*j);
  ASSERT_EQ(3u, starter_.started.size());
  ASSERT_EQ(2u, sink_.records.size());
  EXPECT_EQ("two", sink_.records[1].message);
  EXPECT_GT(sink_.records[1].end_offset, sink_.records[0].end_offset)
      << "offsets go on across restarts";
}

TEST_F(JournalSourceTest, AFirstStartTriedAgainReadsWhatWasWrittenSinceItsFirstTry) {
  // journalctl --follow exits at once on a journal directory with no file
  // yet: the next try must not take only the last 10 entries of its own
  // moment, which would lose what was written in the wait beyond them.
  starter_.Next("", true, "exited with status 1: Data from the specified boot is not available");
  starter_.Next();
  auto j = Source();
  const int64_t first_try_s = now_.unix_ms / 1000;
  Read(*j);
  Advance(1000);
  Read(*j);
  ASSERT_EQ(2u, starter_.started.size());
  const std::vector<std::string>& first = starter_.started[0];
  EXPECT_NE(std::find(first.begin(), first.end(), "--lines=10"), first.end());
  const std::vector<std::string>& again = starter_.started[1];
  EXPECT_NE(std::find(again.begin(), again.end(), "--since=@" + std::to_string(first_try_s)),
            again.end());
  EXPECT_EQ(std::find(again.begin(), again.end(), "--lines=10"), again.end());
}

TEST_F(JournalSourceTest, StartsThatFailAfterAWorkingChildDiedWaitLongerEachTime) {
  starter_.Next(Entry("c1", kNowMs, "\"one\""), true, "was killed by signal 9");
  starter_.FailNext(Status::NotFound("journalctl is not on PATH (/usr/bin:/bin)"));
  starter_.FailNext(Status::NotFound("journalctl is not on PATH (/usr/bin:/bin)"));
  auto j = Source();
  Read(*j);
  EXPECT_EQ(now_.mono_ms + 1000, *j->NextWakeMs());  // it had worked: the first wait
  Advance(1000);
  Read(*j);
  EXPECT_EQ(now_.mono_ms + 2000, *j->NextWakeMs());
  Advance(2000);
  Read(*j);
  EXPECT_EQ(now_.mono_ms + 4000, *j->NextWakeMs());
  EXPECT_EQ(3u, starter_.started.size());
}

TEST_F(JournalSourceTest, TheSameFailureIsLoggedOnceWhileItRepeats) {
  starter_.FailNext(Status::NotFound("journalctl is not on PATH (/usr/bin:/bin)"));
  starter_.FailNext(Status::NotFound("journalctl is not on PATH (/usr/bin:/bin)"));
  auto j = Source();
  Read(*j);
  Advance(60000);
  Read(*j);
  EXPECT_EQ(2u, starter_.started.size());
  size_t errors = 0;
  for (const auto& line : log_.lines()) errors += line.level == LogLevel::kError;
  EXPECT_EQ(1u, errors) << log_.Text();
  EXPECT_NE(std::string::npos, log_.Text().find("apt-get install systemd")) << log_.Text();
}

TEST_F(JournalSourceTest, OnceReadsToTheEndWithoutFollowing) {
  options_.once = true;
  FakeChild& child = *starter_.Next(Entry("c1", kNowMs, "\"one\""), true, "");
  child.exit_seen_late = true;  // output closed a moment before the exit is seen
  auto j = Source();
  Read(*j);
  EXPECT_FALSE(j->AtEnd());
  ASSERT_TRUE(j->NextWakeMs().has_value()) << "nothing would look for the exit";
  Advance(10);
  Read(*j);
  EXPECT_TRUE(j->AtEnd());
  EXPECT_EQ("", j->failure());
  const std::vector<std::string>& argv = starter_.started[0];
  EXPECT_EQ(std::find(argv.begin(), argv.end(), "--follow"), argv.end());
}

TEST_F(JournalSourceTest, OnceWithoutJournalctlFailsNamingTheFix) {
  options_.once = true;
  starter_.FailNext(Status::NotFound("journalctl is not on PATH (/usr/bin:/bin)"));
  auto j = Source();
  Read(*j);
  EXPECT_TRUE(j->AtEnd());
  EXPECT_NE(std::string::npos, j->failure().find("journalctl is not on PATH")) << j->failure();
  EXPECT_NE(std::string::npos, j->failure().find("apt-get install systemd")) << j->failure();
}

TEST_F(JournalSourceTest, OnceWithoutAJournalFailsNamingTheDirectoryOption) {
  options_.once = true;
  starter_.Next("", true, "exited with status 1: Failed to open /host/journal: No such file");
  auto j = Source();
  Read(*j);
  EXPECT_TRUE(j->AtEnd());
  EXPECT_NE(std::string::npos, j->failure().find("edgelog.journald.directory")) << j->failure();
  EXPECT_NE(std::string::npos, j->failure().find("No such file")) << j->failure();
}

TEST_F(JournalSourceTest, ALineCutShortByTheExitIsSkipped) {
  options_.once = true;
  starter_.Next(Entry("c1", kNowMs, "\"one\"") + "{\"__CURSOR\":\"c2\",\"MESS", true, "");
  auto j = Source();
  Read(*j);
  EXPECT_TRUE(j->AtEnd());
  EXPECT_EQ(1u, sink_.records.size());
  EXPECT_EQ(1u, j->stats().malformed);
  EXPECT_NE(std::string::npos, log_.Text().find("cut short")) << log_.Text();
}

TEST_F(JournalSourceTest, ARefusedCursorStartsOverFromTheLastEntries) {
  starter_.Next("", true, "exited with status 1: Failed to seek to cursor: Invalid argument");
  auto j = Source("s=elsewhere");
  Read(*j);
  Read(*j);
  ASSERT_EQ(2u, starter_.started.size());
  const std::vector<std::string>& argv = starter_.started[1];
  EXPECT_NE(std::find(argv.begin(), argv.end(), "--lines=10"), argv.end());
}

TEST_F(JournalSourceTest, PauseStopsWatchingTheOutputUntilTheNextRead) {
  FakeChild& child = *starter_.Next();
  auto j = Source();
  Read(*j);
  j->Pause();
  EXPECT_FALSE(child.watching);
  Read(*j);
  EXPECT_TRUE(child.watching);
}

}  // namespace
}  // namespace edgelog
