#include "agent/send/rejected_log.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tests/support/mem_env.h"

namespace edgelog {
namespace {

using testing::MemEnv;

constexpr char kPath[] = "/state/rejected.jsonl";
constexpr uint64_t kCap = 64 << 10;

std::vector<ParsedEvent> Events(int from, int count) {
  std::vector<ParsedEvent> out;
  for (int i = from; i < from + count; ++i) {
    out.push_back({1000 + i, "event " + std::to_string(i) + " " + std::string(200, 'x')});
  }
  return out;
}

class RejectedLogTest : public ::testing::Test {
 protected:
  RejectedLogTest() { EXPECT_TRUE(env_.CreateDirs("/state").ok()); }
  uint64_t SizeOf(const std::string& path) {
    auto info = env_.Stat(path);
    return info.ok() ? info->size : 0;
  }
  MemEnv env_;
  LogStreamTarget target_{"/g", "s", 0, ""};
};

// 11 MB of refused lines made 44 MB of rejected.jsonl: it had no cap.
TEST_F(RejectedLogTest, TheFileIsRotatedAtItsCapAndTheNewestEventsAreKept) {
  RejectedLog log(env_, kPath, kCap);
  int next = 0;
  for (int round = 0; round < 200; ++round) {
    ASSERT_TRUE(log.Append(target_, Events(next, 10), "too old", 5).ok());
    next += 10;
    EXPECT_LE(SizeOf(kPath), kCap);
    EXPECT_LE(SizeOf(std::string(kPath) + ".1"), kCap);
  }
  EXPECT_GT(SizeOf(std::string(kPath) + ".1"), kCap / 2) << "never rotated";
  std::string newest = env_.ReadFile(kPath);
  EXPECT_NE(std::string::npos, newest.find("\"event " + std::to_string(next - 1) + " "));
  EXPECT_EQ(2000u, log.events_written());
}

TEST_F(RejectedLogTest, AFileFromAnEarlierRunCountsTowardsTheCap) {
  env_.WriteFile(kPath, std::string(kCap - 100, 'o') + "\n");
  RejectedLog log(env_, kPath, kCap);
  ASSERT_TRUE(log.Append(target_, Events(0, 1), "refused", 5).ok());
  EXPECT_EQ(kCap - 99, SizeOf(std::string(kPath) + ".1"));
  EXPECT_LT(SizeOf(kPath), 1000u);
}

TEST_F(RejectedLogTest, AnAppendLargerThanTheCapIsStillKeptWhole) {
  RejectedLog log(env_, kPath, kCap);
  ASSERT_TRUE(log.Append(target_, Events(0, 1000), "refused", 5).ok());
  std::string all = env_.ReadFile(kPath);
  EXPECT_GT(all.size(), kCap);
  EXPECT_NE(std::string::npos, all.find("\"event 999 "));
}

class SyncDirFailsOnce : public EnvWrapper {
 public:
  using EnvWrapper::EnvWrapper;
  Status SyncDir(const std::string& dir) override {
    if (fail_next_sync_dir) {
      fail_next_sync_dir = false;
      return Status::IoError("injected SyncDir failure");
    }
    return EnvWrapper::SyncDir(dir);
  }
  bool fail_next_sync_dir = false;
};

// The append that created the file failed at the directory sync; the retry
// must sync the directory again, or a power loss loses what it said it kept.
TEST_F(RejectedLogTest, ARetryAfterAFailedDirectorySyncSyncsItAgain) {
  env_.SimulateCrash();  // /state itself is durable
  ASSERT_TRUE(env_.CreateDirs("/state").ok());
  SyncDirFailsOnce env(env_);
  RejectedLog log(env, kPath, kCap);
  env.fail_next_sync_dir = true;
  ASSERT_FALSE(log.Append(target_, Events(0, 1), "refused", 5).ok());
  ASSERT_TRUE(log.Append(target_, Events(0, 1), "refused", 5).ok());
  env_.SimulateCrash();
  EXPECT_NE(std::string::npos, env_.ReadFile(kPath).find("\"event 0 "))
      << "rejected.jsonl vanished after Append returned OK";
}

// A rotation whose directory sync failed, and a file moved away by someone
// else: neither may leave the log failing for ever.
TEST_F(RejectedLogTest, AFailedSyncAfterRotationDoesNotWedgeTheLog) {
  SyncDirFailsOnce env(env_);
  RejectedLog log(env, kPath, kCap);
  int next = 0;
  while (SizeOf(kPath) + 3000 < kCap) {
    ASSERT_TRUE(log.Append(target_, Events(next, 10), "r", 5).ok());
    next += 10;
  }
  env.fail_next_sync_dir = true;  // the sync after the rename
  EXPECT_FALSE(log.Append(target_, Events(next, 10), "r", 5).ok());
  for (int i = 0; i < 3; ++i) {
    Status s = log.Append(target_, Events(next, 10), "r", 5);
    EXPECT_TRUE(s.ok()) << s.ToString();
  }
}

TEST_F(RejectedLogTest, AFileMovedAwayBySomeoneElseDoesNotWedgeTheLog) {
  RejectedLog log(env_, kPath, kCap);
  int next = 0;
  while (SizeOf(kPath) + 3000 < kCap) {
    ASSERT_TRUE(log.Append(target_, Events(next, 10), "r", 5).ok());
    next += 10;
  }
  ASSERT_TRUE(env_.Rename(kPath, "/state/rejected.jsonl.old").ok());
  for (int i = 0; i < 5; ++i) {
    Status s = log.Append(target_, Events(next, 10), "r", 5);
    ASSERT_TRUE(s.ok()) << s.ToString();
    next += 10;
  }
  EXPECT_NE(std::string::npos, env_.ReadFile(kPath).find("\"event " + std::to_string(next - 1)));
}

}  // namespace
}  // namespace edgelog
