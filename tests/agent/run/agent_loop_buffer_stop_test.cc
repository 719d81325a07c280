// Split batches, the disk buffer and the stop: parts spilled together
// during an outage, the disk filling or failing to sync as they go, a batch
// read back from the buffer split and partly answered at a stop; and a
// sweep of all that with random disk faults. Nothing lost, ever; no
// duplicate after a clean stop unless a request was still out.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "tests/agent/run/restart_fixture.h"

namespace edgelog::restart_test {
namespace {

// A batch read back from the disk buffer is split (CloudWatch refuses more
// than 2 events); its first part [0,1] is accepted, then the endpoint goes
// down (503, every request answered). A clean stop, a restart: each line
// once. Its record was kept whole, and the part CloudWatch took came again;
// now its other parts are appended anew and the record closed.
TEST_F(RestartTest, BufferedSplitBatchPartAcceptedThenOutageAtAStop) {
  options_.shutdown_grace_ms = 5000;
  bool up = false;
  bool down_again = false;
  http_.set_responder([&](const SeenRequest& r) -> std::optional<HttpResponse> {
    if (r.target != "PutLogEvents") return FakeHttp::Ok();
    if (!up || down_again) return FakeHttp::AwsError(503, "ServiceUnavailableException", "down");
    Strings m = MessagesOf(r.body);
    if (m.size() > 2) return FakeHttp::AwsError(400, "InvalidParameterException", "bad");
    Store(r);
    if (m[0] == L(0)) down_again = true;
    return FakeHttp::Ok();
  });
  Write(0, 8);
  int64_t start = clock_.MonotonicMillis();
  int rc = Run(env_, [&](int) {
    if (clock_.MonotonicMillis() - start > 10000) up = true;
  }, [&] { return clock_.MonotonicMillis() - start > 40000; });
  EXPECT_EQ(kExitOk, rc);
  ASSERT_TRUE(down_again);
  EXPECT_EQ(1, stored_[L(0)]);
  EXPECT_EQ(0u, http_.in_flight()) << "a request was unanswered at the end of the grace";
  RestartHealthy(env_);
  ExpectEachOnce(8);
}

// CloudWatch refuses more than 2 events (split), and the first part sent
// meets an outage: no part answered, the parts leave together for the disk
// buffer. Back up later; a stop once all is stored; a restart: once each.
TEST_F(RestartTest, SplitPartsSpilledTogetherDuringAnOutage) {
  bool down = false;
  bool was_down = false;
  http_.set_responder([&](const SeenRequest& r) -> std::optional<HttpResponse> {
    if (r.target != "PutLogEvents") return FakeHttp::Ok();
    Strings m = MessagesOf(r.body);
    if (m.size() > 2 && !down) return FakeHttp::AwsError(400, "InvalidParameterException", "bad");
    if (!was_down && m.size() <= 2) { down = true; was_down = true; }
    if (down) return FakeHttp::AwsError(503, "ServiceUnavailableException", "down");
    if (m.size() > 2) return FakeHttp::AwsError(400, "InvalidParameterException", "bad");
    Store(r);
    return FakeHttp::Ok();
  });
  Write(0, 8);
  bool wrote = false;
  int64_t start = clock_.MonotonicMillis();
  int rc = Run(env_, [&](int) {
    int64_t t = clock_.MonotonicMillis() - start;
    if (t > 3000 && !wrote) { Write(8, 10); wrote = true; }
    if (t > 15000) down = false;
  }, [&] { return clock_.MonotonicMillis() - start > 60000; });
  EXPECT_EQ(kExitOk, rc);
  EXPECT_TRUE(was_down);
  RestartHealthy(env_);
  ExpectEachOnce(10);
}

// The same split meets the outage, and the disk fills after the first part
// is appended (not at a stop): the others wait in memory. Then the disk has
// room again, the endpoint comes back: once each, nothing lost.
TEST_F(RestartTest, DiskFullWhileSplitPartsSpillDuringAnOutage) {
  SpoolFaultEnv env(env_);
  bool down = false;
  bool was_down = false;
  http_.set_responder([&](const SeenRequest& r) -> std::optional<HttpResponse> {
    if (r.target != "PutLogEvents") return FakeHttp::Ok();
    Strings m = MessagesOf(r.body);
    if (m.size() > 2 && !down) return FakeHttp::AwsError(400, "InvalidParameterException", "bad");
    if (!was_down && m.size() <= 2) {
      down = true; was_down = true;
      env.appends_left = 1;
    }
    if (down) return FakeHttp::AwsError(503, "ServiceUnavailableException", "down");
    Store(r);
    return FakeHttp::Ok();
  });
  Write(0, 8);
  bool wrote = false;
  int64_t start = clock_.MonotonicMillis();
  int rc = Run(env, [&](int) {
    int64_t t = clock_.MonotonicMillis() - start;
    if (t > 3000 && !wrote) { Write(8, 10); wrote = true; }
    if (t > 20000) env.appends_left = -1;
    if (t > 30000) down = false;
  }, [&] { return clock_.MonotonicMillis() - start > 70000; });
  EXPECT_EQ(kExitOk, rc);
  EXPECT_TRUE(was_down);
  RestartHealthy(env_);
  ExpectEachOnce(10);
}

// As above, the disk full after one part, and a stop while still down: the
// checkpoint must not pass the parts left in memory.
TEST_F(RestartTest, DiskFullWhileSplitPartsSpillThenAStopWhileDown) {
  options_.shutdown_grace_ms = 2000;
  SpoolFaultEnv env(env_);
  bool down = false;
  http_.set_responder([&](const SeenRequest& r) -> std::optional<HttpResponse> {
    if (r.target != "PutLogEvents") return FakeHttp::Ok();
    Strings m = MessagesOf(r.body);
    if (m.size() > 2 && !down) return FakeHttp::AwsError(400, "InvalidParameterException", "bad");
    if (!down) { down = true; env.appends_left = 1; }
    return FakeHttp::AwsError(503, "ServiceUnavailableException", "down");
  });
  Write(0, 8);
  bool wrote = false;
  int64_t start = clock_.MonotonicMillis();
  int rc = Run(env, [&](int) {
    int64_t t = clock_.MonotonicMillis() - start;
    if (t > 3000 && !wrote) { Write(8, 10); wrote = true; }
  }, [&] { return clock_.MonotonicMillis() - start > 20000; });
  EXPECT_EQ(kExitOk, rc);
  env.appends_left = -1;
  RestartHealthy(env_);
  ExpectNoneLost(10);
}

// The split parts spill during an outage while the disk buffer cannot be
// synced (3 failures): appended again, nothing lost, once each.
TEST_F(RestartTest, SyncFailuresWhileSplitPartsSpillDuringAnOutage) {
  SpoolFaultEnv env(env_);
  bool down = false;
  bool was_down = false;
  http_.set_responder([&](const SeenRequest& r) -> std::optional<HttpResponse> {
    if (r.target != "PutLogEvents") return FakeHttp::Ok();
    Strings m = MessagesOf(r.body);
    if (m.size() > 2 && !down) return FakeHttp::AwsError(400, "InvalidParameterException", "bad");
    if (!was_down && m.size() <= 2) {
      down = true; was_down = true;
      env.fail_syncs = 3;
    }
    if (down) return FakeHttp::AwsError(503, "ServiceUnavailableException", "down");
    Store(r);
    return FakeHttp::Ok();
  });
  Write(0, 8);
  bool wrote = false;
  int64_t start = clock_.MonotonicMillis();
  int rc = Run(env, [&](int) {
    int64_t t = clock_.MonotonicMillis() - start;
    if (t > 3000 && !wrote) { Write(8, 10); wrote = true; }
    if (t > 20000) down = false;
  }, [&] { return clock_.MonotonicMillis() - start > 60000; });
  EXPECT_EQ(kExitOk, rc);
  EXPECT_GT(env.sync_failures, 0);
  RestartHealthy(env_);
  ExpectEachOnce(10);
}

// The stop sweep with disk buffer faults (appends and syncs failing at
// random), a small memory budget (spilling when behind, not only when
// down), splits, refused events and outages: nothing lost, ever.
class BufferFaultSweepTest : public RestartTest, public ::testing::WithParamInterface<int> {
 protected:
  static int IndexOf(const std::string& m) { return std::atoi(m.c_str() + 5); }
  static bool Bad(const std::string& m) { return m.find("-BAD") != std::string::npos; }
  static bool Old(const std::string& m) { return m.find("-OLD") != std::string::npos; }
  HttpResponse Judge(const Strings& m) {
    bool bad = std::any_of(m.begin(), m.end(), Bad);
    if (bad || m.size() > max_events_) {
      return FakeHttp::AwsError(400, "InvalidParameterException", "bad event");
    }
    bool old_first = Old(m[0]);
    for (size_t i = old_first ? 1 : 0; i < m.size(); ++i) ++counts_[IndexOf(m[i])];
    if (old_first) return FakeHttp::Ok(R"({"rejectedLogEventsInfo":{"tooOldLogEventEndIndex":0}})");
    return FakeHttp::Ok();
  }
  std::map<int, int> counts_;
  size_t max_events_ = 1000000;
};

TEST_P(BufferFaultSweepTest, NothingLostWithDiskBufferFaults) {
  int seed = GetParam();
  std::mt19937 rng(static_cast<uint32_t>(seed) * 7919u + 13u);
  std::mt19937 fault_rng(static_cast<uint32_t>(seed) + 1000u);
  options_.shutdown_grace_ms = 1000 + rng() % 8000;
  config_.max_in_flight_per_stream = 1 + rng() % 6;
  if (rng() % 2) config_.buffer_memory_bytes = 600 + rng() % 4000;
  if (rng() % 2) max_events_ = 2 + rng() % 6;  // many splits
  http_.set_held_poll_ms(50);
  SpoolFaultEnv env(env_);
  env.rng = &fault_rng;
  env.append_fail_pct = static_cast<int>(rng() % 30);
  env.sync_fail_pct = static_cast<int>(rng() % 30);
  if (seed % 2 == 0) env.append_fail_pct = env.sync_fail_pct = 0;
  std::map<uint64_t, int> asked;
  std::map<uint64_t, int> delay;
  std::vector<std::pair<int64_t, int64_t>> outages;
  int64_t start = clock_.MonotonicMillis();
  for (int i = 0; i < 3; ++i) {
    int64_t from = start + static_cast<int64_t>(rng() % 60000);
    outages.push_back({from, from + 1000 + static_cast<int64_t>(rng() % 20000)});
  }
  auto down = [&] {
    int64_t now = clock_.MonotonicMillis();
    for (auto& o : outages) if (now >= o.first && now < o.second) return true;
    return false;
  };
  http_.set_responder([&](const SeenRequest& r) -> std::optional<HttpResponse> {
    if (r.target != "PutLogEvents") return FakeHttp::Ok();
    uint64_t tag = r.request.tag;
    if (!delay.count(tag)) delay[tag] = static_cast<int>(rng() % 4 == 0 ? rng() % 20 : 0);
    if (asked[tag]++ < delay[tag]) return std::nullopt;
    if (down()) {
      return rng() % 2 ? FakeHttp::AwsError(503, "ServiceUnavailableException", "down")
                       : FakeHttp::Transport(TransportError::kConnect);
    }
    return Judge(MessagesOf(r.body));
  });
  int n = 0;
  auto write = [&](int k) {
    std::string text;
    for (int i = 0; i < k; ++i, ++n) {
      text += L(n);
      int roll = static_cast<int>(rng() % 100);
      if (roll < 3) {
        text += "-BAD";
      } else if (roll < 6) {
        text += "-OLD";
      }
      text += "\n";
    }
    env_.AppendToFile(kLog, text);
  };
  write(5);
  int64_t stop_at = start + 5000 + static_cast<int64_t>(rng() % 70000);
  int64_t last_write = start;
  auto act = [&](int) {
    if (clock_.MonotonicMillis() - last_write >= 300) {
      last_write = clock_.MonotonicMillis();
      write(1 + static_cast<int>(rng() % 4));
    }
  };
  EXPECT_EQ(kExitOk, Run(env, act, [&] { return clock_.MonotonicMillis() >= stop_at; }));
  bool grace_ran_out = log_.Count(LogLevel::kWarning, "stopping with data not yet") > 0;
  bool faults = env.append_failures + env.sync_failures > 0;
  bool unanswered = http_.in_flight() > 0;  // requests unanswered at the end of run 1
  if (std::getenv("EDGELOG_SWEEP_DEBUG")) {
    std::printf("=== run 1 log\n%s\n=== run 1 stored:", log_.Text().c_str());
    for (auto& [i, c] : counts_) std::printf(" %d:%d", i, c);
    std::printf("\n");
  }
  FakeHttp http;
  http.set_responder([&](const SeenRequest& r) -> std::optional<HttpResponse> {
    if (r.target != "PutLogEvents") return FakeHttp::Ok();
    return Judge(MessagesOf(r.body));
  });
  options_.once = true;
  AgentDeps deps{env_, clock_, log_, poller_, http, *credentials_, nullptr};
  {
    AgentLoop loop(deps, config_, Entries(), context_, options_);
    EXPECT_EQ(kExitOk, loop.Run());
  }
  std::string text = env_.ReadFile(kLog);
  int lost = 0, dup = 0;
  std::string detail;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t nl = text.find('\n', pos);
    std::string m = text.substr(pos, nl - pos);
    pos = nl + 1;
    if (Bad(m) || Old(m)) continue;
    int c = counts_[IndexOf(m)];
    if (c == 0) ++lost;
    if (c > 1) ++dup;
    if (c != 1 && detail.size() < 300) detail += m + "x" + std::to_string(c) + " ";
  }
  EXPECT_EQ(0, lost) << detail << " (append failures " << env.append_failures
                     << ", sync failures " << env.sync_failures << ")";
  (void)grace_ran_out;
  if (unanswered || faults) return;
  EXPECT_EQ(0, dup) << detail << " (no request unanswered at the stop; grace ran out: "
                    << grace_ran_out << ")";
}

INSTANTIATE_TEST_SUITE_P(Seeds, BufferFaultSweepTest, ::testing::Range(1, 1001));

}  // namespace
}  // namespace edgelog::restart_test
