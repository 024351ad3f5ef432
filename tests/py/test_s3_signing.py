"""S3 from the official model (../shared/models/aws-fleet.tar.xz): generated, compiled, and
its GetObject and PutObject sent to a loopback recorder. What arrived must be what S3 and
the SDKs (aws-sdk-js-v3) expect: path-style addressing for an IP endpoint, the key
percent-encoded once as RFC 3986 asks (`(` is %28), X-Amz-Content-Sha256 with the body's
hash, and a SigV4 signature over the path exactly as sent (S3: no double encoding, no
normalisation), recomputed here independently from the wire.

Prints `s3-signing: P passed, F failed`.
"""
import glob
import hashlib
import hmac
import http.server
import os
import ssl
import subprocess
import tempfile
import threading
import unittest
import urllib.parse

from tests.py.shared import ROOT, extract_fleet

BUILD = os.environ.get("AWSC_BINARY_DIR", os.path.join(ROOT, "build"))
AKID, SECRET = "AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"


class _Recorder(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    seen = []

    def _any(self):
        n = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(n) if n else b""
        _Recorder.seen.append((self.command, self.path, list(self.headers.items()), body))
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    do_GET = do_PUT = do_DELETE = _any

    def log_message(self, *a):
        pass


def _uri_encode(s, keep_slash):
    safe = "-_.~" + ("/" if keep_slash else "")
    return urllib.parse.quote(s, safe=safe)


def canonical_request(method, target, headers, signed):
    path, _, query = target.partition("?")
    pairs = sorted(tuple(p.split("=", 1)) if "=" in p else (p, "") for p in query.split("&") if p)
    cq = "&".join(f"{k}={v}" for k, v in pairs)
    by_name = {}
    for k, v in headers:
        by_name.setdefault(k.lower(), []).append(" ".join(v.split()))
    ch = "".join(f"{n}:{','.join(by_name[n])}\n" for n in signed)
    payload = by_name["x-amz-content-sha256"][0]
    return "\n".join([method, path, cq, ch, ";".join(signed), payload])


def signature(creq, amz_date, region="us-east-1", service="s3"):
    scope = f"{amz_date[:8]}/{region}/{service}/aws4_request"
    sts = "\n".join(["AWS4-HMAC-SHA256", amz_date, scope, hashlib.sha256(creq.encode()).hexdigest()])
    key = ("AWS4" + SECRET).encode()
    for part in (amz_date[:8], region, service, "aws4_request"):
        key = hmac.new(key, part.encode(), hashlib.sha256).digest()
    return hmac.new(key, sts.encode(), hashlib.sha256).hexdigest()


class S3SigningTest(unittest.TestCase):
    results = [0, 0]

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        tmp = cls.tmp.name
        extract_fleet(tmp, ("s3", "glacier"))  # Python's lzma: a fresh Debian has no xz program
        py = os.environ.get("AWSC_PYTHON", "/usr/bin/python3")
        for svc in ("s3", "glacier"):
            subprocess.run([py, "-m", "codegen", "--quiet", "--model", os.path.join(tmp, f"aws-fleet/{svc}.json"),
                            "--out", os.path.join(tmp, "gen")], cwd=ROOT, check=True)
        # The generated clients link what their model uses: XML, checksums, event streams, waiters (JMESPath).
        libs = [os.path.join(BUILD, f"libawsc-{n}.a")
                for n in ("xml", "checksums", "eventstream", "sigv4a", "waiters", "jmespath", "runtime")]
        for lib in libs:
            if not os.path.exists(lib):
                raise unittest.SkipTest(f"{lib} is not built")
        exe = os.path.join(tmp, "s3_signing")
        cmd = [os.environ.get("CC", "cc"), "-std=c11", "-Wall", "-Wextra", "-Werror", "-O1",
               "-I", os.path.join(ROOT, "runtime/include"), "-I", os.path.join(tmp, "gen/s3/include"),
               "-I", os.path.join(ROOT, "runtime/sigv4a/include"),
               "-o", exe, os.path.join(ROOT, "tests/py/s3/s3_signing.c"),
               *glob.glob(os.path.join(tmp, "gen/s3/src/*.c")), *libs,
               "-lcurl", "-lcrypto", "-lexpat", "-lz", "-lpthread", "-lm"]
        r = subprocess.run(cmd, capture_output=True, text=True)
        assert r.returncode == 0, r.stderr[-4000:]
        glacier = os.path.join(tmp, "glacier_signing")
        r = subprocess.run(cmd[:cmd.index("-o")] + ["-I", os.path.join(tmp, "gen/glacier/include"), "-o", glacier,
                           os.path.join(ROOT, "tests/py/s3/glacier_signing.c"),
                           *glob.glob(os.path.join(tmp, "gen/glacier/src/*.c")), *libs,
                           "-lcurl", "-lcrypto", "-lexpat", "-lz", "-lpthread", "-lm"], capture_output=True, text=True)
        assert r.returncode == 0, r.stderr[-4000:]
        _Recorder.seen = []
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
        t = threading.Thread(target=server.serve_forever, daemon=True)
        t.start()
        env = dict(os.environ, AWS_ACCESS_KEY_ID=AKID, AWS_SECRET_ACCESS_KEY=SECRET)
        env.pop("AWS_SESSION_TOKEN", None)
        env.pop("AWS_PROFILE", None)
        cls.run_out = subprocess.run([exe, f"http://127.0.0.1:{server.server_address[1]}"], env=env,
                                     capture_output=True, text=True, timeout=120)
        cls.main_seen = list(_Recorder.seen)
        _Recorder.seen = []
        cls.glacier_out = subprocess.run([glacier, f"http://127.0.0.1:{server.server_address[1]}"], env=env,
                                         capture_output=True, text=True, timeout=120)
        cls.glacier_seen = list(_Recorder.seen)
        _Recorder.seen = []
        server.shutdown()
        server.server_close()
        # The Outposts rules make the endpoint https: a recorder with a certificate for the access point's host.
        cert, key = os.path.join(tmp, "cert.pem"), os.path.join(tmp, "key.pem")
        subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
                        "-nodes", "-days", "2", "-subj", "/CN=outposts.localhost", "-keyout", key, "-out", cert,
                        "-addext", "subjectAltName=DNS:*.op-01234567890123456.localhost"],
                       check=True, capture_output=True)
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(cert, key)
        server.socket = ctx.wrap_socket(server.socket, server_side=True)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        cls.auth_out = subprocess.run([exe, f"https://localhost:{server.server_address[1]}", "auth", cert], env=env,
                                      capture_output=True, text=True, timeout=120)
        server.shutdown()
        server.server_close()
        cls.auth_seen = list(_Recorder.seen)
        cls.seen = cls.main_seen

    @classmethod
    def tearDownClass(cls):
        print(f"s3-signing: {cls.results[0]} passed, {cls.results[1]} failed")
        cls.tmp.cleanup()

    def setUp(self):
        self._outcome_failed = True

    def _check(self, method, want_target, body):
        self.assertEqual(self.run_out.returncode, 0, self.run_out.stderr)
        found = [s for s in self.seen if s[0] == method]
        self.assertEqual(len(found), 1, f"{method}: {self.seen!r} {self.run_out.stdout}")
        m, target, headers, got_body = found[0]
        self.assertEqual(target, want_target)
        self.assertEqual(got_body, body)
        h = {k.lower(): v for k, v in headers}
        self.assertEqual(h["x-amz-content-sha256"], hashlib.sha256(body).hexdigest())
        auth = h["authorization"]
        self.assertTrue(auth.startswith(f"AWS4-HMAC-SHA256 Credential={AKID}/"), auth)
        signed = auth.split("SignedHeaders=")[1].split(",")[0].split(";")
        for must in ("host", "x-amz-content-sha256", "x-amz-date"):
            self.assertIn(must, signed)
        creq = canonical_request(m, target, headers, signed)
        self.assertTrue(creq.split("\n")[1] == target.split("?")[0], creq)
        self.assertEqual(auth.split("Signature=")[1], signature(creq, h["x-amz-date"]), creq)

    def run(self, result=None):
        before = len(result.failures) + len(result.errors) if result else 0
        out = super().run(result)
        if result is not None:
            failed = len(result.failures) + len(result.errors) > before
            S3SigningTest.results[1 if failed else 0] += 1
        return out

    def test_outposts_signs_with_sigv4_without_the_sigv4a_library(self):
        self.assertIn("outposts-sigv4: ok", self.auth_out.stdout, self.auth_out.stderr)
        self.assertEqual(len(self.auth_seen), 2, self.auth_out.stdout)
        m, target, headers, _ = self.auth_seen[0]
        h = {k.lower(): v for k, v in headers}
        self.assertEqual(h["host"].split(":")[0], "reports-123456789012.op-01234567890123456.localhost")
        self.assertEqual(target, "/a%20b?x-id=GetObject")
        self.assertNotIn("x-amz-region-set", h)
        auth = h["authorization"]
        self.assertIn("/us-west-2/s3-outposts/aws4_request", auth)
        signed = auth.split("SignedHeaders=")[1].split(",")[0].split(";")
        creq = canonical_request(m, target, headers, signed)
        self.assertEqual(auth.split("Signature=")[1],
                         signature(creq, h["x-amz-date"], "us-west-2", "s3-outposts"), creq)

    def test_outposts_signs_with_sigv4a_when_plugged_in(self):
        self.assertIn("outposts-sigv4a: ok", self.auth_out.stdout, self.auth_out.stderr)
        m, target, headers, _ = self.auth_seen[1]
        h = {k.lower(): v for k, v in headers}
        self.assertEqual(h["x-amz-region-set"], "*")
        auth = h["authorization"]
        self.assertTrue(auth.startswith(f"AWS4-ECDSA-P256-SHA256 Credential={AKID}/{h['x-amz-date'][:8]}"
                                        "/s3-outposts/aws4_request, "), auth)
        signed = auth.split("SignedHeaders=")[1].split(",")[0].split(";")
        self.assertIn("x-amz-region-set", signed)
        creq = canonical_request(m, target, headers, signed)
        sts = "\n".join(["AWS4-ECDSA-P256-SHA256", h["x-amz-date"], f"{h['x-amz-date'][:8]}/s3-outposts/aws4_request",
                         hashlib.sha256(creq.encode()).hexdigest()])
        key = [ln.split(": ")[1] for ln in self.auth_out.stdout.splitlines() if ln.startswith("public-key: ")][0]
        # DER SubjectPublicKeyInfo of a P-256 point: the fixed prefix, then 04 || x || y.
        spki = bytes.fromhex("3059301306072a8648ce3d020106082a8648ce3d030107034200" + "04" + key)
        with tempfile.TemporaryDirectory() as d:
            for name, data in (("pub.der", spki), ("sts", sts.encode()),
                               ("sig", bytes.fromhex(auth.split("Signature=")[1]))):
                with open(os.path.join(d, name), "wb") as fh:
                    fh.write(data)
            r = subprocess.run(["openssl", "dgst", "-sha256", "-verify", os.path.join(d, "pub.der"), "-keyform", "DER",
                                "-signature", os.path.join(d, "sig"), os.path.join(d, "sts")],
                               capture_output=True, text=True)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr + creq)

    def test_sigv4a_only_endpoint_without_the_library_is_a_clear_error(self):
        self.assertIn("mrap-without-sigv4a: configuration error GetObject: the endpoint's auth scheme sigv4a is not supported: link libawsc-sigv4a", self.auth_out.stdout)

    def test_s3_express_session_auth_is_a_clear_error(self):
        self.assertIn("express: configuration error GetObject: the endpoint's auth scheme sigv4-s3express is not supported yet "
                      "(S3 Express One Zone session auth)", self.auth_out.stdout)

    def test_glacier_sends_the_payload_hash(self):
        self.assertIn("ListVaults: ok", self.glacier_out.stdout, self.glacier_out.stderr)
        self.assertEqual(len(self.glacier_seen), 1)
        m, target, headers, body = self.glacier_seen[0]
        self.assertEqual(target, "/-/vaults")
        h = {k.lower(): v for k, v in headers}
        self.assertEqual(h["x-amz-content-sha256"], hashlib.sha256(body).hexdigest())
        auth = h["authorization"]
        self.assertIn("/us-east-1/glacier/aws4_request", auth)
        signed = auth.split("SignedHeaders=")[1].split(",")[0].split(";")
        self.assertIn("x-amz-content-sha256", signed)
        creq = canonical_request(m, target, headers, signed)
        self.assertEqual(auth.split("Signature=")[1], signature(creq, h["x-amz-date"], "us-east-1", "glacier"), creq)

    def test_get_object_key_with_spaces_and_parentheses(self):
        self._check("GET", "/examplebucket/Q1%20summary%20%28final%29.csv?x-id=GetObject", b"")

    def test_put_object(self):
        self._check("PUT", "/examplebucket/reports/2026/Q1%20summary%20%28final%29.csv?x-id=PutObject",
                    b"quarter,total\nQ1,42\n")

    def test_delete_object_key_with_repeated_slashes(self):
        """A key's "//" stays in the signed path (the rules' authSchemes never say disableNormalizePath)."""
        self._check("DELETE", "/examplebucket/logs//2026//a.log?x-id=DeleteObject", b"")


if __name__ == "__main__":
    unittest.main()
