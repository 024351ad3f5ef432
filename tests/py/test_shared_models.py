"""Every model in ../shared/models/aws of a supported protocol (restJson1, awsJson1_0/1_1,
awsQuery, ec2Query) generates, compiles with gcc and clang (-Wall -Wextra -Werror), links into
awsc, and shows up in `awsc` (models are read from ../shared at build time, never committed).
STS (awsQuery) is also called through the CLI against a loopback server answering canned XML."""
import http.server
import json
import os
import subprocess
import sys
import threading
import unittest
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))

from tests.py.shared import ROOT, require  # noqa: E402

BINARY_DIR = os.environ.get("AWSC_BINARY_DIR", os.path.join(ROOT, "build"))


def protocol(path):
    with open(path) as fh:
        shapes = json.load(fh)["shapes"]
    for s in shapes.values():
        if s["type"] == "service":
            return next((t.split("#")[1] for t in s.get("traits", {}) if t.startswith("aws.protocols#")), None)


class SharedModels(unittest.TestCase):
    def build(self, cc):
        models = require("models/aws")
        out = os.path.join(BINARY_DIR, f"shared-models-{cc}")
        env = dict(os.environ, CC=cc)
        r = subprocess.run(["cmake", "-S", ROOT, "-B", out, f"-DAWSC_MODEL_DIRS={models}",
                            "-DAWSC_BUILD_TESTS=OFF", "-DAWSC_BUILD_EXAMPLES=OFF", "-DCMAKE_BUILD_TYPE=Debug",
                            f"-DAWSC_PYTHON={os.environ.get('AWSC_PYTHON', sys.executable)}"],
                           env=env, capture_output=True, text=True)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        r2 = subprocess.run(["cmake", "--build", out, "-j", str(os.cpu_count() or 2)], capture_output=True, text=True)
        self.assertEqual(r2.returncode, 0, r2.stdout[-4000:] + r2.stderr[-4000:])
        listing = subprocess.run([os.path.join(out, "bin", "awsc"), "help"], capture_output=True, text=True).stdout
        return r.stderr, listing

    def check(self, cc):
        warnings, listing = self.build(cc)
        models = require("models/aws")
        for f in sorted(os.listdir(models)):
            path = os.path.join(models, f)
            with self.subTest(model=f, cc=cc):
                if protocol(path) in ("restJson1", "awsJson1_0", "awsJson1_1", "awsQuery", "ec2Query"):
                    with open(path) as fh:
                        svc = next(s for s in json.load(fh)["shapes"].values() if s["type"] == "service")
                    self.assertIn(svc["traits"]["aws.api#service"]["sdkId"], listing)
                else:
                    self.assertIn(f"left out {path}", warnings, "models of other protocols are reported, not built")

    def test_gcc(self):
        self.check("gcc")

    def test_clang(self):
        self.check("clang")

    def test_sts_through_the_cli(self):
        self.build("gcc")  # incremental after test_gcc
        awsc = os.path.join(BINARY_DIR, "shared-models-gcc", "bin", "awsc")
        with StsServer() as server:
            env = dict(os.environ, AWS_ACCESS_KEY_ID="AKIDSTS", AWS_SECRET_ACCESS_KEY="secret", AWS_REGION="us-east-1")
            env.pop("AWS_SESSION_TOKEN", None)

            def run(*args):
                return subprocess.run([awsc, "sts", *args, "--endpoint-url", server.url], env=env,
                                      capture_output=True, text=True, timeout=30)

            r = run("get-caller-identity")
            self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
            self.assertEqual(json.loads(r.stdout), {"UserId": "AIDAEXAMPLE", "Account": "123456789012",
                                                    "Arn": "arn:aws:iam::123456789012:user/alice"})
            method, path, headers, form = server.requests[-1]
            self.assertEqual((method, path), ("POST", "/"))
            self.assertEqual(headers["Content-Type"], "application/x-www-form-urlencoded")
            self.assertEqual(form, [("Action", "GetCallerIdentity"), ("Version", "2011-06-15")])

            r = run("assume-role", "--role-arn", "arn:aws:iam::123456789012:role/deploy",
                    "--role-session-name", "ci run", "--duration-seconds", "900")
            self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
            out = json.loads(r.stdout)
            self.assertEqual(out["Credentials"]["AccessKeyId"], "ASIAEXAMPLE")
            self.assertEqual(out["Credentials"]["SessionToken"], "token/with+chars=")
            self.assertEqual(out["AssumedRoleUser"]["Arn"], "arn:aws:sts::123456789012:assumed-role/deploy/ci run")
            self.assertEqual(out["PackedPolicySize"], 6)
            form = dict(server.requests[-1][3])
            self.assertEqual(form, {"Action": "AssumeRole", "Version": "2011-06-15",
                                    "RoleArn": "arn:aws:iam::123456789012:role/deploy",
                                    "RoleSessionName": "ci run", "DurationSeconds": "900"})
            self.assertIn("RoleSessionName=ci%20run", server.raw[-1], "spaces are percent-encoded")

            # A modeled error: code, message and request id from <ErrorResponse>.
            r = run("assume-role", "--role-arn", "arn:aws:iam::123456789012:role/denied", "--role-session-name", "x")
            self.assertNotEqual(r.returncode, 0)
            self.assertIn("MalformedPolicyDocument", r.stderr)
            self.assertIn("policy is bad", r.stderr)


CALLER = """<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <GetCallerIdentityResult>
    <Arn>arn:aws:iam::123456789012:user/alice</Arn>
    <UserId>AIDAEXAMPLE</UserId>
    <Account>123456789012</Account>
  </GetCallerIdentityResult>
  <ResponseMetadata><RequestId>01234567-89ab-cdef-0123-456789abcdef</RequestId></ResponseMetadata>
</GetCallerIdentityResponse>
"""

ASSUMED = """<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <AssumeRoleResult>
    <AssumedRoleUser>
      <AssumedRoleId>AROAEXAMPLE:ci run</AssumedRoleId>
      <Arn>arn:aws:sts::123456789012:assumed-role/deploy/ci run</Arn>
    </AssumedRoleUser>
    <Credentials>
      <AccessKeyId>ASIAEXAMPLE</AccessKeyId>
      <SecretAccessKey>wJalrXUtnFEMI/K7MDENG</SecretAccessKey>
      <SessionToken>token/with+chars=</SessionToken>
      <Expiration>2030-01-02T03:04:05Z</Expiration>
    </Credentials>
    <PackedPolicySize>6</PackedPolicySize>
  </AssumeRoleResult>
  <ResponseMetadata><RequestId>req-1</RequestId></ResponseMetadata>
</AssumeRoleResponse>
"""

DENIED = """<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <Error><Type>Sender</Type><Code>MalformedPolicyDocument</Code><Message>policy is bad</Message></Error>
  <RequestId>req-2</RequestId>
</ErrorResponse>
"""


class StsServer:
    """A loopback HTTP server answering STS calls with canned XML; it records each request's form."""

    def __enter__(self):
        self.requests, self.raw = [], []
        owner = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0))).decode()
                form = urllib.parse.parse_qsl(body, keep_blank_values=True)
                owner.requests.append((self.command, self.path, dict(self.headers), form))
                owner.raw.append(body)
                fields = dict(form)
                if fields.get("Action") == "GetCallerIdentity":
                    status, reply = 200, CALLER
                elif fields.get("RoleArn", "").endswith("/denied"):
                    status, reply = 400, DENIED
                else:
                    status, reply = 200, ASSUMED
                data = reply.encode()
                self.send_response(status)
                self.send_header("Content-Type", "text/xml")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(timeout=10)


if __name__ == "__main__":
    unittest.main()
