"""The built `awsc` CLI for tests that run it: where it is, and an environment of our own."""
import os
import unittest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
AWSC = os.path.join(os.environ.get("AWSC_BINARY_DIR", os.path.join(ROOT, "build")), "bin", "awsc")
# Generous (a loaded machine); AWSC_TEST_TIMEOUT overrides it.
TIMEOUT = float(os.environ.get("AWSC_TEST_TIMEOUT", "60"))


def require_awsc():
    """Skips visibly when the CLI is not built, fails when CI=true."""
    if not os.access(AWSC, os.X_OK):
        msg = f"{AWSC} is missing: build first"
        if os.environ.get("CI") == "true":
            raise AssertionError(msg + " (required when CI=true)")
        print(f"SKIP: {msg}")
        raise unittest.SkipTest(msg)


def cli_env(**settings):
    """This process's environment without its AWS_* settings, one attempt per call, no IMDS, plus `settings`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(AWS_REGION="us-east-1", AWS_EC2_METADATA_DISABLED="true", AWS_MAX_ATTEMPTS="1",
               NO_PROXY="127.0.0.1", no_proxy="127.0.0.1")
    env.update(settings)
    return env


class SuiteCounter:
    """Mixin for a TestCase: prints `SUITE: P passed, S skipped, F failed` once the class has run."""

    SUITE = "cli"
    _counts = None

    @classmethod
    def setUpClass(cls):
        cls._counts = {"passed": 0, "skipped": 0, "failed": 0}

    @classmethod
    def tearDownClass(cls):
        c = cls._counts or {"passed": 0, "skipped": 0, "failed": 0}
        print(f"\n{cls.SUITE}: {c['passed']} passed, {c['skipped']} skipped, {c['failed']} failed", flush=True)

    def run(self, result=None):
        before = (len(result.failures) + len(result.errors), len(result.skipped)) if result else (0, 0)
        out = super().run(result)
        if result is not None and self._counts is not None:
            failed = len(result.failures) + len(result.errors) - before[0]
            skipped = len(result.skipped) - before[1]
            key = "failed" if failed else "skipped" if skipped else "passed"
            self._counts[key] += 1
        return out
