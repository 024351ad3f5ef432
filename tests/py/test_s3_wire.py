"""What the S3 differential test against the JS SDK found, pinned without node:
`awsc s3api` against a loopback recorder.

- a key with '//' is signed as sent (S3 does not normalise the path);
- a structure payload (DeleteObjects' <Delete>) carries S3's xmlns;
- a 200 whose body is an <Error> document (CopyObject, CompleteMultipartUpload)
  is an error, and its code (InternalError) is retried;
- GetBucketLocation's text-only root is read into LocationConstraint;
- an http-date timestamp member (ResponseExpires) takes ISO 8601 input;
- an SSE-C key set alone gets its MD5 header, which S3 requires.

Prints `s3-wire: P passed, S skipped, F failed`.
"""

import json
import os
import pathlib
import subprocess
import tempfile
import sys
import unittest
import xml.etree.ElementTree as ET

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[2]))

from emulator import sigv4  # noqa: E402
from recorder import Recorder  # noqa: E402

ROOT = pathlib.Path(__file__).resolve().parents[2]
AWSC = pathlib.Path(os.environ.get("AWSC_BINARY_DIR", ROOT / "build")) / "bin" / "awsc"
AKID, SECRET = "AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
S3NS = "{http://s3.amazonaws.com/doc/2006-03-01/}"
OK = (200, [], b"")


def env(attempts="1"):
    e = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")
         and k.lower() not in ("http_proxy", "https_proxy", "all_proxy", "no_proxy")}
    e.update(AWS_ACCESS_KEY_ID=AKID, AWS_SECRET_ACCESS_KEY=SECRET, AWS_CONFIG_FILE=os.devnull,
             AWS_SHARED_CREDENTIALS_FILE=os.devnull, AWS_EC2_METADATA_DISABLED="true",
             AWS_MAX_ATTEMPTS=attempts, AWS_RETRY_MODE="standard",
             NO_PROXY="127.0.0.1,localhost,.localhost", no_proxy="127.0.0.1,localhost,.localhost")
    return e


class S3WireTest(unittest.TestCase):
    passed = failed = skipped = 0

    @classmethod
    def tearDownClass(cls):
        print("\ns3-wire: %d passed, %d skipped, %d failed" % (cls.passed, cls.skipped, cls.failed),
              flush=True)

    def run(self, result=None):
        before = (len(result.failures), len(result.errors), len(result.skipped)) if result else None
        out = super().run(result)
        if result is not None:
            after = (len(result.failures), len(result.errors), len(result.skipped))
            if after[2] > before[2]:
                type(self).skipped += 1
            elif after[:2] != before[:2]:
                type(self).failed += 1
            else:
                type(self).passed += 1
        return out

    def setUp(self):
        if not AWSC.is_file():
            self.fail("awsc binary not found at %s (set AWSC_BINARY_DIR)" % AWSC)
        self.rec = Recorder().start()
        self.addCleanup(self.rec.stop)

    def awsc(self, op, inp, responses=(), host="127.0.0.1", attempts="1"):
        self.rec.respond_with(list(responses), OK)
        port = self.rec.url.rsplit(":", 1)[1]
        args = [str(AWSC), "s3api", op, "--cli-input-json", json.dumps(inp),
                "--endpoint-url", "http://%s:%s" % (host, port), "--region", "us-east-1", "--output", "json"]
        with tempfile.TemporaryDirectory() as d:
            if op == "get-object":  # a streamed output goes to a file, as the AWS CLI takes it
                args.append(os.path.join(d, "body"))
            proc = subprocess.run(args, env=env(attempts), capture_output=True, timeout=60)
        return proc, self.rec.take()

    def assert_signed(self, req):
        res = sigv4.verify(req.method, req.path, req.query, req.headers, req.body, AKID, SECRET,
                           region="us-east-1", service="s3", s3=True)
        self.assertTrue(res.ok, "%s\n%s" % (res.reason, res.canonical_request))

    def test_double_slash_key_signed_as_sent(self):
        for host, path in (("127.0.0.1", "/bkt///a//c/"), ("localhost", "///a//c/")):
            proc, reqs = self.awsc("get-object", {"Bucket": "bkt", "Key": "//a//c/"}, host=host)
            self.assertEqual(proc.returncode, 0, proc.stderr)
            self.assertEqual(reqs[0].path, path)
            self.assert_signed(reqs[0])

    def test_payload_root_has_s3_namespace(self):
        proc, reqs = self.awsc("delete-objects", {"Bucket": "b", "Delete": {"Objects": [{"Key": "k"}]}})
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertEqual(ET.fromstring(reqs[0].body).tag, S3NS + "Delete")
        self.assert_signed(reqs[0])

    def test_200_with_error_body_is_an_error(self):
        err = (200, [("Content-Type", "application/xml")],
               b'<?xml version="1.0" encoding="UTF-8"?>\n\n<Error><Code>InternalError</Code>'
               b"<Message>We encountered an internal error.</Message></Error>")
        proc, reqs = self.awsc("copy-object", {"Bucket": "b", "Key": "k", "CopySource": "s/k"}, [err])
        self.assertNotEqual(proc.returncode, 0)
        self.assertIn(b"InternalError", proc.stderr)
        self.assertEqual(len(reqs), 1)
        # InternalError is retried like any other: the second answer is the result.
        done = (200, [], b"<CopyObjectResult><ETag>\"e\"</ETag></CopyObjectResult>")
        proc, reqs = self.awsc("copy-object", {"Bucket": "b", "Key": "k", "CopySource": "s/k"},
                               [err, done], attempts="2")
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertEqual(len(reqs), 2)
        self.assertEqual(json.loads(proc.stdout)["CopyObjectResult"]["ETag"], '"e"')

    def test_error_body_in_object_data_is_data(self):
        body = b"<Error><Code>InternalError</Code></Error>"
        proc, _ = self.awsc("get-object", {"Bucket": "b", "Key": "k"}, [(200, [], body)])
        self.assertEqual(proc.returncode, 0, proc.stderr)

    def test_get_bucket_location(self):
        loc = (200, [], b'<?xml version="1.0" encoding="UTF-8"?>\n<LocationConstraint '
                        b'xmlns="http://s3.amazonaws.com/doc/2006-03-01/">eu-west-1</LocationConstraint>')
        proc, _ = self.awsc("get-bucket-location", {"Bucket": "b"}, [loc])
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertEqual(json.loads(proc.stdout), {"LocationConstraint": "eu-west-1"})
        proc, _ = self.awsc("get-bucket-location", {"Bucket": "b"}, [(200, [], b"<LocationConstraint/>")])
        self.assertEqual(proc.returncode, 0, proc.stderr)

    def test_sse_c_key_md5_added(self):
        key = "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY="  # base64 of 32 ASCII bytes
        proc, reqs = self.awsc("get-object", {"Bucket": "b", "Key": "k", "SSECustomerAlgorithm": "AES256",
                                              "SSECustomerKey": key})
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertEqual(reqs[0].header("x-amz-server-side-encryption-customer-key-MD5"),
                         "hRasmdxgYDKV3nvbahU1MA==")
        self.assert_signed(reqs[0])
        # A given MD5 is sent as given; a key that is not base64 is refused before sending.
        proc, reqs = self.awsc("get-object", {"Bucket": "b", "Key": "k", "SSECustomerAlgorithm": "AES256",
                                              "SSECustomerKey": key, "SSECustomerKeyMD5": "given"})
        self.assertEqual(reqs[0].header("x-amz-server-side-encryption-customer-key-MD5"), "given")
        proc, reqs = self.awsc("get-object", {"Bucket": "b", "Key": "k", "SSECustomerAlgorithm": "AES256",
                                              "SSECustomerKey": "not base64!"})
        self.assertNotEqual(proc.returncode, 0)
        self.assertIn(b"base64", proc.stderr)
        self.assertEqual(reqs, [])

    def test_http_date_member_takes_iso_input(self):
        proc, reqs = self.awsc("get-object", {"Bucket": "b", "Key": "k",
                                              "ResponseExpires": "2030-01-01T00:00:00Z"})
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertIn("response-expires=Tue%2C%2001%20Jan%202030%2000%3A00%3A00%20GMT", reqs[0].query)


if __name__ == "__main__":
    unittest.main()
