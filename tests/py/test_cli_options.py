"""The awsc CLI's input: option values and --cli-input-json files, against a loopback recorder.

An option value is exactly one JSON value of its member's type: a value that
carries more (`1, "thingName": "devB"`) would otherwise rewrite other members,
here the request path. A bad value or file is refused with an error naming
the option, and the recorder proves that nothing was sent.
"""
import json
import os
import subprocess
import sys
import tempfile
import unittest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, ROOT)

from tests.py.cli import AWSC, TIMEOUT, cli_env, require_awsc  # noqa: E402
from tests.py.recorder import Recorder  # noqa: E402


class CliOptions(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        require_awsc()
        cls.rec = Recorder().start()
        cls.env = cli_env(AWS_ACCESS_KEY_ID="AKIDCLI", AWS_SECRET_ACCESS_KEY="cli/secret")

    @classmethod
    def tearDownClass(cls):
        cls.rec.stop()

    def setUp(self):
        self.rec.take()

    def awsc(self, op, *args):
        return subprocess.run([AWSC, "iot-jobs-data", op, "--endpoint-url", self.rec.url, *args], env=self.env,
                              capture_output=True, text=True, timeout=TIMEOUT)

    def refused(self, op, *args, says):
        r = self.awsc(op, *args)
        self.assertEqual(r.returncode, 252, r.stdout + r.stderr)
        self.assertIn(says, r.stderr)
        self.assertEqual(self.rec.take(), [], "a refused input must send nothing")

    def update(self, *args):
        return ("update-job-execution", "--thing-name", "devA", "--job-id", "j1", "--status", "SUCCEEDED", *args)

    def test_a_value_carrying_more_members_is_refused(self):
        self.refused(*self.update("--expected-version", '1, "thingName": "devB"'),
                     says="--expected-version: expected an integer")
        self.refused(*self.update("--status-details", '{"a": "b"}, "thingName": "devB"'),
                     says="--status-details: expected a JSON object")
        self.refused(*self.update("--step-timeout-in-minutes", '5}, {"thingName": "devB"'),
                     says="--step-timeout-in-minutes: expected an integer")

    def test_a_value_of_the_wrong_type_names_the_option(self):
        self.refused(*self.update("--expected-version", "abc"),
                     says='awsc: --expected-version: expected an integer, got "abc"')
        self.refused(*self.update("--expected-version", "1.5"), says="--expected-version: expected an integer")
        self.refused(*self.update("--status-details", '["a"]'), says="--status-details: expected a JSON object")
        self.refused(*self.update("--status-details", '{"a": 1}'), says="--status-details:")
        self.refused("describe-job-execution", "--thing-name", "devA", "--job-id", "j1",
                     "--execution-number", "", says="--execution-number: expected an integer")

    def test_good_values_are_sent_where_they_belong(self):
        r = self.awsc(*self.update("--expected-version", "7", "--status-details", '{"step": "3"}'))
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        sent = self.rec.take()
        self.assertEqual(len(sent), 1)
        self.assertEqual(sent[0].path, "/things/devA/jobs/j1")
        body = json.loads(sent[0].body)
        self.assertEqual(body["expectedVersion"], 7)
        self.assertEqual(body["statusDetails"], {"step": "3"})
        self.assertNotIn("thingName", body)

    # ---- --cli-input-json file:// ----

    def test_input_files_must_be_regular_and_small(self):
        with tempfile.TemporaryDirectory(prefix="awsc_cli_input_") as tmp:
            fifo = os.path.join(tmp, "fifo")
            os.mkfifo(fifo)
            big = os.path.join(tmp, "big.json")
            with open(big, "wb") as f:  # sparse: 17 MiB on disk costs nothing
                f.truncate(17 << 20)
            for path, says in (("/dev/zero", "/dev/zero is not a regular file"),
                               (fifo, f"{fifo} is not a regular file"),
                               (tmp, f"{tmp} is not a regular file"),
                               (big, f"{big} is larger than the 16 MiB limit"),
                               (os.path.join(tmp, "absent.json"), "cannot read")):
                with self.subTest(path=path):
                    self.refused(*self.update("--cli-input-json", "file://" + path),
                                 says="awsc: --cli-input-json: " + says)

    def test_a_regular_input_file_is_read(self):
        with tempfile.NamedTemporaryFile("w", suffix=".json") as f:
            json.dump({"expectedVersion": 4}, f)
            f.flush()
            r = self.awsc(*self.update("--cli-input-json", "file://" + f.name))
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        sent = self.rec.take()
        self.assertEqual(len(sent), 1)
        self.assertEqual(json.loads(sent[0].body)["expectedVersion"], 4)


if __name__ == "__main__":
    unittest.main()
