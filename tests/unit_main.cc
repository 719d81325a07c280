// Entry point of the unit-test binary.
#include <gtest/gtest.h>

#include "tests/support/summary_listener.h"

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  edgelog::testing::InstallSummaryListener();
  return RUN_ALL_TESTS();
}
