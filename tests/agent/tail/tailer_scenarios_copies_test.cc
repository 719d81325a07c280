// Copies and backups in the corners: a copy on a reused inode or written over
// an older copy in place, backups whose original goes away, a forged file
// starting like the log, a multi-line record across a copytruncate, copies
// that cannot be opened for want of descriptors, and other files of the
// pattern busy while one is rotated.
#include <gtest/gtest.h>

#include <map>
#include <string>

#include "agent/tail/fingerprint.h"
#include "agent/tail/tailer.h"
#include "agent/text/regex.h"
#include "tests/agent/tail/tailer_scenarios_fixture.h"
#include "tests/support/descriptor_limit_env.h"

namespace edgelog::tailer_scenarios {
namespace {

constexpr char kApp[] = "/logs/app.log";
constexpr char kApp1[] = "/logs/app.log.1";

// An Env over MemEnv whose inode numbers can be aliased: a file system that
// reuses a freed inode (ext4 does at once) for a new file.
class AliasEnv : public Env {
 public:
  explicit AliasEnv(MemEnv& base) : base_(base) {}
  // From now on, file `real` reports inode `shown`.
  void Alias(const FileId& real, const FileId& shown) { alias_[{real.device, real.inode}] = shown; }
  FileId Map(const FileId& id) const {
    auto it = alias_.find({id.device, id.inode});
    return it == alias_.end() ? id : it->second;
  }
  class File : public ReadableFile {
   public:
    File(std::unique_ptr<ReadableFile> f, const AliasEnv& env) : f_(std::move(f)), env_(env) {}
    StatusOr<size_t> ReadAt(uint64_t offset, char* buf, size_t n) override {
      return f_->ReadAt(offset, buf, n);
    }
    StatusOr<FileInfo> Stat() override {
      auto info = f_->Stat();
      if (info.ok()) info->id = env_.Map(info->id);
      return info;
    }
   private:
    std::unique_ptr<ReadableFile> f_;
    const AliasEnv& env_;
  };
  StatusOr<std::unique_ptr<ReadableFile>> OpenReadable(const std::string& path) override {
    auto f = base_.OpenReadable(path);
    if (!f.ok()) return f.status();
    return std::unique_ptr<ReadableFile>(new File(std::move(*f), *this));
  }
  StatusOr<std::unique_ptr<WritableFile>> OpenWritable(const std::string& path,
                                                       WriteMode mode) override {
    return base_.OpenWritable(path, mode);
  }
  StatusOr<FileInfo> Stat(const std::string& path) override {
    auto info = base_.Stat(path);
    if (info.ok()) info->id = Map(info->id);
    return info;
  }
  StatusOr<FileInfo> LinkStat(const std::string& path) override {
    auto info = base_.LinkStat(path);
    if (info.ok()) info->id = Map(info->id);
    return info;
  }
  StatusOr<std::string> RealPath(const std::string& p) override { return base_.RealPath(p); }
  StatusOr<std::string> ReadLink(const std::string& p) override { return base_.ReadLink(p); }
  StatusOr<std::vector<std::string>> ListDir(const std::string& dir) override {
    return base_.ListDir(dir);
  }
  Status Rename(const std::string& a, const std::string& b) override { return base_.Rename(a, b); }
  Status Remove(const std::string& p) override { return base_.Remove(p); }
  Status RemoveIfSame(const std::string& p, const FileId& id) override {
    for (const auto& [real, shown] : alias_) {
      if (shown == id) return base_.RemoveIfSame(p, FileId{real.first, real.second});
    }
    return base_.RemoveIfSame(p, id);
  }
  Status Truncate(const std::string& p, uint64_t s) override { return base_.Truncate(p, s); }
  Status CreateDirs(const std::string& d) override { return base_.CreateDirs(d); }
  Status SyncDir(const std::string& d) override { return base_.SyncDir(d); }
  StatusOr<std::unique_ptr<FileLock>> Lock(const std::string& p) override { return base_.Lock(p); }
  StatusOr<bool> IsLocked(const std::string& p) override { return base_.IsLocked(p); }
  std::optional<std::string> GetVar(const std::string& n) override { return base_.GetVar(n); }
  std::string HostName() override { return base_.HostName(); }
  uint32_t UserId() override { return base_.UserId(); }

 private:
  MemEnv& base_;
  std::map<std::pair<uint64_t, uint64_t>, FileId> alias_;
};

class TailerScenarioCopies : public TailerScenario {
 protected:
  void StartAliased(std::vector<std::string> patterns) {
    std::vector<TailEntry> entries;
    for (std::string& p : patterns) entries.push_back(Entry(std::move(p), ""));
    entries_ = entries;
    tailer_ = std::make_unique<Tailer>(alias_, log_, std::move(entries),
                                       std::vector<Checkpoint>{}, options_);
    tailer_->Discover();
  }
  FileId RealIdOf(const std::string& path) { return IdOf(path); }
  AliasEnv alias_{env_};
};

// 1. copytruncate under an exact file_path, rotate 1, on a file system that
// reuses inodes: the copy of rotation 2 gets the inode of rotation 1's copy
// (deleted by logrotate). Its unread lines must still be read.
TEST_F(TailerScenarioCopies, CopyOnAReusedInodeStillGivesTheUnreadLines) {
  env_.WriteFile(kApp, Text(Numbered("g1", 1, 2)));
  StartAliased({kApp});
  Settle();
  env_.AppendToFile(kApp, Text(Numbered("g1", 3, 2)));  // unread
  CopyFile(kApp, kApp1);
  FileId first_copy = RealIdOf(kApp1);
  TruncateInPlace(kApp, Text(Numbered("g2", 1, 2)));
  Settle();
  ASSERT_EQ(Concat({Numbered("g1", 1, 4), Numbered("g2", 1, 2)}), Messages());
  // Rotation 2: logrotate deletes app.log.1, copies app.log to a new
  // app.log.1 which gets the freed inode.
  env_.AppendToFile(kApp, Text(Numbered("g2", 3, 2)));  // unread
  Remove(kApp1);
  CopyFile(kApp, kApp1);
  alias_.Alias(RealIdOf(kApp1), first_copy);
  TruncateInPlace(kApp, Text(Numbered("g3", 1, 2)));
  Settle();

  EXPECT_EQ(Concat({Numbered("g1", 1, 4), Numbered("g2", 1, 4), Numbered("g3", 1, 2)}),
            Messages());
}

// 2. A backup (cp app.log app.log.bak) under app.log* is held: its lines
// arrive from app.log. app.log grows, then is deleted. The backup must not
// be read again.
TEST_F(TailerScenarioCopies, ABackupIsNotReadWholeWhenItsOriginalIsDeleted) {
  env_.WriteFile(kApp, Text(Numbered("a", 1, 3)));
  Start({"/logs/app.log*"});
  Settle();
  CopyFile(kApp, "/logs/app.log.bak");
  Settle();
  env_.AppendToFile(kApp, Text(Numbered("a", 4, 2)));
  Settle();
  Remove(kApp);
  Settle();
  EXPECT_EQ(Numbered("a", 1, 5), Messages());
}

// 2b. The same when app.log is rotated away by logrotate create + rotate 1
// (app.log -> app.log.1, later deleted).
TEST_F(TailerScenarioCopies, ABackupIsNotReadWholeWhenItsOriginalIsRotatedAway) {
  env_.WriteFile(kApp, Text(Numbered("a", 1, 3)));
  Start({"/logs/app.log*"});
  Settle();
  CopyFile(kApp, "/logs/app.log.bak");
  Settle();
  env_.AppendToFile(kApp, Text(Numbered("a", 4, 2)));
  Settle();
  Rename(kApp, kApp1);
  env_.WriteFile(kApp, Text(Numbered("b", 1, 2)));
  Settle();
  Remove(kApp1);  // next rotation, rotate 1
  Settle();
  EXPECT_EQ(Concat({Numbered("a", 1, 5), Numbered("b", 1, 2)}), Messages());
}

// 2c. The same when app.log is closed for max_open_files (dormant).
TEST_F(TailerScenarioCopies, ABackupIsNotReadWholeWhenItsOriginalIsClosedForRoom) {
  options_.max_open_files = 2;
  env_.WriteFile(kApp, Text(Numbered("a", 1, 3)));
  env_.WriteFile("/logs/b.log", Text(Numbered("b", 1, 1)));
  Start({"/logs/*"});
  Settle();
  CopyFile(kApp, "/logs/app.log.bak");
  Settle();
  env_.AppendToFile(kApp, Text(Numbered("a", 4, 2)));
  Settle();
  env_.AppendToFile("/logs/b.log", Text(Numbered("b", 2, 1)));  // b.log busier
  Pass();
  env_.WriteFile("/logs/c.log", Text(Numbered("c", 1, 1)));  // needs a descriptor
  Settle();
  Lines got = Messages();
  int dup = 0;
  for (const std::string& l : got) dup += (l == "a-1");
  EXPECT_EQ(1, dup) << ::testing::PrintToString(got);
}

// 2d. A backup at the next copytruncate (under app.log*).
TEST_F(TailerScenarioCopies, ABackupIsNotReadWholeAtTheNextCopytruncate) {
  env_.WriteFile(kApp, Text(Numbered("a", 1, 3)));
  Start({"/logs/app.log*"});
  Settle();
  CopyFile(kApp, "/logs/app.log.bak");
  Settle();
  env_.AppendToFile(kApp, Text(Numbered("a", 4, 2)));
  Settle();
  CopyFile(kApp, kApp1);
  TruncateInPlace(kApp, Text(Numbered("b", 1, 2)));
  Settle();
  EXPECT_EQ(Concat({Numbered("a", 1, 5), Numbered("b", 1, 2)}), Messages());
}

// 3. Restart with a held backup whose name sorts before the original's.
TEST_F(TailerScenarioCopies, AHeldBackupSortingFirstIsNotReadAfterARestart) {
  env_.WriteFile(kApp, Text(Numbered("a", 1, 3)));
  Start({"/logs/*.log"});
  Settle();
  CopyFile(kApp, "/logs/app-backup.log");
  Settle();
  env_.AppendToFile(kApp, Text(Numbered("a", 4, 2)));
  Settle();
  StopAndStartAgain();
  Settle();
  EXPECT_EQ(Numbered("a", 1, 5), Messages());
}

// 4. Rename + create (logrotate create) of a.log under *.log while b.log is
// busy: the application writes to the renamed file until it reopens its log.
TEST_F(TailerScenarioCopies, ARenamedFileIsNotClosedBecauseAnotherFileHasData) {
  env_.WriteFile("/logs/a.log", Text(Numbered("a", 1, 2)));
  env_.WriteFile("/logs/b.log", Text(Numbered("b", 1, 1)));
  Start({"/logs/*.log"});
  Settle();
  Rename("/logs/a.log", "/logs/a.log.1");
  env_.WriteFile("/logs/a.log", "");  // logrotate create
  env_.AppendToFile("/logs/b.log", Text(Numbered("b", 2, 1)));
  Pass();
  Pass();
  env_.AppendToFile("/logs/a.log.1", Text(Numbered("a", 3, 1)));  // before the app's HUP
  env_.AppendToFile("/logs/a.log", Text(Numbered("a", 4, 1)));
  Settle();
  Lines got = Messages();
  bool has_a3 = false;
  for (const std::string& l : got) has_a3 |= (l == "a-3");
  EXPECT_TRUE(has_a3) << ::testing::PrintToString(got);
}

// 5. A legacy checkpoint (no entry) of a file the first matching entry
// blacklists: it belongs to no one who reads it.
TEST_F(TailerScenarioCopies, ALegacyCheckpointOfAFileBlacklistedByTheFirstMatchingEntry) {
  env_.WriteFile(kApp, Text(Numbered("a", 1, 3)));
  TailEntry all = Entry("/logs/*.log", "g:all");
  all.blacklist = *CompileRegex("^app\\.log$");
  TailEntry app = Entry(kApp, "g:app");
  FileId id = IdOf(kApp);
  std::string text = env_.ReadFile(kApp);
  Checkpoint legacy{id, kApp, text.size(), FingerprintOf(text.substr(0, text.size())),
                    FingerprintOf(text), ""};
  env_.AppendToFile(kApp, Text(Numbered("a", 4, 1)));
  StartEntries({all, app}, {legacy});
  Settle();
  EXPECT_EQ(Numbered("a", 4, 1), Messages());
}

// 6. Forged sibling: an exact file_path; someone who can create files in
// the directory makes app.log.x holding app.log's first KiB, mtime newest.
TEST_F(TailerScenarioCopies, AForgedPrefixSiblingDoesNotHideTheRealCopy) {
  std::string lines = Text(Numbered("padding-line-to-pass-one-kilobyte", 1, 80));
  env_.WriteFile(kApp, lines);
  Start({kApp});
  Settle();
  env_.AppendToFile(kApp, Text(Numbered("unread", 1, 2)));
  CopyFile(kApp, kApp1);
  env_.WriteFile("/logs/app.log.x", lines.substr(0, 1024));  // newer mtime
  TruncateInPlace(kApp, Text(Numbered("new", 1, 1)));
  Settle();
  Lines got = Messages();
  bool has = false;
  for (const std::string& l : got) has |= (l == "unread-1");
  EXPECT_TRUE(has);
}

// 7. Multi-line record spanning a copytruncate.
TEST_F(TailerScenarioCopies, AMultiLineRecordSpanningACopytruncateStaysWhole) {
  env_.WriteFile(kApp, "E1\n  f1\n");
  auto rules = std::make_shared<EntryRules>();  // default ^[\S]
  StartEntries({TailEntry{kApp, nullptr, "", rules, "k"}});
  ReadAll();
  env_.AppendToFile(kApp, "  f2\nE2\n");
  CopyFile(kApp, kApp1);
  TruncateInPlace(kApp, "E3\n");
  Settle();
  Shutdown();
  EXPECT_EQ((Lines{"E1\n  f1\n  f2", "E2", "E3"}), Messages());
}

// 8. copytruncate under app.log* of a file closed for max_open_files.
TEST_F(TailerScenarioCopies, CopytruncateOfADormantFileUnderAGlobRepeatsNothing) {
  options_.max_open_files = 2;
  env_.WriteFile(kApp, Text(Numbered("a", 1, 3)));
  env_.WriteFile("/logs/b.log", Text(Numbered("b", 1, 1)));
  env_.WriteFile("/logs/c.log", Text(Numbered("c", 1, 1)));
  Start({"/logs/*"});
  Settle();
  env_.AppendToFile("/logs/b.log", Text(Numbered("b", 2, 1)));
  env_.AppendToFile("/logs/c.log", Text(Numbered("c", 2, 1)));
  Settle();
  ASSERT_FALSE(HeldOpen(IdOf(kApp))) << "test setup: app.log should be dormant";
  env_.AppendToFile(kApp, Text(Numbered("a", 4, 2)));  // unread
  CopyFile(kApp, kApp1);
  TruncateInPlace(kApp, Text(Numbered("n", 1, 2)));
  Settle();
  EXPECT_EQ(Concat({Numbered("a", 1, 5), Numbered("n", 1, 2)}), MessagesOf(IdOf(kApp)).size() +
                MessagesOf(IdOf(kApp1)).size() == 7 ? Concat({Numbered("a", 1, 5), Numbered("n", 1, 2)}) : Lines{"count"});
  Lines a;
  for (const std::string& l : Messages()) if (l[0] == 'a' || l[0] == 'n') a.push_back(l);
  EXPECT_EQ(Concat({Numbered("a", 1, 5), Numbered("n", 1, 2)}), a);
}

// 9. Small files (< 1 KiB) copytruncated repeatedly with unread lines,
// exact path, rotate 3 (copies shift up by rename).
TEST_F(TailerScenarioCopies, SmallFilesCopytruncatedRepeatedly) {
  env_.WriteFile(kApp, "r0-1\n");
  Start({kApp});
  Settle();
  Lines expected{"r0-1"};
  for (int r = 1; r <= 8; ++r) {
    std::string unread = "r" + std::to_string(r - 1) + "-u\n";
    env_.AppendToFile(kApp, unread);
    expected.push_back(unread.substr(0, unread.size() - 1));
    if (env_.Exists("/logs/app.log.2")) Rename("/logs/app.log.2", "/logs/app.log.3");
    if (env_.Exists(kApp1)) Rename(kApp1, "/logs/app.log.2");
    CopyFile(kApp, kApp1);
    std::string line = "r" + std::to_string(r) + "-1";
    TruncateInPlace(kApp, line + "\n");
    expected.push_back(line);
    Settle();
  }
  EXPECT_EQ(expected, Messages());
}

// 10. A held copy that grows identically (tee of app.log) for a long
// time, then diverges: a file of its own from then, read whole (README).
TEST_F(TailerScenarioCopies, AMirrorThatDivergesIsReadWhole) {
  env_.WriteFile(kApp, Text(Numbered("a", 1, 3)));
  Start({"/logs/app.log*"});
  Settle();
  CopyFile(kApp, "/logs/app.log.mirror");
  Settle();
  for (int i = 4; i < 40; ++i) {
    env_.AppendToFile(kApp, Text(Numbered("a", i, 1)));
    env_.AppendToFile("/logs/app.log.mirror", Text(Numbered("a", i, 1)));
    Pass();
  }
  env_.AppendToFile("/logs/app.log.mirror", "own\n");
  Settle();
  Lines got = Messages();
  Lines mirror(got.begin() + 39, got.end());
  EXPECT_EQ(Numbered("a", 1, 39), Lines(got.begin(), got.begin() + 39));
  EXPECT_EQ(Concat({Numbered("a", 1, 39), Lines{"own"}}), mirror);
}
// 11. Out of descriptors (EMFILE) when the truncation is read: the copy
// cannot be opened then; is it read when a descriptor frees?
TEST_F(TailerScenarioCopies, ACopyThatCannotBeOpenedForWantOfDescriptorsIsReadLater) {
  testing::DescriptorLimitEnv env(env_, 1);
  env_.WriteFile(kApp, Text(Numbered("g1", 1, 2)));
  tailer_ = std::make_unique<Tailer>(env, log_, std::vector<std::string>{kApp},
                                     std::vector<Checkpoint>{}, options_);
  tailer_->Discover();
  Settle();
  env_.AppendToFile(kApp, Text(Numbered("g1", 3, 2)));
  CopyFile(kApp, kApp1);
  TruncateInPlace(kApp, Text(Numbered("g2", 1, 2)));
  Pass();
  env.set_limit(10);  // descriptors free again
  Settle();
  EXPECT_EQ(Concat({Numbered("g1", 1, 4), Numbered("g2", 1, 2)}), Messages());
}
// cp creates the copy empty, then fills it. Seen while still empty, the
// copy of a glob's live file was followed as a new file from its start, and
// a whole generation arrived twice (logrotate with a busy writer). An empty
// file at a rotated name is looked at again once it holds something.
TEST_F(TailerScenarioCopies, ACopySeenWhileStillEmptyIsNotReadAgain) {
  env_.WriteFile(kApp, Text(Numbered("g1", 1, 3)));
  Start({"/logs/app.log*"});
  Settle();
  env_.WriteFile(kApp1, "");  // cp has created it
  Settle();
  env_.AppendToFile(kApp1, env_.ReadFile(kApp));  // and filled it
  env_.AppendToFile(kApp, Text(Numbered("g1", 4, 2)));  // the writer goes on
  Settle();
  TruncateInPlace(kApp, Text(Numbered("g2", 1, 2)));
  Settle();
  EXPECT_EQ(Concat({Numbered("g1", 1, 5), Numbered("g2", 1, 2)}), Messages());
}

// The same when the copy is still empty as the truncation is read.
TEST_F(TailerScenarioCopies, ACopyEmptyWhenTheTruncationIsReadIsNotReadAgain) {
  env_.WriteFile(kApp, Text(Numbered("g1", 1, 3)));
  Start({"/logs/app.log*"});
  Settle();
  env_.WriteFile(kApp1, "");
  Settle();
  env_.AppendToFile(kApp1, env_.ReadFile(kApp));
  TruncateInPlace(kApp, Text(Numbered("g2", 1, 2)));
  Settle();
  EXPECT_EQ(Concat({Numbered("g1", 1, 3), Numbered("g2", 1, 2)}), Messages());
}

// The second rotation of `rotate N`: logrotate renames app.log.1 to
// app.log.2, creates the new app.log.1 empty and fills it, then truncates.
TEST_F(TailerScenarioCopies, ASecondCopySeenEmptyAfterTheFirstMovedOnIsNotReadAgain) {
  env_.WriteFile(kApp, Text(Numbered("g1", 1, 3)));
  Start({"/logs/app.log*"});
  Settle();
  CopyFile(kApp, kApp1);
  TruncateInPlace(kApp, Text(Numbered("g2", 1, 3)));
  Settle();
  ASSERT_EQ(Concat({Numbered("g1", 1, 3), Numbered("g2", 1, 3)}), Messages());
  Rename(kApp1, "/logs/app.log.2");
  env_.WriteFile(kApp1, "");  // cp has created it
  Settle();
  env_.AppendToFile(kApp1, env_.ReadFile(kApp));  // and filled it
  env_.AppendToFile(kApp, Text(Numbered("g2", 4, 2)));  // the writer goes on
  Settle();
  TruncateInPlace(kApp, Text(Numbered("g3", 1, 2)));
  Settle();
  EXPECT_EQ(Concat({Numbered("g1", 1, 3), Numbered("g2", 1, 5), Numbered("g3", 1, 2)}),
            Messages());
}

}  // namespace
}  // namespace edgelog::tailer_scenarios
