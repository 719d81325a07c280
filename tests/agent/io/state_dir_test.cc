// The state directory's checks, on a real file system.
#include "agent/io/state_dir.h"

#include <gtest/gtest.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <string>

#include "agent/io/file_util.h"

namespace edgelog {
namespace {

// The real file system, as seen by a process running as user `uid`.
class AsUserEnv : public EnvWrapper {
 public:
  AsUserEnv(Env& env, uint32_t uid) : EnvWrapper(env), uid_(uid) {}
  uint32_t UserId() override { return uid_; }

 private:
  uint32_t uid_;
};

class StateDirTest : public ::testing::Test {
 protected:
  StateDirTest() : env_(NewPosixEnv()) {
    char pattern[] = "/tmp/edgelog_state_dir_XXXXXX";
    char* made = ::mkdtemp(pattern);
    EXPECT_NE(nullptr, made);
    dir_ = made != nullptr ? made : "/tmp/edgelog_state_dir_failed";
  }
  ~StateDirTest() override {
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }
  std::string Path(const std::string& name) const { return dir_ + "/" + name; }
  uint32_t ModeOf(const std::string& path) {
    struct stat st;
    EXPECT_EQ(0, ::stat(path.c_str(), &st)) << path;
    return st.st_mode & 07777;
  }

  std::unique_ptr<Env> env_;
  std::string dir_;
};

TEST_F(StateDirTest, AMissingDirectoryIsCreatedPrivateWhateverTheUmask) {
  mode_t saved = ::umask(0);
  auto real = PrepareStateDir(*env_, Path("a/state"));
  ::umask(saved);
  ASSERT_TRUE(real.ok()) << real.status().ToString();
  EXPECT_EQ(Path("a/state"), *real);
  EXPECT_EQ(0700u, ModeOf(Path("a/state")));
  EXPECT_EQ(0700u, ModeOf(Path("a")));
}

TEST_F(StateDirTest, ADirectoryOthersCanWriteIsRefusedWithTheFix) {
  ASSERT_EQ(0, ::mkdir(Path("state").c_str(), 0700));
  ASSERT_EQ(0, ::chmod(Path("state").c_str(), 0777));
  auto real = PrepareStateDir(*env_, Path("state"));
  ASSERT_FALSE(real.ok());
  EXPECT_EQ(Code::kPermissionDenied, real.status().code());
  EXPECT_NE(std::string::npos, real.status().message().find("every user")) << real.status().ToString();
  EXPECT_NE(std::string::npos, real.status().message().find("chmod 0700 " + Path("state")));
}

TEST_F(StateDirTest, ADirectoryItsGroupCanWriteIsRefused) {
  ASSERT_EQ(0, ::mkdir(Path("state").c_str(), 0700));
  ASSERT_EQ(0, ::chmod(Path("state").c_str(), 0770));
  auto real = PrepareStateDir(*env_, Path("state"));
  ASSERT_FALSE(real.ok());
  EXPECT_NE(std::string::npos, real.status().message().find("its group")) << real.status().ToString();
}

TEST_F(StateDirTest, ADirectoryOthersCanOnlyReadIsAccepted) {
  ASSERT_EQ(0, ::mkdir(Path("state").c_str(), 0700));
  ASSERT_EQ(0, ::chmod(Path("state").c_str(), 0755));
  auto real = PrepareStateDir(*env_, Path("state"));
  EXPECT_TRUE(real.ok()) << real.status().ToString();
}

TEST_F(StateDirTest, ADirectoryOfAnotherUserIsRefusedWithTheFix) {
  ASSERT_EQ(0, ::mkdir(Path("state").c_str(), 0700));
  const uint32_t other = ::geteuid() + 4242;  // the directory is ours, not theirs
  AsUserEnv as_other(*env_, other);
  auto real = PrepareStateDir(as_other, Path("state"));
  ASSERT_FALSE(real.ok());
  EXPECT_EQ(Code::kPermissionDenied, real.status().code());
  EXPECT_NE(std::string::npos,
            real.status().message().find("chown " + std::to_string(other) + " " + Path("state")))
      << real.status().ToString();
}

TEST_F(StateDirTest, ALinkOfItsOwnUserOrRootLeadsToItsTarget) {
  ASSERT_EQ(0, ::mkdir(Path("private").c_str(), 0700));
  ASSERT_EQ(0, ::symlink(Path("private").c_str(), Path("state").c_str()));
  auto real = PrepareStateDir(*env_, Path("state"));
  ASSERT_TRUE(real.ok()) << real.status().ToString();
  EXPECT_EQ(Path("private"), *real);
}

TEST_F(StateDirTest, ALinkMadeByAnotherUserIsRefused) {
  ASSERT_EQ(0, ::mkdir(Path("private").c_str(), 0700));
  ASSERT_EQ(0, ::symlink(Path("private").c_str(), Path("state").c_str()));
  // Run as someone who neither is root nor made the link (and, as root,
  // the link made another user's).
  uint32_t as = ::geteuid() + 4242;
  if (::geteuid() == 0) {
    ASSERT_EQ(0, ::lchown(Path("state").c_str(), 65534, 65534));
    as = 4242;
  }
  AsUserEnv env(*env_, as);
  auto real = PrepareStateDir(env, Path("state"));
  ASSERT_FALSE(real.ok());
  EXPECT_NE(std::string::npos, real.status().message().find("symbolic link made by user"))
      << real.status().ToString();
}

TEST_F(StateDirTest, ADirectoryInsideOneOthersCanWriteIsRefused) {
  ASSERT_EQ(0, ::mkdir(Path("open").c_str(), 0700));
  ASSERT_EQ(0, ::chmod(Path("open").c_str(), 0777));
  auto real = PrepareStateDir(*env_, Path("open/state"));
  ASSERT_FALSE(real.ok());
  EXPECT_NE(std::string::npos, real.status().message().find("is inside " + Path("open")))
      << real.status().ToString();
}

TEST_F(StateDirTest, ADirectoryInsideAStickyOneOthersCanWriteIsAccepted) {
  ASSERT_EQ(0, ::mkdir(Path("tmp").c_str(), 0700));
  ASSERT_EQ(0, ::chmod(Path("tmp").c_str(), 01777));  // as /tmp
  auto real = PrepareStateDir(*env_, Path("tmp/state"));
  EXPECT_TRUE(real.ok()) << real.status().ToString();
}

TEST_F(StateDirTest, AFileInPlaceOfTheDirectoryIsRefused) {
  ASSERT_EQ(0, ::close(::open(Path("state").c_str(), O_CREAT | O_WRONLY, 0600)));
  EXPECT_FALSE(PrepareStateDir(*env_, Path("state")).ok());
}

TEST_F(StateDirTest, TheCheckCreatesNothingAndFindsAMissingDirectoryFit) {
  auto check = CheckStateDir(*env_, Path("a/state"));
  ASSERT_TRUE(check.ok()) << check.status().ToString();
  EXPECT_EQ(StateDirCheck::kWillBeCreated, *check);
  EXPECT_FALSE(std::filesystem::exists(Path("a")));
}

TEST_F(StateDirTest, TheCheckFindsAPrivateDirectoryReady) {
  ASSERT_EQ(0, ::mkdir(Path("state").c_str(), 0700));
  auto check = CheckStateDir(*env_, Path("state"));
  ASSERT_TRUE(check.ok()) << check.status().ToString();
  EXPECT_EQ(StateDirCheck::kReady, *check);
}

TEST_F(StateDirTest, TheCheckRefusesWhatARunRefusesWithTheSameFixAndChangesNothing) {
  ASSERT_EQ(0, ::mkdir(Path("state").c_str(), 0700));
  ASSERT_EQ(0, ::chmod(Path("state").c_str(), 0777));
  auto check = CheckStateDir(*env_, Path("state"));
  ASSERT_FALSE(check.ok());
  EXPECT_EQ(Code::kPermissionDenied, check.status().code());
  EXPECT_EQ(PrepareStateDir(*env_, Path("state")).status().message(), check.status().message());
  EXPECT_NE(std::string::npos, check.status().message().find("chmod 0700 " + Path("state")));
  EXPECT_EQ(0777u, ModeOf(Path("state")));

  const uint32_t other = ::geteuid() + 4242;
  AsUserEnv as_other(*env_, other);
  ASSERT_EQ(0, ::chmod(Path("state").c_str(), 0700));
  auto foreign = CheckStateDir(as_other, Path("state"));
  ASSERT_FALSE(foreign.ok());
  EXPECT_NE(std::string::npos,
            foreign.status().message().find("chown " + std::to_string(other)));
}

TEST_F(StateDirTest, TheCheckRefusesAFileInPlaceOfTheDirectory) {
  ASSERT_EQ(0, ::close(::open(Path("state").c_str(), O_CREAT | O_WRONLY, 0600)));
  EXPECT_FALSE(CheckStateDir(*env_, Path("state")).ok());
}

TEST_F(StateDirTest, OneAgentAtATimeEvenWhenTheLockFileIsRemoved) {
  auto real = PrepareStateDir(*env_, Path("state"));
  ASSERT_TRUE(real.ok());
  auto first = LockStateDir(*env_, *real);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  // Someone removes the lock file: a second agent finds the directory
  // itself locked.
  ASSERT_EQ(0, ::unlink(Path("state/lock").c_str()));
  auto second = LockStateDir(*env_, *real);
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(Code::kBusy, second.status().code()) << second.status().ToString();
  first->dir.reset();
  first->file.reset();
  EXPECT_TRUE(LockStateDir(*env_, *real).ok());
}

TEST_F(StateDirTest, ALockFileHeldByAnEarlierVersionKeepsANewAgentOut) {
  auto real = PrepareStateDir(*env_, Path("state"));
  ASSERT_TRUE(real.ok());
  auto old_agent = env_->Lock(Path("state/lock"));  // what earlier versions lock
  ASSERT_TRUE(old_agent.ok());
  auto lock = LockStateDir(*env_, *real);
  ASSERT_FALSE(lock.ok());
  EXPECT_EQ(Code::kBusy, lock.status().code());
}

}  // namespace
}  // namespace edgelog
