// The whole agent across a stop and a restart, against a model of
// CloudWatch that counts what it stored: the fixture shared by the stop and
// forgetting tests.
#ifndef EDGELOG_TESTS_AGENT_RUN_RESTART_FIXTURE_H_
#define EDGELOG_TESTS_AGENT_RUN_RESTART_FIXTURE_H_

#include <gtest/gtest.h>

#include <cstdio>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <string>

#include "agent/run/agent_loop.h"
#include "tests/agent/run/agent_loop_test_fixture.h"

namespace edgelog::restart_test {

using agent_loop_test::AgentLoopTest;
using agent_loop_test::FakeStop;
using agent_loop_test::kLog;
using agent_loop_test::kStateDir;
using agent_loop_test::MessagesOf;
using agent_loop_test::RejectedUnwritableEnv;
using agent_loop_test::ScriptedPoller;
using agent_loop_test::Strings;
using testing::FakeHttp;
using testing::SeenRequest;

inline std::string L(int i) {
  char b[32];
  std::snprintf(b, sizeof(b), "line-%04d", i);
  return b;
}

class RestartTest : public AgentLoopTest {
 protected:
  RestartTest() { config_.force_flush_interval_s = 1; }

  void Write(int from, int to, const std::string& path = kLog) {
    std::string text;
    for (int i = from; i < to; ++i) text += L(i) + "\n";
    env_.AppendToFile(path, text);
  }

  // Records every message of an accepted PutLogEvents (minus those the
  // answer refuses as too old: `refused_head` first events).
  void Store(const SeenRequest& r, size_t refused_head = 0) {
    Strings m = MessagesOf(r.body);
    for (size_t i = refused_head; i < m.size(); ++i) ++stored_[m[i]];
  }

  // Runs an agent (not --once) over `env` until `stop_when`, then SIGTERM.
  int Run(Env& env, std::function<void(int)> act, std::function<bool()> stop_when) {
    return RunWith(env, http_, std::move(act), std::move(stop_when));
  }
  // Run() with an endpoint of its own (a new process: a new connection pool).
  int RunWith(Env& env, FakeHttp& http, std::function<void(int)> act,
              std::function<bool()> stop_when) {
    ScriptedPoller poller(clock_);
    FakeStop stop;
    poller.on_wait = [&] {
      if (act) act(poller.waits);
      if (stop_when() || poller.waits > 200000) stop.requested = true;
    };
    options_.once = false;
    AgentDeps deps{env, clock_, log_, poller, http, *credentials_, &stop};
    AgentLoop loop(deps, config_, Entries(), context_, options_);
    int rc = loop.Run();
    summary_ = loop.summary();
    return rc;
  }

  // A healthy CloudWatch; a --once run delivers whatever is left.
  // A new process: a new connection pool (requests of the stopped one are
  // gone with it). `refuse_first` refuses the events named (too old).
  void RestartHealthy(Env& env, const std::string& too_old = "") {
    FakeHttp http;
    http.set_responder([&](const SeenRequest& r) -> std::optional<HttpResponse> {
      if (r.target != "PutLogEvents") return FakeHttp::Ok();
      Strings m = MessagesOf(r.body);
      if (!too_old.empty() && m[0] == too_old) {
        Store(r, 1);
        return FakeHttp::Ok(R"({"rejectedLogEventsInfo":{"tooOldLogEventEndIndex":0}})");
      }
      Store(r);
      return FakeHttp::Ok();
    });
    options_.once = true;
    AgentDeps deps{env, clock_, log_, poller_, http, *credentials_, nullptr};
    AgentLoop loop(deps, config_, Entries(), context_, options_);
    EXPECT_EQ(kExitOk, loop.Run());
  }

  // Every line [0, n) stored exactly once (or listed in `may_be_missing`).
  void ExpectEachOnce(int n) {
    int lost = 0;
    int dup = 0;
    std::string detail;
    for (int i = 0; i < n; ++i) {
      int c = stored_.count(L(i)) ? stored_[L(i)] : 0;
      if (c == 0) ++lost;
      if (c > 1) ++dup;
      if (c != 1 && detail.size() < 600) detail += L(i) + "x" + std::to_string(c) + " ";
    }
    EXPECT_EQ(0, lost) << detail;
    EXPECT_EQ(0, dup) << detail;
  }

  // Every line [0, n) stored at least once (after a fault, some twice).
  void ExpectNoneLost(int n) {
    std::string lost;
    for (int i = 0; i < n; ++i) {
      if (stored_.count(L(i)) == 0 || stored_[L(i)] == 0) lost += L(i) + " ";
    }
    EXPECT_EQ("", lost) << "lost";
  }

  std::map<std::string, int> stored_;
};

// Disk buffer files: appends fail (ENOSPC) while `appends_left` is 0 (< 0:
// never), syncs fail while `fail_syncs` > 0 (each failure counts down), or
// at random with `rng`; rejected.jsonl cannot be opened while
// `refuse_rejected`.
class SpoolFaultEnv : public EnvWrapper {
 public:
  explicit SpoolFaultEnv(Env& target) : EnvWrapper(target) {}
  StatusOr<std::unique_ptr<WritableFile>> OpenWritable(const std::string& path,
                                                       WriteMode mode) override {
    if (refuse_rejected && path.find("rejected.jsonl") != std::string::npos) {
      return Status::IoError("open " + path + ": Input/output error");
    }
    auto f = target().OpenWritable(path, mode);
    if (!f.ok() || path.find("/buffer/") == std::string::npos) return f;
    return std::unique_ptr<WritableFile>(std::make_unique<File>(this, std::move(*f)));
  }
  int appends_left = -1;
  int fail_syncs = 0;
  bool refuse_rejected = false;
  std::mt19937* rng = nullptr;
  int append_fail_pct = 0;
  int sync_fail_pct = 0;
  int append_failures = 0;
  int sync_failures = 0;

 private:
  class File : public WritableFile {
   public:
    File(SpoolFaultEnv* env, std::unique_ptr<WritableFile> t) : env_(env), t_(std::move(t)) {}
    Status Append(std::string_view data) override {
      if (env_->appends_left == 0 ||
          (env_->rng && static_cast<int>((*env_->rng)() % 100) < env_->append_fail_pct)) {
        ++env_->append_failures;
        return Status::NoSpace("no space left on device");
      }
      if (env_->appends_left > 0) --env_->appends_left;
      return t_->Append(data);
    }
    Status Sync() override {
      if (env_->fail_syncs > 0 ||
          (env_->rng && static_cast<int>((*env_->rng)() % 100) < env_->sync_fail_pct)) {
        if (env_->fail_syncs > 0) --env_->fail_syncs;
        ++env_->sync_failures;
        return Status::IoError("fsync: Input/output error");
      }
      return t_->Sync();
    }
    Status Close() override { return t_->Close(); }

   private:
    SpoolFaultEnv* env_;
    std::unique_ptr<WritableFile> t_;
  };
};

}  // namespace edgelog::restart_test

#endif  // EDGELOG_TESTS_AGENT_RUN_RESTART_FIXTURE_H_
