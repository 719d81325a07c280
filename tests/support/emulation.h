// Tests that cannot run under user-mode emulation (qemu-user, the ARM64 unit
// run of make test TARGET=aarch64) skip there, saying why. tests/run_all.sh
// sets EDGELOG_EMULATED=1 for that run; tests/allowed_skips.txt gives each
// such skip's cause.
#ifndef EDGELOG_TESTS_SUPPORT_EMULATION_H_
#define EDGELOG_TESTS_SUPPORT_EMULATION_H_

#include <gtest/gtest.h>

#include <cstdlib>
#include <string_view>

namespace edgelog::testing {

inline bool RunningUnderEmulation() {
  const char* value = std::getenv("EDGELOG_EMULATED");
  return value != nullptr && std::string_view(value) == "1";
}

}  // namespace edgelog::testing

// Skips the current test under emulation, with `reason` (a string literal).
#define EDGELOG_SKIP_UNDER_EMULATION(reason)                          \
  if (::edgelog::testing::RunningUnderEmulation()) {                  \
    GTEST_SKIP() << "under user-mode emulation (qemu-user): " reason; \
  }

#endif  // EDGELOG_TESTS_SUPPORT_EMULATION_H_
