// A batch read back from the disk buffer, split and partly answered at a
// stop, has its parts left appended as records of their own, and its record
// closed once they are durable: around that, under config changes, the
// buffer's cap, disk faults, crashes and repeated stops. Nothing may be
// lost, ever; no duplicate after a clean stop (every request answered, no
// disk fault).
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "tests/agent/run/restart_fixture.h"

namespace edgelog::restart_test {
namespace {

// The logStreamName of a gzip PutLogEvents body.
std::string StreamOf(const std::string& gzip_body) {
  auto json = GunzipBody(gzip_body, 64 << 20);
  if (!json.ok()) return "?";
  const std::string key = "\"logStreamName\":\"";
  size_t at = json->find(key);
  if (at == std::string::npos) return "?";
  size_t from = at + key.size();
  return json->substr(from, json->find('"', from) - from);
}

// Power loss after the `crash_after`-th durability step (a file Sync or a
// SyncDir, anywhere under the state dir): from then on nothing the agent
// writes becomes durable (syncs "succeed" and do nothing), and the test
// calls MemEnv::SimulateCrash afterwards.
class CrashEnv : public EnvWrapper {
 public:
  explicit CrashEnv(Env& target) : EnvWrapper(target) {}
  StatusOr<std::unique_ptr<WritableFile>> OpenWritable(const std::string& path,
                                                       WriteMode mode) override {
    auto f = target().OpenWritable(path, mode);
    if (!f.ok()) return f;
    return std::unique_ptr<WritableFile>(std::make_unique<File>(this, std::move(*f)));
  }
  Status SyncDir(const std::string& dir) override {
    if (Step()) return Status::Ok();
    return target().SyncDir(dir);
  }
  // True once crashed (the step is not made durable).
  bool Step() {
    if (crashed()) return true;
    ++steps;
    return false;
  }
  bool crashed() const { return crash_after >= 0 && steps >= crash_after; }
  int crash_after = -1;
  int steps = 0;

 private:
  class File : public WritableFile {
   public:
    File(CrashEnv* env, std::unique_ptr<WritableFile> t) : env_(env), t_(std::move(t)) {}
    Status Append(std::string_view data) override { return t_->Append(data); }
    Status Sync() override {
      if (env_->Step()) return Status::Ok();
      return t_->Sync();
    }
    Status Close() override { return t_->Close(); }

   private:
    CrashEnv* env_;
    std::unique_ptr<WritableFile> t_;
  };
};

class BufferRewriteTest : public RestartTest {
 protected:
  // Stores an accepted request per line and per stream.
  void StoreOn(const SeenRequest& r, size_t refused_head = 0) {
    Store(r, refused_head);
    std::string s = StreamOf(r.body);
    Strings m = MessagesOf(r.body);
    for (size_t i = refused_head; i < m.size(); ++i) ++stream_of_[m[i]][s];
  }
  // A healthy CloudWatch, --once, recording streams too.
  void Healthy(Env& env) {
    FakeHttp http;
    http.set_responder([&](const SeenRequest& r) -> std::optional<HttpResponse> {
      if (r.target != "PutLogEvents") return FakeHttp::Ok();
      StoreOn(r);
      return FakeHttp::Ok();
    });
    options_.once = true;
    AgentDeps deps{env, clock_, log_, poller_, http, *credentials_, nullptr};
    AgentLoop loop(deps, config_, Entries(), context_, options_);
    EXPECT_EQ(kExitOk, loop.Run());
  }
  // Lines [from, to) once each (`dups_ok`: at least once).
  void ExpectLines(const std::string& prefix, int from, int to, bool dups_ok,
                   const char* what) {
    int lost = 0, dup = 0;
    std::string detail;
    for (int i = from; i < to; ++i) {
      std::string l = prefix + L(i);
      int c = stored_.count(l) ? stored_[l] : 0;
      if (c == 0) ++lost;
      if (c > 1) ++dup;
      if (c != 1 && detail.size() < 600) detail += l + "x" + std::to_string(c) + " ";
    }
    EXPECT_EQ(0, lost) << what << ": lost " << detail;
    if (!dups_ok) {
      EXPECT_EQ(0, dup) << what << ": duplicated " << detail;
    }
  }
  void WriteP(const std::string& path, const std::string& prefix, int from, int to) {
    std::string text;
    for (int i = from; i < to; ++i) text += prefix + L(i) + "\n";
    env_.AppendToFile(path, text);
  }
  std::string Dump() const {
    std::string s;
    for (auto& [m, c] : stored_) s += m + ":" + std::to_string(c) + " ";
    return s;
  }
  // CloudWatch takes at most 2 events a request; once it took the first
  // part of line 0's batch, it is down (503, every request answered).
  void SplitThenDownAfterTheFirstPart(bool* down_again) {
    *down_again = false;
    http_.set_responder([this, down_again](const SeenRequest& r) -> std::optional<HttpResponse> {
      if (r.target != "PutLogEvents") return FakeHttp::Ok();
      if (*down_again) return FakeHttp::AwsError(503, "ServiceUnavailableException", "down");
      Strings m = MessagesOf(r.body);
      if (m.size() > 2) return FakeHttp::AwsError(400, "InvalidParameterException", "bad");
      StoreOn(r);
      if (m[0] == L(0)) *down_again = true;
      return FakeHttp::Ok();
    });
  }
  std::map<std::string, std::map<std::string, int>> stream_of_;
};

// 1. The configuration changed between two runs (the file now goes to
// another stream): the batch read back from the buffer is for a stream of
// the earlier configuration (Sender::StreamFor adds it). Split, its first
// part accepted, then a stop: its other parts are appended anew... with the
// pipeline's targets_[b.stream], which has only the streams of the current
// configuration.
TEST_F(BufferRewriteTest, ConfigChangedBufferedSplitPartAtStop) {
  options_.shutdown_grace_ms = 3000;
  // Run 1: the endpoint is down; 8 lines go to the disk buffer at the stop.
  http_.set_responder([&](const SeenRequest& r) -> std::optional<HttpResponse> {
    if (r.target != "PutLogEvents") return FakeHttp::Ok();
    return FakeHttp::AwsError(503, "ServiceUnavailableException", "down");
  });
  Write(0, 8);
  int64_t start = clock_.MonotonicMillis();
  EXPECT_EQ(kExitOk, Run(env_, nullptr, [&] { return clock_.MonotonicMillis() - start > 5000; }));
  ASSERT_GT(BufferedBytes(), 0u);
  // Run 2: the file now goes to host-2. CloudWatch takes at most 2 events;
  // after [0,1] it is down again.
  config_.files[0].log_stream_name = "host-2";
  bool down_again = false;
  SplitThenDownAfterTheFirstPart(&down_again);
  start = clock_.MonotonicMillis();
  EXPECT_EQ(kExitOk, Run(env_, nullptr, [&] { return clock_.MonotonicMillis() - start > 10000; }));
  ASSERT_TRUE(down_again);
  EXPECT_EQ(0u, http_.in_flight());
  // Run 3: healthy. (The file itself is read again for host-2, its new
  // stream: only host-1, the buffer's, is checked.)
  Healthy(env_);
  for (int i = 0; i < 8; ++i) {
    int c = stream_of_[L(i)].count("host-1") ? stream_of_[L(i)]["host-1"] : 0;
    EXPECT_EQ(1, c) << L(i) << " on host-1";
    for (auto& [s, n] : stream_of_[L(i)]) {
      EXPECT_TRUE(s == "host-1" || s == "host-2") << L(i) << " went to stream '" << s << "' x" << n;
    }
  }
}

// The scenario of the commit, as a function: 8 lines into the buffer during
// an outage, read back, split (at most `max_events` per request), the
// first part accepted, the endpoint down again, a stop.
class BufferRewriteSplitTest : public BufferRewriteTest {
 protected:
  int RunSplitThenStop(Env& env, size_t max_events, int lines, int64_t stop_ms = 40000) {
    bool up = false;
    down_again_ = false;
    http_.set_responder([&, max_events](const SeenRequest& r) -> std::optional<HttpResponse> {
      if (r.target != "PutLogEvents") return FakeHttp::Ok();
      if (!up || down_again_ || (crash_ != nullptr && crash_->crashed())) {
        return FakeHttp::AwsError(503, "ServiceUnavailableException", "down");
      }
      Strings m = MessagesOf(r.body);
      if (m.size() > max_events) return FakeHttp::AwsError(400, "InvalidParameterException", "bad");
      StoreOn(r, refused_head_);
      if (m[0] == L(0)) down_again_ = true;
      if (refused_head_ > 0) {
        return FakeHttp::Ok(R"({"rejectedLogEventsInfo":{"tooOldLogEventEndIndex":0}})");
      }
      return FakeHttp::Ok();
    });
    Write(0, lines);
    int64_t start = clock_.MonotonicMillis();
    return Run(env, [&](int) {
      if (clock_.MonotonicMillis() - start > 10000) up = true;
      if (on_tick_) on_tick_(clock_.MonotonicMillis() - start);
    }, [&] { return clock_.MonotonicMillis() - start > stop_ms; });
  }
  bool down_again_ = false;
  size_t refused_head_ = 0;
  CrashEnv* crash_ = nullptr;
  std::function<void(int64_t)> on_tick_;
};

// 2. Baseline: the commit's own scenario, clean; and then a second stop at
// the restart, the re-appended parts split again (1 event per request), a
// part accepted, down again; a third run healthy: once each.
TEST_F(BufferRewriteSplitTest, ReappendedPartsSplitAgainThenAnotherStop) {
  options_.shutdown_grace_ms = 5000;
  EXPECT_EQ(kExitOk, RunSplitThenStop(env_, 2, 8));
  ASSERT_TRUE(down_again_);
  EXPECT_EQ(0u, http_.in_flight());
  EXPECT_EQ(1, stored_[L(0)]);
  EXPECT_EQ(1, stored_[L(1)]);
  // Run 2: at most 1 event per request; after the first part accepted, down.
  bool down = false;
  int accepted = 0;
  http_.set_responder([&](const SeenRequest& r) -> std::optional<HttpResponse> {
    if (r.target != "PutLogEvents") return FakeHttp::Ok();
    if (down) return FakeHttp::AwsError(503, "ServiceUnavailableException", "down");
    Strings m = MessagesOf(r.body);
    if (m.size() > 1) return FakeHttp::AwsError(400, "InvalidParameterException", "bad");
    StoreOn(r);
    if (++accepted == 1) down = true;
    return FakeHttp::Ok();
  });
  int64_t start = clock_.MonotonicMillis();
  EXPECT_EQ(kExitOk, Run(env_, nullptr, [&] { return clock_.MonotonicMillis() - start > 8000; }));
  EXPECT_EQ(1, accepted) << Dump();
  EXPECT_EQ(0u, http_.in_flight());
  // Run 3: again, 1 event, the second accepted part then down.
  down = false;
  accepted = 0;
  start = clock_.MonotonicMillis();
  EXPECT_EQ(kExitOk, Run(env_, nullptr, [&] { return clock_.MonotonicMillis() - start > 8000; }));
  EXPECT_EQ(0u, http_.in_flight());
  Healthy(env_);
  ExpectLines("", 0, 8, false, "split again at a second and third stop");
}

// 3. The disk buffer's own cap (edgelog.buffer.max_bytes, block), no disk
// fault: the buffer holds the batch read back, and its parts left cannot be
// appended beside it at the stop (its record is closed only after). Every
// request answered: a clean stop.
TEST_F(BufferRewriteTest, BufferCapReachedByTheRewrittenPartsAtAStop) {
  options_.shutdown_grace_ms = 3000;
  http_.set_responder([&](const SeenRequest& r) -> std::optional<HttpResponse> {
    if (r.target != "PutLogEvents") return FakeHttp::Ok();
    return FakeHttp::AwsError(503, "ServiceUnavailableException", "down");
  });
  Write(0, 40);
  int64_t start = clock_.MonotonicMillis();
  EXPECT_EQ(kExitOk, Run(env_, nullptr, [&] { return clock_.MonotonicMillis() - start > 5000; }));
  uint64_t held = BufferedBytes();
  ASSERT_GT(held, 0u);
  // Room for what is there, and a little more: not for its parts beside it.
  config_.buffer_max_bytes = static_cast<int64_t>(held) + 64;
  bool down_again = false;
  SplitThenDownAfterTheFirstPart(&down_again);
  start = clock_.MonotonicMillis();
  EXPECT_EQ(kExitOk, Run(env_, nullptr, [&] { return clock_.MonotonicMillis() - start > 10000; }));
  ASSERT_TRUE(down_again);
  EXPECT_EQ(0u, http_.in_flight());
  Healthy(env_);
  ExpectLines("", 0, 40, false, "buffer cap at the stop (no disk fault)");
}

// 4. rejected.jsonl unwritable at the stop, the accepted part's answer
// refusing an event (too old): nothing lost (duplicates allowed: a fault).
TEST_F(BufferRewriteSplitTest, RefusedInAcceptedPartRejectedUnwritable) {
  options_.shutdown_grace_ms = 5000;
  SpoolFaultEnv env(env_);
  refused_head_ = 1;  // line-0000 refused as too old in [0,1]
  on_tick_ = [&](int64_t t) { if (t > 10000) env.refuse_rejected = true; };
  EXPECT_EQ(kExitOk, RunSplitThenStop(env, 2, 8));
  ASSERT_TRUE(down_again_);
  env.refuse_rejected = false;
  refused_head_ = 0;
  Healthy(env_);
  std::string rejected = env_.ReadFile(std::string(kStateDir) + "/rejected.jsonl");
  if (rejected.find(L(0)) != std::string::npos) stored_[L(0)] += 1;
  ExpectLines("", 0, 8, true, "rejected.jsonl unwritable at the stop");
}

// 5. The re-append of the parts at the stop meets a full disk after k
// appends, or k sync failures: nothing lost (duplicates allowed).
TEST_F(BufferRewriteSplitTest, DiskFaultsAsPartsReappendAtTheStop) {
  for (int k = 0; k < 4; ++k) {
    for (int mode = 0; mode < 2; ++mode) {
      SCOPED_TRACE("k=" + std::to_string(k) + " mode=" + std::to_string(mode));
      // Fresh disk and counts for each.
      std::string state = std::string(kStateDir) + "-f" + std::to_string(k * 2 + mode);
      EXPECT_TRUE(env_.CreateDirs(state).ok());
      config_.state_dir = state;
      env_.Remove(kLog).IgnoreError();
      stored_.clear();
      options_.shutdown_grace_ms = 5000;
      SpoolFaultEnv env(env_);
      // At the deadline (stop at 40 s, grace 5 s): the faults begin.
      on_tick_ = [&](int64_t t) {
        if (t >= 44900 && t < 1000000) {
          if (mode == 0) env.appends_left = k; else env.fail_syncs = k + 1;
          on_tick_ = nullptr;
        }
      };
      EXPECT_EQ(kExitOk, RunSplitThenStop(env, 2, 8));
      on_tick_ = nullptr;
      Healthy(env_);
      ExpectLines("", 0, 8, true, "disk fault at the re-append");
    }
  }
}

// 6. Power loss at every durability step of the scenario (the parts
// appended, the old record closed, the checkpoints...), then a healthy
// restart: nothing lost (duplicates allowed). Each crash point has its own
// log file and state directory.
TEST_F(BufferRewriteTest, CrashAtEveryDurabilityStep) {
  auto one = [&](int k, int* steps) {
    std::string log = "/var/log/crash" + std::to_string(k + 1) + ".log";
    std::string state = std::string(kStateDir) + "-" + std::to_string(k + 1);
    EXPECT_TRUE(env_.CreateDirs(state).ok());
    config_.state_dir = state;
    config_.files[0].file_path = log;
    stored_.clear();
    CrashEnv env(env_);
    env.crash_after = k;
    std::string text;
    for (int i = 0; i < 8; ++i) text += L(i) + "\n";
    env_.WriteFile(log, text);  // durable: written long ago
    options_.shutdown_grace_ms = 5000;
    bool up = false;
    bool down_again = false;
    FakeHttp http;
    http.set_responder([&](const SeenRequest& r) -> std::optional<HttpResponse> {
      if (r.target != "PutLogEvents") return FakeHttp::Ok();
      if (!up || down_again || env.crashed()) {
        return FakeHttp::AwsError(503, "ServiceUnavailableException", "down");
      }
      Strings m = MessagesOf(r.body);
      if (m.size() > 2) return FakeHttp::AwsError(400, "InvalidParameterException", "bad");
      StoreOn(r);
      if (m[0] == L(0)) down_again = true;
      return FakeHttp::Ok();
    });
    int64_t start = clock_.MonotonicMillis();
    RunWith(env, http, [&](int) { if (clock_.MonotonicMillis() - start > 10000) up = true; },
            [&] { return clock_.MonotonicMillis() - start > 40000; });
    if (steps) *steps = env.steps;
    if (k < 0) {
      EXPECT_TRUE(down_again);  // else the crash may come first
    }
    env_.SimulateCrash(false);
    Healthy(env_);
    ExpectLines("", 0, 8, /*dups_ok=*/k >= 0, "crash");
  };
  int total = 0;
  one(-1, &total);  // no crash: once each
  ASSERT_GT(total, 0);
  for (int k = 0; k <= total; ++k) {
    SCOPED_TRACE("crash after step " + std::to_string(k) + " of " + std::to_string(total));
    one(k, nullptr);
  }
}

// 7. Two files, two streams, both read back from the buffer, both split and
// partly accepted at the stop; a restart: once each.
TEST_F(BufferRewriteTest, TwoStreamsSplitAndPartlyAcceptedAtAStop) {
  const char kLog2[] = "/var/log/other.log";
  config_.files.push_back(Entry(kLog2, "/app/group", "host-b"));
  options_.shutdown_grace_ms = 5000;
  bool up = false;
  std::map<std::string, bool> down_again;
  http_.set_responder([&](const SeenRequest& r) -> std::optional<HttpResponse> {
    if (r.target != "PutLogEvents") return FakeHttp::Ok();
    std::string s = StreamOf(r.body);
    if (!up || down_again[s]) return FakeHttp::AwsError(503, "ServiceUnavailableException", "down");
    Strings m = MessagesOf(r.body);
    if (m.size() > 2) return FakeHttp::AwsError(400, "InvalidParameterException", "bad");
    StoreOn(r);
    down_again[s] = true;
    return FakeHttp::Ok();
  });
  WriteP(kLog, "a-", 0, 8);
  WriteP(kLog2, "b-", 0, 8);
  int64_t start = clock_.MonotonicMillis();
  EXPECT_EQ(kExitOk, Run(env_, [&](int) {
    if (clock_.MonotonicMillis() - start > 10000) up = true;
  }, [&] { return clock_.MonotonicMillis() - start > 40000; }));
  EXPECT_EQ(0u, http_.in_flight());
  Healthy(env_);
  ExpectLines("a-", 0, 8, false, "stream a");
  ExpectLines("b-", 0, 8, false, "stream b");
}

// 7b. Three records in the buffer: X (8 lines), Y, Z (2 lines each). X is
// split and its first part accepted; Y and Z go ahead of their turn and are
// accepted (held for their turn); then the endpoint is down for the rest of
// X. A stop: Y and Z settle, X's other parts are appended. Once each.
TEST_F(BufferRewriteTest, PartsReappendedWhileLaterRecordsAcceptedAhead) {
  options_.shutdown_grace_ms = 5000;
  config_.max_in_flight_per_stream = 4;
  bool up = false;
  bool down_again = false;
  int ahead_accepted = 0;
  http_.set_responder([&](const SeenRequest& r) -> std::optional<HttpResponse> {
    if (r.target != "PutLogEvents") return FakeHttp::Ok();
    if (!up) return FakeHttp::AwsError(503, "ServiceUnavailableException", "down");
    Strings m = MessagesOf(r.body);
    if (m.size() > 2) return FakeHttp::AwsError(400, "InvalidParameterException", "bad");
    bool x_part = m[0] < L(8);
    if (x_part && down_again) return FakeHttp::AwsError(503, "ServiceUnavailableException", "down");
    StoreOn(r);
    if (m[0] == L(0)) down_again = true;
    if (!x_part) ++ahead_accepted;
    return FakeHttp::Ok();
  });
  Write(0, 8);
  int64_t start = clock_.MonotonicMillis();
  bool w1 = false, w2 = false;
  EXPECT_EQ(kExitOk, Run(env_, [&](int) {
    int64_t t = clock_.MonotonicMillis() - start;
    if (t > 3000 && !w1) { Write(8, 10); w1 = true; }
    if (t > 6000 && !w2) { Write(10, 12); w2 = true; }
    if (t > 12000) up = true;
  }, [&] { return clock_.MonotonicMillis() - start > 40000; }));
  EXPECT_TRUE(down_again);
  EXPECT_EQ(0u, http_.in_flight());
  std::printf("ahead accepted: %d\n", ahead_accepted);
  Healthy(env_);
  ExpectLines("", 0, 12, false, "later records accepted ahead");
}

// 8. Several stops in a row, each restart reading back what the last one
// re-appended: random outages, random split sizes, random grace, random
// stops, optional disk faults. No loss ever; no duplicate when every stop
// was clean (no fault, nothing in flight at the end of any run).
class BufferRewriteSweepTest : public BufferRewriteTest, public ::testing::WithParamInterface<int> {};

TEST_P(BufferRewriteSweepTest, MultiStopSweep) {
  int seed = GetParam();
  std::mt19937 rng(static_cast<uint32_t>(seed) * 2654435761u + 7u);
  std::mt19937 fault_rng(static_cast<uint32_t>(seed) + 99u);
  SpoolFaultEnv env(env_);
  bool with_faults = seed % 3 == 0;
  if (with_faults) {
    env.rng = &fault_rng;
    env.append_fail_pct = static_cast<int>(rng() % 20);
    env.sync_fail_pct = static_cast<int>(rng() % 20);
  }
  if (rng() % 2) config_.buffer_memory_bytes = 600 + rng() % 3000;
  config_.max_in_flight_per_stream = 1 + rng() % 4;
  size_t max_events = 2 + rng() % 4;
  bool unclean = false;
  int n = 0;
  std::string log;
  for (int run = 0; run < 4; ++run) {
    options_.shutdown_grace_ms = 1000 + rng() % 6000;
    if (run > 0 && rng() % 2) max_events = 1 + rng() % 4;
    int64_t start = clock_.MonotonicMillis();
    std::vector<std::pair<int64_t, int64_t>> outages;
    for (int i = 0; i < 3; ++i) {
      int64_t from = start + static_cast<int64_t>(rng() % 30000);
      outages.push_back({from, from + 1000 + static_cast<int64_t>(rng() % 15000)});
    }
    std::map<uint64_t, int> asked, delay;
    FakeHttp http;
    http.set_held_poll_ms(50);
    http.set_responder([&](const SeenRequest& r) -> std::optional<HttpResponse> {
      if (r.target != "PutLogEvents") return FakeHttp::Ok();
      uint64_t tag = r.request.tag;
      if (!delay.count(tag)) delay[tag] = static_cast<int>(rng() % 5 == 0 ? rng() % 10 : 0);
      if (asked[tag]++ < delay[tag]) return std::nullopt;
      int64_t now = clock_.MonotonicMillis();
      for (auto& o : outages) {
        if (now >= o.first && now < o.second) {
          return FakeHttp::AwsError(503, "ServiceUnavailableException", "down");
        }
      }
      Strings m = MessagesOf(r.body);
      if (m.size() > max_events) return FakeHttp::AwsError(400, "InvalidParameterException", "bad");
      StoreOn(r);
      return FakeHttp::Ok();
    });
    if (run == 0) { Write(0, 6); n = 6; }
    int64_t last = start;
    int64_t stop_at = start + 3000 + static_cast<int64_t>(rng() % 40000);
    int rc = RunWith(env, http, [&](int) {
      if (clock_.MonotonicMillis() - last >= 400) {
        last = clock_.MonotonicMillis();
        int k = 1 + static_cast<int>(rng() % 4);
        Write(n, n + k);
        n += k;
      }
    }, [&] { return clock_.MonotonicMillis() >= stop_at; });
    EXPECT_EQ(kExitOk, rc);
    if (http.in_flight() > 0) unclean = true;
  }
  bool faults = env.append_failures + env.sync_failures > 0;
  env.rng = nullptr;
  Healthy(env_);
  SCOPED_TRACE("seed " + std::to_string(seed) + " faults " + std::to_string(faults) +
               " unclean " + std::to_string(unclean));
  ExpectLines("", 0, n, faults || unclean, "multi-stop sweep");
}

INSTANTIATE_TEST_SUITE_P(Seeds, BufferRewriteSweepTest, ::testing::Range(1, 201));

}  // namespace
}  // namespace edgelog::restart_test
