"""Wire-level interop: awsc must put the same request on the wire as the
AWS SDK for JavaScript v3 for every case in tests/interop/cases.json.

Both clients send to a loopback recorder; per case the test requires the same
method, byte-identical raw path, the same query pairs (order only reported),
semantically equal JSON bodies, the same Content-Type when there is a body,
and a valid SigV4 signature on both requests (checked by our own verifier).

Needs node and tests/interop/node_modules (`npm ci --prefix tests/interop`):
skipped visibly without them, failed when CI=true. Needs the awsc binary at
$AWSC_BINARY_DIR/bin/awsc (default build/bin/awsc).
"""

import collections
import decimal
import json
import os
import pathlib
import re
import subprocess
import sys
import unittest
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
# The repository root, so the emulator package (home of the verifier) imports.
sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[2]))

from emulator import sigv4 as sigv4_verify  # noqa: E402
from recorder import Recorder, guess_operation  # noqa: E402
from shared import require_js_peers, skip_or_fail  # noqa: E402

ROOT = pathlib.Path(os.environ.get("AWSC_SOURCE_DIR",
                                   pathlib.Path(__file__).resolve().parents[2]))
INTEROP_DIR = ROOT / "tests" / "interop"
CASES_PATH = INTEROP_DIR / "cases.json"
SHARED = ROOT.parent / "shared"
SIGV4_SUITE = SHARED / "sigv4-test-suite" / "v4"
AWSC = pathlib.Path(os.environ.get("AWSC_BINARY_DIR", ROOT / "build")) / "bin" / "awsc"

IN_CI = os.environ.get("CI") == "true"
ACCESS_KEY = "AKIDEXAMPLE"
SECRET_KEY = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
# Shaped like a real token: '/', '+' and '=' must survive as header bytes.
SESSION_TOKEN = "IQoJb3JpZ2luX2VjEJr//////////wEaCXVzLWVhc3QtMSJHMEUCIQD+interop/token=="
REGION = "us-east-1"
SERVICE = "iot-jobs-data"
UUID4_RE = re.compile(
    r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$",
    re.I)




def load_cases():
    # json keeps big integers exact by default (parse_int=int).
    with open(CASES_PATH, encoding="utf-8") as f:
        return json.load(f)


def kebab(operation):
    return re.sub(r"(?<!^)(?=[A-Z])", "-", operation).lower()


def client_env(session_token):
    """Hermetic environment: our credentials, no profile files, no proxy."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("AWS_") and k.lower() not in
           ("http_proxy", "https_proxy", "all_proxy", "no_proxy")}
    env.update(AWS_ACCESS_KEY_ID=ACCESS_KEY, AWS_SECRET_ACCESS_KEY=SECRET_KEY,
               AWS_CONFIG_FILE=os.devnull,
               AWS_SHARED_CREDENTIALS_FILE=os.devnull,
               AWS_EC2_METADATA_DISABLED="true",
               NO_PROXY="127.0.0.1,localhost", no_proxy="127.0.0.1,localhost")
    if session_token:
        env["AWS_SESSION_TOKEN"] = SESSION_TOKEN
    return env


def query_pairs(raw_query):
    out = []
    for item in raw_query.split("&") if raw_query else []:
        name, _, value = item.partition("=")
        out.append((urllib.parse.unquote(name), urllib.parse.unquote(value)))
    return out


def _no_duplicate_keys(pairs):
    keys = [k for k, _ in pairs]
    dup = {k for k in keys if keys.count(k) > 1}
    if dup:
        raise ValueError("duplicate JSON keys: %s" % sorted(dup))
    return dict(pairs)


def parse_body(body):
    """Exact JSON: Decimal for fractions, int kept exact, no duplicate keys."""
    return json.loads(body.decode("utf-8"), parse_float=decimal.Decimal,
                      object_pairs_hook=_no_duplicate_keys)


def json_diff(a, b, where="$"):
    """First difference between two parsed bodies, or None.

    Numbers compare by exact value (2 == 2.0, 0.1 != 0.10000000000000001);
    unlike Python's ==, true is not the number 1.
    """
    num = (int, decimal.Decimal)
    if isinstance(a, bool) or isinstance(b, bool):
        same = type(a) is type(b) and a == b
    elif isinstance(a, num) and isinstance(b, num):
        same = decimal.Decimal(a) == decimal.Decimal(b)
    elif isinstance(a, dict) and isinstance(b, dict):
        if a.keys() != b.keys():
            return "%s: keys %s vs %s" % (where, sorted(a), sorted(b))
        for k in a:
            d = json_diff(a[k], b[k], "%s.%s" % (where, k))
            if d:
                return d
        return None
    elif isinstance(a, list) and isinstance(b, list):
        if len(a) != len(b):
            return "%s: %d vs %d items" % (where, len(a), len(b))
        for i, (x, y) in enumerate(zip(a, b)):
            d = json_diff(x, y, "%s[%d]" % (where, i))
            if d:
                return d
        return None
    else:
        same = type(a) is type(b) and a == b
    return None if same else "%s: %r vs %r" % (where, a, b)


def verify_signature(req, session_token):
    return sigv4_verify.verify(
        req.method, req.path, req.query, req.headers, req.body,
        ACCESS_KEY, SECRET_KEY,
        session_token=SESSION_TOKEN if session_token else None,
        region=REGION, service=SERVICE)


class _NodeMixin:
    def require_node(self):
        require_js_peers(self, ["@aws-sdk/client-iot-jobs-data-plane"], "the JS SDK interop test")

    def send_js(self, recorder, case_names, session_token):
        proc = subprocess.run(
            ["node", str(INTEROP_DIR / "send.mjs"), str(CASES_PATH),
             recorder.url] + list(case_names),
            cwd=str(INTEROP_DIR), env=client_env(session_token),
            capture_output=True, timeout=120)
        return proc.returncode, proc.stderr.decode("utf-8", "replace")


class JsSdkRequestsTest(_NodeMixin, unittest.TestCase):
    """The JS side alone: one well-signed request per case, right operation.

    This keeps the harness honest while awsc is unavailable.
    """

    def test_js_requests_are_signed_and_routed(self):
        self.require_node()
        cases = load_cases()
        for token in (False, True):
            group = [c for c in cases if bool(c.get("session_token")) == token]
            with Recorder() as rec:
                rc, err = self.send_js(rec, [c["name"] for c in group], token)
                reqs = rec.take()
            self.assertEqual(rc, 0, "send.mjs failed:\n" + err)
            # send.mjs awaits each call, so requests arrive in case order.
            self.assertEqual(len(reqs), len(group))
            for case, req in zip(group, reqs):
                with self.subTest(case=case["name"]):
                    self.assertEqual(guess_operation(req.method, req.path),
                                     case["operation"], req.target)
                    res = verify_signature(req, token)
                    self.assertTrue(res.ok, "%s\n%s" % (res.reason,
                                                        res.canonical_request))


class InteropJsTest(_NodeMixin, unittest.TestCase):
    passed = 0
    failed = 0
    notes = []

    @classmethod
    def tearDownClass(cls):
        # Leading newline: unittest's progress dots share the terminal.
        print()
        for note in cls.notes:
            print("note: %s" % note)
        if cls.passed + cls.failed == 0:
            print("interop js-sdk: skipped", flush=True)
        else:
            print("interop js-sdk: %d passed, %d failed"
                  % (cls.passed, cls.failed), flush=True)

    def run_awsc(self, recorder, case):
        args = [str(AWSC), "iot-jobs-data", kebab(case["operation"]),
                "--cli-input-json", json.dumps(case["input"], ensure_ascii=False),
                "--endpoint-url", recorder.url, "--region", REGION]
        return subprocess.run(args, env=client_env(case.get("session_token")),
                              capture_output=True, timeout=60)

    def compare(self, case, js, c):
        """List of mismatches between the JS request and awsc's."""
        problems = []
        name = case["name"]
        if js.method != c.method:
            problems.append("method: js %s, awsc %s" % (js.method, c.method))
        if js.path != c.path:
            problems.append("path: js %r, awsc %r" % (js.path, c.path))
        jq, cq = query_pairs(js.query), query_pairs(c.query)
        if collections.Counter(jq) != collections.Counter(cq):
            problems.append("query: js %r, awsc %r" % (js.query, c.query))
        elif js.query != c.query or js.has_query != c.has_query:
            self.notes.append("%s: same query pairs, raw differs: js %r, "
                              "awsc %r" % (name, js.target, c.target))

        if js.body or c.body:
            if js.header("content-type") != c.header("content-type"):
                problems.append("content-type: js %r, awsc %r" % (
                    js.header("content-type"), c.header("content-type")))
            problems.extend(self.compare_bodies(case, js.body, c.body))

        token = case.get("session_token")
        for who, req in (("js", js), ("awsc", c)):
            res = verify_signature(req, token)
            if not res.ok:
                problems.append("%s signature: %s\ncanonical request:\n%s"
                                % (who, res.reason, res.canonical_request))
        return problems

    def compare_bodies(self, case, js_body, c_body):
        if not js_body or not c_body:
            return ["body: js %r, awsc %r" % (js_body, c_body)]
        try:
            jb = parse_body(js_body)
        except ValueError as e:
            return ["js body is not JSON (%s): %r" % (e, js_body)]
        try:
            cb = parse_body(c_body)
        except ValueError as e:
            return ["awsc body is not JSON (%s): %r" % (e, c_body)]
        problems = []
        auto_token = (case["operation"] == "StartCommandExecution"
                      and "clientToken" not in case["input"])
        if auto_token:
            # Each side generates its own idempotency token: check the shape.
            for who, b in (("js", jb), ("awsc", cb)):
                tok = b.pop("clientToken", None) if isinstance(b, dict) else None
                if not isinstance(tok, str) or not UUID4_RE.match(tok):
                    problems.append("%s clientToken is not a UUID v4: %r"
                                    % (who, tok))
        diff = json_diff(jb, cb)
        if diff:
            problems.append("body differs at %s\njs:   %r\nawsc: %r"
                            % (diff, js_body, c_body))
        return problems

    def test_same_wire_request_as_js_sdk(self):
        self.require_node()
        cases = load_cases()
        type(self).notes = []
        if not (AWSC.is_file() and os.access(AWSC, os.X_OK)):
            type(self).failed = len(cases)
            self.fail("awsc binary not found at %s (set AWSC_BINARY_DIR to "
                      "the build folder)" % AWSC)
        with Recorder() as rec:
            for case in cases:
                with self.subTest(case=case["name"]):
                    ok = False
                    try:
                        ok = self.check_case(rec, case)
                    finally:
                        if ok:
                            type(self).passed += 1
                        else:
                            type(self).failed += 1

    def check_case(self, rec, case):
        token = bool(case.get("session_token"))
        rec.take()
        rc, err = self.send_js(rec, [case["name"]], token)
        js = rec.take()
        self.assertEqual(rc, 0, "send.mjs failed:\n" + err)
        self.assertEqual(len(js), 1, "JS sent %d requests" % len(js))

        proc = self.run_awsc(rec, case)
        c = rec.take()
        if case.get("awsc_may_reject") and proc.returncode != 0 and not c:
            # A clear refusal is fine for input C cannot represent.
            self.assertTrue(proc.stderr.strip(), "awsc failed silently")
            self.notes.append("%s: awsc refused the input: %s" % (
                case["name"], proc.stderr.decode("utf-8", "replace").strip()))
            return True
        self.assertEqual(proc.returncode, 0, "awsc exited %d:\n%s" % (
            proc.returncode, proc.stderr.decode("utf-8", "replace")))
        self.assertEqual(len(c), 1, "awsc sent %d requests" % len(c))
        try:
            if proc.stdout.strip():  # an empty output prints nothing, as in the AWS CLI
                json.loads(proc.stdout)
        except ValueError:
            self.fail("awsc stdout is not JSON: %r" % proc.stdout[:200])

        problems = self.compare(case, js[0], c[0])
        if problems:
            self.fail("\n".join(problems))
        return True


def _read_signed_request(case_dir):
    """Parse a suite header-signed-request.txt into request parts."""
    raw = (case_dir / "header-signed-request.txt").read_bytes()
    head, _, body = raw.partition(b"\n\n")
    lines = head.decode("utf-8").split("\n")
    method, rest = lines[0].split(" ", 1)
    target = rest.rsplit(" ", 1)[0]
    headers = [tuple(line.split(":", 1)) for line in lines[1:] if line]
    length = [v for k, v in headers if k.lower() == "content-length"]
    body = body[:int(length[0])] if length else b""
    path, _, query = target.partition("?")
    return method, path, query, headers, body


class SigV4VerifierTest(unittest.TestCase):
    """The verifier itself, against cases of the public SigV4 test suite."""

    # Cases whose wire path is plain ASCII, so double-encoding is a no-op
    # and the suite's (single-encoded) expectations apply unchanged.
    SUITE_CASES = ("get-vanilla", "get-vanilla-query-order-key-case",
                   "get-vanilla-with-session-token", "post-header-key-sort",
                   "get-header-value-trim", "get-header-key-duplicate",
                   "post-x-www-form-urlencoded")

    def suite_case(self, name):
        if not SIGV4_SUITE.is_dir():
            skip_or_fail(self, "%s is absent; SigV4 verifier suite cases "
                               "not run" % SIGV4_SUITE)
        d = SIGV4_SUITE / name
        ctx = json.loads((d / "context.json").read_text())
        return d, ctx, _read_signed_request(d)

    def verify_suite(self, ctx, parts, **over):
        cred = ctx["credentials"]
        method, path, query, headers, body = parts
        kw = dict(session_token=cred.get("token"), region=ctx["region"],
                  service=ctx["service"])
        kw.update(over)
        return sigv4_verify.verify(method, path, query, headers, body,
                                   cred["access_key_id"],
                                   kw.pop("secret", cred["secret_access_key"]),
                                   **kw)

    def test_suite_cases_verify(self):
        for name in self.SUITE_CASES:
            with self.subTest(case=name):
                d, ctx, parts = self.suite_case(name)
                res = self.verify_suite(ctx, parts)
                self.assertTrue(res.ok, res.reason)
                self.assertEqual(
                    res.canonical_request,
                    (d / "header-canonical-request.txt").read_text())
                self.assertEqual(
                    res.string_to_sign,
                    (d / "header-string-to-sign.txt").read_text())

    def test_tampering_is_detected(self):
        _, ctx, parts = self.suite_case("post-x-www-form-urlencoded")
        method, path, query, headers, body = parts
        self.assertFalse(self.verify_suite(ctx, parts, secret="wrong"))
        self.assertFalse(self.verify_suite(
            ctx, (method, path, query, headers, body + b"x")))
        self.assertFalse(self.verify_suite(
            ctx, ("PUT", path, query, headers, body)))
        self.assertFalse(self.verify_suite(
            ctx, (method, path, "a=b", headers, body)))
        changed = [(k, "text/plain" if k.lower() == "content-type" else v)
                   for k, v in headers]
        self.assertFalse(self.verify_suite(
            ctx, (method, path, query, changed, body)))
        self.assertFalse(self.verify_suite(ctx, parts, region="us-west-2"))

    def test_session_token_must_match(self):
        _, ctx, parts = self.suite_case("get-vanilla-with-session-token")
        self.assertFalse(self.verify_suite(ctx, parts, session_token="other"))
        self.assertFalse(self.verify_suite(ctx, parts, session_token=None))

    def test_canonical_uri_double_encodes_wire_path(self):
        cu = sigv4_verify.canonical_uri
        self.assertEqual(cu("/things/a%3Ab/jobs/%24next"),
                         "/things/a%253Ab/jobs/%2524next")
        self.assertEqual(cu("/things/t/jobs/$next"), "/things/t/jobs/%24next")
        self.assertEqual(cu("/a%20b/"), "/a%2520b/")
        self.assertRaises(ValueError, cu, "/a/../b")

    def test_canonical_query_sorts_encoded_pairs(self):
        cq = sigv4_verify.canonical_query
        self.assertEqual(cq("b=2&a=%3A&a=1"), "a=%3A&a=1&b=2")
        self.assertEqual(cq("k=a+b&e"), "e=&k=a%2Bb")
        self.assertEqual(cq(""), "")


if __name__ == "__main__":
    unittest.main()
