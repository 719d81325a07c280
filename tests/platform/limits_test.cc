// RaiseOpenFileLimit against the real process limits. Each test puts the
// limits back as they were; no child process, so the tests also run under
// user-mode emulation, where a forked child of a threaded process can hang.
#include "platform/limits.h"

#include <gtest/gtest.h>
#include <sys/resource.h>

namespace edgelog {
namespace {

class LimitsTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_EQ(0, ::getrlimit(RLIMIT_NOFILE, &saved_)); }
  void TearDown() override { ::setrlimit(RLIMIT_NOFILE, &saved_); }

  struct rlimit Now() {
    struct rlimit now = {};
    ::getrlimit(RLIMIT_NOFILE, &now);
    return now;
  }

  struct rlimit saved_ = {};
};

TEST_F(LimitsTest, TheSoftDescriptorLimitIsRaisedToTheHardOne) {
  ASSERT_NE(RLIM_INFINITY, saved_.rlim_max) << "no finite hard limit to test with";
  ASSERT_GE(saved_.rlim_max, 128u);
  struct rlimit low = {64, saved_.rlim_max};
  ASSERT_EQ(0, ::setrlimit(RLIMIT_NOFILE, &low));
  EXPECT_EQ(saved_.rlim_max, RaiseOpenFileLimit());
  EXPECT_EQ(saved_.rlim_max, Now().rlim_cur);
}

TEST_F(LimitsTest, ALimitAlreadyAtItsHardValueIsReportedAsItIs) {
  struct rlimit same = {saved_.rlim_max, saved_.rlim_max};
  ASSERT_EQ(0, ::setrlimit(RLIMIT_NOFILE, &same));
  EXPECT_EQ(saved_.rlim_max, RaiseOpenFileLimit());
  EXPECT_EQ(saved_.rlim_max, Now().rlim_cur);
}

}  // namespace
}  // namespace edgelog
