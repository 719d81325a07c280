// RaiseOpenFileLimit against the real process limits, in a child process so
// the test binary's own limits stay as they were.
#include "platform/limits.h"

#include <gtest/gtest.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

namespace edgelog {
namespace {

TEST(LimitsTest, TheSoftDescriptorLimitIsRaisedToTheHardOne) {
  pid_t pid = ::fork();
  if (pid == 0) {
    struct rlimit limit;
    if (::getrlimit(RLIMIT_NOFILE, &limit) != 0) ::_exit(10);
    if (limit.rlim_max == RLIM_INFINITY || limit.rlim_max < 128) ::_exit(11);
    struct rlimit low = {64, limit.rlim_max};
    if (::setrlimit(RLIMIT_NOFILE, &low) != 0) ::_exit(12);
    uint64_t now = RaiseOpenFileLimit();
    struct rlimit after;
    ::getrlimit(RLIMIT_NOFILE, &after);
    ::_exit(now == limit.rlim_max && after.rlim_cur == limit.rlim_max ? 0 : 13);
  }
  int status = 0;
  ASSERT_EQ(pid, ::waitpid(pid, &status, 0));
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(0, WEXITSTATUS(status))
      << "10: getrlimit, 11: no finite hard limit to test with, 12: setrlimit, 13: not raised";
}

TEST(LimitsTest, ALimitAlreadyAtItsHardValueIsReportedAsItIs) {
  struct rlimit limit;
  ASSERT_EQ(0, ::getrlimit(RLIMIT_NOFILE, &limit));
  pid_t pid = ::fork();
  if (pid == 0) {
    struct rlimit same = {limit.rlim_max, limit.rlim_max};
    if (::setrlimit(RLIMIT_NOFILE, &same) != 0) ::_exit(12);
    ::_exit(RaiseOpenFileLimit() == limit.rlim_max ? 0 : 13);
  }
  int status = 0;
  ASSERT_EQ(pid, ::waitpid(pid, &status, 0));
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(0, WEXITSTATUS(status));
}

}  // namespace
}  // namespace edgelog
