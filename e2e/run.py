#!/usr/bin/python3
# End-to-end tests of `tessera serve` against the real binary (docs/server.md).
#   /usr/bin/python3 e2e/run.py --tessera build/tessera [--store sqlite|redis|redis-cluster] [-k PATTERN] [-q]
# Standard library only. Exit status 0 when every test passed (skips allowed).
import argparse
import os
import sys
import time
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import harness  # noqa: E402


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--tessera", required=True, help="path to the tessera binary")
    ap.add_argument("--store", choices=["sqlite", "redis", "redis-cluster"], default="sqlite")
    ap.add_argument("-k", action="append", default=[], metavar="PATTERN",
                    help="run only tests whose id contains PATTERN (repeatable)")
    ap.add_argument("-q", action="store_true", help="less output")
    ap.add_argument("--failfast", action="store_true")
    a = ap.parse_args()

    harness.TESSERA = os.path.abspath(a.tessera)
    harness.STORE = a.store
    if not os.access(harness.TESSERA, os.X_OK):
        print(f"e2e: {harness.TESSERA} is not executable", file=sys.stderr)
        return 2

    loader = unittest.TestLoader()
    if a.k:
        loader.testNamePatterns = [p if "*" in p else f"*{p}*" for p in a.k]
    suite = loader.discover(HERE, pattern="test_*.py", top_level_dir=HERE)
    t0 = time.time()
    runner = unittest.TextTestRunner(verbosity=1 if a.q else 2, failfast=a.failfast)
    result = runner.run(suite)
    print(f"e2e ({a.store}): {result.testsRun} tests, {len(result.failures)} failures, {len(result.errors)} errors, "
          f"{len(result.skipped)} skipped in {time.time() - t0:.1f} s", file=sys.stderr)
    return 0 if result.wasSuccessful() else 1


if __name__ == "__main__":
    sys.exit(main())
