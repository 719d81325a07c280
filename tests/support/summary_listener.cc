#include "tests/support/summary_listener.h"

#include <gtest/gtest.h>

#include <cstdio>

namespace edgelog::testing {
namespace {

class SummaryListener : public ::testing::EmptyTestEventListener {
  // A skipped test counts as failed: it did not show what it tests.
  void OnTestProgramEnd(const ::testing::UnitTest& unit) override {
    if (unit.skipped_test_count() > 0) {
      std::printf("%d skipped (counted as failed)\n", unit.skipped_test_count());
    }
    std::printf("%d passed, %d failed\n", unit.successful_test_count(),
                unit.failed_test_count() + unit.skipped_test_count());
    std::fflush(stdout);
  }
};

}  // namespace

void InstallSummaryListener() {
  ::testing::UnitTest::GetInstance()->listeners().Append(new SummaryListener);
}

}  // namespace edgelog::testing
