"""Streamed bodies and blobs in the awsc CLI, as the AWS CLI v2 takes them.

`s3api put-object --body FILE` sends the file read piece by piece (a 48 MiB
file in a process that stays far smaller), `s3api get-object ... OUTFILE`
writes the object to the file as it arrives (renamed into place once whole;
a failed call leaves no file). Blob parameters are base64 on the command line
unless --cli-binary-format raw-in-base64-out. A loopback fake S3 keeps what is
put. Prints `cli-streaming: P passed, S skipped, F failed`.
"""
import base64
import hashlib
import http.server
import json
import os
import resource
import subprocess
import sys
import tempfile
import threading
import unittest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, ROOT)

from tests.py.cli import AWSC, TIMEOUT, SuiteCounter, cli_env, require_awsc  # noqa: E402
from tests.py.recorder import Recorder  # noqa: E402


class _S3(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def _body(self):
        n = int(self.headers.get("Content-Length") or 0)
        digest, size, left = hashlib.sha256(), 0, n
        while left:
            chunk = self.rfile.read(min(left, 1 << 20))
            if not chunk:
                break
            digest.update(chunk)
            size += len(chunk)
            left -= len(chunk)
        return digest.hexdigest(), size

    def do_PUT(self):
        path = self.path.split("?", 1)[0]
        digest, size = self._body()
        self.server.objects[path] = (digest, size)
        self.server.puts.append((path, dict(self.headers)))
        self.send_response(200)
        self.send_header("ETag", '"%s"' % digest[:32])
        self.send_header("Content-Length", "0")
        self.end_headers()

    def do_GET(self):
        path = self.path.split("?", 1)[0]
        if path not in self.server.contents:
            body = b"<Error><Code>NoSuchKey</Code><Message>absent</Message></Error>"
            self.send_response(404)
            self.send_header("Content-Type", "application/xml")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return
        size, seed = self.server.contents[path]
        self.send_response(200)
        self.send_header("Content-Type", "application/octet-stream")
        self.send_header("Content-Length", str(size))
        self.send_header("ETag", '"abc"')
        self.end_headers()
        block = bytes((seed + i) % 251 for i in range(1 << 16))
        sent = 0
        while sent < size:
            n = min(len(block), size - sent)
            self.wfile.write(block[:n])
            sent += n

    def log_message(self, fmt, *args):
        pass


def pattern(size, seed):
    block = bytes((seed + i) % 251 for i in range(1 << 16))
    return (block * (size // len(block) + 1))[:size]


class CliStreaming(SuiteCounter, unittest.TestCase):
    SUITE = "cli-streaming"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        require_awsc()
        cls.s3 = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _S3)
        cls.s3.daemon_threads = True
        cls.s3.objects, cls.s3.puts, cls.s3.contents = {}, [], {}
        cls.thread = threading.Thread(target=cls.s3.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        cls.thread.start()
        cls.url = "http://127.0.0.1:%d" % cls.s3.server_address[1]
        cls.rec = Recorder().start()
        cls.env = cli_env(AWS_ACCESS_KEY_ID="AKIDCLI", AWS_SECRET_ACCESS_KEY="cli/secret")
        cls.tmp = tempfile.TemporaryDirectory(prefix="awsc_cli_stream_")

    @classmethod
    def tearDownClass(cls):
        cls.s3.shutdown()
        cls.s3.server_close()
        cls.rec.stop()
        cls.tmp.cleanup()
        super().tearDownClass()

    def s3api(self, *args, measure=False):
        cmd = [AWSC, "s3api", *args, "--endpoint-url", self.url]
        if not measure:
            return subprocess.run(cmd, env=self.env, capture_output=True, text=True, timeout=TIMEOUT), None
        # the child's peak memory, measured in a process of its own
        probe = ("import resource, subprocess, sys\n"
                 "r = subprocess.run(sys.argv[1:], capture_output=True, text=True)\n"
                 "sys.stderr.write(r.stderr); sys.stdout.write(r.stdout)\n"
                 "print('MAXRSS', resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, file=sys.stderr)\n"
                 "sys.exit(r.returncode)\n")
        r = subprocess.run([sys.executable, "-c", probe, *cmd], env=self.env, capture_output=True, text=True,
                           timeout=TIMEOUT * 4)
        rss = int(r.stderr.rsplit("MAXRSS", 1)[1].split()[0])
        return r, rss

    def test_put_object_streams_the_body_from_a_file(self):
        size = 48 << 20
        path = os.path.join(self.tmp.name, "big.bin")
        with open(path, "wb") as f:
            f.write(pattern(size, 7))
        r, rss_kib = self.s3api("put-object", "--bucket", "bkt", "--key", "big.bin", "--body", path, measure=True)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertIn('"ETag"', r.stdout)
        self.assertEqual(self.s3.objects["/bkt/big.bin"], (hashlib.sha256(pattern(size, 7)).hexdigest(), size))
        self.assertLess(rss_kib, 32 << 10, "a 48 MiB body must not be held in memory")
        # fileb:// is taken too, as the AWS CLI does
        r, _ = self.s3api("put-object", "--bucket", "bkt", "--key", "b2", "--body", "fileb://" + path)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(self.s3.objects["/bkt/b2"][1], size)

    def test_put_object_body_must_be_a_readable_regular_file(self):
        for body, says in ((os.path.join(self.tmp.name, "absent"), "cannot read"),
                           (self.tmp.name, "is not a regular file")):
            with self.subTest(body=body):
                r, _ = self.s3api("put-object", "--bucket", "bkt", "--key", "k", "--body", body)
                self.assertEqual(r.returncode, 252, r.stderr)
                self.assertIn("awsc: --body: ", r.stderr)
                self.assertIn(says, r.stderr)

    def test_get_object_streams_to_the_outfile(self):
        size = 40 << 20
        self.s3.contents["/bkt/obj"] = (size, 3)
        out = os.path.join(self.tmp.name, "out.bin")
        r, rss_kib = self.s3api("get-object", "--bucket", "bkt", "--key", "obj", out, measure=True)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        out_json = json.loads(r.stdout)
        self.assertEqual(out_json["ContentLength"], size)
        self.assertNotIn("Body", out_json)
        with open(out, "rb") as f:
            self.assertEqual(hashlib.sha256(f.read()).digest(), hashlib.sha256(pattern(size, 3)).digest())
        self.assertLess(rss_kib, 32 << 10, "a 40 MiB object must not be held in memory")
        self.assertEqual([n for n in os.listdir(self.tmp.name) if ".awsc-" in n], [])

    def test_get_object_needs_an_outfile_and_a_failure_leaves_none(self):
        r, _ = self.s3api("get-object", "--bucket", "bkt", "--key", "obj")
        self.assertEqual(r.returncode, 252)
        self.assertIn("outfile", r.stderr)
        out = os.path.join(self.tmp.name, "never.bin")
        r, _ = self.s3api("get-object", "--bucket", "bkt", "--key", "missing", out)
        self.assertEqual(r.returncode, 254, r.stderr)
        self.assertIn("NoSuchKey", r.stderr)
        self.assertFalse(os.path.exists(out))
        self.assertEqual([n for n in os.listdir(self.tmp.name) if ".awsc-" in n], [])

    # ---- blobs on the command line ----

    def start_command(self, *args):
        self.rec.take()
        r = subprocess.run([AWSC, "iot-jobs-data", "start-command-execution", "--endpoint-url", self.rec.url,
                            "--target-arn", "arn:aws:iot:us-east-1:123456789012:thing/t",
                            "--command-arn", "arn:aws:iot:us-east-1:123456789012:command/c", *args],
                           env=self.env, capture_output=True, text=True, timeout=TIMEOUT)
        return r, self.rec.take()

    def test_blobs_are_base64_by_default(self):
        r, sent = self.start_command("--parameters", "p={BIN=aGVsbG8=}")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(json.loads(sent[0].body)["parameters"]["p"]["BIN"], "aGVsbG8=")
        r, sent = self.start_command("--parameters", "p={BIN=hello!}")
        self.assertEqual(r.returncode, 252, r.stderr)
        self.assertIn("awsc: --parameters: expected base64 text (or --cli-binary-format raw-in-base64-out", r.stderr)
        self.assertEqual(sent, [])

    def test_raw_in_base64_out(self):
        r, sent = self.start_command("--cli-binary-format", "raw-in-base64-out", "--parameters", "p={BIN=hello!}")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(base64.b64decode(json.loads(sent[0].body)["parameters"]["p"]["BIN"]), b"hello!")
        r, sent = self.start_command("--cli-binary-format", "raw", "--parameters", "p={BIN=x}")
        self.assertEqual(r.returncode, 252)
        self.assertIn("valid choices are: base64 | raw-in-base64-out", r.stderr)


if __name__ == "__main__":
    unittest.main()
