#include "agent/cli/status.h"

#include <cjson/cJSON.h>
#include <gtest/gtest.h>

#include <cstdio>
#include <map>
#include <memory>
#include <string>

#include "agent/io/state_dir.h"
#include "agent/journal/cursor_store.h"
#include "agent/spool/spool.h"
#include "agent/spool/spool_format.h"
#include "agent/tail/checkpoint_store.h"
#include "tests/support/capture_logger.h"
#include "tests/support/fake_clock.h"
#include "tests/support/mem_env.h"

namespace edgelog {
namespace {

using testing::CaptureLogger;
using testing::FakeClock;
using testing::MemEnv;

constexpr char kState[] = "/var/lib/edgelog";
constexpr char kCheckpoints[] = "/var/lib/edgelog/checkpoints.json";
constexpr char kBuffer[] = "/var/lib/edgelog/buffer";
constexpr char kApp[] = "/logs/app.log";

bool Contains(const std::string& s, const std::string& needle) {
  return s.find(needle) != std::string::npos;
}

// A batch of `events` events whose oldest is at `min_ms`.
SpooledBatch Batch(uint32_t events, int64_t min_ms) {
  SpooledBatch b;
  b.group = "/app";
  b.stream = "web";
  b.event_count = events;
  b.api_bytes = 100;
  b.min_timestamp_ms = min_ms;
  b.max_timestamp_ms = min_ms + 10;
  b.body = std::string(150, 'z');
  return b;
}

class StatusTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(env_.CreateDirs(kState).ok()); }

  StateStatus Read() {
    auto st = ReadStateStatus(env_, kState);
    EXPECT_TRUE(st.ok()) << st.status().ToString();
    return st.ok() ? *st : StateStatus{};
  }

  // A checkpoint of the file now at `path` with `offset` delivered.
  void Checkpointed(const std::string& path, uint64_t offset,
                    const std::string& entry = "/app:web") {
    auto info = env_.Stat(path);
    ASSERT_TRUE(info.ok());
    checkpoints_.push_back(Checkpoint{info->id, path, offset, {}, {}, entry});
    ASSERT_TRUE(SaveCheckpoints(env_, kCheckpoints, checkpoints_).ok());
  }

  // Every file and directory under the state directory, with contents.
  std::map<std::string, std::string> Snapshot(const std::string& dir = kState) {
    std::map<std::string, std::string> out;
    auto names = env_.ListDir(dir);
    if (!names.ok()) return out;
    for (const std::string& name : *names) {
      std::string path = dir + "/" + name;
      auto info = env_.Stat(path);
      if (info.ok() && info->kind == FileKind::kDirectory) {
        out[path + "/"] = "";
        for (auto& [p, data] : Snapshot(path)) out[p] = data;
      } else {
        out[path] = env_.ReadFile(path);
      }
    }
    return out;
  }

  MemEnv env_;
  FakeClock clock_;
  CaptureLogger log_;
  std::vector<Checkpoint> checkpoints_;
};

TEST_F(StatusTest, AFreshStateDirectoryHoldsNothingAndNoAgentRuns) {
  StateStatus st = Read();
  EXPECT_EQ(AgentRunning::kNo, st.running);
  EXPECT_TRUE(st.files.empty());
  EXPECT_EQ("", st.checkpoints_problem);
  EXPECT_TRUE(st.journals.empty());
  EXPECT_EQ(0u, st.buffer.batches);
  EXPECT_EQ(0u, st.rejected.lines);
  EXPECT_FALSE(st.last_error.has_value());
  std::string text = StatusText(st, clock_.NowUnixMillis());
  EXPECT_TRUE(Contains(text, "agent:      not running")) << text;
  EXPECT_TRUE(Contains(text, "no checkpoints yet")) << text;
  EXPECT_TRUE(Contains(text, "buffer:     empty")) << text;
  EXPECT_TRUE(Contains(text, "last error: none recorded")) << text;
}

TEST_F(StatusTest, AStateDirectoryThatCannotBeListedIsAnError) {
  auto st = ReadStateStatus(env_, "/var/lib/missing");
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(Code::kNotFound, st.status().code());
}

TEST_F(StatusTest, ACheckpointedFileShowsItsSizeTheOffsetDeliveredAndTheLag) {
  env_.WriteFile(kApp, std::string(100, 'a'));
  Checkpointed(kApp, 100);
  StateStatus st = Read();
  ASSERT_EQ(1u, st.files.size());
  const FileStatus& f = st.files[0];
  EXPECT_EQ(kApp, f.path);
  EXPECT_EQ("/app:web", f.entry);
  EXPECT_EQ(FileStatus::State::kFollowed, f.state);
  EXPECT_EQ(100u, f.size);
  EXPECT_EQ(100u, f.offset);
  EXPECT_EQ(std::optional<uint64_t>(0), f.lag());

  env_.AppendToFile(kApp, std::string(50, 'b'));  // the file grew since
  st = Read();
  EXPECT_EQ(150u, st.files[0].size);
  EXPECT_EQ(100u, st.files[0].offset);
  EXPECT_EQ(std::optional<uint64_t>(50), st.files[0].lag());
  std::string text = StatusText(st, clock_.NowUnixMillis());
  EXPECT_TRUE(Contains(text, "         150         100          50  /logs/app.log (/app:web)"))
      << text;
}

TEST_F(StatusTest, AFileGoneFromItsPathOrReplacedThereIsGone) {
  env_.WriteFile(kApp, "line\n");
  env_.WriteFile("/logs/other.log", "line\n");
  Checkpointed(kApp, 5);
  Checkpointed("/logs/other.log", 5);
  ASSERT_TRUE(env_.Rename(kApp, "/logs/app.log.1").ok());
  env_.WriteFile(kApp, "a new file at the old name, longer\n");  // another inode
  ASSERT_TRUE(env_.Remove("/logs/other.log").ok());
  StateStatus st = Read();
  ASSERT_EQ(2u, st.files.size());
  EXPECT_EQ(FileStatus::State::kReplaced, st.files[0].state);
  EXPECT_EQ(FileStatus::State::kGone, st.files[1].state);
  EXPECT_FALSE(st.files[0].lag().has_value());
  EXPECT_FALSE(st.files[1].lag().has_value());
  std::string text = StatusText(st, clock_.NowUnixMillis());
  EXPECT_TRUE(Contains(text, "        gone           5           -  /logs/app.log")) << text;
  EXPECT_TRUE(Contains(text, "another file is at this path now")) << text;
}

TEST_F(StatusTest, AFileShorterThanItsOffsetIsTruncated) {
  env_.WriteFile(kApp, std::string(100, 'a'));
  Checkpointed(kApp, 100);
  ASSERT_TRUE(env_.Truncate(kApp, 10).ok());
  StateStatus st = Read();
  EXPECT_EQ(FileStatus::State::kTruncated, st.files[0].state);
  EXPECT_EQ(10u, st.files[0].size);
  EXPECT_FALSE(st.files[0].lag().has_value());
}

TEST_F(StatusTest, CorruptCheckpointsAreReportedAndLeftWhereTheyAre) {
  env_.WriteFile(kCheckpoints, "{\"files\": [ torn");
  auto before = Snapshot();
  StateStatus st = Read();
  EXPECT_TRUE(Contains(st.checkpoints_problem, "checkpoints.json")) << st.checkpoints_problem;
  EXPECT_TRUE(st.files.empty());
  EXPECT_EQ(before, Snapshot()) << "not moved aside, not rewritten";
  EXPECT_FALSE(env_.Exists(std::string(kCheckpoints) + ".corrupt"));
  std::string text = StatusText(st, clock_.NowUnixMillis());
  EXPECT_TRUE(Contains(text, "checkpoints.json cannot be read (left as it is)")) << text;
}

TEST_F(StatusTest, TheBufferCountsBatchesNotAcknowledgedAndTheOldestEvent) {
  SpoolOptions options;
  options.segment_bytes = 400;  // a segment per batch or two
  auto spool = Spool::Open(env_, clock_, log_, kBuffer, options);
  ASSERT_TRUE(spool.ok());
  int64_t t0 = clock_.NowUnixMillis() - 90000;
  auto first = (*spool)->Append(Batch(3, t0));
  auto second = (*spool)->Append(Batch(4, t0 + 1000));
  auto third = (*spool)->Append(Batch(5, t0 + 2000));
  ASSERT_TRUE(first.ok() && second.ok() && third.ok());
  ASSERT_TRUE((*spool)->Sync().ok());
  (*spool)->Ack(*first);  // delivered: its ack record is in a later segment
  ASSERT_TRUE((*spool)->Sync().ok());

  StateStatus st = Read();
  EXPECT_EQ(2u, st.buffer.batches);
  EXPECT_EQ(9u, st.buffer.events);
  EXPECT_EQ((*spool)->bytes(), st.buffer.bytes) << "as the buffer's cap counts them";
  EXPECT_GE(st.buffer.segments, 2u);
  EXPECT_EQ(std::optional<int64_t>(t0 + 1000), st.buffer.oldest_event_ms);
  EXPECT_EQ(0u, st.buffer.torn_segments);
  std::string text = StatusText(st, clock_.NowUnixMillis());
  EXPECT_TRUE(Contains(text, "buffer:     2 batches (9 events, ")) << text;
  EXPECT_TRUE(Contains(text, "(89 s ago)")) << text;
}

TEST_F(StatusTest, ASegmentBeingAppendedCountsAsTornNotAsAnError) {
  auto spool = Spool::Open(env_, clock_, log_, kBuffer, SpoolOptions{});
  ASSERT_TRUE(spool.ok());
  ASSERT_TRUE((*spool)->Append(Batch(2, clock_.NowUnixMillis())).ok());
  ASSERT_TRUE((*spool)->Sync().ok());
  // Half of the next record, as a reader may meet it mid-write.
  std::string record;
  AppendRecord(RecordType::kBatch, EncodeBatch(Batch(7, 1)), &record);
  auto names = env_.ListDir(kBuffer);
  ASSERT_TRUE(names.ok());
  std::string segment;
  for (const std::string& n : *names) {
    if (SegmentNumber(n) != 0) segment = std::string(kBuffer) + "/" + n;
  }
  env_.AppendToFile(segment, record.substr(0, record.size() / 2));
  auto before = Snapshot();
  StateStatus st = Read();
  EXPECT_EQ(1u, st.buffer.batches) << "the partial record is not counted";
  EXPECT_EQ(2u, st.buffer.events);
  EXPECT_EQ(1u, st.buffer.torn_segments);
  EXPECT_TRUE(st.buffer.problems.empty());
  EXPECT_EQ(before, Snapshot()) << "nothing cut off";
  EXPECT_TRUE(Contains(StatusText(st, clock_.NowUnixMillis()), "in a partial record"));
}

TEST_F(StatusTest, DamagedSegmentsAndFilesSetAsideAreCounted) {
  std::string good;
  AppendRecord(RecordType::kBatch, EncodeBatch(Batch(1, 5)), &good);
  std::string damaged = good;
  damaged[kRecordHeaderBytes + 3] ^= 0x40;  // a bad CRC, a good record after it
  env_.WriteFile(std::string(kBuffer) + "/000001.seg", damaged + good);
  env_.WriteFile(std::string(kBuffer) + "/corrupt/000000.seg", "x");
  StateStatus st = Read();
  EXPECT_EQ(1u, st.buffer.damaged_segments);
  EXPECT_EQ(1u, st.buffer.corrupt_files);
  EXPECT_TRUE(env_.Exists(std::string(kBuffer) + "/000001.seg")) << "not moved";
}

TEST_F(StatusTest, AnAgentHoldingTheLockIsRunningAndTheLookTakesNothing) {
  auto lock = LockStateDir(env_, kState);
  ASSERT_TRUE(lock.ok());
  auto before = Snapshot();
  EXPECT_EQ(AgentRunning::kYes, Read().running);
  EXPECT_EQ(before, Snapshot());
  EXPECT_EQ(Code::kBusy, LockStateDir(env_, kState).status().code()) << "still the agent's";
  EXPECT_TRUE(Contains(StatusText(Read(), 0), "agent:      running"));
  *lock = StateLock{};
  EXPECT_EQ(AgentRunning::kNo, Read().running);
  EXPECT_TRUE(LockStateDir(env_, kState).ok()) << "status left no lock behind";
}

TEST_F(StatusTest, RejectedEventsAreCountedInBothFiles) {
  env_.WriteFile(std::string(kState) + "/rejected.jsonl", "{\"a\":1}\n{\"b\":2}\n");
  env_.WriteFile(std::string(kState) + "/rejected.jsonl.1", "{\"c\":3}\n");
  StateStatus st = Read();
  EXPECT_EQ(2u, st.rejected.lines);
  EXPECT_EQ(16u, st.rejected.bytes);
  EXPECT_EQ(1u, st.rejected.older_lines);
  EXPECT_EQ(8u, st.rejected.older_bytes);
  EXPECT_TRUE(Contains(StatusText(st, 0),
                       "rejected:   2 events (16 bytes) in rejected.jsonl, 1 (8 bytes) in "
                       "rejected.jsonl.1"));
}

TEST_F(StatusTest, TheLastErrorIsShownWithItsAge) {
  CaptureLogger inner;
  ErrorRecordingLogger log(inner, clock_);
  LastErrorFile file(env_, clock_, kState, log);
  log.Error("PutLogEvents for /app / web failed: connection refused; retrying with backoff");
  file.SaveNow();
  clock_.Advance(90000);
  StateStatus st = Read();
  ASSERT_TRUE(st.last_error.has_value());
  EXPECT_EQ(clock_.NowUnixMillis() - 90000, st.last_error->unix_ms);
  std::string text = StatusText(st, clock_.NowUnixMillis());
  EXPECT_TRUE(Contains(text, "last error: 2026-01-15 10:30:00 UTC (90 s ago): PutLogEvents for "
                             "/app / web failed: connection refused"))
      << text;
}

TEST_F(StatusTest, AnUnreadableLastErrorIsReportedNotFatal) {
  env_.WriteFile(std::string(kState) + "/last_error.json", "");  // power lost before its data
  StateStatus st = Read();
  EXPECT_FALSE(st.last_error.has_value());
  EXPECT_TRUE(Contains(st.last_error_problem, "last_error.json"));
}

TEST_F(StatusTest, JournalCursorsAreListedByGroupAndStream) {
  JournalCursors cursors;
  cursors["/hosts/sshd\nhost-1\nsel=abc"] = "s=1;i=2";
  ASSERT_TRUE(SaveJournalCursors(env_, std::string(kState) + "/journal_cursors.json", cursors)
                  .ok());
  StateStatus st = Read();
  ASSERT_EQ(1u, st.journals.size());
  EXPECT_EQ("/hosts/sshd", st.journals[0].group);
  EXPECT_EQ("host-1", st.journals[0].stream);
  EXPECT_EQ("s=1;i=2", st.journals[0].cursor);
  EXPECT_TRUE(Contains(StatusText(st, 0), "/hosts/sshd / host-1  cursor s=1;i=2"));
}

TEST_F(StatusTest, ControlCharactersInAPathCannotReachTheTerminal) {
  std::string path = "/logs/evil\x1b[2J\n.log";
  env_.WriteFile(path, "x\n");
  Checkpointed(path, 2);
  std::string text = StatusText(Read(), 0);
  EXPECT_FALSE(Contains(text, "\x1b")) << text;
  EXPECT_TRUE(Contains(text, "/logs/evil\\x1b[2J\\x0a.log")) << text;
}

TEST_F(StatusTest, TheJsonReportHoldsTheSameAsOneObject) {
  env_.WriteFile(kApp, std::string(120, 'a'));
  Checkpointed(kApp, 100);
  env_.WriteFile(std::string(kState) + "/rejected.jsonl", "{}\n");
  auto spool = Spool::Open(env_, clock_, log_, kBuffer, SpoolOptions{});
  ASSERT_TRUE(spool.ok());
  ASSERT_TRUE((*spool)->Append(Batch(4, clock_.NowUnixMillis() - 5000)).ok());
  ASSERT_TRUE((*spool)->Sync().ok());
  CaptureLogger inner;
  ErrorRecordingLogger log(inner, clock_);
  LastErrorFile file(env_, clock_, kState, log);
  log.Error("boom \"quoted\"");
  file.SaveNow();
  auto lock = LockStateDir(env_, kState);

  std::string json = StatusJson(Read(), clock_.NowUnixMillis() + 2000);
  std::unique_ptr<cJSON, void (*)(cJSON*)> root(cJSON_Parse(json.c_str()), cJSON_Delete);
  ASSERT_TRUE(root) << json;
  auto item = [&](const cJSON* o, const char* key) {
    return cJSON_GetObjectItemCaseSensitive(o, key);
  };
  EXPECT_STREQ(kState, item(root.get(), "state_dir")->valuestring);
  EXPECT_TRUE(cJSON_IsTrue(item(root.get(), "running")));
  const cJSON* f = cJSON_GetArrayItem(item(root.get(), "files"), 0);
  ASSERT_NE(nullptr, f) << json;
  EXPECT_STREQ(kApp, item(f, "path")->valuestring);
  EXPECT_STREQ("followed", item(f, "state")->valuestring);
  EXPECT_EQ(120, item(f, "size")->valueint);
  EXPECT_EQ(100, item(f, "offset")->valueint);
  EXPECT_EQ(20, item(f, "lag")->valueint);
  EXPECT_TRUE(cJSON_IsNull(item(root.get(), "checkpoints_problem")));
  const cJSON* buffer = item(root.get(), "buffer");
  EXPECT_EQ(1, item(buffer, "batches")->valueint);
  EXPECT_EQ(4, item(buffer, "events")->valueint);
  EXPECT_EQ(7, item(buffer, "oldest_event_age_s")->valueint);
  EXPECT_EQ(1, item(item(root.get(), "rejected"), "lines")->valueint);
  const cJSON* last = item(root.get(), "last_error");
  EXPECT_STREQ("boom \"quoted\"", item(last, "message")->valuestring);
  EXPECT_EQ(2, item(last, "age_s")->valueint);
}

TEST_F(StatusTest, TheCommandReportsAStateDirectoryAndFailsOnAMissingOne) {
  Host host{env_, clock_, std::tmpfile(), ""};
  ASSERT_NE(nullptr, host.out);
  CommandLine cl;
  cl.command = Command::kStatus;
  cl.state_dir = kState;
  EXPECT_EQ(1, StatusCommand(cl, host)) << "no lock file: no agent ran with it";
  env_.WriteFile(std::string(kState) + "/lock", "");
  EXPECT_EQ(0, StatusCommand(cl, host));
  cl.json = true;
  EXPECT_EQ(0, StatusCommand(cl, host));
  std::rewind(host.out);
  std::string out;
  char buf[4096];
  for (size_t n; (n = std::fread(buf, 1, sizeof(buf), host.out)) > 0;) out.append(buf, n);
  EXPECT_TRUE(Contains(out, "edgelog status: /var/lib/edgelog\n")) << out;
  EXPECT_TRUE(Contains(out, "\"state_dir\": \"/var/lib/edgelog\"")) << out;
  cl.state_dir = "/var/lib/nothing-here";
  EXPECT_EQ(1, StatusCommand(cl, host));
  std::fclose(host.out);
}

}  // namespace
}  // namespace edgelog
