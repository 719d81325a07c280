// AutoRemoval: which files auto_removal deletes, and when. The agent's
// plugins/inputs/logfile/logfile.go stops the tailers of an entry's older
// files once a newer file of it appears, and tailersrc.go deletes each of
// them when its tailer is done; edgelog waits further, for every line to be
// acknowledged, and never deletes the name the application writes to.
#include "agent/run/auto_removal.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tests/support/capture_logger.h"
#include "tests/support/mem_env.h"

namespace edgelog {
namespace {

using testing::CaptureLogger;
using testing::MemEnv;
using Strings = std::vector<std::string>;

constexpr char kGlob[] = "/logs/app-*.log";
constexpr char kOld[] = "/logs/app-1.log";
constexpr char kNew[] = "/logs/app-2.log";
constexpr int64_t kQuiet = AutoRemoval::kQuietMs;

class AutoRemovalTest : public ::testing::Test {
 protected:
  AutoRemovalTest() {
    EXPECT_TRUE(env_.CreateDirs("/logs").ok());
    env_.WriteFile(kOld, "one\ntwo\n");
    env_.WriteFile(kNew, "three\n");  // written after: newer
  }

  // A source of `entry` reading `path` as it is now, acknowledged up to
  // `delivered` (all of it by default).
  AutoRemoval::Source SourceOf(const std::string& path, uint32_t entry = 0,
                               int64_t delivered = -1, bool pending = false) {
    auto info = env_.Stat(path);
    EXPECT_TRUE(info.ok()) << path;
    AutoRemoval::Source s;
    s.entry = entry;
    s.path = path;
    s.live_path = path;
    s.id = info.ok() ? info->id : FileId{};
    s.delivered = delivered >= 0 ? static_cast<uint64_t>(delivered) : (info.ok() ? info->size : 0);
    s.pending = pending;
    return s;
  }

  // Runs at 0, just before kQuietMs and at kQuietMs: what was deleted.
  Strings RunThroughQuiet(AutoRemoval& r, const std::vector<AutoRemoval::Source>& sources) {
    Strings removed;
    for (int64_t t : {int64_t{0}, kQuiet - 1, kQuiet}) {
      for (std::string& p : r.Run(sources, t)) removed.push_back(std::move(p));
    }
    return removed;
  }

  MemEnv env_;
  CaptureLogger log_;
};

TEST_F(AutoRemovalTest, AnOlderFileIsDeletedOnceAllOfItIsAcknowledgedAndQuiet) {
  AutoRemoval r(env_, log_, {{kGlob, true}});
  std::vector<AutoRemoval::Source> sources = {SourceOf(kOld), SourceOf(kNew)};
  EXPECT_TRUE(r.Run(sources, 0).empty());
  EXPECT_TRUE(r.Run(sources, kQuiet - 1).empty()) << "not before it stayed quiet";
  EXPECT_EQ((Strings{kOld}), r.Run(sources, kQuiet));
  EXPECT_FALSE(env_.Exists(kOld));
  EXPECT_TRUE(env_.Exists(kNew)) << "the newest file is the one being written";
  EXPECT_EQ(1, log_.Count(LogLevel::kInfo, std::string("deleted ") + kOld));
}

TEST_F(AutoRemovalTest, AFileWithLinesNotYetAcknowledgedIsKept) {
  AutoRemoval r(env_, log_, {{kGlob, true}});
  EXPECT_TRUE(RunThroughQuiet(r, {SourceOf(kOld, 0, 4), SourceOf(kNew)}).empty());
  EXPECT_TRUE(RunThroughQuiet(r, {SourceOf(kOld, 0, -1, /*pending=*/true), SourceOf(kNew)})
                  .empty());
  EXPECT_TRUE(env_.Exists(kOld));
  // Acknowledged now: it goes.
  EXPECT_EQ((Strings{kOld}), RunThroughQuiet(r, {SourceOf(kOld), SourceOf(kNew)}));
}

TEST_F(AutoRemovalTest, TheNewestFileIsNeverDeleted) {
  AutoRemoval r(env_, log_, {{kGlob, true}});
  EXPECT_TRUE(RunThroughQuiet(r, {SourceOf(kNew)}).empty());
  EXPECT_TRUE(env_.Exists(kNew));
}

TEST_F(AutoRemovalTest, WithoutAutoRemovalNothingIsDeleted) {
  AutoRemoval r(env_, log_, {{kGlob, false}});
  EXPECT_FALSE(r.active());
  EXPECT_TRUE(RunThroughQuiet(r, {SourceOf(kOld), SourceOf(kNew)}).empty());
  EXPECT_TRUE(env_.Exists(kOld));
}

TEST_F(AutoRemovalTest, TheFileFilePathNamesIsNeverDeleted) {
  // app.log was rotated by copy to app.log.1, which is newer; app.log is
  // the name written to (file_path itself).
  env_.WriteFile("/logs/app.log", "a\n");
  env_.WriteFile("/logs/app.log.1", "a\n");
  AutoRemoval r(env_, log_, {{"/logs/app.log", true}});
  EXPECT_TRUE(RunThroughQuiet(r, {SourceOf("/logs/app.log"), SourceOf("/logs/app.log.1")})
                  .empty());
  EXPECT_TRUE(env_.Exists("/logs/app.log"));
}

TEST_F(AutoRemovalTest, TheNameAnotherFileWasWrittenUnderIsNeverDeleted) {
  // Under app.log*, app.log.1 (newer: a copytruncate copy, or a generation
  // still written to) was written as app.log.
  env_.WriteFile("/logs/app.log", "a\n");
  env_.WriteFile("/logs/app.log.1", "a\n");
  AutoRemoval r(env_, log_, {{"/logs/app.log*", true}});
  AutoRemoval::Source copy = SourceOf("/logs/app.log.1");
  copy.live_path = "/logs/app.log";
  EXPECT_TRUE(RunThroughQuiet(r, {SourceOf("/logs/app.log"), copy}).empty());
  EXPECT_TRUE(env_.Exists("/logs/app.log"));
}

TEST_F(AutoRemovalTest, ARotatedGenerationGoesButNotTheFileThatTookItsName) {
  // Rename rotation under app.log*: app.log -> app.log.1, a new app.log.
  env_.WriteFile("/logs/app.log.1", "old\n");
  env_.WriteFile("/logs/app.log", "new\n");
  AutoRemoval r(env_, log_, {{"/logs/app.log*", true}});
  AutoRemoval::Source rotated = SourceOf("/logs/app.log.1");
  rotated.live_path = "/logs/app.log";
  EXPECT_EQ((Strings{"/logs/app.log.1"}), RunThroughQuiet(r, {rotated, SourceOf("/logs/app.log")}));
  EXPECT_TRUE(env_.Exists("/logs/app.log"));
}

TEST_F(AutoRemovalTest, AFileStillWrittenIsKeptUntilItStaysQuiet) {
  AutoRemoval r(env_, log_, {{kGlob, true}});
  EXPECT_TRUE(r.Run({SourceOf(kOld), SourceOf(kNew)}, 0).empty());
  env_.AppendToFile(kOld, "late\n");  // the application had not let go yet
  env_.AppendToFile(kNew, "four\n");  // still newer
  EXPECT_TRUE(r.Run({SourceOf(kOld), SourceOf(kNew)}, kQuiet).empty());
  EXPECT_TRUE(r.Run({SourceOf(kOld), SourceOf(kNew)}, 2 * kQuiet - 1).empty());
  EXPECT_EQ((Strings{kOld}), r.Run({SourceOf(kOld), SourceOf(kNew)}, 2 * kQuiet));
}

TEST_F(AutoRemovalTest, AFileAnotherEntryHasNotDeliveredIsKept) {
  // Both entries have auto_removal: without it on entry 1, the file would
  // be kept for good (AFileAnotherGlobWithoutAutoRemovalMatchesIsKept).
  AutoRemoval r(env_, log_, {{kGlob, true}, {"/logs/*.log", true}});
  EXPECT_TRUE(RunThroughQuiet(r, {SourceOf(kOld), SourceOf(kNew), SourceOf(kOld, 1, 0)}).empty());
  EXPECT_TRUE(env_.Exists(kOld));
  EXPECT_EQ((Strings{kOld}),
            RunThroughQuiet(r, {SourceOf(kOld), SourceOf(kNew), SourceOf(kOld, 1)}));
}

TEST_F(AutoRemovalTest, AnotherFileAtThePathIsNotDeleted) {
  AutoRemoval r(env_, log_, {{kGlob, true}});
  AutoRemoval::Source read = SourceOf(kOld);
  env_.WriteFile("/logs/elsewhere", "x\n");
  ASSERT_TRUE(env_.Rename("/logs/elsewhere", kOld).ok());  // a new file took the name
  env_.AppendToFile(kNew, "four\n");
  EXPECT_TRUE(RunThroughQuiet(r, {read, SourceOf(kNew)}).empty());
  EXPECT_TRUE(env_.Exists(kOld));
}

// Reports two links for one path.
class LinkedEnv : public EnvWrapper {
 public:
  LinkedEnv(Env& target, std::string path) : EnvWrapper(target), path_(std::move(path)) {}
  StatusOr<FileInfo> Stat(const std::string& path) override {
    auto info = target().Stat(path);
    if (info.ok() && path == path_) info->links = 2;
    return info;
  }

 private:
  std::string path_;
};

TEST_F(AutoRemovalTest, AFileWithAnotherHardLinkIsKept) {
  LinkedEnv linked(env_, kOld);
  AutoRemoval r(linked, log_, {{kGlob, true}});
  EXPECT_TRUE(RunThroughQuiet(r, {SourceOf(kOld), SourceOf(kNew)}).empty());
  EXPECT_TRUE(env_.Exists(kOld));
}

// Fails every removal, as a directory without write permission.
class UndeletableEnv : public EnvWrapper {
 public:
  explicit UndeletableEnv(Env& target) : EnvWrapper(target) {}
  Status RemoveIfSame(const std::string& path, const FileId& id) override {
    if (refuse) return Status::PermissionDenied("unlink " + path + ": Permission denied");
    return target().RemoveIfSame(path, id);
  }
  bool refuse = true;
};

TEST_F(AutoRemovalTest, ARefusedDeletionIsSaidOnceAndTriedAgain) {
  UndeletableEnv undeletable(env_);
  AutoRemoval r(undeletable, log_, {{kGlob, true}});
  std::vector<AutoRemoval::Source> sources = {SourceOf(kOld), SourceOf(kNew)};
  EXPECT_TRUE(RunThroughQuiet(r, sources).empty());
  EXPECT_TRUE(r.Run(sources, 2 * kQuiet).empty());
  EXPECT_EQ(1, log_.Count(LogLevel::kWarning, std::string("cannot delete ") + kOld));
  undeletable.refuse = false;
  EXPECT_EQ((Strings{kOld}), r.Run(sources, 3 * kQuiet));
}

TEST_F(AutoRemovalTest, AFileDeletedMeanwhileIsNoError) {
  AutoRemoval r(env_, log_, {{kGlob, true}});
  std::vector<AutoRemoval::Source> sources = {SourceOf(kOld), SourceOf(kNew)};
  EXPECT_TRUE(r.Run(sources, 0).empty());
  ASSERT_TRUE(env_.Remove(kOld).ok());
  EXPECT_TRUE(r.Run(sources, kQuiet).empty());
  EXPECT_EQ(0, log_.Count(LogLevel::kWarning, "cannot delete"));
}

// Problem: the agent's tailersrc.go deletes what its own entry's tailer
// finished; edgelog must not delete a file another entry still follows as
// its live file, whether read through a stream of its own or once through
// the stream both entries share.
TEST_F(AutoRemovalTest, AFileAnEntryWithoutAutoRemovalNamesIsKept) {
  env_.WriteFile("/logs/live.log", "a\n");
  env_.WriteFile("/logs/other.log", "b\n");  // newer
  AutoRemoval r(env_, log_, {{"/logs/*.log", true}, {"/logs/live.log", false}});
  EXPECT_TRUE(RunThroughQuiet(r, {SourceOf("/logs/live.log"), SourceOf("/logs/other.log"),
                                  SourceOf("/logs/live.log", 1)})
                  .empty());
  EXPECT_TRUE(env_.Exists("/logs/live.log"));
  EXPECT_EQ(0, log_.Count(LogLevel::kInfo, "deleted /logs/live.log"));
}

TEST_F(AutoRemovalTest, AFileOfASharedStreamReadForTheEntryWithAutoRemovalIsKept) {
  // Both entries write to one stream: the file is read once, for entry 0.
  env_.WriteFile("/logs/live.log", "a\n");
  env_.WriteFile("/logs/other.log", "b\n");
  AutoRemoval r(env_, log_, {{"/logs/*.log", true}, {"/logs/live.log", false}});
  EXPECT_TRUE(RunThroughQuiet(r, {SourceOf("/logs/live.log"), SourceOf("/logs/other.log")})
                  .empty());
  EXPECT_TRUE(env_.Exists("/logs/live.log"));
}

TEST_F(AutoRemovalTest, AFileAnotherGlobWithoutAutoRemovalMatchesIsKept) {
  env_.WriteFile("/logs/live.log", "a\n");
  env_.WriteFile("/logs/other.log", "b\n");
  AutoRemoval r(env_, log_, {{"/logs/*.log", true}, {"/logs/l*", false}});
  EXPECT_TRUE(RunThroughQuiet(r, {SourceOf("/logs/live.log"), SourceOf("/logs/other.log")})
                  .empty());
  EXPECT_TRUE(env_.Exists("/logs/live.log"));
}

TEST_F(AutoRemovalTest, TheFileAnotherEntrysFilePathNamesIsKeptEvenWithAutoRemoval) {
  env_.WriteFile("/logs/live.log", "a\n");
  env_.WriteFile("/logs/other.log", "b\n");
  AutoRemoval r(env_, log_, {{"/logs/*.log", true}, {"/logs/live.log", true}});
  EXPECT_TRUE(RunThroughQuiet(r, {SourceOf("/logs/live.log"), SourceOf("/logs/other.log")})
                  .empty());
  EXPECT_TRUE(env_.Exists("/logs/live.log"));
}

TEST_F(AutoRemovalTest, TheNameAFileOfAnotherEntryWasWrittenUnderIsKept) {
  // Entry 1 follows app.log.1, rotated from app.log; the new app.log is
  // older than z.log, which entry 0 also follows.
  env_.WriteFile("/logs/app.log.1", "old\n");
  env_.WriteFile("/logs/app.log", "new\n");
  env_.WriteFile("/logs/z.log", "z\n");
  AutoRemoval r(env_, log_, {{"/logs/*", true}, {"/logs/app*", true}});
  AutoRemoval::Source rotated = SourceOf("/logs/app.log.1", 1);
  rotated.live_path = "/logs/app.log";
  RunThroughQuiet(r, {SourceOf("/logs/app.log"), SourceOf("/logs/z.log"), rotated,
                      SourceOf("/logs/app.log", 1)});
  EXPECT_TRUE(env_.Exists("/logs/app.log"));
}

// Rotates app.log (logrotate: .1 -> .2, app.log -> .1, a new app.log) just
// before a removal, between AutoRemoval's look at the files and its unlink.
class RotateBeforeRemovalEnv : public EnvWrapper {
 public:
  explicit RotateBeforeRemovalEnv(MemEnv& target) : EnvWrapper(target), mem_(target) {}
  Status Remove(const std::string& path) override {
    Rotate();
    return target().Remove(path);
  }
  Status RemoveIfSame(const std::string& path, const FileId& id) override {
    Rotate();
    return target().RemoveIfSame(path, id);
  }

 private:
  void Rotate() {
    EXPECT_TRUE(mem_.Rename("/logs/app.log.1", "/logs/app.log.2").ok());
    EXPECT_TRUE(mem_.Rename("/logs/app.log", "/logs/app.log.1").ok());
    mem_.WriteFile("/logs/app.log", "");
  }
  MemEnv& mem_;
};

TEST_F(AutoRemovalTest, AGenerationRotatedIntoTheNameMeanwhileIsNotDeleted) {
  env_.WriteFile("/logs/app.log.1", "old\n");
  env_.WriteFile("/logs/app.log", "unread\n");
  RotateBeforeRemovalEnv rotating(env_);
  AutoRemoval r(rotating, log_, {{"/logs/app.log*", true}});
  AutoRemoval::Source judged = SourceOf("/logs/app.log.1");
  judged.live_path = "/logs/app.log";
  EXPECT_TRUE(RunThroughQuiet(r, {judged, SourceOf("/logs/app.log", 0, 0)}).empty());
  EXPECT_EQ("unread\n", env_.ReadFile("/logs/app.log.1")) << "the generation not yet read";
  EXPECT_EQ(0, log_.Count(LogLevel::kWarning, "cannot delete"));
}

}  // namespace
}  // namespace edgelog
