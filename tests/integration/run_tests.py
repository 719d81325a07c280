"""Runs the integration tests and ends with "N passed, M failed"."""
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
    # A skipped test counts as failed: it did not show what it tests.
    skipped = len(result.skipped)
    failed = len(result.failures) + len(result.errors) + skipped
    passed = result.testsRun - failed
    if skipped:
        print(f"{skipped} skipped (counted as failed)", flush=True)
    print(f"{passed} passed, {failed} failed", flush=True)
    sys.exit(0 if failed == 0 and result.testsRun > 0 else 1)
