// The disk buffer seen from the whole agent: while CloudWatch Logs cannot
// be reached, batches spill to STATE_DIR/buffer, checkpoints move only over
// lines the buffer has synced, and once the endpoint answers every line
// arrives once, in order. Crashes are in agent_loop_buffer_crash_test.cc.
#include "agent/run/agent_loop.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <map>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "agent/io/file_util.h"
#include "agent/base/cloudwatch_limits.h"
#include "agent/batch/batcher.h"
#include "agent/spool/spool.h"
#include "agent/spool/spool_format.h"
#include "tests/agent/run/agent_loop_test_fixture.h"

namespace edgelog {
namespace {

using agent_loop_test::AgentLoopTest;
using agent_loop_test::FakeStop;
using agent_loop_test::kLog;
using agent_loop_test::kStateDir;
using agent_loop_test::EventsOf;
using agent_loop_test::InStreamOrder;
using agent_loop_test::MessagesOf;
using agent_loop_test::ReadCountingEnv;
using agent_loop_test::ScriptedPoller;
using agent_loop_test::Strings;
using testing::FakeHttp;
using testing::MemEnv;
using testing::SeenRequest;

const std::string kBufferDir = std::string(kStateDir) + "/buffer";

// Remembers how much of each file was synced, so that a test can tell what
// a power loss at this moment would keep.
class SyncLedgerEnv : public EnvWrapper {
 public:
  explicit SyncLedgerEnv(MemEnv& mem) : EnvWrapper(mem), mem_(mem) {}

  StatusOr<std::unique_ptr<WritableFile>> OpenWritable(const std::string& path,
                                                       WriteMode mode) override {
    auto file = target().OpenWritable(path, mode);
    if (!file.ok()) return file;
    if (mode == WriteMode::kTruncate) synced_[path] = 0;
    return std::unique_ptr<WritableFile>(std::make_unique<File>(this, path, std::move(*file)));
  }
  Status Truncate(const std::string& path, uint64_t size) override {
    Status s = target().Truncate(path, size);
    if (s.ok()) synced_[path] = std::min<uint64_t>(synced_[path], size);
    return s;
  }
  Status Rename(const std::string& from, const std::string& to) override {
    Status s = target().Rename(from, to);
    if (s.ok()) synced_[to] = synced_[from];
    return s;
  }
  // The bytes of `path` that are on stable storage.
  std::string Synced(const std::string& path) {
    return mem_.ReadFile(path).substr(0, synced_[path]);
  }

 private:
  class File : public WritableFile {
   public:
    File(SyncLedgerEnv* env, std::string path, std::unique_ptr<WritableFile> target)
        : env_(env), path_(std::move(path)), target_(std::move(target)) {}
    Status Append(std::string_view data) override { return target_->Append(data); }
    Status Sync() override {
      Status s = target_->Sync();
      if (s.ok()) env_->synced_[path_] = env_->mem_.ReadFile(path_).size();
      return s;
    }
    Status Close() override { return target_->Close(); }

   private:
    SyncLedgerEnv* env_;
    std::string path_;
    std::unique_ptr<WritableFile> target_;
  };

  MemEnv& mem_;
  std::map<std::string, uint64_t> synced_;
};

// "line-000042 " and filler up to `bytes`: lines name themselves.
std::string Line(int i, size_t bytes = 40) {
  char head[32];
  std::snprintf(head, sizeof(head), "line-%06d ", i);
  std::string line = head;
  while (line.size() < bytes) line.push_back(static_cast<char>('a' + line.size() % 26));
  return line;
}

// A line of `bytes` that gzip cannot shrink much (6 random bits a byte).
std::string NoisyLine(int i, size_t bytes, std::mt19937_64& rng) {
  static const char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string line = Line(i, 0);
  while (line.size() < bytes) line.push_back(kAlphabet[rng() % 64]);
  return line;
}

class AgentLoopBufferTest : public AgentLoopTest {
 protected:
  AgentLoopBufferTest() {
    config_.force_flush_interval_s = 1;
    http_.set_responder([this](const SeenRequest& r) -> std::optional<HttpResponse> {
      if (down_) return FakeHttp::Transport(TransportError::kConnect);
      if (r.target == "PutLogEvents") {
        for (ParsedEvent& e : EventsOf(r.body)) {
          delivered_.push_back(e.message);
          delivered_events_.push_back(std::move(e));
        }
      }
      return FakeHttp::Ok();
    });
  }

  // Writes lines [from, to) to `path` (appending, unsynced like a program).
  void WriteLines(const std::string& path, int from, int to, Strings* all) {
    std::string text;
    for (int i = from; i < to; ++i) {
      all->push_back(Line(i));
      text += all->back() + "\n";
    }
    env_.AppendToFile(path, text);
  }

  // An agent (not --once) over `env`, acting at every wait until
  // `stop_when`; then SIGTERM.
  int RunAgent(Env& env, std::function<void(int)> act, std::function<bool()> stop_when) {
    ScriptedPoller poller(clock_);
    FakeStop stop;
    int64_t last_time = clock_.MonotonicMillis();
    int streak = 0;  // waits in a row that did not let time pass
    longest_spin_ = 0;
    poller.on_wait = [&] {
      streak = clock_.MonotonicMillis() == last_time ? streak + 1 : 0;
      last_time = clock_.MonotonicMillis();
      longest_spin_ = std::max(longest_spin_, streak);
      if (act) act(poller.waits);
      if (stop_when() || poller.waits > kMaxWaits) stop.requested = true;
      if (longest_spin_ > kMaxSpin) {  // spinning: stop it, and let time pass as it would
        stop.requested = true;
        clock_.Advance(100);
      }
    };
    options_.once = false;
    AgentDeps deps{env, clock_, log_, poller, http_, *credentials_, &stop};
    AgentLoop loop(deps, config_, Entries(), context_, options_);
    int rc = loop.Run();
    summary_ = loop.summary();
    waits_ = poller.waits;
    EXPECT_LE(poller.waits, kMaxWaits) << "the stop condition never came true";
    EXPECT_LE(longest_spin_, kMaxSpin)
        << "the main loop spins: more than " << kMaxSpin
        << " zero-length waits in a row, time standing still (the run was stopped then)";
    return rc;
  }

  // Messages of the batches the buffer holds in its synced bytes.
  std::set<std::string> DurablyBuffered(SyncLedgerEnv& ledger) {
    std::set<std::string> out;
    auto names = env_.ListDir(kBufferDir);
    if (!names.ok()) return out;
    for (const std::string& name : *names) {
      std::string bytes = ledger.Synced(JoinPath(kBufferDir, name));
      for (const SegmentRecord& r : ReadSegment(bytes).records) {
        if (r.type != RecordType::kBatch) continue;
        auto batch = DecodeBatch(r.payload);
        if (!batch.ok()) continue;
        for (std::string& m : MessagesOf(batch->body)) out.insert(std::move(m));
      }
    }
    return out;
  }

  // Segment files in the buffer directory.
  std::vector<std::string> Segments() {
    std::vector<std::string> out;
    auto names = env_.ListDir(kBufferDir);
    if (names.ok()) {
      for (const std::string& n : *names) {
        if (n.size() > 4 && n.compare(n.size() - 4, 4, ".seg") == 0) out.push_back(n);
      }
    }
    return out;
  }
  // Bytes of all segment files.
  uint64_t BufferBytes() {
    uint64_t n = 0;
    for (const std::string& name : Segments()) {
      auto info = env_.Stat(JoinPath(kBufferDir, name));
      if (info.ok()) n += info->size;
    }
    return n;
  }
  // Bytes of the batch records in the buffer that no ack record closes: what
  // edgelog.buffer.max_bytes caps.
  uint64_t LiveBufferBytes() {
    std::map<uint64_t, uint64_t> batches;  // seq → record bytes
    std::vector<uint64_t> acked;
    for (const std::string& name : Segments()) {
      std::string bytes = env_.ReadFile(JoinPath(kBufferDir, name));
      for (const SegmentRecord& r : ReadSegment(bytes).records) {
        uint64_t seq = 0;
        AckReason reason;
        if (r.type == RecordType::kBatch) {
          auto b = DecodeBatch(r.payload);
          if (b.ok()) batches[b->seq] = kRecordHeaderBytes + r.payload.size();
        } else if (DecodeAck(r.payload, &seq, &reason).ok()) {
          acked.push_back(seq);
        }
      }
    }
    for (uint64_t seq : acked) batches.erase(seq);
    uint64_t n = 0;
    for (const auto& entry : batches) n += entry.second;
    return n;
  }

  static constexpr int kMaxWaits = 200000;
  static constexpr int kMaxSpin = 5000;
  bool down_ = false;
  int longest_spin_ = 0;
  Strings delivered_;  // messages of PutLogEvents requests answered 200
  std::vector<ParsedEvent> delivered_events_;  // the same events, in the order they arrived
  int waits_ = 0;
};

// A batch that waited in the disk buffer past what CloudWatch accepts (the
// host was off for weeks) is not sent: its events are kept in
// rejected.jsonl with the reason, then its record leaves the buffer. One
// whose body cannot even be read back is set aside in buffer/corrupt/ with
// its reason, and the batches behind it go on.
TEST_F(AgentLoopTest, ABatchThatWaitedInTheBufferPastFourteenDaysIsKeptNotSent) {
  const int64_t old = clock_.NowUnixMillis() - kMaxEventAgeMillis - 3600 * 1000;
  const LogStreamTarget target{config_.files[0].log_group_name,
                               config_.files[0].log_stream_name, 0, ""};
  {
    auto spool = Spool::Open(env_, clock_, log_, kBufferDir, SpoolOptions{});
    ASSERT_TRUE(spool.ok()) << spool.status().ToString();
    GzipCompressor gzip(1);
    auto batch = MakeBatch(1, 0, target, {ParsedEvent{old, "stale 1"}, ParsedEvent{old + 1, "stale 2"}},
                           gzip);
    ASSERT_TRUE(batch.ok());
    SpooledBatch stale{0, target.group, target.stream, 2, static_cast<uint32_t>(batch->api_bytes),
                       old, old + 1, batch->body};
    SpooledBatch unreadable = stale;
    unreadable.body = "not gzip";
    ASSERT_TRUE((*spool)->Append(stale).ok());
    ASSERT_TRUE((*spool)->Append(unreadable).ok());
    ASSERT_TRUE((*spool)->Sync().ok());
  }
  env_.WriteFile(kLog, "fresh\n");
  EXPECT_EQ(kExitOk, RunOnce());
  EXPECT_EQ(Strings{"fresh"}, SentMessages());
  std::string rejected = env_.ReadFile(std::string(kStateDir) + "/rejected.jsonl");
  EXPECT_NE(std::string::npos, rejected.find("\"stale 1\"")) << rejected;
  EXPECT_NE(std::string::npos, rejected.find("\"stale 2\"")) << rejected;
  EXPECT_NE(std::string::npos, rejected.find("waited in the disk buffer past 14 days"));
  auto corrupt = env_.ListDir(kBufferDir + "/corrupt");
  ASSERT_TRUE(corrupt.ok()) << "the unreadable batch was not set aside";
  bool reason_kept = false;
  for (const std::string& name : *corrupt) {
    if (name.size() > 4 && name.compare(name.size() - 4, 4, ".txt") == 0) {
      reason_kept = env_.ReadFile(kBufferDir + "/corrupt/" + name).find("cannot be read back") !=
                    std::string::npos;
    }
  }
  EXPECT_TRUE(reason_kept);
  // Both records are closed: a second run finds nothing to send or keep.
  size_t puts = http_.requests_for("PutLogEvents").size();
  size_t rejected_bytes = rejected.size();
  EXPECT_EQ(kExitOk, RunOnce());
  EXPECT_TRUE(SentMessages(puts).empty());
  EXPECT_EQ(rejected_bytes, env_.ReadFile(std::string(kStateDir) + "/rejected.jsonl").size());
}

TEST_F(AgentLoopBufferTest, AnOutageSpillsToDiskAndAfterItEveryLineArrivesOnceInOrder) {
  Strings all;
  WriteLines(kLog, 0, 200, &all);
  SyncLedgerEnv ledger(env_);
  down_ = true;
  int64_t start = clock_.MonotonicMillis();
  int64_t back_at = start + 120000;
  int64_t max_offset_while_down = 0;
  bool spilled = false;
  std::vector<std::string> uncovered;
  int next_line = 200;
  RunAgent(
      ledger,
      [&](int wait) {
        int64_t now = clock_.MonotonicMillis();
        if (now < back_at - 20000 && wait % 3 == 0) {
          WriteLines(kLog, next_line, next_line + 15, &all);
          next_line += 15;
        }
        if (down_ && now >= back_at) down_ = false;
        spilled = spilled || !Segments().empty();
        // The checkpoint covers only lines that are delivered or synced in
        // the buffer: a power loss now would lose nothing.
        int64_t offset = SavedOffset(kLog);
        if (down_) max_offset_while_down = std::max(max_offset_while_down, offset);
        if (offset <= 0 || !uncovered.empty()) return;
        std::set<std::string> safe = DurablyBuffered(ledger);
        safe.insert(delivered_.begin(), delivered_.end());
        std::string text = env_.ReadFile(kLog).substr(0, static_cast<size_t>(offset));
        for (size_t pos = 0, end; (end = text.find('\n', pos)) != std::string::npos;
             pos = end + 1) {
          std::string line = text.substr(pos, end - pos);
          if (safe.count(line) == 0) {
            uncovered.push_back("wait " + std::to_string(wait) + ": checkpoint " +
                                std::to_string(offset) + " passes \"" + line +
                                "\", neither delivered nor synced in the buffer");
            return;
          }
        }
      },
      [&] { return !down_ && delivered_.size() >= all.size(); });
  EXPECT_TRUE(spilled) << "nothing was written to " << kBufferDir;
  EXPECT_GE(log_.Count(LogLevel::kInfo, "buffering batches to disk"), 1);
  EXPECT_GT(max_offset_while_down, 0) << "the checkpoint never moved while the buffer held "
                                         "the lines";
  EXPECT_TRUE(uncovered.empty()) << uncovered.front();
  EXPECT_EQ(all, InStreamOrder(delivered_events_)) << "every line once, in order";
  EXPECT_EQ(static_cast<int64_t>(env_.ReadFile(kLog).size()), SavedOffset(kLog));
  EXPECT_GE(log_.Count(LogLevel::kInfo, "disk buffer drained"), 1);
}


class AgentLoopBufferFullTest : public AgentLoopBufferTest {
 protected:
  static constexpr int kLines = 300;
  static constexpr size_t kLineBytes = 30000;  // 9 MB of lines, ~7 MB gzipped
  AgentLoopBufferFullTest() {
    config_.buffer_max_bytes = 1 << 20;
    config_.buffer_memory_bytes = 1 << 20;  // memory: reading pauses soon
    std::mt19937_64 rng(42);
    for (int i = 0; i < kLines; ++i) all_.push_back(NoisyLine(i, kLineBytes, rng));
  }

  // A three-minute outage while the application writes its lines (ten at
  // a time, from the moment the first request failed), then the endpoint
  // answers until the last line is delivered. Watches the buffer and how
  // much was read.
  void RunOutage() {
    cap_ = static_cast<uint64_t>(config_.buffer_max_bytes);
    ReadCountingEnv counting(env_, kLog);
    AppendNoisy(1);
    down_ = true;
    int64_t back_at = clock_.MonotonicMillis() + 180000;
    RunAgent(
        counting,
        [&](int) {
          if (!http_.requests().empty()) AppendNoisy(10);
          uint64_t footprint = BufferBytes();
          if (footprint != last_footprint_) {  // something was written: look
            last_footprint_ = footprint;
            max_buffer_bytes_ = std::max(max_buffer_bytes_, footprint);
            max_live_bytes_ = std::max(max_live_bytes_, LiveBufferBytes());
          }
          if (down_ && clock_.MonotonicMillis() >= back_at) {
            read_while_down_ = counting.bytes_read();
            written_while_down_ = env_.ReadFile(kLog).size();
            down_ = false;
          }
        },
        [&] {
          return !down_ && !delivered_.empty() && delivered_.back() == all_.back();
        });
  }

  void AppendNoisy(int n) {
    std::string text;
    for (; n > 0 && written_ < all_.size(); --n) text += all_[written_++] + "\n";
    if (!text.empty()) env_.AppendToFile(kLog, text);
  }

  // Unacknowledged batches stay within the cap; the files may hold acked
  // records besides, up to a segment's worth (segments are deleted whole).
  void ExpectTheCapHeld() {
    std::printf("[  buffer  ] cap %llu: at most %llu live bytes, %llu bytes of segment files\n",
                static_cast<unsigned long long>(cap_),
                static_cast<unsigned long long>(max_live_bytes_),
                static_cast<unsigned long long>(max_buffer_bytes_));
    EXPECT_GT(max_live_bytes_, 0u) << "nothing was buffered";
    EXPECT_LE(max_live_bytes_, cap_)
        << "unacknowledged batches outgrew edgelog.buffer.max_bytes";
    EXPECT_LE(max_buffer_bytes_, cap_ + kSegmentBytes + (1 << 20))
        << "segment files outgrew the cap by more than a segment and a batch";
  }

  static constexpr uint64_t kSegmentBytes = 4 << 20;  // README: "New segments start at 4 MiB"
  Strings all_;
  size_t written_ = 0;  // lines of all_ in the file
  uint64_t written_while_down_ = 0;
  uint64_t cap_ = 0;
  uint64_t last_footprint_ = 0;
  uint64_t max_buffer_bytes_ = 0;  // segment files, acked records included
  uint64_t max_live_bytes_ = 0;    // unacknowledged batch records
  uint64_t read_while_down_ = 0;
};

TEST_F(AgentLoopBufferFullTest, WithBlockAFullBufferPausesReadingAndNoLineIsLost) {
  config_.buffer_when_full = "block";
  RunOutage();
  uint64_t file_bytes = env_.ReadFile(kLog).size();
  ASSERT_EQ(file_bytes, written_while_down_) << "every line was written during the outage";
  EXPECT_LT(read_while_down_, file_bytes / 2) << "reading did not pause";
  ExpectTheCapHeld();
  EXPECT_GE(log_.Count(LogLevel::kWarning, "reading pauses"), 1);
  EXPECT_TRUE(all_ == delivered_) << "lines lost, repeated or reordered: " << delivered_.size()
                                  << " delivered of " << all_.size();
  EXPECT_EQ(static_cast<int64_t>(file_bytes), SavedOffset(kLog));
}

TEST_F(AgentLoopBufferFullTest, WithDropOldestTheDropIsCountedLoggedAndTheCapHolds) {
  // Room for more than the sender holds while it retries (2 MiB), less
  // than the ~7 MB of gzipped lines.
  config_.buffer_max_bytes = 3 << 20;
  config_.buffer_when_full = "drop_oldest";
  config_.buffer_memory_bytes = Config().buffer_memory_bytes;  // reading goes on
  RunOutage();
  EXPECT_GE(log_.Count(LogLevel::kWarning, "dropped the oldest"), 1)
      << "no drop logged though the outage outlasted a " << cap_ << "-byte buffer";
  ExpectTheCapHeld();
  // What arrives is in order, once, and ends with the last line.
  std::vector<size_t> index;
  for (const std::string& m : delivered_) {
    index.push_back(static_cast<size_t>(std::find(all_.begin(), all_.end(), m) - all_.begin()));
  }
  EXPECT_TRUE(std::is_sorted(index.begin(), index.end()) &&
              std::adjacent_find(index.begin(), index.end()) == index.end() &&
              std::find(index.begin(), index.end(), all_.size()) == index.end())
      << "delivered lines are not an ordered subset of the file's";
  EXPECT_EQ(static_cast<int64_t>(env_.ReadFile(kLog).size()), SavedOffset(kLog))
      << "dropped lines count as handled";
}

// Ten streams and an endpoint that refuses connections for five minutes:
// one shared backoff (a single probe, up to 20 s apart) makes a few dozen
// attempts; ten streams backing off on their own would make hundreds.
TEST_F(AgentLoopBufferTest, AnOutageMakesFewConnectionAttemptsWhateverTheNumberOfStreams) {
  config_.files.clear();
  for (int i = 0; i < 10; ++i) {
    std::string path = "/var/log/app" + std::to_string(i) + ".log";
    config_.files.push_back(Entry(path, "/app/group", "host-" + std::to_string(i)));
    Strings lines;
    WriteLines(path, i * 100, i * 100 + 20, &lines);
  }
  down_ = true;
  int64_t start = clock_.MonotonicMillis();
  RunAgent(env_, nullptr, [&] { return clock_.MonotonicMillis() - start >= 300000; });
  size_t attempts = http_.requests().size();
  std::printf("[  outage  ] 10 streams, 5 minutes down: %zu connection attempts\n", attempts);
  EXPECT_GE(attempts, 10u) << "it kept probing";
  EXPECT_LE(attempts, 80u) << "the streams do not share one backoff";
}

// Refuses to create files in the disk buffer (ENOSPC), and counts the tries.
class FullBufferDiskEnv : public EnvWrapper {
 public:
  explicit FullBufferDiskEnv(Env& target) : EnvWrapper(target) {}
  StatusOr<std::unique_ptr<WritableFile>> OpenWritable(const std::string& path,
                                                       WriteMode mode) override {
    if (full && path.rfind(kBufferDir + "/", 0) == 0) {
      ++refused;
      return Status::NoSpace("open " + path + ": No space left on device");
    }
    return target().OpenWritable(path, mode);
  }
  bool full = true;
  int refused = 0;
};

// A full disk during an outage, with a busy writer: the buffer is tried
// again with a growing wait (100 ms, doubling up to 5 s), not at every turn
// of the loop; once there is room every line arrives once, in order.
TEST_F(AgentLoopBufferTest, AFullDiskIsTriedAgainWithBackoffNotAtEveryTurn) {
  Strings all;
  WriteLines(kLog, 0, 50, &all);
  FullBufferDiskEnv disk(env_);
  down_ = true;
  int64_t start = clock_.MonotonicMillis();
  int next = 50;
  int refused_at_minute = -1;
  int rc = RunAgent(
      disk,
      [&](int) {
        int64_t elapsed = clock_.MonotonicMillis() - start;
        if (elapsed < 60000) {
          WriteLines(kLog, next, next + 5, &all);  // the writer goes on
          next += 5;
        } else if (disk.full) {
          refused_at_minute = disk.refused;
          disk.full = false;
          down_ = false;
        }
      },
      [&] { return !disk.full && delivered_.size() == all.size(); });
  EXPECT_EQ(0, rc);
  ASSERT_GE(refused_at_minute, 1) << "the buffer was never tried";
  // 100 + 200 + ... + 3200 ms, then every 5 s: about 18 tries in a minute.
  EXPECT_LE(refused_at_minute, 25) << "segment opens in one minute of a full disk";
  EXPECT_TRUE(all == delivered_) << delivered_.size() << " delivered of " << all.size();
}

// edgelog.buffer.memory_bytes is one budget, measured one way, for both
// spilling and pausing. An endpoint that takes requests and never answers,
// 20 MiB of lines: with 32 MiB all of them are read and nothing spills; with
// 2 MiB batches spill to disk once the backlog passes it, and reading goes
// on. (Reading used to pause at a fixed 8 MiB whatever the setting, and
// spilling compared another measure.)
class AgentLoopMemoryBudgetTest : public AgentLoopBufferTest {
 protected:
  void RunWithBudget(int64_t budget) {
    std::mt19937_64 rng(5);
    std::string text;
    for (int i = 0; text.size() < (20u << 20); ++i) text += NoisyLine(i, 2000, rng) + "\n";
    env_.WriteFile(kLog, text);
    file_bytes_ = text.size();
    ReadCountingEnv counting(env_, kLog);
    config_.buffer_memory_bytes = budget;
    http_.set_responder([](const SeenRequest&) -> std::optional<HttpResponse> {
      return std::nullopt;  // taken, never answered
    });
    http_.set_held_poll_ms(100);
    int64_t start = clock_.MonotonicMillis();
    RunAgent(counting, nullptr, [&] {
      if (clock_.MonotonicMillis() - start < 20000) return false;
      read_ = counting.bytes_read();
      spilled_ = BufferBytes();
      return true;
    });
  }
  uint64_t file_bytes_ = 0;
  uint64_t read_ = 0;
  uint64_t spilled_ = 0;
};

TEST_F(AgentLoopMemoryBudgetTest, ABudgetAboveTheBacklogNeitherPausesNorSpills) {
  RunWithBudget(int64_t{32} << 20);
  EXPECT_GE(read_, file_bytes_) << "reading paused below the budget";
  EXPECT_EQ(0u, spilled_) << "spilled to disk below the budget";
}

TEST_F(AgentLoopMemoryBudgetTest, ABacklogPastTheBudgetSpillsAndReadingGoesOn) {
  RunWithBudget(int64_t{2} << 20);
  EXPECT_GT(spilled_, 0u) << "no spill past the budget";
  EXPECT_GE(read_, file_bytes_) << "spilling did not let reading go on";
}

}  // namespace
}  // namespace edgelog
