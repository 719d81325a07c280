"""Runs the integration tests and ends with a line "skipped: ID: REASON" per
skipped test, then "N passed, M failed, K skipped"."""
import os
import sys
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

if __name__ == "__main__":
    # test_static.py needs the static binaries (make static): it runs only
    # when named, from make static-test.
    if len(sys.argv) > 1:
        suite = unittest.defaultTestLoader.discover(HERE, pattern=sys.argv[1])
    else:
        suite = unittest.TestSuite(
            unittest.defaultTestLoader.discover(HERE, pattern=name)
            for name in sorted(os.listdir(HERE))
            if name.startswith("test_") and name.endswith(".py") and name != "test_static.py")
    result = unittest.TextTestRunner(verbosity=2, stream=sys.stdout).run(suite)
    # Each skip with its reason: tests/run_all.sh holds them against
    # tests/allowed_skips.txt (a skip not listed there counts as failed).
    for test, reason in result.skipped:
        print(f"skipped: {test.id()}: {' '.join(str(reason).split())}", flush=True)
    skipped = len(result.skipped)
    failed = len(result.failures) + len(result.errors)
    # A class skipped or failed in setUpClass is one entry that testsRun
    # does not count; a test skipped or failed is counted in testsRun.
    ran = [t for t, _ in result.skipped + result.failures + result.errors
           if isinstance(t, unittest.TestCase)]
    passed = result.testsRun - len(ran)
    print(f"{passed} passed, {failed} failed, {skipped} skipped", flush=True)
    sys.exit(0 if failed == 0 and (result.testsRun > 0 or skipped > 0) else 1)
