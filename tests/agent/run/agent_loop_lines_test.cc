// Last lines and records at the end of a run: a last line without a
// newline, a record ending the file, a line cut by a stop.
#include <gtest/gtest.h>

#include "tests/agent/run/agent_loop_test_fixture.h"

namespace edgelog::agent_loop_test {
namespace {

TEST_F(AgentLoopTest, OnceDeliversALastLineWithoutNewline) {
  env_.WriteFile(kLog, "one\ntwo");
  EXPECT_EQ(kExitOk, RunOnce());
  EXPECT_EQ((Strings{"one", "two"}), SentMessages());
  EXPECT_EQ(7, SavedOffset(kLog));
}

TEST_F(AgentLoopTest, OnceBigFileWithoutNewline) {
  std::string text;
  for (int i = 0; i < 200000; ++i) text += "line-" + std::to_string(i) + "\n";
  text += "last";
  env_.WriteFile(kLog, text);
  EXPECT_EQ(kExitOk, RunOnce());
  Strings sent = SentMessages();
  ASSERT_EQ(200001u, sent.size());
  EXPECT_EQ("last", sent.back());
  EXPECT_EQ(static_cast<int64_t>(text.size()), SavedOffset(kLog));
}

TEST_F(AgentLoopTest, OnceMultiLineRecordAtEnd) {
  config_.files[0].multi_line_start_pattern = "^\\S";
  env_.WriteFile(kLog, "rec1\n  c1\nrec2\n  c2\n");
  EXPECT_EQ(kExitOk, RunOnce());
  EXPECT_EQ((Strings{"rec1\n  c1", "rec2\n  c2"}), SentMessages());
}

TEST_F(AgentLoopTest, StopWithPartialLineThenRestart) {
  env_.WriteFile(kLog, "one\ntwo");
  int64_t start = clock_.MonotonicMillis();
  RunUntilStopped([&](int wait) { if (wait == 3) env_.AppendToFile(kLog, "-more\nthree\n"); },
                  [&] { return clock_.MonotonicMillis() - start > 20000; });
  options_.once = true;
  size_t puts = http_.requests_for("PutLogEvents").size();
  EXPECT_EQ(kExitOk, RunOnce());
  Strings all = SentMessages();
  EXPECT_EQ((Strings{"one", "two-more", "three"}), all) << puts;
}

}  // namespace
}  // namespace edgelog::agent_loop_test
