// auto_removal in whole runs: an entry's older file is deleted only after
// CloudWatch acknowledged every line of it (the agent's tailersrc.go deletes
// it once read; edgelog waits for the acknowledgements), never the newest
// file, and a run stopped before the deletion deletes it at the next start
// without sending anything again.
#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <string>

#include "tests/agent/run/agent_loop_test_fixture.h"

namespace edgelog::agent_loop_test {
namespace {

constexpr char kGlob[] = "/var/log/app-*.log";
constexpr char kOld[] = "/var/log/app-1.log";
constexpr char kNew[] = "/var/log/app-2.log";

class AutoRemovalLoopTest : public AgentLoopTest {
 protected:
  AutoRemovalLoopTest() {
    config_.files.clear();
    FileEntry e = Entry(kGlob, "/app/group", "host-1");
    e.auto_removal = true;
    config_.files.push_back(e);
    EXPECT_TRUE(env_.CreateDirs("/var/log").ok());
    env_.WriteFile(kOld, Lines("old", 50));
  }

  // The application moves on to a newer file once the older one's lines
  // went out (sent, answered or not). Only the newest match is followed
  // (the agent's getTargetFiles), so the older one must be followed first.
  void NewFileOnceOldIsSent() {
    if (env_.Exists(kNew)) return;
    for (const std::string& m : SentMessages()) {
      if (m == "old-1049") {
        env_.WriteFile(kNew, Lines("new", 10));
        return;
      }
    }
  }

  // Entry 1 names the older file itself, without auto_removal, writing to
  // `stream`; runs until the newer file was sent and a minute passed, long
  // past the quiet time.
  void RunWithOlderFileNamedByAnEntryWithoutAutoRemoval(const std::string& stream) {
    config_.files.push_back(Entry(kOld, "/app/group", stream));
    int64_t start_ms = clock_.MonotonicMillis();
    int rc = RunUntilStopped([&](int) { NewFileOnceOldIsSent(); }, [&] {
      Strings sent = SentMessages();
      return std::find(sent.begin(), sent.end(), "new-1009") != sent.end() &&
             clock_.MonotonicMillis() > start_ms + 60000;
    });
    EXPECT_EQ(kExitOk, rc);
  }

  static std::string Lines(const std::string& tag, int n) {
    std::string out;
    for (int i = 0; i < n; ++i) out += tag + "-" + std::to_string(1000 + i) + "\n";
    return out;
  }

  // Every line accepted (`accepted`; by default every line sent), each
  // exactly once.
  void ExpectEachLineOnce(int old_lines, int new_lines, const Strings& accepted = {}) {
    std::multiset<std::string> sent;
    for (const std::string& m : accepted.empty() ? SentMessages() : accepted) sent.insert(m);
    for (int i = 0; i < old_lines; ++i) {
      EXPECT_EQ(1u, sent.count("old-" + std::to_string(1000 + i))) << i;
    }
    for (int i = 0; i < new_lines; ++i) {
      EXPECT_EQ(1u, sent.count("new-" + std::to_string(1000 + i))) << i;
    }
    EXPECT_EQ(static_cast<size_t>(old_lines + new_lines), sent.size());
  }
};

TEST_F(AutoRemovalLoopTest, TheOlderFileIsDeletedOnlyAfterItsLinesAreAcknowledged) {
  bool acknowledging = false;
  int64_t released_ms = 0;
  bool deleted_before_ack = false;
  http_.set_held_poll_ms(100);  // time passes while requests wait for an answer
  http_.set_responder([&](const SeenRequest& r) -> std::optional<HttpResponse> {
    if (r.target == "PutLogEvents" && !acknowledging) return std::nullopt;  // in flight
    return FakeHttp::Ok();
  });
  int rc = RunUntilStopped(
      [&](int wait) {
        NewFileOnceOldIsSent();
        if (!acknowledging) {
          deleted_before_ack = deleted_before_ack || !env_.Exists(kOld);
          // Long past the quiet time, with every line read and in flight.
          if (wait > 200 && clock_.MonotonicMillis() > 60000) {
            acknowledging = true;
            released_ms = clock_.MonotonicMillis();
          }
        }
      },
      [&] { return acknowledging && !env_.Exists(kOld); });
  EXPECT_EQ(kExitOk, rc);
  EXPECT_FALSE(deleted_before_ack) << "deleted while its lines were unacknowledged";
  EXPECT_FALSE(env_.Exists(kOld));
  EXPECT_TRUE(env_.Exists(kNew)) << "the newest file is the one being written";
  EXPECT_GE(clock_.MonotonicMillis() - released_ms, 0);
  ExpectEachLineOnce(50, 10);
}

TEST_F(AutoRemovalLoopTest, WhileCloudWatchIsDownAndLinesWaitInTheDiskBufferNothingIsDeleted) {
  // Lines in the disk buffer count as done for the checkpoint, not for
  // deletion: only CloudWatch's acknowledgement lets a file go.
  bool down = true;
  bool deleted_while_down = false;
  Strings accepted;
  http_.set_responder([&](const SeenRequest& r) -> std::optional<HttpResponse> {
    if (r.target == "PutLogEvents" && down) {
      return FakeHttp::AwsError(503, "ServiceUnavailableException", "down");
    }
    if (r.target == "PutLogEvents") {
      for (std::string& m : MessagesOf(r.body)) accepted.push_back(std::move(m));
    }
    return FakeHttp::Ok();
  });
  int rc = RunUntilStopped(
      [&](int) {
        NewFileOnceOldIsSent();
        if (down) {
          deleted_while_down = deleted_while_down || !env_.Exists(kOld);
          if (clock_.MonotonicMillis() > 120000 && BufferedBytes() > 0) down = false;
        }
      },
      [&] { return !down && !env_.Exists(kOld); });
  EXPECT_EQ(kExitOk, rc);
  EXPECT_FALSE(deleted_while_down);
  EXPECT_FALSE(env_.Exists(kOld));
  EXPECT_TRUE(env_.Exists(kNew));
  ExpectEachLineOnce(50, 10, accepted);
}

TEST_F(AutoRemovalLoopTest, ARestartAfterTheOlderFileWasDeliveredSendsNothingAgain) {
  // First run: stopped as soon as everything was acknowledged (the older
  // file deleted or not yet). Second run: only the newest match is
  // followed at start (as with the agent); nothing goes out again, and
  // the newest file stays.
  int rc = RunUntilStopped([&](int) { NewFileOnceOldIsSent(); },
                           [&] { return SentMessages().size() == 60; });
  EXPECT_EQ(kExitOk, rc);
  size_t puts = http_.requests_for("PutLogEvents").size();
  int64_t restart_ms = clock_.MonotonicMillis();
  rc = RunUntilStopped(nullptr, [&] { return clock_.MonotonicMillis() > restart_ms + 60000; });
  EXPECT_EQ(kExitOk, rc);
  EXPECT_TRUE(env_.Exists(kNew));
  EXPECT_TRUE(SentMessages(puts).empty()) << "sent again: " << SentMessages(puts).front();
  ExpectEachLineOnce(50, 10);
}

TEST_F(AutoRemovalLoopTest, WithoutAutoRemovalTheOlderFileStays) {
  config_.files[0].auto_removal = false;
  int64_t start_ms = clock_.MonotonicMillis();
  int rc = RunUntilStopped([&](int) { NewFileOnceOldIsSent(); }, [&] {
    return SentMessages().size() == 60 && clock_.MonotonicMillis() > start_ms + 60000;
  });
  EXPECT_EQ(kExitOk, rc);
  EXPECT_TRUE(env_.Exists(kOld));
  ExpectEachLineOnce(50, 10);
}

TEST_F(AutoRemovalLoopTest, AFileAnotherEntryFollowsWithoutAutoRemovalIsNeverDeleted) {
  RunWithOlderFileNamedByAnEntryWithoutAutoRemoval("live");
  EXPECT_TRUE(env_.Exists(kOld)) << "entry 1's live file";
  EXPECT_EQ(0, log_.Count(LogLevel::kInfo, std::string("deleted ") + kOld));
}

TEST_F(AutoRemovalLoopTest, AFileOfAStreamSharedWithAnEntryWithoutAutoRemovalIsNeverDeleted) {
  // One stream for both entries: the file is read once, for entry 0.
  RunWithOlderFileNamedByAnEntryWithoutAutoRemoval("host-1");
  EXPECT_TRUE(env_.Exists(kOld)) << "entry 1's live file";
}

}  // namespace
}  // namespace edgelog::agent_loop_test
