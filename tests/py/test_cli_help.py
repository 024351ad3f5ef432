"""`awsc ... help` with the model's documentation and patterns, as the AWS CLI's help shows them.

The descriptors a device links carry neither (they are generated into
generated/<service>/cli/ and compiled into the awsc command only): the last case checks that
the IoT Jobs library has none of that text. The official DynamoDB model (../shared, built by
tests/py/shared.py) brings AWS's own documentation; our vendored models have theirs stripped.
"""
import glob
import os
import subprocess
import sys
import unittest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, ROOT)

from tests.py.cli import AWSC, TIMEOUT, SuiteCounter, cli_env, require_awsc  # noqa: E402
from tests.py.shared import shared_models_cli  # noqa: E402


def run(awsc, *args):
    r = subprocess.run([awsc, *args], capture_output=True, text=True, env=cli_env(), timeout=TIMEOUT)
    return r


class CliHelp(SuiteCounter, unittest.TestCase):
    SUITE = "cli-help"

    def setUp(self):
        require_awsc()

    def test_operation_description_member_docs_and_patterns(self):
        r = run(AWSC, "iot-jobs-data", "describe-job-execution", "help")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("DESCRIPTION\n  Returns one job execution of a thing, optionally with its job document.\n",
                      r.stdout)
        self.assertIn("  --thing-name (string) [required] [length 1-128]\n"
                      "      Thing whose execution is wanted.\n"
                      "      pattern: ^[a-zA-Z0-9:_-]+$\n", r.stdout)
        # nested output members have theirs too
        self.assertIn("      jobId (string) [length 1-64]\n          Id of the job.\n"
                      "          pattern: ^[a-zA-Z0-9_-]+$\n", r.stdout)

    def test_map_keys_and_service_documentation(self):
        r = run(AWSC, "iot-jobs-data", "update-job-execution", "help")
        self.assertIn("      key (string) [length 1-128]\n          pattern: ^[a-zA-Z0-9:_-]+$\n", r.stdout)
        # long text is wrapped within 79 columns, at a word
        self.assertIn("DESCRIPTION\n  Reports a new status, and optionally progress details, for a job execution of\n"
                      "  a thing.\n", r.stdout)
        r = run(AWSC, "iot-jobs-data", "help")
        self.assertEqual(r.returncode, 0)
        self.assertIn("\n  Device-side API of AWS IoT Jobs", r.stdout)
        self.assertIn("operations:\n  describe-job-execution\n", r.stdout)

    def test_official_model_documentation(self):
        awsc = shared_models_cli()
        r = run(awsc, "dynamodb", "create-backup", "help")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("DESCRIPTION\n  Creates a backup for an existing table.", r.stdout)
        self.assertIn("  --backup-name (string) [required] [length 3-255]\n"
                      "      Specified name for the backup.\n"
                      "      pattern: ^[a-zA-Z0-9_.-]+$\n", r.stdout)
        self.assertNotIn("<p>", r.stdout)
        r = run(awsc, "dynamodb", "help")
        self.assertIn("Amazon DynamoDB is a fully managed NoSQL database service", r.stdout)

    def test_the_device_library_carries_no_help_text(self):
        build = os.path.dirname(os.path.dirname(AWSC))
        libs = glob.glob(os.path.join(build, "libawsc-iot-jobs-data-plane.a"))
        if not libs:
            self.skipTest("no static IoT Jobs library in " + build)
        with open(libs[0], "rb") as fh:
            data = fh.read()
        self.assertIn(b"thingName", data)  # the descriptors are there
        self.assertNotIn(b"Thing whose execution is wanted", data)
        self.assertNotIn(b"^[a-zA-Z0-9:_-]+$", data)
        self.assertNotIn(b"cli_docs", data)


if __name__ == "__main__":
    unittest.main()
