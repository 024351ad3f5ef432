"""Test support: a tiny SigV4-signing HTTP client and an in-process server.

The signer here is written separately from emulator/sigv4.py on purpose, so
the tests do not check the verifier against itself.
"""

import datetime
import hashlib
import hmac
import http.client
import json
import unittest
import urllib.parse

from emulator.server import EmulatorServer
from emulator.store import FakeClock, Store

AKID, SECRET = "AKIDTEST", "secret/key+1"
TOKEN_AKID, TOKEN_SECRET, TOKEN = "AKIDTOKEN", "other-secret", "tok/en+=="
REGION, ACCOUNT = "us-east-1", "123456789012"
DATA, CONTROL = "iot-jobs-data", "iot"


def _enc(s):
    return urllib.parse.quote(s, safe="-_.~")


def thing_arn(name):
    return "arn:aws:iot:%s:%s:thing/%s" % (REGION, ACCOUNT, name)


class Client:
    """Signs like an AWS SDK: path labels encoded once on the wire, the
    canonical URI encodes them again."""

    def __init__(self, port, clock, akid=AKID, secret=SECRET, token=None,
                 region=REGION):
        self.port = port
        self.clock = clock
        self.akid, self.secret, self.token = akid, secret, token
        self.region = region
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)

    def close(self):
        self.conn.close()

    def sign_headers(self, method, path, query, body, service, when=None,
                     scope_date=None, region=None, secret=None):
        t = datetime.datetime.fromtimestamp(
            self.clock.now() if when is None else when,
            datetime.timezone.utc)
        amz = t.strftime("%Y%m%dT%H%M%SZ")
        date = scope_date or amz[:8]
        region = region or self.region
        headers = {"host": "127.0.0.1:%d" % self.port, "x-amz-date": amz}
        if body:
            headers["content-type"] = "application/json"
        if self.token is not None:
            headers["x-amz-security-token"] = self.token
        names = sorted(headers)
        cpath = "/".join(_enc(s) for s in path.split("/"))
        cquery = "&".join(sorted(
            "%s=%s" % (_enc(urllib.parse.unquote(k)),
                       _enc(urllib.parse.unquote(v)))
            for k, _, v in (p.partition("=") for p in query.split("&") if p)))
        creq = "\n".join([method, cpath, cquery,
                          "".join("%s:%s\n" % (n, headers[n]) for n in names),
                          ";".join(names), hashlib.sha256(body).hexdigest()])
        scope = "%s/%s/%s/aws4_request" % (date, region, service)
        sts = "\n".join(["AWS4-HMAC-SHA256", amz, scope,
                         hashlib.sha256(creq.encode()).hexdigest()])
        key = ("AWS4" + (secret or self.secret)).encode()
        for part in (date, region, service, "aws4_request"):
            key = hmac.new(key, part.encode(), hashlib.sha256).digest()
        sig = hmac.new(key, sts.encode(), hashlib.sha256).hexdigest()
        headers["authorization"] = (
            "AWS4-HMAC-SHA256 Credential=%s/%s, SignedHeaders=%s, "
            "Signature=%s" % (self.akid, scope, ";".join(names), sig))
        return headers

    def raw(self, method, path, query="", body=b"", headers=None):
        target = path + ("?" + query if query else "")
        self.conn.request(method, target, body=body, headers=headers or {})
        resp = self.conn.getresponse()
        data = resp.read()
        payload = json.loads(data) if data else None
        return resp.status, dict((k.lower(), v) for k, v in resp.getheaders()), \
            payload

    def call(self, method, path, body=None, query="", service=DATA, **sign):
        """Signed request; path is the wire path (labels already encoded)."""
        raw_body = b"" if body is None else (
            body if isinstance(body, bytes) else json.dumps(body).encode())
        headers = self.sign_headers(method, path, query, raw_body, service,
                                    **sign)
        return self.raw(method, path, query, raw_body, headers)


class EmulatorTestCase(unittest.TestCase):
    """Runs a fresh emulator on port 0 with a fake clock per test."""

    state_file = None

    def setUp(self):
        self.clock = FakeClock()
        self.start_server()

    def start_server(self):
        self.store = Store(REGION, ACCOUNT, clock=self.clock,
                           state_file=self.state_file)
        self.server = EmulatorServer(0, {
            AKID: (SECRET, None), TOKEN_AKID: (TOKEN_SECRET, TOKEN)},
            self.store)
        self.server.start_background()
        self.client = Client(self.server.server_address[1], self.clock)

    def stop_server(self):
        self.client.close()
        self.server.stop()

    def tearDown(self):
        self.stop_server()

    # -- shortcuts ---------------------------------------------------------

    def ok(self, method, path, body=None, query="", service=DATA):
        status, headers, payload = self.client.call(method, path, body, query,
                                                    service)
        self.assertEqual(status, 200, payload)
        return payload

    def err(self, expected_status, expected_type, method, path, body=None,
            query="", service=DATA):
        status, headers, payload = self.client.call(method, path, body, query,
                                                    service)
        self.assertEqual((status, headers.get("x-amzn-errortype")),
                         (expected_status, expected_type), payload)
        self.assertIsInstance(payload.get("message"), str)
        return payload

    def create_job(self, job_id, things, document='{"op":"x"}', **extra):
        body = {"targets": [thing_arn(t) for t in things],
                "document": document}
        body.update(extra)
        return self.ok("PUT", "/jobs/" + job_id, body, service=CONTROL)

    def update(self, thing, job_id, status, **extra):
        body = {"status": status}
        body.update(extra)
        return self.client.call("POST", "/things/%s/jobs/%s" % (thing, job_id),
                                body)

    def describe(self, thing, job_id, query=""):
        return self.ok("GET", "/things/%s/jobs/%s" % (thing, job_id),
                       query=query)["execution"]
