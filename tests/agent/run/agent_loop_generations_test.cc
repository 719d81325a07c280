// A truncated file's next generation is tracked apart from the one read
// before: a checkpoint saved when the old lines are acknowledged, before the
// new ones are, must not let a crash skip the new ones.
#include <gtest/gtest.h>

#include <map>
#include <string>

#include "tests/agent/run/agent_loop_test_fixture.h"

namespace edgelog::agent_loop_test {
namespace {

constexpr char kOther[] = "/var/log/other.log";

TEST_F(AgentLoopTest, ACrashAfterATruncationWasReadLosesNoNewLine) {
  // The old lines' batch is slow to be acknowledged; meanwhile app.log is
  // truncated and written past the old offset, and the agent reads the new
  // lines. The old batch's ack saves a checkpoint; the power is cut then.
  std::string old_text;
  for (int i = 0; i < 100; ++i) old_text += "old-line-" + std::to_string(1000 + i) + "\n";
  std::string new_text;
  for (int i = 0; i < 200; ++i) new_text += "new-line-" + std::to_string(1000 + i) + "\n";
  env_.WriteFile(kLog, old_text);
  bool truncated = false, release = false;
  int truncated_at = 0, released_at = 0;
  std::string crash_checkpoints;
  uint64_t crash_buffer = 0;
  http_.set_responder([&](const SeenRequest& r) -> std::optional<HttpResponse> {
    if (r.target != "PutLogEvents") return FakeHttp::Ok();
    for (const std::string& m : MessagesOf(r.body)) {
      if (m.rfind("old-", 0) == 0 && !release) return std::nullopt;  // in flight
      if (m.rfind("new-", 0) == 0 && crash_checkpoints.empty()) return std::nullopt;
    }
    return FakeHttp::Ok();
  });
  int rc = RunUntilStopped(
      [&](int wait) {
        if (!truncated && !http_.requests_for("PutLogEvents").empty()) {
          auto file = env_.OpenWritable(kLog, WriteMode::kTruncate);
          ASSERT_TRUE(file.ok());
          ASSERT_TRUE((*file)->Append(new_text).ok());
          truncated = true;
          truncated_at = wait;
          return;
        }
        if (truncated && !release && wait > truncated_at + 5) {
          release = true;
          released_at = wait;
        }
        // The old batch is acknowledged and its checkpoint saved by now.
        if (release && crash_checkpoints.empty() && wait > released_at + 50) {
          crash_checkpoints = env_.ReadFile(kCheckpoints);  // power cut here
          crash_buffer = BufferedBytes();
        }
      },
      [&] { return !crash_checkpoints.empty(); });
  (void)rc;
  ASSERT_FALSE(crash_checkpoints.empty());
  env_.WriteFile(kCheckpoints, crash_checkpoints);
  ASSERT_EQ(0u, crash_buffer);
  std::string dir = std::string(kStateDir) + "/buffer";
  if (auto names = env_.ListDir(dir); names.ok()) {
    for (const std::string& n : *names) (void)env_.Remove(dir + "/" + n);  // after the crash
  }
  http_.set_responder(nullptr);
  size_t puts = http_.requests_for("PutLogEvents").size();
  options_.once = true;
  EXPECT_EQ(kExitOk, RunOnce());
  Strings after = SentMessages(puts);
  int new_lines = 0;
  for (const std::string& m : after) new_lines += m.rfind("new-", 0) == 0;
  EXPECT_EQ(200, new_lines) << "new lines delivered after the crash; first: "
                            << (after.empty() ? "" : after.front());
}

// Counts Stat calls per path.
class StatCountingEnv : public EnvWrapper {
 public:
  explicit StatCountingEnv(Env& target) : EnvWrapper(target) {}
  StatusOr<FileInfo> Stat(const std::string& path) override {
    ++stats[path];
    return target().Stat(path);
  }
  std::map<std::string, int> stats;
};

// checkpoints.json from an earlier run names 500 files that are gone. Each
// save looked for every one of them again, for ever; now each is looked
// for once and dropped.
TEST_F(AgentLoopTest, CheckpointsOfFilesThatAreGoneAreLookedForOnceAndDropped) {
  std::vector<Checkpoint> old;
  for (int i = 0; i < 500; ++i) {
    Checkpoint c;
    c.id = FileId{99, static_cast<uint64_t>(1000 + i)};
    c.path = "/var/log/old/app-" + std::to_string(i) + ".log";
    c.offset = 10;
    old.push_back(c);
  }
  ASSERT_TRUE(SaveCheckpoints(env_, kCheckpoints, old).ok());
  env_.WriteFile(kLog, "line-0\n");
  StatCountingEnv env(env_);
  ScriptedPoller poller(clock_);
  FakeStop stop;
  int written = 0;
  int64_t last = clock_.MonotonicMillis();
  poller.on_wait = [&] {
    if (written < 20 && clock_.MonotonicMillis() - last >= 2000) {  // 20 saves or so
      last = clock_.MonotonicMillis();
      env_.AppendToFile(kLog, "line-" + std::to_string(++written) + "\n");
    }
    if (written == 20 && clock_.MonotonicMillis() - last >= 5000) stop.requested = true;
    if (poller.waits > 100000) stop.requested = true;
  };
  options_.once = false;
  AgentDeps deps{env, clock_, log_, poller, http_, *credentials_, &stop};
  AgentLoop loop(deps, config_, Entries(), context_, options_);
  ASSERT_EQ(kExitOk, loop.Run());
  ASSERT_EQ(21u, SentMessages().size());
  int looked = 0;
  for (const auto& [path, n] : env.stats) {
    if (path.rfind("/var/log/old/", 0) == 0) looked += n;
  }
  EXPECT_LE(looked, 500 * 2) << "stats of files that are gone";
  auto saved = LoadCheckpoints(env_, kCheckpoints);
  ASSERT_TRUE(saved.ok());
  EXPECT_EQ(1u, saved->size()) << "checkpoints of files that are gone were kept";
}

// A truncation read while a record still waits for its end (the default
// rule holds a line until the next one starts, or 1 s): the record is handed
// on as the file starts over, and the pipeline looks its source up while the
// next generation is being made. It crashed the agent (its id was given
// before the generation was known).
TEST_F(AgentLoopTest, ATruncationWhileARecordWaitsHandsItOnAndGoesOn) {
  env_.WriteFile(kLog, "old-1\nold-2\n");
  bool truncated = false;
  int rc = RunUntilStopped(
      [&](int) {
        if (truncated) return;  // the first wait comes after the first read
        truncated = true;
        auto file = env_.OpenWritable(kLog, WriteMode::kTruncate);
        ASSERT_TRUE(file.ok());
        ASSERT_TRUE((*file)->Append("new-1\n").ok());
      },
      [&] { return SentMessages().size() >= 3; });
  EXPECT_EQ(kExitOk, rc);
  EXPECT_EQ((Strings{"old-1", "old-2", "new-1"}), SentMessages());
}

class AgentLoopRotationTest : public AgentLoopTest {
 protected:
  // Rotates app.log `rotations` times while the agent runs, one line per
  // generation, keeping `keep` rotated generations (app.log.1 ..
  // app.log.KEEP, shifted up as logrotate does, the oldest deleted); stops
  // the agent 40 s after the last line was delivered (past a retry of
  // forgetting). Returns the lines written, in order.
  Strings RotateWhileRunning(int rotations, int keep) {
    Strings written{"line-0"};
    env_.WriteFile(kLog, "line-0\n");
    size_t answered = 0;
    http_.set_responder([&](const SeenRequest& r) -> std::optional<HttpResponse> {
      if (r.target == "PutLogEvents") ++answered;
      return FakeHttp::Ok();
    });
    int done = 0;
    int64_t last = clock_.MonotonicMillis();
    const std::string base = kLog;
    auto rotate = [&](int) {
      if (done >= rotations || answered <= static_cast<size_t>(done) ||
          clock_.MonotonicMillis() - last < 1500) {
        return;
      }
      last = clock_.MonotonicMillis();
      (void)env_.Remove(base + "." + std::to_string(keep));  // absent at first
      for (int k = keep - 1; k >= 1; --k) {
        (void)env_.Rename(base + "." + std::to_string(k), base + "." + std::to_string(k + 1));
      }
      EXPECT_TRUE(env_.Rename(base, base + ".1").ok());
      written.push_back("line-" + std::to_string(++done));
      env_.WriteFile(kLog, written.back() + "\n");
    };
    int64_t finished_at = -1;
    auto finished = [&] {
      if (done < rotations || answered <= static_cast<size_t>(done)) return false;
      if (finished_at < 0) finished_at = clock_.MonotonicMillis();
      return clock_.MonotonicMillis() - finished_at >= 40000;
    };
    EXPECT_EQ(kExitOk, RunUntilStopped(rotate, finished));
    return written;
  }
};

// 300 create rotations while the agent runs: every generation is read,
// delivered, rotated away and deleted. Each used to stay in memory for the
// rest of the run (a source in the tailer, its offsets in the tracker:
// about 750 bytes a rotation); once its file is gone it is forgotten.
TEST_F(AgentLoopRotationTest, GenerationsReadDeliveredAndGoneAreForgotten) {
  Strings written = RotateWhileRunning(300, 1);
  EXPECT_EQ(written, SentMessages()) << "a line lost or repeated";
  EXPECT_GE(summary_.files_followed, 300u);
  EXPECT_LE(summary_.files_remembered, 3u) << "of " << summary_.files_followed << " followed";
}

// The same under a pattern that matches the rotated names, with five
// generations kept on disk, every match followed (publish_multi_logs): a
// generation is remembered while its file is still there under a name the
// pattern matches (forgotten, it would be found again and read twice), and
// forgotten once logrotate deletes it.
TEST_F(AgentLoopRotationTest, GenerationsStillOnDiskAreRememberedUntilDeleted) {
  config_.files[0].file_path = std::string(kLog) + "*";
  config_.files[0].publish_multi_logs = true;
  Strings written = RotateWhileRunning(120, 5);
  EXPECT_EQ(written, SentMessages()) << "a line lost or repeated";
  EXPECT_GE(summary_.files_followed, 120u);
  EXPECT_LE(summary_.files_remembered, 8u) << "of " << summary_.files_followed << " followed";
  EXPECT_GE(summary_.files_remembered, 6u) << "files still on disk were forgotten";
}

// Without publish_multi_logs only the newest match is followed (the
// CloudWatch agent's logfile.go, getTargetFiles): each generation is
// finished, then let go, though its file stays on disk under a name the
// pattern matches. Nothing is lost or read twice.
TEST_F(AgentLoopRotationTest, WithoutPublishMultiLogsGenerationsAreFinishedThenFollowedClosed) {
  // Each generation the pattern matches keeps its name followed (as the
  // agent's tailer follows a name), closed: remembered while it exists, the
  // live file and the 5 kept, never the 120 gone.
  config_.files[0].file_path = std::string(kLog) + "*";
  Strings written = RotateWhileRunning(120, 5);
  EXPECT_EQ(written, SentMessages()) << "a line lost or repeated";
  EXPECT_GE(summary_.files_followed, 120u);
  EXPECT_LE(summary_.files_remembered, 6u) << "of " << summary_.files_followed << " followed";
}

}  // namespace
}  // namespace edgelog::agent_loop_test
