"""Presigned URLs (awsc_client_presign, `awsc s3 presign`).

1. Differential against botocore's generate_presigned_url, same clock and credentials: S3
   GetObject, PutObject, HeadObject and ListObjectsV2 with awkward keys, path-style and
   virtual-hosted, with and without a session token; STS GetCallerIdentity (an awsQuery form
   body moved into the query) and IoT Jobs DescribeJobExecution. Hosts and paths must be
   identical, and the query the same parameters with the same encoding (order aside).
2. Against moto: an IAM user's access key, a bucket, a presigned PUT with plain curl, then the
   `awsc s3 presign` URL fetched with curl gives the bytes back. moto (5.x) does not check
   query-string signatures (its IAM mode needs an Authorization header), so a small front in
   this test does, recomputing SigV4 from the request as received: a URL signed with a wrong
   secret and an expired one are refused there, the good ones pass through to moto.

Prints `presign: P passed, S skipped, F failed`.
"""
import datetime
import hashlib
import hmac
import http.client
import http.server
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import unittest
import urllib.parse

from tests.py.cli import AWSC, cli_env
from tests.py.shared import ROOT

BUILD = os.environ.get("AWSC_BINARY_DIR", os.path.join(ROOT, "build"))
TOOL = os.path.join(BUILD, "tests", "presign_tool")
AKID, SECRET = "AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
T = 1772600767  # 2026-03-04T05:06:07Z
SCALE = float(os.environ.get("AWSC_TEST_TIME_SCALE", "1") or 1)
# "./" inside names; a whole "." or ".." segment is refused as it is for a call (a client following
# the URL would resolve it away), which tests/generated/test_presign.c checks.
KEYS = ["plain.txt", "a b", "a+b", "caf\u00e9/\u00fc\u00f1\u00ee", "x//y", "a./z", "dir/.../k", ".hidden/x./", "~t",
        "q?x=1&y", "%41", "sp  ace/ end ", "//lead", "tab\tand=eq;semi,comma*star'quote(par)!"]


def skip_or_fail(test, why):
    if os.environ.get("CI") == "true":
        raise AssertionError(why + " (required when CI=true)")
    print(f"SKIP: {why}", file=sys.stderr)
    PresignTest.results[1] += 1
    test.skipTest(why)


def awsc_url(service, op, expires, *args):
    r = subprocess.run([TOOL, service, op, str(expires), *args], capture_output=True, text=True, timeout=60 * SCALE,
                       env=cli_env())
    assert r.returncode == 0, r.stderr
    return r.stdout.strip()


def split(url):
    """scheme, host, raw path and the query's raw `k=v` pieces, sorted (order is not signed)."""
    p = urllib.parse.urlsplit(url)
    return p.scheme, p.netloc, p.path, sorted(p.query.split("&"))


class PresignTest(unittest.TestCase):
    results = [0, 0, 0]

    @classmethod
    def tearDownClass(cls):
        p, s, f = cls.results
        print(f"presign: {p} passed, {s} skipped, {f} failed")

    def run(self, result=None):
        before = len(result.failures) + len(result.errors) if result else 0
        super().run(result)
        if result and len(result.failures) + len(result.errors) > before:
            PresignTest.results[2] += 1
        elif result and not any(t is self for t, _ in result.skipped):
            PresignTest.results[0] += 1

    def setUp(self):
        if not os.access(TOOL, os.X_OK) or not os.access(AWSC, os.X_OK):
            skip_or_fail(self, f"{TOOL} or {AWSC} is not built")

    # ---- 1. botocore -----------------------------------------------------------------------

    def botocore_urls(self, cases):
        try:
            import botocore.auth
            import botocore.session
            from botocore.config import Config
        except ImportError:
            skip_or_fail(self, "botocore is absent (python3-botocore)")
        fixed = datetime.datetime.utcfromtimestamp(T)

        class Clock(datetime.datetime):
            @classmethod
            def utcnow(cls):
                return fixed

            @classmethod
            def now(cls, tz=None):
                return fixed if tz is None else fixed.replace(tzinfo=tz)

        saved = botocore.auth.datetime.datetime
        botocore.auth.datetime.datetime = Clock
        try:
            session = botocore.session.get_session()
            session.set_config_variable("sts_regional_endpoints", "regional")
            out = []
            for service, op, params, region, style, token, endpoint, expires in cases:
                cfg = Config(signature_version="s3v4", s3={"addressing_style": style}) if service == "s3" else None
                c = session.create_client(service, region_name=region, aws_access_key_id=AKID,
                                          aws_secret_access_key=SECRET, aws_session_token=token,
                                          endpoint_url=endpoint, config=cfg)
                out.append(c.generate_presigned_url(op, Params=params, ExpiresIn=expires))
            return out
        finally:
            botocore.auth.datetime.datetime = saved

    def test_s3_urls_are_botocores(self):
        ops = {"GetObject": "get_object", "PutObject": "put_object", "HeadObject": "head_object"}
        cases, ours = [], []
        # botocore (1.29) puts a virtual-hosted bucket on the global endpoint whatever the region;
        # us-east-1 with the global endpoint is where that is also what the endpoint rules say.
        for style, region, extra in (("path", "us-west-2", ["--path-style"]),
                                     ("virtual", "us-east-1", ["--global-endpoint"])):
            for token in (None, "FQoGZXIvYXdz+/token=="):
                tok = ["--token", token] if token else []
                for key in KEYS:
                    for op, boto_op in ops.items():
                        cases.append(("s3", boto_op, {"Bucket": "my-bucket", "Key": key}, region, style, token, None,
                                      900))
                        ours.append(awsc_url("s3", op, 900, "--time", str(T), "--region", region,
                                             "--access-key", AKID, "--secret", SECRET, *extra, *tok,
                                             "Bucket=my-bucket", f"Key={key}"))
                for prefix in ("", "a b/", "\u00fc+"):
                    params = {"Bucket": "my-bucket", "EncodingType": "url"}
                    args = ["Bucket=my-bucket", "EncodingType=url"]
                    if prefix:
                        params["Prefix"] = prefix
                        args.append(f"Prefix={prefix}")
                    cases.append(("s3", "list_objects_v2", params, region, style, token, None, 900))
                    ours.append(awsc_url("s3", "ListObjectsV2", 900, "--time", str(T), "--region", region,
                                         "--access-key", AKID, "--secret", SECRET, *extra, *tok, *args))
        theirs = self.botocore_urls(cases)
        for case, mine, want in zip(cases, ours, theirs):
            a, b = split(mine), split(want)
            if case[1] == "list_objects_v2" and case[4] == "path" and a[2] == b[2] + "/":
                # Path-style at the bucket: awsc's calls (and so its URLs) ask for "/bucket/", botocore
                # for "/bucket" (both the bucket to S3). The signature differs with the path, so it is
                # checked on its own, and the rest must be botocore's.
                scheme, host, path, query = a
                self.assertIsNone(_sigv4_query_check("GET", path + "?" + urllib.parse.urlsplit(mine).query, host,
                                                     {AKID: SECRET}, T), mine)
                a, b = a[:2] + a[3:], b[:2] + b[3:]
                a = a[:2] + ([q for q in a[2] if not q.startswith("X-Amz-Signature=")],)
                b = b[:2] + ([q for q in b[2] if not q.startswith("X-Amz-Signature=")],)
            self.assertEqual(a, b, f"{case}\nawsc:     {mine}\nbotocore: {want}")

    def test_other_services_urls_are_botocores(self):
        cases = [("sts", "get_caller_identity", {}, "us-west-2", None, None, None, 60),
                 ("sts", "get_caller_identity", {}, "eu-central-1", None, "tok/en+", None, 604800),
                 ("iot-jobs-data", "describe_job_execution", {"thingName": "t 1", "jobId": "j+1"}, "us-east-1", None,
                  None, "https://abc-ats.jobs.iot.us-east-1.amazonaws.com", 3600)]
        ours = [
            awsc_url("sts", "GetCallerIdentity", 60, "--time", str(T), "--region", "us-west-2", "--access-key", AKID,
                     "--secret", SECRET),
            awsc_url("sts", "GetCallerIdentity", 604800, "--time", str(T), "--region", "eu-central-1",
                     "--access-key", AKID, "--secret", SECRET, "--token", "tok/en+"),
            awsc_url("iot-jobs-data", "DescribeJobExecution", 3600, "--time", str(T), "--region", "us-east-1",
                     "--endpoint-url", "https://abc-ats.jobs.iot.us-east-1.amazonaws.com", "--access-key", AKID,
                     "--secret", SECRET, "thingName=t 1", "jobId=j+1"),
        ]
        for case, mine, want in zip(cases, ours, self.botocore_urls(cases)):
            self.assertEqual(split(mine), split(want), f"{case}\nawsc:     {mine}\nbotocore: {want}")

    def test_cli_checks_its_arguments(self):
        env = cli_env(AWS_ACCESS_KEY_ID=AKID, AWS_SECRET_ACCESS_KEY=SECRET)
        for args, status, says in ((["s3://b/k", "--expires-in", "0"], 252, "1 to 604800 seconds"),
                                   (["s3://b/k", "--expires-in", "604801"], 252, "1 to 604800 seconds"),
                                   (["s3://b/k", "--expires-in", "soon"], 252, "whole number of seconds"),
                                   (["s3://b"], 252, "names no object"), (["b/k"], 252, "expected s3://"),
                                   ([], 252, "usage")):
            r = subprocess.run([AWSC, "s3", "presign", *args], capture_output=True, text=True, env=env,
                               timeout=60 * SCALE)
            self.assertEqual(r.returncode, status, r.stderr)
            self.assertIn(says, r.stderr)
        r = subprocess.run([AWSC, "s3", "presign", "s3://my-bucket/dir/a b"], capture_output=True, text=True,
                           env=env, timeout=60 * SCALE)
        self.assertEqual(r.returncode, 0, r.stderr)
        q = urllib.parse.parse_qs(urllib.parse.urlsplit(r.stdout.strip()).query)
        self.assertEqual(q["X-Amz-Expires"], ["3600"])  # the AWS CLI's default
        self.assertTrue(r.stdout.startswith("https://my-bucket.s3."), r.stdout)
        self.assertIn("/dir/a%20b?", r.stdout)

    # ---- 2. moto, behind a front that checks the signature ---------------------------------

    def test_moto_round_trip(self):
        moto_python = shutil.which("python3")
        if not moto_python or not shutil.which("curl") or subprocess.run(
                [moto_python, "-c", "import moto.server, boto3"], capture_output=True).returncode != 0:
            skip_or_fail(self, "moto or curl is absent (the python3 on PATH has no moto.server)")
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        moto = subprocess.Popen([moto_python, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        front = None
        try:
            setup = ("import boto3, json, sys, time\n"
                     "ep = sys.argv[1]\n"
                     "iam = boto3.client('iam', endpoint_url=ep, region_name='us-east-1',"
                     " aws_access_key_id='AKIDROOT', aws_secret_access_key='rootsecret')\n"
                     "for i in range(600):\n"
                     "    try:\n        iam.create_user(UserName='presigner'); break\n"
                     "    except Exception:\n        time.sleep(0.1)\n"
                     "k = iam.create_access_key(UserName='presigner')['AccessKey']\n"
                     "s3 = boto3.client('s3', endpoint_url=ep, region_name='us-east-1',"
                     " aws_access_key_id=k['AccessKeyId'], aws_secret_access_key=k['SecretAccessKey'])\n"
                     "s3.create_bucket(Bucket='presign-bucket')\n"
                     "print(k['AccessKeyId'], k['SecretAccessKey'])\n")
            r = subprocess.run([moto_python, "-c", setup, f"http://127.0.0.1:{port}"], capture_output=True,
                               text=True, timeout=120 * SCALE, env=cli_env())
            self.assertEqual(r.returncode, 0, r.stderr)
            akid, secret = r.stdout.split()
            front = _Front(("127.0.0.1", 0), _FrontHandler)
            front.secrets = {akid: secret}
            front.upstream = port
            threading.Thread(target=front.serve_forever, daemon=True).start()
            endpoint = f"http://127.0.0.1:{front.server_address[1]}"
            common = ["--region", "us-east-1", "--endpoint-url", endpoint, "--access-key", akid]
            blob = os.urandom(50_000)
            with tempfile.TemporaryDirectory() as tmp:
                src = os.path.join(tmp, "blob")
                with open(src, "wb") as f:
                    f.write(blob)
                key = "dir/a b+\u00fc.bin"
                put = awsc_url("s3", "PutObject", 300, *common, "--secret", secret, "Bucket=presign-bucket",
                               f"Key={key}")
                self.assertEqual(curl(put, "-X", "PUT", "--data-binary", f"@{src}")[0], 200)
                r = subprocess.run([AWSC, "s3", "presign", f"s3://presign-bucket/{key}", "--expires-in", "120",
                                    "--endpoint-url", endpoint], capture_output=True, text=True,
                                   timeout=60 * SCALE, env=cli_env(AWS_ACCESS_KEY_ID=akid,
                                                                   AWS_SECRET_ACCESS_KEY=secret))
                self.assertEqual(r.returncode, 0, r.stderr)
                get = r.stdout.strip()
                status, body = curl(get)
                self.assertEqual((status, body), (200, blob))
                # The check can fail: another secret, or a URL past its time, is refused.
                wrong = awsc_url("s3", "GetObject", 120, *common, "--secret", "wrong" + secret,
                                 "Bucket=presign-bucket", f"Key={key}")
                status, body = curl(wrong)
                self.assertEqual(status, 403)
                self.assertIn(b"SignatureDoesNotMatch", body)
                expired = awsc_url("s3", "GetObject", 60, *common, "--secret", secret, "--time",
                                   str(int(time.time()) - 3600), "Bucket=presign-bucket", f"Key={key}")
                status, body = curl(expired)
                self.assertEqual(status, 403)
                self.assertIn(b"Request has expired", body)
                # A URL for one key does not open another.
                status, _ = curl(get.replace("a%20b", "a%20c"))
                self.assertEqual(status, 403)
                self.assertEqual(front.passed, 2)
        finally:
            if front:
                front.shutdown()
                front.server_close()
            moto.terminate()
            moto.wait(timeout=30 * SCALE)


def curl(url, *args):
    r = subprocess.run(["curl", "-s", "-g", "-o", "-", "-w", "\n%{http_code}", *args, url], capture_output=True,
                       timeout=60 * SCALE, env=cli_env())
    body, _, code = r.stdout.rpartition(b"\n")
    return int(code), body


def _sigv4_query_check(method, target, host, secrets, now):
    """None when the presigned request is good, else (code, message): SigV4 recomputed from the wire."""
    path, _, query = target.partition("?")
    pairs = [tuple(p.split("=", 1)) if "=" in p else (p, "") for p in query.split("&") if p]
    params = {urllib.parse.unquote(k): urllib.parse.unquote(v) for k, v in pairs}
    try:
        akid, date, region, service, _ = params["X-Amz-Credential"].split("/")
        amz_date, expires, signed = params["X-Amz-Date"], int(params["X-Amz-Expires"]), params["X-Amz-SignedHeaders"]
        given = params["X-Amz-Signature"]
    except (KeyError, ValueError):
        return "AccessDenied", "not a presigned request"
    if akid not in secrets:
        return "InvalidAccessKeyId", akid
    start = datetime.datetime.strptime(amz_date, "%Y%m%dT%H%M%SZ").replace(tzinfo=datetime.timezone.utc)
    if now > start.timestamp() + expires:
        return "AccessDenied", "Request has expired"
    if signed != "host":
        return "AccessDenied", f"unexpected signed headers {signed}"
    cq = "&".join(f"{k}={v}" for k, v in sorted(p for p in pairs if p[0] != "X-Amz-Signature"))
    creq = "\n".join([method, path, cq, f"host:{host}\n", "host", "UNSIGNED-PAYLOAD"])
    scope = f"{date}/{region}/{service}/aws4_request"
    sts = "\n".join(["AWS4-HMAC-SHA256", amz_date, scope, hashlib.sha256(creq.encode()).hexdigest()])
    key = ("AWS4" + secrets[akid]).encode()
    for part in (date, region, service, "aws4_request"):
        key = hmac.new(key, part.encode(), hashlib.sha256).digest()
    if not hmac.compare_digest(hmac.new(key, sts.encode(), hashlib.sha256).hexdigest(), given):
        return "SignatureDoesNotMatch", "The request signature we calculated does not match"
    return None


class _Front(http.server.ThreadingHTTPServer):
    daemon_threads = True
    passed = 0


class _FrontHandler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def _any(self):
        n = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(n) if n else b""
        bad = _sigv4_query_check(self.command, self.path, self.headers.get("Host", ""), self.server.secrets,
                                 time.time())
        if bad:
            out = f"<Error><Code>{bad[0]}</Code><Message>{bad[1]}</Message></Error>".encode()
            self.send_response(403)
            self.send_header("Content-Length", str(len(out)))
            self.end_headers()
            self.wfile.write(out)
            return
        self.server.passed += 1
        conn = http.client.HTTPConnection("127.0.0.1", self.server.upstream, timeout=60 * SCALE)
        conn.request(self.command, self.path, body=body if self.command == "PUT" else None)
        resp = conn.getresponse()
        data = resp.read()
        conn.close()
        self.send_response(resp.status)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    do_GET = do_PUT = do_HEAD = _any

    def log_message(self, *a):
        pass


if __name__ == "__main__":
    unittest.main()
