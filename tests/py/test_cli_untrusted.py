"""What a server sends cannot drive the terminal: awsc escapes control characters.

A hostile loopback service answers with escape sequences (ESC, BEL, the C1 CSI
U+009B) in an error's code, message and request id, and in the values of a
successful output printed as text, table and YAML. No raw control character
reaches stdout or stderr. Prints `cli-untrusted: P passed, S skipped, F failed`.
"""
import http.server
import json
import os
import subprocess
import sys
import threading
import unittest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, ROOT)

from tests.py.cli import AWSC, TIMEOUT, SuiteCounter, cli_env, require_awsc  # noqa: E402

EVIL = "\x1b]0;pwned\x07\x1b[2J\u009b31m\x7f"


class _Evil(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def _send(self, status, body, headers=()):
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for k, v in headers:
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        n = int(self.headers.get("Content-Length") or 0)
        self.rfile.read(n)
        if "/jobs/bad" in self.path:
            self._send(400, {"__type": "Evil" + EVIL + "Exception", "message": "hi" + EVIL + "there"},
                       [("x-amzn-RequestId", "req\x1b[5mid")])
        else:
            self._send(200, {"execution": {"jobId": "j" + EVIL, "thingName": "t\x1b[31mred",
                                           "statusDetails": {"k\x1b": "v\x1b[0m"}, "versionNumber": 1}})

    def log_message(self, fmt, *args):
        pass


class CliUntrusted(SuiteCounter, unittest.TestCase):
    SUITE = "cli-untrusted"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        require_awsc()
        cls.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Evil)
        cls.server.daemon_threads = True
        threading.Thread(target=cls.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
        cls.url = "http://127.0.0.1:%d" % cls.server.server_address[1]
        cls.env = cli_env(AWS_ACCESS_KEY_ID="AKIDCLI", AWS_SECRET_ACCESS_KEY="cli/secret")

    @classmethod
    def tearDownClass(cls):
        cls.server.shutdown()
        cls.server.server_close()
        super().tearDownClass()

    def awsc(self, job, *args):
        r = subprocess.run([AWSC, "iot-jobs-data", "describe-job-execution", "--endpoint-url", self.url,
                            "--thing-name", "t", "--job-id", job, *args], env=self.env, capture_output=True,
                           timeout=TIMEOUT)
        return r

    def assert_clean(self, data):
        text = data.decode("utf-8", "replace")
        bad = [c for c in text if (ord(c) < 0x20 and c not in "\n\t") or 0x7f <= ord(c) <= 0x9f]
        self.assertEqual(bad, [], text)

    def test_service_errors_are_escaped(self):
        r = self.awsc("bad")
        self.assertEqual(r.returncode, 254, r.stderr)
        self.assert_clean(r.stderr)
        err = r.stderr.decode()
        self.assertIn("An error occurred (Evil\\x1b]0;pwned\\x07\\x1b[2J\\u009b31m\\x7fException)", err)
        self.assertIn("hi\\x1b]0;pwned", err)
        self.assertIn("Request ID: req\\x1b[5mid", err)

    def test_outputs_are_escaped_in_every_format(self):
        for fmt in ("text", "table", "yaml", "json"):
            with self.subTest(fmt=fmt):
                r = self.awsc("good", "--output", fmt)
                self.assertEqual(r.returncode, 0, r.stderr)
                self.assert_clean(r.stdout)
                self.assertIn(b"red", r.stdout)


if __name__ == "__main__":
    unittest.main()
