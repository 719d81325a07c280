#include "tests/support/summary_listener.h"

#include <gtest/gtest.h>

#include <cstdio>

namespace edgelog::testing {
namespace {

class SummaryListener : public ::testing::EmptyTestEventListener {
  void OnTestProgramEnd(const ::testing::UnitTest& unit) override {
    std::printf("%d passed, %d failed\n", unit.successful_test_count(),
                unit.failed_test_count());
    std::fflush(stdout);
  }
};

}  // namespace

void InstallSummaryListener() {
  ::testing::UnitTest::GetInstance()->listeners().Append(new SummaryListener);
}

}  // namespace edgelog::testing
