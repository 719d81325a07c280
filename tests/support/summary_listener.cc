#include "tests/support/summary_listener.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <string>

namespace edgelog::testing {
namespace {

// The reason GTEST_SKIP() gave, on one line.
std::string SkipReason(const ::testing::TestResult& result) {
  std::string reason;
  for (int i = 0; i < result.total_part_count(); ++i) {
    const ::testing::TestPartResult& part = result.GetTestPartResult(i);
    if (part.skipped() && part.message() != nullptr) reason += part.message();
  }
  for (char& c : reason) {
    if (c == '\n' || c == '\r') c = ' ';
  }
  return reason.empty() ? "no reason given" : reason;
}

class SummaryListener : public ::testing::EmptyTestEventListener {
  // Each skip on a line of its own, with its reason: tests/run_all.sh holds
  // them against tests/allowed_skips.txt.
  void OnTestProgramEnd(const ::testing::UnitTest& unit) override {
    for (int s = 0; s < unit.total_test_suite_count(); ++s) {
      const ::testing::TestSuite& suite = *unit.GetTestSuite(s);
      for (int t = 0; t < suite.total_test_count(); ++t) {
        const ::testing::TestInfo& test = *suite.GetTestInfo(t);
        if (!test.result()->Skipped()) continue;
        std::printf("skipped: %s.%s: %s\n", suite.name(), test.name(),
                    SkipReason(*test.result()).c_str());
      }
    }
    std::printf("%d passed, %d failed, %d skipped\n", unit.successful_test_count(),
                unit.failed_test_count(), unit.skipped_test_count());
    std::fflush(stdout);
  }
};

}  // namespace

void InstallSummaryListener() {
  ::testing::UnitTest::GetInstance()->listeners().Append(new SummaryListener);
}

}  // namespace edgelog::testing
