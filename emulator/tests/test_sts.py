"""The loopback STS (emulator/sts.py) itself, driven by a small Python client:
the XML it answers, the signatures it insists on, and the errors it returns."""
import datetime
import hashlib
import hmac
import http.client
import os
import sys
import unittest
import urllib.parse
import xml.etree.ElementTree as ET

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))

from emulator import sigv4  # noqa: E402
from emulator.sts import NS, STS  # noqa: E402

Q = "{%s}" % NS


class LoopbackSts(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.sts = STS({"AKIDROOT": ("rootsecret", None)}, tokens={"jwt-ok"}).start()
        cls.host, cls.port = "127.0.0.1", cls.sts.server.server_address[1]

    @classmethod
    def tearDownClass(cls):
        cls.sts.stop()

    def call(self, params, keys=None, region="us-east-1"):
        body = urllib.parse.urlencode(dict(params, Version="2011-06-15")).encode()
        headers = [("host", f"{self.host}:{self.port}"), ("content-type", "application/x-www-form-urlencoded")]
        if keys:
            akid, secret, token = keys
            amz = datetime.datetime.now(datetime.timezone.utc).strftime("%Y%m%dT%H%M%SZ")
            headers.append(("x-amz-date", amz))
            if token:
                headers.append(("x-amz-security-token", token))
            names = sorted(n for n, _ in headers)
            creq = "\n".join(["POST", "/", "", sigv4.canonical_headers(headers, names), ";".join(names),
                              hashlib.sha256(body).hexdigest()])
            scope = f"{amz[:8]}/{region}/sts/aws4_request"
            sts = "\n".join(["AWS4-HMAC-SHA256", amz, scope, hashlib.sha256(creq.encode()).hexdigest()])
            sig = hmac.new(sigv4.signing_key(secret, amz[:8], region, "sts"), sts.encode(), hashlib.sha256).hexdigest()
            headers.append(("authorization", f"AWS4-HMAC-SHA256 Credential={akid}/{scope}, "
                                             f"SignedHeaders={';'.join(names)}, Signature={sig}"))
        conn = http.client.HTTPConnection(self.host, self.port, timeout=10)
        try:
            conn.request("POST", "/", body=body, headers=dict(headers))
            resp = conn.getresponse()
            return resp.status, ET.fromstring(resp.read())
        finally:
            conn.close()

    def creds(self, root, action):
        c = root.find(f"{Q}{action}Result/{Q}Credentials")
        return tuple(c.find(Q + n).text for n in ("AccessKeyId", "SecretAccessKey", "SessionToken"))

    def error(self, root):
        self.assertEqual(root.tag, Q + "ErrorResponse")
        return root.find(f"{Q}Error/{Q}Code").text, root.find(f"{Q}Error/{Q}Message").text

    def test_web_identity_then_the_issued_session_signs(self):
        status, root = self.call({"Action": "AssumeRoleWithWebIdentity", "RoleArn": "arn:aws:iam::123456789012:role/r",
                                  "RoleSessionName": "s1", "WebIdentityToken": "jwt-ok"})
        self.assertEqual(status, 200)
        akid, secret, token = self.creds(root, "AssumeRoleWithWebIdentity")
        self.assertTrue(akid.startswith("ASIA"))
        exp = root.find(f"{Q}AssumeRoleWithWebIdentityResult/{Q}Credentials/{Q}Expiration").text
        self.assertRegex(exp, r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")
        status, root = self.call({"Action": "GetCallerIdentity"}, (akid, secret, token))
        self.assertEqual(status, 200)
        self.assertEqual(root.find(f"{Q}GetCallerIdentityResult/{Q}Arn").text,
                         "arn:aws:sts::123456789012:assumed-role/r/s1")
        # Without its session token the same keys are refused.
        status, root = self.call({"Action": "GetCallerIdentity"}, (akid, secret, None))
        self.assertEqual((status, self.error(root)[0]), (403, "SignatureDoesNotMatch"))

    def test_web_identity_must_be_unsigned_and_the_token_known(self):
        params = {"Action": "AssumeRoleWithWebIdentity", "RoleArn": "arn:aws:iam::123456789012:role/r",
                  "RoleSessionName": "s1", "WebIdentityToken": "jwt-ok"}
        status, root = self.call(params, ("AKIDROOT", "rootsecret", None))
        self.assertEqual(status, 400)
        status, root = self.call(dict(params, WebIdentityToken="jwt-bad"))
        self.assertEqual(self.error(root)[0], "InvalidIdentityToken")
        status, root = self.call(dict(params, WebIdentityToken="expired-1"))
        self.assertEqual(self.error(root)[0], "ExpiredTokenException")

    def test_assume_role_checks_the_signature(self):
        params = {"Action": "AssumeRole", "RoleArn": "arn:aws:iam::123456789012:role/r", "RoleSessionName": "s2"}
        status, root = self.call(params, ("AKIDROOT", "rootsecret", None))
        self.assertEqual(status, 200, ET.tostring(root))
        status, root = self.call(params, ("AKIDROOT", "wrong", None))
        self.assertEqual((status, self.error(root)[0]), (403, "SignatureDoesNotMatch"))
        status, root = self.call(params, ("AKIDROOT", "rootsecret", None), region="eu-west-1")
        self.assertEqual(status, 403, "the scope must name the loopback's region")
        status, root = self.call(params)
        self.assertEqual((status, self.error(root)[0]), (403, "MissingAuthenticationToken"))

    def test_validation_and_scripted_errors(self):
        keys = ("AKIDROOT", "rootsecret", None)
        status, root = self.call({"Action": "AssumeRole", "RoleArn": "arn:aws:iam::123456789012:role/r",
                                  "RoleSessionName": "bad name"}, keys)
        self.assertEqual(self.error(root)[0], "ValidationError")
        status, root = self.call({"Action": "AssumeRole", "RoleArn": "arn:aws:iam::123456789012:role/r",
                                  "RoleSessionName": "ok", "DurationSeconds": "60"}, keys)
        self.assertEqual(self.error(root)[0], "ValidationError")
        status, root = self.call({"Action": "AssumeRole", "RoleArn": "arn:aws:iam::123456789012:role/denied",
                                  "RoleSessionName": "ok"}, keys)
        self.assertEqual((status, self.error(root)[0]), (403, "AccessDenied"))
        self.sts.fail_next.append(("ExpiredTokenException", "scripted", 400))
        status, root = self.call({"Action": "GetCallerIdentity"}, keys)
        self.assertEqual(self.error(root), ("ExpiredTokenException", "scripted"))
        status, root = self.call({"Action": "GetCallerIdentity"}, keys)
        self.assertEqual(status, 200)


if __name__ == "__main__":
    unittest.main()
