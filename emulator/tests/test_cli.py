"""`python3 -m emulator`: ready line, serving, clean exit on signals."""

import os
import pathlib
import signal
import subprocess
import sys
import tempfile
import unittest

from emulator.store import SystemClock
from emulator.tests._client import Client, thing_arn

ROOT = pathlib.Path(__file__).resolve().parents[2]


class CliTest(unittest.TestCase):
    def start(self, *extra):
        proc = subprocess.Popen(
            [sys.executable, "-m", "emulator", "--port", "0",
             "--credentials", "AKIDTEST:secret/key+1",
             "--credentials", "AKID2:s2:tok"] + list(extra),
            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            text=True)
        self.addCleanup(lambda: proc.poll() is None and proc.kill())
        line = proc.stdout.readline()
        self.assertRegex(line, r"^awsc-jobs-emulator listening on "
                         r"http://127\.0\.0\.1:\d+\n$")
        return proc, int(line.rsplit(":", 1)[1])

    def roundtrip(self, port):
        c = Client(port, SystemClock())
        try:
            status, _, _ = c.call("PUT", "/jobs/j", {
                "targets": [thing_arn("t")], "document": "{}"}, service="iot")
            self.assertIn(status, (200, 409))
            status, _, body = c.call("GET", "/things/t/jobs")
            self.assertEqual(status, 200, body)
            return body
        finally:
            c.close()

    def test_sigterm_and_sigint_exit_cleanly(self):
        for sig in (signal.SIGTERM, signal.SIGINT):
            with self.subTest(sig=sig):
                proc, port = self.start()
                self.roundtrip(port)
                proc.send_signal(sig)
                self.assertEqual(proc.wait(10), 0)
                self.assertEqual(proc.stdout.read(), "")  # one line only
                proc.stdout.close()
                proc.stderr.close()

    def test_state_file_across_processes(self):
        with tempfile.TemporaryDirectory() as tmp:
            state = os.path.join(tmp, "s.json")
            proc, port = self.start("--state", state)
            self.roundtrip(port)
            proc.terminate()
            proc.wait(10)
            proc.stdout.close()
            proc.stderr.close()
            proc, port = self.start("--state", state)
            body = self.roundtrip(port)
            self.assertEqual([j["jobId"] for j in body["queuedJobs"]], ["j"])
            proc.terminate()
            proc.wait(10)
            proc.stdout.close()
            proc.stderr.close()

    def test_bad_credentials_argument(self):
        proc = subprocess.run(
            [sys.executable, "-m", "emulator", "--credentials", "nosecret"],
            cwd=ROOT, capture_output=True, text=True, timeout=30)
        self.assertEqual(proc.returncode, 2)
        self.assertIn("AKID:SECRET", proc.stderr)


