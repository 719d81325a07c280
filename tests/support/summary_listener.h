// A GoogleTest listener that ends the run with "N passed, M failed", the
// line tests/run_all.sh adds up across suites.
#ifndef EDGELOG_TESTS_SUPPORT_SUMMARY_LISTENER_H_
#define EDGELOG_TESTS_SUPPORT_SUMMARY_LISTENER_H_

namespace edgelog::testing {

// Appends the listener to GoogleTest's listeners. Call after InitGoogleTest.
void InstallSummaryListener();

}  // namespace edgelog::testing

#endif  // EDGELOG_TESTS_SUPPORT_SUMMARY_LISTENER_H_
