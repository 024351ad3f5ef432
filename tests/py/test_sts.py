"""STS (awsQuery) end to end: the official model in ../shared/models/aws is generated and built
into the `awsc` CLI (-DAWSC_MODEL_DIRS; tests/py/shared.py builds it once), which then calls a loopback server
answering canned XML. Checks the form the server received (Action and Version first, keys,
percent-encoding), the parsed output the CLI prints, and the typed error of an <ErrorResponse>."""
import http.server
import json
import os
import subprocess
import sys
import threading
import unittest
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))

from tests.py.shared import shared_models_cli  # noqa: E402

NS = "https://sts.amazonaws.com/doc/2011-06-15/"

CALLER = f"""<GetCallerIdentityResponse xmlns="{NS}">
  <GetCallerIdentityResult>
    <Arn>arn:aws:iam::123456789012:user/alice</Arn>
    <UserId>AIDAEXAMPLE</UserId>
    <Account>123456789012</Account>
  </GetCallerIdentityResult>
  <ResponseMetadata><RequestId>01234567-89ab-cdef-0123-456789abcdef</RequestId></ResponseMetadata>
</GetCallerIdentityResponse>
"""

ASSUMED = f"""<AssumeRoleResponse xmlns="{NS}">
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

DENIED = f"""<ErrorResponse xmlns="{NS}">
  <Error><Type>Sender</Type><Code>MalformedPolicyDocument</Code><Message>policy is bad</Message></Error>
  <RequestId>req-2</RequestId>
</ErrorResponse>
"""


class StsHandler(http.server.BaseHTTPRequestHandler):
    seen = []

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", "0"))).decode()
        StsHandler.seen.append((self.command, self.path, dict(self.headers), body))
        form = dict(urllib.parse.parse_qsl(body, keep_blank_values=True))
        if form.get("Action") == "GetCallerIdentity":
            status, reply = 200, CALLER
        elif form.get("RoleArn", "").endswith("/denied"):
            status, reply = 403, DENIED
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


class Sts(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.awsc_bin = shared_models_cli()
        cls.srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), StsHandler)
        threading.Thread(target=cls.srv.serve_forever, daemon=True).start()
        cls.endpoint = f"http://127.0.0.1:{cls.srv.server_address[1]}"
        cls.env = dict(os.environ, AWS_ACCESS_KEY_ID="AKIDEXAMPLE", AWS_SECRET_ACCESS_KEY="secret",
                       AWS_REGION="us-east-1", AWS_CONFIG_FILE="/nonexistent", AWS_SHARED_CREDENTIALS_FILE="/nonexistent")
        cls.env.pop("AWS_SESSION_TOKEN", None)

    @classmethod
    def tearDownClass(cls):
        cls.srv.shutdown()
        cls.srv.server_close()

    def awsc(self, op, *args, expect=0):
        StsHandler.seen.clear()
        r = subprocess.run([self.awsc_bin, "sts", op, "--endpoint-url", self.endpoint, *args],
                           env=self.env, capture_output=True, text=True, timeout=30)
        self.assertEqual(r.returncode, expect, f"awsc sts {op} {args}: {r.stdout}{r.stderr}")
        self.assertEqual(len(StsHandler.seen), 1, StsHandler.seen)
        return r, StsHandler.seen[0]

    def test_get_caller_identity(self):
        r, (method, path, headers, body) = self.awsc("get-caller-identity")
        self.assertEqual((method, path), ("POST", "/"))
        self.assertEqual(headers.get("Content-Type"), "application/x-www-form-urlencoded")
        self.assertIn("/us-east-1/sts/aws4_request", headers.get("Authorization", ""))
        self.assertEqual(body, "Action=GetCallerIdentity&Version=2011-06-15")
        self.assertEqual(json.loads(r.stdout), {"UserId": "AIDAEXAMPLE", "Account": "123456789012",
                                                "Arn": "arn:aws:iam::123456789012:user/alice"})

    def test_assume_role(self):
        r, (_, _, _, body) = self.awsc(
            "assume-role", "--role-arn", "arn:aws:iam::123456789012:role/deploy", "--role-session-name", "ci run",
            "--duration-seconds", "900", "--tags", '[{"Key": "team", "Value": "a&b"}]')
        pairs = urllib.parse.parse_qsl(body, keep_blank_values=True)
        self.assertEqual(pairs[:2], [("Action", "AssumeRole"), ("Version", "2011-06-15")])
        self.assertEqual(dict(pairs), {"Action": "AssumeRole", "Version": "2011-06-15",
                                       "RoleArn": "arn:aws:iam::123456789012:role/deploy",
                                       "RoleSessionName": "ci run", "DurationSeconds": "900",
                                       "Tags.member.1.Key": "team", "Tags.member.1.Value": "a&b"})
        self.assertIn("RoleSessionName=ci%20run", body)  # RFC 3986 encoding, not '+'
        self.assertIn("Tags.member.1.Value=a%26b", body)
        out = json.loads(r.stdout)
        self.assertEqual(out["Credentials"]["AccessKeyId"], "ASIAEXAMPLE")
        self.assertEqual(out["Credentials"]["SessionToken"], "token/with+chars=")
        self.assertEqual(out["Credentials"]["Expiration"], "2030-01-02T03:04:05+00:00")  # ISO 8601, as the AWS CLI
        self.assertEqual(out["AssumedRoleUser"]["Arn"], "arn:aws:sts::123456789012:assumed-role/deploy/ci run")
        self.assertEqual(out["PackedPolicySize"], 6)

    def test_modeled_error(self):
        r, _ = self.awsc("assume-role", "--role-arn", "arn:aws:iam::123456789012:role/denied",
                         "--role-session-name", "xy", expect=254)  # a service error
        self.assertIn("MalformedPolicyDocument", r.stderr)
        self.assertIn("policy is bad", r.stderr)
        self.assertIn("Request ID: req-2", r.stderr)  # from the <ErrorResponse> body


if __name__ == "__main__":
    unittest.main()
