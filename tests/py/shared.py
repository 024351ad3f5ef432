"""Access to ../shared (public reference data read at run time, never copied)."""
import os
import unittest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SHARED = os.path.join(os.path.dirname(ROOT), "shared")


def require(path):
    """The path under ../shared; skips visibly when absent, fails when CI=true."""
    full = os.path.join(SHARED, path)
    if not os.path.exists(full):
        msg = f"../shared/{path} is absent"
        if os.environ.get("CI") == "true":
            raise AssertionError(msg + " (required when CI=true)")
        print(f"SKIP: {msg}")
        raise unittest.SkipTest(msg)
    return full
