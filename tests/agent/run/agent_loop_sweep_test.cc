// The whole pipeline under the durability sweep: tailer, batcher, sender,
// disk buffer, rejected file and checkpoints together. For N = 1, 2, ...
// until a trial runs with the fault never firing, an agent runs over a
// FaultEnv whose N-th mutating call fails (EIO or ENOSPC, once or from then
// on), against an endpoint that answers, in turn, success, throttling, a
// refused connection (so batches spill to disk), a page that is not
// CloudWatch's, and a partial acceptance (the first event of the request
// refused as too old, in rejectedLogEventsInfo); and
// InvalidParameterException for any request holding a poisoned line. Then the power goes (unsynced bytes dropped), and a second
// run on a healthy disk and endpoint finishes the job. A fault "from then
// on" followed by the power loss is a crash at call N, so every call of the
// run is a crash point in turn.
//
// The invariant after every trial: every line is delivered or kept in
// rejected.jsonl; only lines the endpoint refused (poisoned, or refused in
// a partial acceptance) are kept there; and nothing is delivered that was
// never written.
#include <gtest/gtest.h>

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "tests/agent/run/agent_loop_test_fixture.h"
#include "tests/support/fault_env.h"

namespace edgelog::agent_loop_test {
namespace {

using testing::FaultEnv;
using testing::FaultKind;
using testing::FaultPersistence;
using testing::MemEnv;

constexpr int kLines = 240;
constexpr char kRejected[] = "/var/lib/edgelog/rejected.jsonl";

std::string LineText(int i) {
  // Every 37th line is poison: CloudWatch refuses any request holding it.
  return "line-" + std::to_string(1000 + i) + (i % 37 == 5 ? " POISON" : "") + " " +
         std::string(40 + i % 50, 'x');
}

struct TrialResult {
  bool fired = false;
  std::string problem;  // empty when the invariant held
};

class AgentLoopSweepTest : public AgentLoopTest {
 protected:
  // The endpoint of the first run: its answers cycle, request by request.
  std::optional<HttpResponse> Faulty(const SeenRequest& r) {
    if (r.target == "PutLogEvents") {
      for (const std::string& m : MessagesOf(r.body)) {
        if (m.find("POISON") != std::string::npos) {
          return FakeHttp::AwsError(400, "InvalidParameterException", "poisoned event");
        }
      }
    }
    switch (turn_++ % 6) {
      case 1: return FakeHttp::AwsError(400, "ThrottlingException", "Rate exceeded");
      case 2: return FakeHttp::Transport(TransportError::kConnect);
      case 4: {
        HttpResponse portal = FakeHttp::Ok("<html>portal</html>");
        portal.request_id.clear();
        return portal;
      }
      case 5: {
        if (r.target != "PutLogEvents") break;
        Strings messages = MessagesOf(r.body);
        if (messages.empty()) break;
        refused_.insert(messages[0]);
        ++refused_total_;
        for (size_t i = 1; i < messages.size(); ++i) ++delivered_[messages[i]];
        return FakeHttp::Ok(R"({"rejectedLogEventsInfo":{"tooOldLogEventEndIndex":0}})");
      }
      default: break;
    }
    Record(r);
    return FakeHttp::Ok();
  }

  std::optional<HttpResponse> Healthy(const SeenRequest& r) {
    if (r.target == "PutLogEvents") {
      for (const std::string& m : MessagesOf(r.body)) {
        if (m.find("POISON") != std::string::npos) {
          return FakeHttp::AwsError(400, "InvalidParameterException", "poisoned event");
        }
      }
    }
    Record(r);
    return FakeHttp::Ok();
  }

  void Record(const SeenRequest& r) {
    if (r.target != "PutLogEvents") return;
    for (const std::string& m : MessagesOf(r.body)) ++delivered_[m];
  }

  TrialResult RunTrial(int fail_at, FaultKind kind, FaultPersistence persistence) {
    MemEnv mem;  // a new disk for every trial
    EXPECT_TRUE(mem.CreateDirs(kStateDir).ok());
    delivered_.clear();
    refused_.clear();
    turn_ = 0;
    std::string text;
    for (int i = 0; i < kLines / 2; ++i) text += LineText(i) + "\n";
    mem.WriteFile(kLog, text);

    // The first run: faults on the disk and on the wire; the writer goes on
    // while it runs; then the power goes.
    // The application syncs what it writes: a power loss keeps its lines.
    auto app = mem.OpenWritable(kLog, WriteMode::kAppend);
    EXPECT_TRUE(app.ok());
    auto write_line = [&](int i) {
      EXPECT_TRUE((*app)->Append(LineText(i) + "\n").ok());
      EXPECT_TRUE((*app)->Sync().ok());
    };
    FaultEnv faults(mem);
    faults.FailCall(fail_at, kind, persistence);
    http_.set_responder([this](const SeenRequest& r) { return Faulty(r); });
    {
      ScriptedPoller poller(clock_);
      FakeStop stop;
      int written = kLines / 2;
      int64_t start = clock_.MonotonicMillis();
      poller.on_wait = [&] {
        if (written < kLines) write_line(written++);
        if (clock_.MonotonicMillis() - start > 60000 || poller.waits > 20000) {
          stop.requested = true;
        }
      };
      RunOptions options = options_;
      options.once = false;
      AgentDeps deps{faults, clock_, log_, poller, http_, *credentials_, &stop};
      AgentLoop loop(deps, config_, Entries(), context_, options);
      loop.Run();  // may fail: the disk does
      while (written < kLines) write_line(written++);
    }
    bool fired = faults.fired();
    mem.SimulateCrash(/*keep_unsynced_bytes=*/false);

    // The second run: a healthy disk and endpoint, to the end.
    EXPECT_TRUE(mem.CreateDirs(kStateDir).ok());  // as the command line does
    http_.set_responder([this](const SeenRequest& r) { return Healthy(r); });
    int rc;
    {
      RunOptions options = options_;
      options.once = true;
      AgentDeps deps{mem, clock_, log_, poller_, http_, *credentials_, nullptr};
      AgentLoop loop(deps, config_, Entries(), context_, options);
      rc = loop.Run();
    }
    TrialResult result;
    result.fired = fired;
    if (rc != kExitOk) result.problem = "the second run exited " + std::to_string(rc);
    std::set<std::string> kept;
    std::string rejected = mem.ReadFile(kRejected);
    for (int i = 0; i < kLines; ++i) {
      std::string m = LineText(i);
      bool in_rejected = rejected.find("\"" + m + "\"") != std::string::npos;
      bool poison = m.find("POISON") != std::string::npos;
      bool refused = refused_.count(m) > 0;  // in a partial acceptance, at least once
      if (poison && !in_rejected) result.problem += " poison line " + std::to_string(i) + " not kept;";
      if (!poison && !refused && in_rejected) {
        result.problem += " line " + std::to_string(i) + " rejected;";
      }
      if (!poison && delivered_.count(m) == 0 && !(refused && in_rejected)) {
        result.problem += " line " + std::to_string(i) + " lost;";
      }
    }
    for (const auto& [m, n] : delivered_) {
      if (m.rfind("line-", 0) != 0) result.problem += " phantom " + m + ";";
    }
    return result;
  }

  std::map<std::string, int> delivered_;
  std::set<std::string> refused_;  // refused by a partial acceptance
  int refused_total_ = 0;          // in all trials
  int turn_ = 0;
};

TEST_F(AgentLoopSweepTest, EveryLineIsDeliveredOrKeptWhicheverCallFailsThenThePowerGoes) {
  config_.force_flush_interval_s = 1;
  int trials = 0;
  int failed = 0;
  std::string first_problem;
  for (FaultKind kind : {FaultKind::kIoError, FaultKind::kNoSpace}) {
    for (FaultPersistence persistence : {FaultPersistence::kOnce, FaultPersistence::kFromThenOn}) {
      for (int n = 1; n < 2000; ++n) {
        TrialResult r = RunTrial(n, kind, persistence);
        ++trials;
        if (!r.problem.empty()) {
          ++failed;
          if (first_problem.empty()) {
            first_problem = "call " + std::to_string(n) + ":" + r.problem.substr(0, 400);
          }
        }
        if (!r.fired) break;  // every call of the run was visited
      }
    }
  }
  std::printf("pipeline sweep: %d trials, %d broke the invariant; %d events refused in "
              "partial acceptances\n", trials, failed, refused_total_);
  EXPECT_GT(refused_total_, 0) << "no partial acceptance was tried";
  EXPECT_EQ(0, failed) << first_problem;
  EXPECT_GT(trials, 40);
}

}  // namespace
}  // namespace edgelog::agent_loop_test
