// Files read, delivered and gone are forgotten; one met again (renamed back
// into the pattern) is still known, and a file truncated again and again
// (copytruncate) does not pile up generations.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "tests/agent/run/restart_fixture.h"

namespace edgelog::restart_test {
namespace {

// Copytruncate rotations while the agent runs: app.log keeps its inode, the
// copy app.log.1 is replaced each time. Lines exact, and memory bounded as
// for create rotations (files remembered).
TEST_F(RestartTest, CopytruncateRotationsAreExactAndBounded) {
  const int kRotations = 200;
  Strings written{L(0)};
  env_.WriteFile(kLog, L(0) + "\n");
  size_t answered = 0;
  http_.set_responder([&](const SeenRequest& r) -> std::optional<HttpResponse> {
    if (r.target == "PutLogEvents") { ++answered; Store(r); }
    return FakeHttp::Ok();
  });
  int done = 0;
  int64_t last = clock_.MonotonicMillis();
  const std::string base = kLog;
  auto rotate = [&](int) {
    if (done >= kRotations || answered <= static_cast<size_t>(done) ||
        clock_.MonotonicMillis() - last < 1500) {
      return;
    }
    last = clock_.MonotonicMillis();
    (void)env_.Remove(base + ".1");
    env_.WriteFile(base + ".1", env_.ReadFile(base));
    EXPECT_TRUE(env_.Truncate(base, 0).ok());
    ++done;
    written.push_back(L(done));
    env_.AppendToFile(kLog, L(done) + "\n");
  };
  int64_t finished_at = -1;
  auto finished = [&] {
    if (done < kRotations || answered <= static_cast<size_t>(done)) return false;
    if (finished_at < 0) finished_at = clock_.MonotonicMillis();
    return clock_.MonotonicMillis() - finished_at >= 40000;
  };
  EXPECT_EQ(kExitOk, Run(env_, rotate, finished));
  ExpectEachOnce(kRotations + 1);
  EXPECT_LE(summary_.files_remembered, 5u) << "of " << summary_.files_followed << " followed";
}

// A file read and rotated out of the pattern in two steps: a.log -> a.log.1
// (a rotated name, not matched by *.log) -> a-1.log (matched again, but not a
// rotated name of a.log). The second rename happens `GetParam()` ms after
// the first, maybe between a Discover and a checkpoint save that forgets
// the retired source.
class ForgetRaceTest : public RestartTest,
                              public ::testing::WithParamInterface<int> {};

TEST_P(ForgetRaceTest, ASourceForgottenBetweenTwoDiscoversIsReadAgain) {
  config_.files[0].file_path = "/var/log/*.log";
  options_.rescan_interval_ms = 5000;  // Discover every 5 s (inotify off)
  http_.set_responder([&](const SeenRequest& r) -> std::optional<HttpResponse> {
    if (r.target == "PutLogEvents") Store(r);
    return FakeHttp::Ok();
  });
  const std::string a = "/var/log/a.log";
  Write(0, 5, a);
  int64_t start = clock_.MonotonicMillis();
  int step = 0;
  int64_t renamed_at = 0;
  int n = 5;
  auto act = [&](int) {
    int64_t t = clock_.MonotonicMillis() - start;
    if (step == 0 && t > 3000) {  // create rotation
      EXPECT_TRUE(env_.Rename(a, a + ".1").ok());
      Write(5, 10, a);
      n = 10;
      ++step;
      renamed_at = t;
      return;
    }
    if (step == 1 && t > renamed_at + GetParam()) {
      EXPECT_TRUE(env_.Rename(a + ".1", "/var/log/a-1.log").ok());
      ++step;
    }
    if (step >= 1 && t < 200000 && t % 700 < 300) {  // a line now and then: saves
      Write(n, n + 1, a);
      ++n;
    }
  };
  EXPECT_EQ(kExitOk, Run(env_, act, [&] { return clock_.MonotonicMillis() - start > 220000; }));
  ExpectEachOnce(n);
}

INSTANTIATE_TEST_SUITE_P(Delays, ForgetRaceTest, ::testing::Values(26000, 40000, 91000));


// ReadEarlier's own example: a file renamed out of the pattern (another
// directory) while a new file takes its name, and later back into the
// pattern under another name: resumed where it was left, not read again.
TEST_F(RestartTest, AFileRenamedOutOfThePatternAndBackInIsNotReadAgain) {
  config_.files[0].file_path = "/var/log/*.log";
  http_.set_responder([&](const SeenRequest& r) -> std::optional<HttpResponse> {
    if (r.target == "PutLogEvents") Store(r);
    return FakeHttp::Ok();
  });
  ASSERT_TRUE(env_.CreateDirs("/var/old").ok());
  const std::string a = "/var/log/a.log";
  Write(0, 5, a);
  int64_t start = clock_.MonotonicMillis();
  int step = 0;
  auto act = [&](int) {
    int64_t t = clock_.MonotonicMillis() - start;
    if (step == 0 && t > 3000) {
      EXPECT_TRUE(env_.Rename(a, "/var/old/a.log").ok());  // olddir-style
      Write(5, 10, a);
      ++step;
    } else if (step == 1 && t > 60000) {
      EXPECT_TRUE(env_.Rename("/var/old/a.log", "/var/log/a-restored.log").ok());
      ++step;
    }
  };
  EXPECT_EQ(kExitOk, Run(env_, act, [&] { return clock_.MonotonicMillis() - start > 90000; }));
  ExpectEachOnce(10);
}

}  // namespace
}  // namespace edgelog::restart_test
