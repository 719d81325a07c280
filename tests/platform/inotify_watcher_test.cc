// The inotify DirWatcher against the real kernel, in a temporary directory,
// with events delivered by the real epoll Poller.
//
// inotify queues an event inside the syscall that causes it, so once that
// call has returned the event is readable. Tests still wait for what they
// expect with a deadline; to show that something did NOT happen they make a
// later change that must be reported (a "fence") and check the flag after
// the fence arrived, since the watcher reads the queue in order and fully.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sched.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "platform/poller.h"
#include "platform/watcher.h"
#include "tests/support/emulation.h"
#include "tests/support/fake_watcher.h"

namespace edgelog {
namespace {

using std::chrono::milliseconds;
using std::chrono::steady_clock;

constexpr milliseconds kDeadline{5000};

// A fresh directory under /tmp, removed with everything in it.
class TempDir {
 public:
  TempDir() {
    char tmpl[] = "/tmp/edgelog_inotify_test.XXXXXX";
    const char* made = ::mkdtemp(tmpl);
    EXPECT_NE(nullptr, made) << std::strerror(errno);
    path_ = made ? made : "";
  }
  ~TempDir() {
    std::error_code ignored;
    if (!path_.empty()) std::filesystem::remove_all(path_, ignored);
  }
  const std::string& path() const { return path_; }
  std::string operator/(const std::string& name) const {
    return path_ + "/" + name;
  }

 private:
  std::string path_;
};

// Appends `data` to `path`, creating it if needed.
void Append(const std::string& path, const std::string& data = "line\n") {
  int fd =
      ::open(path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
  ASSERT_GE(fd, 0) << path << ": " << std::strerror(errno);
  EXPECT_EQ(static_cast<ssize_t>(data.size()),
            ::write(fd, data.data(), data.size()));
  ::close(fd);
}

void MakeDir(const std::string& path) {
  ASSERT_EQ(0, ::mkdir(path.c_str(), 0755))
      << path << ": " << std::strerror(errno);
}

void Rename(const std::string& from, const std::string& to) {
  ASSERT_EQ(0, ::rename(from.c_str(), to.c_str()))
      << from << ": " << std::strerror(errno);
}

// The lowest descriptor number open(2) would return now.
int LowestFreeFd() {
  int fd = ::dup(STDERR_FILENO);
  ::close(fd);
  return fd;
}

class InotifyWatcherTest : public ::testing::Test {
 protected:
  void SetUp() override {
    poller_ = NewEpollPoller();
    ASSERT_NE(nullptr, poller_);
    auto watcher = NewInotifyWatcher(*poller_);
    ASSERT_TRUE(watcher.ok()) << watcher.status().ToString();
    watcher_ = std::move(watcher).value();
    MakeDir(dir_ / "logs");
    MakeDir(dir_ / "fence");
    Append(fence_file_);
  }

  std::string logs() const { return dir_ / "logs"; }
  std::string logs(const std::string& name) const {
    return dir_ / ("logs/" + name);
  }

  // Runs the poller until `done` holds for what was taken so far, or the
  // deadline passes. Returns everything taken.
  WatchChanges WaitUntil(const std::function<bool(const WatchChanges&)>& done) {
    WatchChanges seen;
    auto deadline = steady_clock::now() + kDeadline;
    for (;;) {
      auto left = std::chrono::duration_cast<milliseconds>(deadline -
                                                           steady_clock::now());
      auto n = poller_->Wait(std::max<int64_t>(0, left.count()));
      EXPECT_TRUE(n.ok()) << n.status().ToString();
      seen |= watcher_->TakeChanges();
      if (done(seen) || steady_clock::now() >= deadline) return seen;
    }
  }
  WatchChanges WaitForNames() {
    return WaitUntil([](const WatchChanges& c) { return c.names; });
  }
  WatchChanges WaitForContent() {
    return WaitUntil([](const WatchChanges& c) { return c.content; });
  }
  WatchChanges WaitForOverflow() {
    return WaitUntil([](const WatchChanges& c) { return c.overflow; });
  }

  // Appends to a file in the watched "fence" directory and returns all that
  // was taken up to and including that append: whatever earlier changes
  // were going to be reported have been reported by then.
  WatchChanges ChangesBeforeFence() {
    EXPECT_TRUE(watcher_->Watch(dir_ / "fence").ok());
    Append(fence_file_);
    WatchChanges c = WaitForContent();
    EXPECT_TRUE(c.content) << "the fence never arrived";
    return c;
  }

  // Makes the kernel queue more distinct events than it holds, without
  // reading them: appends alternately to two files in `dir`. (Appends to one
  // file would be merged into a single queued IN_MODIFY.)
  void OverflowTheQueue(const std::string& dir) {
    long max_queued = 0;
    std::ifstream("/proc/sys/fs/inotify/max_queued_events") >> max_queued;
    if (max_queued <= 0)
      GTEST_SKIP() << "cannot read /proc/sys/fs/inotify/max_queued_events";
    // A million short writes take well under a few seconds.
    if (max_queued > 1000000)
      GTEST_SKIP() << "max_queued_events is " << max_queued;
    int a = ::open((dir + "/a").c_str(),
                   O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
    int b = ::open((dir + "/b").c_str(),
                   O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
    ASSERT_GE(a, 0);
    ASSERT_GE(b, 0);
    for (long i = 0; i < max_queued + 10; ++i) {
      ASSERT_EQ(1, ::write(i % 2 ? a : b, "x", 1));
    }
    ::close(a);
    ::close(b);
  }

  TempDir dir_;
  std::string fence_file_ = dir_ / "fence/f";
  std::unique_ptr<Poller> poller_;
  std::unique_ptr<DirWatcher> watcher_;
};

TEST_F(InotifyWatcherTest, NothingHappeningMeansNothingDispatchedAndNoChanges) {
  ASSERT_TRUE(watcher_->Watch(logs()).ok());
  auto n = poller_->Wait(0);
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(0, *n);
  EXPECT_FALSE(watcher_->TakeChanges().any());
}

TEST_F(InotifyWatcherTest, CreatingAFileSetsNames) {
  ASSERT_TRUE(watcher_->Watch(logs()).ok());
  Append(logs("app.log"));
  WatchChanges c = WaitForNames();
  EXPECT_TRUE(c.names);
  EXPECT_FALSE(c.overflow);
}

TEST_F(InotifyWatcherTest, ChangesAreReadOnlyWhenThePollerDispatches) {
  ASSERT_TRUE(watcher_->Watch(logs()).ok());
  Append(logs("app.log"));
  EXPECT_FALSE(watcher_->TakeChanges().any())
      << "read before the Poller said so";
  auto n = poller_->Wait(0);
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(1, *n) << "the event is queued by the time creat(2) returns";
  EXPECT_TRUE(watcher_->TakeChanges().names);
}

TEST_F(InotifyWatcherTest, TakeChangesClearsWhatItReturned) {
  ASSERT_TRUE(watcher_->Watch(logs()).ok());
  Append(logs("app.log"));
  ASSERT_TRUE(WaitForNames().names);
  EXPECT_FALSE(watcher_->TakeChanges().any());
}

TEST_F(InotifyWatcherTest, AppendingToAFileSetsContentButNotNames) {
  Append(logs("app.log"));
  ASSERT_TRUE(watcher_->Watch(logs()).ok());
  Append(logs("app.log"));
  WatchChanges c = WaitForContent();
  EXPECT_TRUE(c.content);
  EXPECT_FALSE(c.names) << "a write changes mtime but queues no IN_ATTRIB";
}

TEST_F(InotifyWatcherTest, TruncatingAFileSetsContent) {
  Append(logs("app.log"), "some lines\n");
  ASSERT_TRUE(watcher_->Watch(logs()).ok());
  // As logrotate's copytruncate does.
  ASSERT_EQ(0, ::truncate(logs("app.log").c_str(), 0));
  EXPECT_TRUE(WaitForContent().content);
}

TEST_F(InotifyWatcherTest, RenamingAFileIntoTheDirectorySetsNames) {
  Append(dir_ / "elsewhere.log");
  ASSERT_TRUE(watcher_->Watch(logs()).ok());
  Rename(dir_ / "elsewhere.log", logs("app.log"));
  EXPECT_TRUE(WaitForNames().names);
}

TEST_F(InotifyWatcherTest, RenamingAFileOutOfTheDirectorySetsNames) {
  Append(logs("app.log"));
  ASSERT_TRUE(watcher_->Watch(logs()).ok());
  Rename(logs("app.log"), dir_ / "elsewhere.log");
  EXPECT_TRUE(WaitForNames().names);
}

TEST_F(InotifyWatcherTest, RenamingAFileWithinTheDirectorySetsNames) {
  Append(logs("app.log"));
  ASSERT_TRUE(watcher_->Watch(logs()).ok());
  Rename(logs("app.log"), logs("app.log.1"));  // logrotate
  EXPECT_TRUE(WaitForNames().names);
}

TEST_F(InotifyWatcherTest, DeletingAFileSetsNames) {
  Append(logs("app.log"));
  ASSERT_TRUE(watcher_->Watch(logs()).ok());
  ASSERT_EQ(0, ::unlink(logs("app.log").c_str()));
  EXPECT_TRUE(WaitForNames().names);
}

TEST_F(InotifyWatcherTest, ChangingAFilesAttributesSetsNames) {
  Append(logs("app.log"));
  ASSERT_TRUE(watcher_->Watch(logs()).ok());
  // As logrotate's "create 0600" does.
  ASSERT_EQ(0, ::chmod(logs("app.log").c_str(), 0600));
  EXPECT_TRUE(WaitForNames().names);
}

// The kernel reports a link-count change (IN_ATTRIB from link(2), or from
// unlink(2) of another name) only to a watch on the file itself, never to its
// directory. Whoever needs to know that a file lost its last name elsewhere
// must stat it. This test pins that down; if it ever fails, the kernel got
// more helpful.
TEST_F(InotifyWatcherTest, LinkCountChangesAreNotReportedToTheDirectory) {
  Append(logs("app.log"));
  ASSERT_TRUE(watcher_->Watch(logs()).ok());
  ASSERT_EQ(0, ::link(logs("app.log").c_str(), (dir_ / "hard.log").c_str()));
  ASSERT_EQ(0, ::unlink((dir_ / "hard.log").c_str()));
  EXPECT_FALSE(ChangesBeforeFence().names);
}

TEST_F(InotifyWatcherTest, WritingToAnUnlinkedButOpenFileStillSetsContent) {
  int fd =
      ::open(logs("app.log").c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
  ASSERT_GE(fd, 0);
  ASSERT_TRUE(watcher_->Watch(logs()).ok());
  ASSERT_EQ(0, ::unlink(logs("app.log").c_str()));
  ASSERT_TRUE(WaitForNames().names);
  ASSERT_EQ(1, ::write(fd, "x", 1));
  EXPECT_TRUE(WaitForContent().content);
  ::close(fd);
}

TEST_F(InotifyWatcherTest, ChangesInASubdirectoryAreNotReported) {
  MakeDir(logs("sub"));
  ASSERT_TRUE(watcher_->Watch(logs()).ok());
  Append(logs("sub/app.log"));
  EXPECT_FALSE(ChangesBeforeFence().names) << "watching is not recursive";
}

TEST_F(InotifyWatcherTest, RemovingAWatchedDirectorySetsNamesAndEndsItsWatch) {
  ASSERT_TRUE(watcher_->Watch(logs()).ok());
  ASSERT_EQ(0, ::rmdir(logs().c_str()));
  EXPECT_TRUE(WaitForNames().names);
  EXPECT_TRUE(watcher_->watched().empty());
  auto n = poller_->Wait(0);  // the kernel's IN_IGNORED comes last
  ASSERT_TRUE(n.ok());
  watcher_->Unwatch(logs());  // harmless now

  MakeDir(logs());  // a new directory at the same path
  ASSERT_TRUE(watcher_->Watch(logs()).ok());
  Append(logs("app.log"));
  EXPECT_TRUE(WaitForNames().names);
}

TEST_F(InotifyWatcherTest,
       MovingAWatchedDirectoryAwaySetsNamesAndEndsItsWatch) {
  ASSERT_TRUE(watcher_->Watch(logs()).ok());
  Rename(logs(), dir_ / "moved");
  EXPECT_TRUE(WaitForNames().names);
  EXPECT_TRUE(watcher_->watched().empty());
  Append(dir_ / "moved/app.log");
  EXPECT_FALSE(ChangesBeforeFence().names)
      << "events under the new name were reported";
}

TEST_F(InotifyWatcherTest, WatchingAMissingDirectoryIsNotFound) {
  Status s = watcher_->Watch(dir_ / "missing");
  EXPECT_EQ(Code::kNotFound, s.code()) << s.ToString();
  EXPECT_TRUE(watcher_->watched().empty());
}

TEST_F(InotifyWatcherTest, WatchingARegularFileIsNotFound) {
  Append(logs("app.log"));
  Status s = watcher_->Watch(logs("app.log"));
  EXPECT_EQ(Code::kNotFound, s.code()) << s.ToString();
  EXPECT_TRUE(watcher_->watched().empty());
}

TEST_F(InotifyWatcherTest, WatchedListsTheDirectoriesSorted) {
  ASSERT_TRUE(watcher_->Watch(dir_ / "fence").ok());
  ASSERT_TRUE(watcher_->Watch(logs()).ok());
  EXPECT_EQ((std::vector<std::string>{dir_ / "fence", logs()}),
            watcher_->watched());
}

TEST_F(InotifyWatcherTest, WatchingTwiceIsOneWatchThatOneUnwatchEnds) {
  ASSERT_TRUE(watcher_->Watch(logs()).ok());
  ASSERT_TRUE(watcher_->Watch(logs()).ok());
  EXPECT_EQ(std::vector<std::string>{logs()}, watcher_->watched());
  Append(logs("app.log"));
  EXPECT_TRUE(WaitForNames().names);

  watcher_->Unwatch(logs());
  EXPECT_TRUE(watcher_->watched().empty());
  Append(logs("other.log"));
  EXPECT_FALSE(ChangesBeforeFence().names);
}

TEST_F(InotifyWatcherTest, TwoSpellingsOfADirectoryAreUnwatchedSeparately) {
  const std::string dot = logs() + "/.";
  ASSERT_TRUE(watcher_->Watch(logs()).ok());
  // The same inode, so the same kernel watch.
  ASSERT_TRUE(watcher_->Watch(dot).ok());
  watcher_->Unwatch(logs());
  EXPECT_EQ(std::vector<std::string>{dot}, watcher_->watched());
  Append(logs("app.log"));
  EXPECT_TRUE(WaitForNames().names)
      << "unwatching one spelling removed the kernel watch";

  watcher_->Unwatch(dot);
  Append(logs("other.log"));
  EXPECT_FALSE(ChangesBeforeFence().names);
}

TEST_F(InotifyWatcherTest, UnwatchingAnUnknownDirectoryIsHarmless) {
  watcher_->Unwatch(dir_ / "never-watched");
  ASSERT_TRUE(watcher_->Watch(logs()).ok());
  watcher_->Unwatch(dir_ / "never-watched");
  EXPECT_EQ(std::vector<std::string>{logs()}, watcher_->watched());
}

TEST_F(InotifyWatcherTest, RepeatedAppendsToOneFileAreMergedAndDoNotOverflow) {
  long max_queued = 0;
  std::ifstream("/proc/sys/fs/inotify/max_queued_events") >> max_queued;
  if (max_queued <= 0 || max_queued > 1000000)
    GTEST_SKIP() << "max_queued_events " << max_queued;
  Append(logs("app.log"));
  ASSERT_TRUE(watcher_->Watch(logs()).ok());
  int fd = ::open(logs("app.log").c_str(), O_WRONLY | O_APPEND | O_CLOEXEC);
  ASSERT_GE(fd, 0);
  for (long i = 0; i < 2 * max_queued; ++i) ASSERT_EQ(1, ::write(fd, "x", 1));
  ::close(fd);
  WatchChanges c = ChangesBeforeFence();
  EXPECT_TRUE(c.content);
  EXPECT_FALSE(c.overflow);
}

TEST_F(InotifyWatcherTest, AQueueOverflowSetsOverflowAndWatchingGoesOn) {
  ASSERT_TRUE(watcher_->Watch(logs()).ok());
  OverflowTheQueue(logs());
  if (IsSkipped() || HasFatalFailure()) return;
  EXPECT_TRUE(WaitForOverflow().overflow);
  EXPECT_EQ(std::vector<std::string>{logs()}, watcher_->watched());
  EXPECT_FALSE(watcher_->TakeChanges().any());

  Append(logs("new.log"));
  EXPECT_TRUE(WaitForNames().names);
}

TEST_F(InotifyWatcherTest, OneDispatchReadsEverythingQueued) {
  ASSERT_TRUE(watcher_->Watch(logs()).ok());
  OverflowTheQueue(logs());  // far more than one read(2) returns
  if (IsSkipped() || HasFatalFailure()) return;
  auto n = poller_->Wait(0);
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(1, *n);
  EXPECT_TRUE(watcher_->TakeChanges().overflow)
      << "the overflow event is queued last";
  n = poller_->Wait(0);
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(0, *n) << "events were left in the queue";
}

TEST_F(InotifyWatcherTest, ADirectoryRemovedDuringAnOverflowIsNoLongerWatched) {
  MakeDir(dir_ / "gone");
  ASSERT_TRUE(watcher_->Watch(logs()).ok());
  ASSERT_TRUE(watcher_->Watch(dir_ / "gone").ok());
  OverflowTheQueue(logs());
  if (IsSkipped() || HasFatalFailure()) return;
  ASSERT_EQ(0, ::rmdir((dir_ / "gone").c_str()));  // its IN_IGNORED is dropped
  EXPECT_TRUE(WaitForOverflow().overflow);
  EXPECT_EQ(std::vector<std::string>{logs()}, watcher_->watched());
}

TEST_F(InotifyWatcherTest, ADirectoryReplacedDuringAnOverflowIsWatchedAgain) {
  MakeDir(dir_ / "replaced");
  ASSERT_TRUE(watcher_->Watch(logs()).ok());
  ASSERT_TRUE(watcher_->Watch(dir_ / "replaced").ok());
  OverflowTheQueue(logs());
  if (IsSkipped() || HasFatalFailure()) return;
  ASSERT_EQ(0, ::rmdir((dir_ / "replaced").c_str()));
  MakeDir(dir_ / "replaced");
  EXPECT_TRUE(WaitForOverflow().overflow);
  EXPECT_EQ((std::vector<std::string>{logs(), dir_ / "replaced"}),
            watcher_->watched());
  Append(dir_ / "replaced/app.log");
  EXPECT_TRUE(WaitForNames().names) << "the new directory is not watched";
}

TEST_F(InotifyWatcherTest, DestroyingTheWatcherUnregistersItsDescriptor) {
  int inotify_fd = LowestFreeFd();  // what inotify_init1 will return
  {
    auto watcher = NewInotifyWatcher(*poller_);
    ASSERT_TRUE(watcher.ok());
  }
  int fds[2];
  ASSERT_EQ(0, ::pipe(fds));
  ASSERT_EQ(inotify_fd, fds[0])
      << "descriptor numbers were not reused as expected";
  struct Handler : PollHandler {
    void OnPollEvent(int, uint32_t) override { ++calls; }
    int calls = 0;
  } handler;
  // Had the watcher stayed registered, the Poller would try to modify a
  // registration the kernel dropped when the descriptor was closed.
  Status s = poller_->Watch(fds[0], kPollReadable, &handler);
  EXPECT_TRUE(s.ok()) << s.ToString();
  ASSERT_EQ(1, ::write(fds[1], "x", 1));
  auto n = poller_->Wait(0);
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(1, handler.calls);
  poller_->Unwatch(fds[0]);
  ::close(fds[0]);
  ::close(fds[1]);
}

TEST_F(InotifyWatcherTest, RunningOutOfDescriptorsIsUnavailable) {
  struct rlimit old_limit;
  ASSERT_EQ(0, ::getrlimit(RLIMIT_NOFILE, &old_limit));
  struct rlimit no_more = old_limit;
  no_more.rlim_cur = LowestFreeFd();  // inotify_init1 fails with EMFILE
  ASSERT_EQ(0, ::setrlimit(RLIMIT_NOFILE, &no_more));
  auto watcher = NewInotifyWatcher(*poller_);
  ASSERT_EQ(0, ::setrlimit(RLIMIT_NOFILE, &old_limit));
  ASSERT_FALSE(watcher.ok());
  EXPECT_EQ(Code::kUnavailable, watcher.status().code())
      << watcher.status().ToString();
}

// The per-user inotify limits can be lowered only inside a user namespace
// of our own (where /proc/sys/user/max_inotify_* are ours to set); that
// happens in a child process so this one is untouched. `body` returns "" on
// success or what went wrong.
std::string InChildWithLimit(const char* limit, const char* value,
                             const std::function<std::string()>& body) {
  int out[2];
  if (::pipe(out) != 0) return "pipe failed";
  pid_t pid = ::fork();
  if (pid < 0) return "fork failed";
  if (pid == 0) {
    ::close(out[0]);
    std::string result;
    uid_t uid = ::getuid();
    if (::unshare(CLONE_NEWUSER) != 0) {
      result =
          std::string("SKIP: unshare(CLONE_NEWUSER): ") + std::strerror(errno);
    } else {
      std::ofstream("/proc/self/uid_map") << "0 " << uid << " 1";
      std::ofstream sysctl(std::string("/proc/sys/user/") + limit);
      sysctl << value << std::flush;
      result = sysctl ? body() : std::string("SKIP: cannot set ") + limit;
    }
    ssize_t ignored = ::write(out[1], result.data(), result.size());
    (void)ignored;
    ::_exit(0);
  }
  ::close(out[1]);
  std::string result;
  char buf[256];
  ssize_t n;
  while ((n = ::read(out[0], buf, sizeof(buf))) > 0) result.append(buf, n);
  ::close(out[0]);
  int wstatus = 0;
  ::waitpid(pid, &wstatus, 0);
  if (!WIFEXITED(wstatus)) return "the child process crashed";
  return result;
}

TEST(InotifyWatcherLimitsTest, ExhaustedWatchLimitIsUnavailable) {
  EDGELOG_SKIP_UNDER_EMULATION("a forked child cannot enter a user namespace there");
  TempDir dir;
  MakeDir(dir / "a");
  MakeDir(dir / "b");
  std::string result =
      InChildWithLimit("max_inotify_watches", "1", [&]() -> std::string {
        auto poller = NewEpollPoller();
        auto watcher = NewInotifyWatcher(*poller);
        if (!watcher.ok()) return "init: " + watcher.status().ToString();
        Status first = (*watcher)->Watch(dir / "a");
        if (!first.ok()) return "first watch: " + first.ToString();
        if (!(*watcher)->Watch(dir / "a").ok())
          return "watching again needs no new watch";
        Status second = (*watcher)->Watch(dir / "b");
        if (second.code() != Code::kUnavailable)
          return "second watch: " + second.ToString();
        if ((*watcher)->watched() != std::vector<std::string>{dir / "a"})
          return "watched()";
        return "";
      });
  if (result.rfind("SKIP: ", 0) == 0) GTEST_SKIP() << result;
  EXPECT_EQ("", result);
}

TEST(InotifyWatcherLimitsTest, ExhaustedInstanceLimitIsUnavailable) {
  EDGELOG_SKIP_UNDER_EMULATION("a forked child cannot enter a user namespace there");
  std::string result =
      InChildWithLimit("max_inotify_instances", "0", []() -> std::string {
        auto poller = NewEpollPoller();
        auto watcher = NewInotifyWatcher(*poller);
        if (watcher.ok()) return "inotify initialised beyond the limit";
        if (watcher.status().code() != Code::kUnavailable)
          return watcher.status().ToString();
        return "";
      });
  if (result.rfind("SKIP: ", 0) == 0) GTEST_SKIP() << result;
  EXPECT_EQ("", result);
}

// The fake other modules test against.
TEST(FakeWatcherTest, SignalledChangesAreTakenOnce) {
  testing::FakeWatcher w;
  EXPECT_FALSE(w.TakeChanges().any());
  w.SignalContent();
  w.Signal(WatchChanges{false, true, false});
  WatchChanges c = w.TakeChanges();
  EXPECT_TRUE(c.content && c.names && !c.overflow);
  EXPECT_FALSE(w.TakeChanges().any());
}

TEST(FakeWatcherTest, WatchFailsAsToldAndRecordsTheRest) {
  testing::FakeWatcher w;
  ASSERT_TRUE(w.Watch("/b").ok());
  ASSERT_TRUE(w.Watch("/a").ok());
  EXPECT_EQ((std::vector<std::string>{"/a", "/b"}), w.watched());
  w.set_unavailable(true);
  EXPECT_EQ(Code::kUnavailable, w.Watch("/c").code());
  w.set_unavailable(false);
  w.RemoveDir("/a");
  EXPECT_TRUE(w.TakeChanges().names);
  EXPECT_EQ(Code::kNotFound, w.Watch("/a").code());
  EXPECT_EQ(std::vector<std::string>{"/b"}, w.watched());
  EXPECT_EQ(4, w.watch_calls());
}

}  // namespace
}  // namespace edgelog
