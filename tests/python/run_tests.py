"""Runs the Python front's tests (test_*.py beside this file) with unittest.

    DWCONV1D_LIBRARY=build/libdwconv1d.so PYTHONPATH=python python3 tests/python/run_tests.py [-v]

meson test runs it with both set (suite "python"). The last line counts the
tests: "python: N passed, N failed, N skipped"; the exit status is 0 only
when none failed.
"""

import os
import sys
import unittest


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    sys.path.insert(0, here)  # reference.py
    verbosity = 2 if "-v" in sys.argv[1:] else 1
    suite = unittest.defaultTestLoader.discover(here, pattern="test_*.py", top_level_dir=here)
    result = unittest.TextTestRunner(verbosity=verbosity, stream=sys.stdout).run(suite)
    import dwconv1d
    print(f"library {dwconv1d.library_path} ({dwconv1d.library_version()}), "
          f"ISAs {', '.join(dwconv1d.supported_isas())}")
    failed = len(result.failures) + len(result.errors) + len(result.unexpectedSuccesses)
    skipped = len(result.skipped)
    passed = result.testsRun - failed - skipped
    for test, reason in result.skipped:
        print(f"skipped {test.id()}: {reason}")
    print(f"python: {passed} passed, {failed} failed, {skipped} skipped")
    return 0 if failed == 0 and result.testsRun > 0 else 1


if __name__ == "__main__":
    sys.exit(main())
