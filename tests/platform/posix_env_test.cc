// The POSIX Env against a real temporary directory.
#include <gtest/gtest.h>
#include <csignal>
#include <fcntl.h>
#include <sys/fsuid.h>
#include <sys/resource.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <future>
#include <memory>
#include <string>
#include <vector>

#include "platform/env.h"

namespace edgelog {
namespace {

class PosixEnvTest : public ::testing::Test {
 protected:
  PosixEnvTest() : env_(NewPosixEnv()) {
    char pattern[] = "/tmp/edgelog_posix_env_XXXXXX";
    char* made = ::mkdtemp(pattern);
    EXPECT_NE(nullptr, made);
    dir_ = made != nullptr ? made : "/tmp/edgelog_posix_env_failed";
  }
  ~PosixEnvTest() override {
    std::error_code ignored;
    std::filesystem::permissions(dir_, std::filesystem::perms::owner_all,
                                 std::filesystem::perm_options::add, ignored);
    std::filesystem::remove_all(dir_, ignored);
  }

  std::string Path(const std::string& name) const { return dir_ + "/" + name; }

  void Write(const std::string& path, const std::string& data,
             WriteMode mode = WriteMode::kTruncate) {
    auto f = env_->OpenWritable(path, mode);
    ASSERT_TRUE(f.ok()) << f.status().ToString();
    ASSERT_TRUE((*f)->Append(data).ok());
    ASSERT_TRUE((*f)->Sync().ok());
    ASSERT_TRUE((*f)->Close().ok());
  }

  std::string Read(const std::string& path) {
    auto f = env_->OpenReadable(path);
    EXPECT_TRUE(f.ok()) << f.status().ToString();
    if (!f.ok()) return "<unreadable>";
    std::string out(1 << 16, '\0');
    auto n = (*f)->ReadAt(0, out.data(), out.size());
    EXPECT_TRUE(n.ok());
    out.resize(n.ok() ? *n : 0);
    return out;
  }

  std::unique_ptr<Env> env_;
  std::string dir_;
};

TEST_F(PosixEnvTest, WrittenBytesReadBackExactly) {
  std::string data = "line\n";
  data.push_back('\0');
  data += "\xff\xfe binary";
  Write(Path("f"), data);
  EXPECT_EQ(data, Read(Path("f")));
}

TEST_F(PosixEnvTest, ReadAtReadsFromTheOffsetAndShortAtTheEnd) {
  Write(Path("f"), "0123456789");
  auto f = env_->OpenReadable(Path("f"));
  ASSERT_TRUE(f.ok());
  char buf[8];
  auto n = (*f)->ReadAt(3, buf, 4);
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(4u, *n);
  EXPECT_EQ("3456", std::string(buf, 4));
  n = (*f)->ReadAt(7, buf, 8);
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(3u, *n);
  EXPECT_EQ("789", std::string(buf, 3));
  n = (*f)->ReadAt(10, buf, 8);
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(0u, *n);
  n = (*f)->ReadAt(1000, buf, 8);
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(0u, *n);
}

TEST_F(PosixEnvTest, TruncateModeEmptiesAndAppendModeKeeps) {
  Write(Path("f"), "first\n");
  Write(Path("f"), "second\n", WriteMode::kAppend);
  EXPECT_EQ("first\nsecond\n", Read(Path("f")));
  Write(Path("f"), "third\n", WriteMode::kTruncate);
  EXPECT_EQ("third\n", Read(Path("f")));
}

TEST_F(PosixEnvTest, OpeningAMissingFileIsNotFoundNamingThePath) {
  auto f = env_->OpenReadable(Path("missing"));
  ASSERT_FALSE(f.ok());
  EXPECT_EQ(Code::kNotFound, f.status().code());
  EXPECT_NE(std::string::npos, f.status().message().find(Path("missing")));
}

// OpenReadable(path), given `seconds`: a FIFO without a writer would block
// open(2) forever, so the test fails instead of hanging.
StatusOr<std::unique_ptr<ReadableFile>> OpenWithin(Env& env, const std::string& path,
                                                   int seconds) {
  // An alarm, not a thread: it interrupts a blocked open(2) (EINTR, no
  // SA_RESTART), and threads do not start under user-mode emulation.
  struct sigaction quiet = {};
  quiet.sa_handler = [](int) {};
  sigemptyset(&quiet.sa_mask);
  struct sigaction saved = {};
  ::sigaction(SIGALRM, &quiet, &saved);
  ::alarm(static_cast<unsigned>(seconds));
  auto opened = env.OpenReadable(path);
  bool interrupted = ::alarm(0) == 0;
  ::sigaction(SIGALRM, &saved, nullptr);
  if (interrupted) ADD_FAILURE() << "opening " << path << " did not return within " << seconds << " s";
  return opened;
}

TEST_F(PosixEnvTest, OpeningAFifoIsRefusedAtOnceNamingThePathAndItsKind) {
  ASSERT_EQ(0, ::mkfifo(Path("fifo").c_str(), 0600));
  auto f = OpenWithin(*env_, Path("fifo"), 5);
  ASSERT_FALSE(f.ok());
  EXPECT_EQ(Code::kInvalidArgument, f.status().code());
  EXPECT_NE(std::string::npos, f.status().message().find(Path("fifo")));
  EXPECT_NE(std::string::npos, f.status().message().find("is a FIFO"))
      << f.status().message();
}

TEST_F(PosixEnvTest, OpeningADirectoryOrADeviceIsRefusedNamingItsKind) {
  ASSERT_EQ(0, ::mkdir(Path("d").c_str(), 0700));
  for (auto [path, kind] : {std::pair<std::string, std::string>{Path("d"), "is a directory"},
                            {"/dev/null", "is a character device"}}) {
    auto f = OpenWithin(*env_, path, 5);
    ASSERT_FALSE(f.ok()) << path;
    EXPECT_EQ(Code::kInvalidArgument, f.status().code()) << path;
    EXPECT_NE(std::string::npos, f.status().message().find(path)) << f.status().message();
    EXPECT_NE(std::string::npos, f.status().message().find(kind)) << f.status().message();
  }
}

TEST_F(PosixEnvTest, WritingIntoAMissingDirectoryIsNotFound) {
  auto f = env_->OpenWritable(Path("nodir/f"), WriteMode::kTruncate);
  ASSERT_FALSE(f.ok());
  EXPECT_EQ(Code::kNotFound, f.status().code());
}

TEST_F(PosixEnvTest, StatReportsKindSizeAndIdentity) {
  Write(Path("f"), "12345");
  auto info = env_->Stat(Path("f"));
  ASSERT_TRUE(info.ok());
  EXPECT_EQ(FileKind::kRegular, info->kind);
  EXPECT_EQ(5u, info->size);
  EXPECT_NE(0u, info->id.inode);
  EXPECT_GT(info->mtime_ns, 0);
  auto dir = env_->Stat(dir_);
  ASSERT_TRUE(dir.ok());
  EXPECT_EQ(FileKind::kDirectory, dir->kind);
  auto missing = env_->Stat(Path("missing"));
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(Code::kNotFound, missing.status().code());
}

TEST_F(PosixEnvTest, StatThroughAFileIsNotFound) {
  Write(Path("f"), "x");
  auto info = env_->Stat(Path("f/child"));
  ASSERT_FALSE(info.ok());
  EXPECT_EQ(Code::kNotFound, info.status().code());
}

TEST_F(PosixEnvTest, IdentitySurvivesARenameAndDiffersForANewFileAtThePath) {
  Write(Path("app.log"), "old");
  FileId before = env_->Stat(Path("app.log"))->id;
  ASSERT_TRUE(env_->Rename(Path("app.log"), Path("app.log.1")).ok());
  EXPECT_EQ(before, env_->Stat(Path("app.log.1"))->id);
  Write(Path("app.log"), "new");
  EXPECT_NE(before, env_->Stat(Path("app.log"))->id);
}

TEST_F(PosixEnvTest, OpenFileStatDescribesTheOpenFileNotThePath) {
  Write(Path("app.log"), "old contents");
  auto f = env_->OpenReadable(Path("app.log"));
  ASSERT_TRUE(f.ok());
  FileId id = env_->Stat(Path("app.log"))->id;
  ASSERT_TRUE(env_->Rename(Path("app.log"), Path("app.log.1")).ok());
  Write(Path("app.log"), "new");
  auto info = (*f)->Stat();
  ASSERT_TRUE(info.ok());
  EXPECT_EQ(id, info->id);
  EXPECT_EQ(12u, info->size);
}

TEST_F(PosixEnvTest, AnOpenFileIsStillReadableAfterRenameAndUnlink) {
  Write(Path("app.log"), "keep reading");
  auto f = env_->OpenReadable(Path("app.log"));
  ASSERT_TRUE(f.ok());
  ASSERT_TRUE(env_->Rename(Path("app.log"), Path("app.log.1")).ok());
  ASSERT_TRUE(env_->Remove(Path("app.log.1")).ok());
  char buf[32];
  auto n = (*f)->ReadAt(0, buf, sizeof(buf));
  ASSERT_TRUE(n.ok());
  EXPECT_EQ("keep reading", std::string(buf, *n));
}

TEST_F(PosixEnvTest, ListDirNamesEntriesWithoutDotAndDotDot) {
  Write(Path("a"), "");
  Write(Path(".hidden"), "");
  ASSERT_TRUE(env_->CreateDirs(Path("sub")).ok());
  auto names = env_->ListDir(dir_);
  ASSERT_TRUE(names.ok());
  std::vector<std::string> sorted = *names;
  std::sort(sorted.begin(), sorted.end());
  EXPECT_EQ((std::vector<std::string>{".hidden", "a", "sub"}), sorted);
  auto missing = env_->ListDir(Path("missing"));
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(Code::kNotFound, missing.status().code());
}

TEST_F(PosixEnvTest, RenameReplacesTheTargetAtomically) {
  Write(Path("target"), "old");
  Write(Path("target.tmp"), "new");
  ASSERT_TRUE(env_->Rename(Path("target.tmp"), Path("target")).ok());
  EXPECT_EQ("new", Read(Path("target")));
  EXPECT_EQ(Code::kNotFound, env_->Stat(Path("target.tmp")).status().code());
}

TEST_F(PosixEnvTest, RenamingAMissingFileIsNotFound) {
  Status s = env_->Rename(Path("missing"), Path("x"));
  EXPECT_EQ(Code::kNotFound, s.code());
}

TEST_F(PosixEnvTest, RemoveDeletesAndAMissingFileIsNotFound) {
  Write(Path("f"), "x");
  ASSERT_TRUE(env_->Remove(Path("f")).ok());
  EXPECT_EQ(Code::kNotFound, env_->Stat(Path("f")).status().code());
  EXPECT_EQ(Code::kNotFound, env_->Remove(Path("f")).code());
}

// RemoveIfSame: auto_removal deletes the file it judged, never one that
// took its name since (logrotate shifting app.log to app.log.1) nor one a
// link leads to.
TEST_F(PosixEnvTest, RemoveIfSameDeletesTheFileJudged) {
  Write(Path("app.log.1"), "old\n");
  auto judged = env_->Stat(Path("app.log.1"));
  ASSERT_TRUE(judged.ok());
  EXPECT_TRUE(env_->RemoveIfSame(Path("app.log.1"), judged->id).ok());
  EXPECT_EQ(Code::kNotFound, env_->Stat(Path("app.log.1")).status().code());
  EXPECT_EQ(Code::kNotFound, env_->RemoveIfSame(Path("app.log.1"), judged->id).code());
}

TEST_F(PosixEnvTest, RemoveIfSameKeepsAnotherFileRenamedToThePath) {
  Write(Path("app.log.1"), "old\n");
  auto judged = env_->Stat(Path("app.log.1"));
  ASSERT_TRUE(judged.ok());
  Write(Path("app.log"), "fresh\n");
  ASSERT_EQ(0, ::rename(Path("app.log.1").c_str(), Path("app.log.2").c_str()));
  ASSERT_EQ(0, ::rename(Path("app.log").c_str(), Path("app.log.1").c_str()));
  Status s = env_->RemoveIfSame(Path("app.log.1"), judged->id);
  EXPECT_EQ(Code::kFailedPrecondition, s.code()) << s.ToString();
  EXPECT_NE(std::string::npos, s.message().find(Path("app.log.1"))) << s.message();
  EXPECT_EQ("fresh\n", Read(Path("app.log.1")));
  EXPECT_EQ("old\n", Read(Path("app.log.2")));
}

TEST_F(PosixEnvTest, RemoveIfSameDoesNotFollowALinkAtTheName) {
  Write(Path("target.log"), "kept\n");
  auto target = env_->Stat(Path("target.log"));
  ASSERT_TRUE(target.ok());
  ASSERT_EQ(0, ::symlink(Path("target.log").c_str(), Path("app.log.1").c_str()));
  // Even given the identity of where the link leads, neither goes.
  EXPECT_EQ(Code::kFailedPrecondition, env_->RemoveIfSame(Path("app.log.1"), target->id).code());
  EXPECT_EQ("kept\n", Read(Path("target.log")));
  auto link = env_->LinkStat(Path("app.log.1"));
  ASSERT_TRUE(link.ok());
  EXPECT_EQ(FileKind::kSymlink, link->kind);
}

TEST_F(PosixEnvTest, RemoveIfSameKeepsASameNamedFileWhereASwappedDirectoryLeads) {
  // /home/*/logs/*.log: a user swaps logs for a link to a directory of
  // someone else's holding a file of the same name.
  ASSERT_TRUE(env_->CreateDirs(Path("logs")).ok());
  ASSERT_TRUE(env_->CreateDirs(Path("private")).ok());
  Write(Path("logs/app.log"), "judged\n");
  Write(Path("private/app.log"), "precious\n");
  auto judged = env_->Stat(Path("logs/app.log"));
  ASSERT_TRUE(judged.ok());
  ASSERT_EQ(0, ::rename(Path("logs").c_str(), Path("logs.old").c_str()));
  ASSERT_EQ(0, ::symlink(Path("private").c_str(), Path("logs").c_str()));
  EXPECT_EQ(Code::kFailedPrecondition, env_->RemoveIfSame(Path("logs/app.log"), judged->id).code());
  EXPECT_EQ("precious\n", Read(Path("private/app.log")));
}

TEST_F(PosixEnvTest, RemoveIfSameKeepsAFileWithAnotherLink) {
  Write(Path("app.log.1"), "old\n");
  ASSERT_EQ(0, ::link(Path("app.log.1").c_str(), Path("app.log").c_str()));
  auto judged = env_->Stat(Path("app.log.1"));
  ASSERT_TRUE(judged.ok());
  EXPECT_EQ(Code::kFailedPrecondition, env_->RemoveIfSame(Path("app.log.1"), judged->id).code());
  EXPECT_EQ("old\n", Read(Path("app.log.1")));
}

TEST_F(PosixEnvTest, CreateDirsMakesParentsAndAcceptsExistingDirectories) {
  ASSERT_TRUE(env_->CreateDirs(Path("a/b/c")).ok());
  EXPECT_EQ(FileKind::kDirectory, env_->Stat(Path("a/b/c"))->kind);
  EXPECT_TRUE(env_->CreateDirs(Path("a/b/c")).ok());
  EXPECT_TRUE(env_->CreateDirs(Path("a/b/c/")).ok());
}

TEST_F(PosixEnvTest, CreateDirsOverAFileFails) {
  Write(Path("file"), "x");
  EXPECT_FALSE(env_->CreateDirs(Path("file")).ok());
  EXPECT_FALSE(env_->CreateDirs(Path("file/sub")).ok());
}

TEST_F(PosixEnvTest, SyncDirWorksOnADirectoryAndFailsOnAMissingOne) {
  EXPECT_TRUE(env_->SyncDir(dir_).ok());
  EXPECT_EQ(Code::kNotFound, env_->SyncDir(Path("missing")).code());
}

TEST_F(PosixEnvTest, ASecondLockOfTheSamePathIsBusyUntilTheFirstIsReleased) {
  auto first = env_->Lock(Path("lock"));
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  // flock locks belong to open file descriptions: a second open of the same
  // path conflicts even within one process, as another agent would.
  auto second = env_->Lock(Path("lock"));
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(Code::kBusy, second.status().code());
  first->reset();
  auto third = env_->Lock(Path("lock"));
  EXPECT_TRUE(third.ok()) << third.status().ToString();
}

TEST_F(PosixEnvTest, LockCreatesTheFileWhenMissing) {
  auto lock = env_->Lock(Path("new.lock"));
  ASSERT_TRUE(lock.ok());
  EXPECT_TRUE(env_->Stat(Path("new.lock")).ok());
}

// The agent's own files are never written through a symbolic link planted
// in their place: the link's target keeps what it held.
TEST_F(PosixEnvTest, OwnFilesAreNeverWrittenThroughALink) {
  Write(Path("precious"), "keep me");
  ASSERT_EQ(0, ::symlink(Path("precious").c_str(), Path("checkpoints.json.tmp").c_str()));
  for (WriteMode mode : {WriteMode::kTruncate, WriteMode::kAppend}) {
    auto f = env_->OpenWritable(Path("checkpoints.json.tmp"), mode);
    ASSERT_FALSE(f.ok());
    EXPECT_EQ(Code::kPermissionDenied, f.status().code()) << f.status().ToString();
    EXPECT_NE(std::string::npos, f.status().message().find("symbolic link"));
  }
  Status cut = env_->Truncate(Path("checkpoints.json.tmp"), 0);
  EXPECT_FALSE(cut.ok());
  EXPECT_EQ("keep me", Read(Path("precious")));
}

TEST_F(PosixEnvTest, OwnFilesAreNeverAFifoOrDeviceAndOpeningOneDoesNotWait) {
  ASSERT_EQ(0, ::mkfifo(Path("fifo").c_str(), 0600));
  auto f = env_->OpenWritable(Path("fifo"), WriteMode::kAppend);  // no reader: would block
  ASSERT_FALSE(f.ok());
  EXPECT_NE(std::string::npos, f.status().message().find(Path("fifo")));
  auto dev = env_->OpenWritable("/dev/null", WriteMode::kAppend);
  ASSERT_FALSE(dev.ok());
  EXPECT_NE(std::string::npos, dev.status().message().find("not a regular file"));
}

TEST_F(PosixEnvTest, OwnFilesAreCreatedPrivateWhateverTheUmaskAndMadeSo) {
  mode_t saved = ::umask(0);
  Write(Path("new"), "x");
  ASSERT_EQ(0, ::close(::open(Path("old").c_str(), O_CREAT | O_WRONLY, 0666)));
  Write(Path("old"), "y", WriteMode::kAppend);
  ASSERT_TRUE(env_->CreateDirs(Path("d/e")).ok());
  ::umask(saved);
  for (const char* name : {"new", "old"}) {
    struct stat st;
    ASSERT_EQ(0, ::stat(Path(name).c_str(), &st));
    EXPECT_EQ(0600u, st.st_mode & 07777) << name;
  }
  for (const char* name : {"d", "d/e"}) {
    struct stat st;
    ASSERT_EQ(0, ::stat(Path(name).c_str(), &st));
    EXPECT_EQ(0700u, st.st_mode & 07777) << name;
  }
}

TEST_F(PosixEnvTest, OwnFilesAreNeverWrittenThroughAHardLink) {
  Write(Path("precious"), "keep me");
  ASSERT_EQ(0, ::link(Path("precious").c_str(), Path("checkpoints.json.tmp").c_str()));
  auto f = env_->OpenWritable(Path("checkpoints.json.tmp"), WriteMode::kTruncate);
  ASSERT_FALSE(f.ok());
  EXPECT_NE(std::string::npos, f.status().message().find("hard links")) << f.status().ToString();
  EXPECT_EQ("keep me", Read(Path("precious")));
}

TEST_F(PosixEnvTest, OwnFilesOfAnotherUserAreNotWritten) {
  if (::geteuid() != 0) {
    // Only root can make a file another user's; as anyone else, a file of
    // root's stands in.
    auto f = env_->OpenWritable("/etc/hostname", WriteMode::kAppend);
    ASSERT_FALSE(f.ok());
    return;
  }
  Write(Path("theirs"), "x");
  ASSERT_EQ(0, ::chown(Path("theirs").c_str(), 65534, 65534));
  auto f = env_->OpenWritable(Path("theirs"), WriteMode::kAppend);
  ASSERT_FALSE(f.ok());
  EXPECT_NE(std::string::npos, f.status().message().find("belongs to user 65534"))
      << f.status().ToString();
}

TEST_F(PosixEnvTest, ALockFileIsNeverALink) {
  Write(Path("elsewhere"), "x");
  ASSERT_EQ(0, ::symlink(Path("elsewhere").c_str(), Path("lock").c_str()));
  auto lock = env_->Lock(Path("lock"));
  ASSERT_FALSE(lock.ok());
  EXPECT_EQ(Code::kPermissionDenied, lock.status().code()) << lock.status().ToString();
}

TEST_F(PosixEnvTest, ADirectoryIsLockedItselfAndBusyForASecondTaker) {
  ASSERT_TRUE(env_->CreateDirs(Path("state")).ok());
  auto first = env_->Lock(Path("state"));
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  auto second = env_->Lock(Path("state"));
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(Code::kBusy, second.status().code());
}

TEST_F(PosixEnvTest, IsLockedTellsAHeldLockWithoutTakingIt) {
  ASSERT_TRUE(env_->CreateDirs(Path("state")).ok());
  Write(Path("state/lock"), "");
  auto before = env_->IsLocked(Path("state/lock"));
  if (!before.ok() && before.status().code() == Code::kUnavailable) {
    GTEST_SKIP() << "no /proc/locks: " << before.status().message();
  }
  ASSERT_TRUE(before.ok()) << before.status().ToString();
  EXPECT_FALSE(*before);
  auto held = env_->Lock(Path("state/lock"));
  ASSERT_TRUE(held.ok()) << held.status().ToString();
  auto dir = env_->Lock(Path("state"));
  ASSERT_TRUE(dir.ok()) << dir.status().ToString();
  auto file_now = env_->IsLocked(Path("state/lock"));
  auto dir_now = env_->IsLocked(Path("state"));
  ASSERT_TRUE(file_now.ok() && dir_now.ok());
  EXPECT_TRUE(*file_now);
  EXPECT_TRUE(*dir_now);
  // The look took nothing: the lock is released as if never looked at.
  held->reset();
  auto after = env_->IsLocked(Path("state/lock"));
  ASSERT_TRUE(after.ok());
  EXPECT_FALSE(*after);
  auto again = env_->Lock(Path("state/lock"));
  EXPECT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_EQ(Code::kNotFound, env_->IsLocked(Path("missing")).status().code());
}

TEST_F(PosixEnvTest, LinkStatDescribesALinkAndRealPathWhereItLeads) {
  Write(Path("real"), "12345");
  ASSERT_EQ(0, ::symlink("real", Path("link").c_str()));
  auto link = env_->LinkStat(Path("link"));
  ASSERT_TRUE(link.ok());
  EXPECT_EQ(FileKind::kSymlink, link->kind);
  EXPECT_EQ(::geteuid(), link->owner);
  auto file = env_->LinkStat(Path("real"));
  ASSERT_TRUE(file.ok());
  EXPECT_EQ(FileKind::kRegular, file->kind);
  EXPECT_EQ(0600u, file->mode);
  auto real = env_->RealPath(Path("link"));
  ASSERT_TRUE(real.ok());
  std::unique_ptr<char, void (*)(void*)> expected(::realpath(Path("real").c_str(), nullptr),
                                                 std::free);
  EXPECT_EQ(expected.get(), *real);
  EXPECT_EQ(Code::kNotFound, env_->RealPath(Path("missing")).status().code());
  EXPECT_EQ(::geteuid(), env_->UserId());
}

TEST_F(PosixEnvTest, PermissionProblemsArePermissionDenied) {
  Write(Path("secret"), "x");
  ASSERT_EQ(0, ::chmod(Path("secret").c_str(), 0));
  // Root reads any file: the check runs with the file system identity of
  // nobody then. setfsuid changes only this thread and is undone below (no
  // child process: under user-mode emulation a forked child can hang).
  bool as_root = ::geteuid() == 0;
  if (as_root) {
    ::setfsgid(65534);
    ::setfsuid(65534);
    ASSERT_EQ(65534, ::setfsuid(static_cast<uid_t>(-1))) << "could not become nobody";
  }
  auto f = NewPosixEnv()->OpenReadable(Path("secret"));
  if (as_root) {
    ::setfsuid(0);
    ::setfsgid(0);
  }
  ASSERT_FALSE(f.ok()) << "opened a file of mode 0";
  EXPECT_EQ(Code::kPermissionDenied, f.status().code()) << f.status().ToString();
}

TEST_F(PosixEnvTest, RunningOutOfDescriptorsIsUnavailableNotAnError) {
  // EMFILE is transient: the tailer waits for a descriptor to free. The
  // limit is lowered for this test only, then put back.
  Write(Path("f"), "x");
  struct rlimit saved;
  ASSERT_EQ(0, ::getrlimit(RLIMIT_NOFILE, &saved));
  struct rlimit low = {64, saved.rlim_max};
  ASSERT_EQ(0, ::setrlimit(RLIMIT_NOFILE, &low));
  auto env = NewPosixEnv();
  std::vector<std::unique_ptr<ReadableFile>> held;
  Status last = Status::Ok();
  for (int i = 0; i < 128 && last.ok(); ++i) {
    auto f = env->OpenReadable(Path("f"));
    if (f.ok()) held.push_back(std::move(*f));
    else last = f.status();
  }
  held.clear();
  ::setrlimit(RLIMIT_NOFILE, &saved);
  ASSERT_FALSE(last.ok()) << "never ran out of descriptors";
  EXPECT_EQ(Code::kUnavailable, last.code()) << last.ToString();
}

TEST_F(PosixEnvTest, StatFollowsSymbolicLinks) {
  Write(Path("real"), "12345");
  ASSERT_EQ(0, ::symlink(Path("real").c_str(), Path("link").c_str()));
  auto via_link = env_->Stat(Path("link"));
  ASSERT_TRUE(via_link.ok());
  EXPECT_EQ(FileKind::kRegular, via_link->kind);
  EXPECT_EQ(env_->Stat(Path("real"))->id, via_link->id);
}

TEST_F(PosixEnvTest, GetVarReadsTheProcessEnvironment) {
  const char* name = "EDGELOG_POSIX_ENV_TEST_VARIABLE";
  ::unsetenv(name);
  EXPECT_FALSE(env_->GetVar(name).has_value());
  ::setenv(name, "value", 1);
  auto v = env_->GetVar(name);
  ASSERT_TRUE(v.has_value());
  EXPECT_EQ("value", *v);
  ::setenv(name, "", 1);
  ASSERT_TRUE(env_->GetVar(name).has_value()) << "set but empty is still set";
  EXPECT_EQ("", *env_->GetVar(name));
  ::unsetenv(name);
}

TEST_F(PosixEnvTest, HostNameIsNotEmpty) { EXPECT_FALSE(env_->HostName().empty()); }

}  // namespace
}  // namespace edgelog
