// A GoogleTest listener that ends the run with a line "skipped: SUITE.TEST:
// REASON" for each skipped test, then "N passed, M failed, K skipped", the
// lines tests/run_all.sh adds up across suites (and holds the skips against
// tests/allowed_skips.txt).
#ifndef EDGELOG_TESTS_SUPPORT_SUMMARY_LISTENER_H_
#define EDGELOG_TESTS_SUPPORT_SUMMARY_LISTENER_H_

namespace edgelog::testing {

// Appends the listener to GoogleTest's listeners. Call after InitGoogleTest.
void InstallSummaryListener();

}  // namespace edgelog::testing

#endif  // EDGELOG_TESTS_SUPPORT_SUMMARY_LISTENER_H_
