"""Differential test against the AWS SDK for JavaScript v3 across services and protocols.

Every case in tests/interop/services.json is sent twice to one loopback recorder, once by
the service's `@aws-sdk/client-*` (tests/interop/send_services.mjs, versions pinned in
tests/interop/package.json and package-lock.json) and once by the `awsc` CLI built for the
same official models. Per case the test requires:

- the same method, raw path and query pairs (a multiset: order is only reported);
- the same headers that matter (everything but signing, user agents, invocation ids and
  transport headers: so content-type, x-amz-target, x-amzn-query-mode, smithy-protocol and
  modeled header bindings);
- the same body, parsed per protocol: JSON (exact numbers), form-encoded pairs, CBOR
  decoded, XML canonicalised;
- a valid SigV4 signature on both requests, checked by our own verifier (emulator/sigv4.py);
- the same output parsed from the case's canned answer (timestamps compared as instants,
  blobs as base64).

The models come from ../shared/models/aws-fleet.tar.xz, extracted at run time; the
services are generated and built once into one build tree ($AWSC_BINARY_DIR/interop-js),
which later runs only rebuild. CloudWatch is built three times, in each protocol its model
offers (awsJson1_0, rpcv2Cbor, awsQuery), and the JS client is given the same protocol.

Skipped visibly without node, tests/interop/node_modules (`npm ci --prefix tests/interop`)
or ../shared; failed instead when CI=true. Prints
`interop-js services: P passed, S skipped, F failed (N services)`.
"""

import base64
import collections
import datetime
import decimal
import fcntl
import json
import math
import os
import pathlib
import re
import subprocess
import sys
import tempfile
import unittest
import urllib.parse
import xml.etree.ElementTree as ET

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[2]))

import cbor_lite  # noqa: E402
from emulator import sigv4 as sigv4_verify  # noqa: E402
from recorder import Recorder  # noqa: E402
from shared import require_js_peers, skip_or_fail  # noqa: E402
from test_interop_js import (ACCESS_KEY, SECRET_KEY, REGION,  # noqa: E402
                             client_env, parse_body, query_pairs)

ROOT = pathlib.Path(os.environ.get("AWSC_SOURCE_DIR", pathlib.Path(__file__).resolve().parents[2]))
INTEROP_DIR = ROOT / "tests" / "interop"
SERVICES_PATH = INTEROP_DIR / "services.json"
SHARED = ROOT.parent / "shared"
FLEET = SHARED / "models" / "aws-fleet.tar.xz"
BINARY_DIR = pathlib.Path(os.environ.get("AWSC_BINARY_DIR", ROOT / "build"))
BUILD = BINARY_DIR / "interop-js"
IN_CI = os.environ.get("CI") == "true"
SCALE = float(os.environ.get("AWSC_TEST_TIME_SCALE", "1"))

# Headers that are not the request's meaning: signing, user agents, retry bookkeeping, transport.
IGNORED_HEADERS = {"authorization", "x-amz-date", "x-amz-security-token", "user-agent", "x-amz-user-agent",
                   "amz-sdk-invocation-id", "amz-sdk-request", "host", "connection", "content-length",
                   "accept-encoding", "expect", "transfer-encoding", "te", "keep-alive"}
# Present on one side only, both requests still well signed: reported, not failed.
OPTIONAL_HEADERS = {"x-amz-content-sha256", "accept"}

ISO_RE = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:?\d{2})$")




def load_doc():
    with open(SERVICES_PATH, encoding="utf-8") as f:
        return json.load(f)


def kebab(operation):
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])", "-", operation).lower()


def for_awsc(v, endpoint):
    """The case input as `--cli-input-json` takes it: blobs base64, timestamps ISO 8601."""
    if isinstance(v, str):
        return v.replace("{endpoint}", endpoint)
    if isinstance(v, list):
        return [for_awsc(x, endpoint) for x in v]
    if isinstance(v, dict):
        if len(v) == 1 and next(iter(v)) in ("$blob", "$ts", "$double"):
            return next(iter(v.values()))
        return {k: for_awsc(x, endpoint) for k, x in v.items()}
    return v


def to_cbor_value(v):
    if isinstance(v, list):
        return [to_cbor_value(x) for x in v]
    if isinstance(v, dict):
        if set(v) == {"$ts"}:
            t = iso_seconds(v["$ts"])
            return cbor_lite.Epoch(int(t) if t == int(t) else float(t))
        if set(v) == {"$blob"}:
            return base64.b64decode(v["$blob"])
        return {k: to_cbor_value(x) for k, x in v.items()}
    return v


def iso_seconds(text):
    """An ISO 8601 instant as a Decimal of seconds since the epoch (sub-microsecond exact)."""
    m = re.match(r"^(.*T\d{2}:\d{2}:\d{2})(\.\d+)?(Z|[+-]\d{2}:?\d{2})$", text)
    base = datetime.datetime.fromisoformat(m.group(1) + ("+00:00" if m.group(3) == "Z" else m.group(3)))
    return decimal.Decimal(int(base.timestamp())) + decimal.Decimal("0" + (m.group(2) or ".0"))


def canned(resp):
    """(status, headers, body bytes) for one case's answer."""
    headers = [tuple(h) for h in resp.get("headers", [])]
    if "json" in resp:
        body = json.dumps(resp["json"], ensure_ascii=False).encode()
    elif "xml" in resp:
        body = resp["xml"].encode()
    elif "cbor" in resp:
        body = cbor_lite.encode(to_cbor_value(resp["cbor"]))
    else:
        body = resp.get("raw", "").encode()
    return resp.get("status", 200), headers, body


# ---- request bodies, parsed per protocol ----

def xml_canon(body):
    """An XML document as nested tuples: tag (with namespace), attributes, text of leaves, children.

    Children are sorted by tag, stably: a list's items (one tag) keep their order, a
    structure's members do not need to. awsc writes members in the model's order; the JS SDK
    does not always (Route 53's ChangeBatch: Changes before Comment), and services read both.
    """
    def walk(e):
        kids = list(e)
        text = (e.text or "") if not kids else (e.text or "").strip()
        return (e.tag, tuple(sorted(e.attrib.items())), text,
                tuple(sorted((walk(k) for k in kids), key=lambda t: t[0])))
    return walk(ET.fromstring(body))


def parse_request_body(protocol, content_type, body):
    """The body as comparable data, by protocol (and content type, for payloads)."""
    ct = (content_type or "").split(";")[0].strip().lower()
    if not body:
        return None
    if protocol in ("awsQuery", "ec2Query") or ct == "application/x-www-form-urlencoded":
        pairs = urllib.parse.parse_qsl(body.decode("utf-8"), keep_blank_values=True, strict_parsing=True)
        # Timestamps as instants: "…05.500Z" (JS) and "…05.5Z" (awsc) are one RFC 3339 date-time.
        pairs = [(k, "instant %s" % iso_seconds(v).normalize() if ISO_RE.match(v) else v) for k, v in pairs]
        return ("form", tuple(sorted(collections.Counter(pairs).items())))
    if protocol == "rpcv2Cbor":
        return ("cbor", cbor_lite.decode(body))
    if ct.endswith("json") or protocol.startswith("awsJson"):
        return ("json", parse_body(body))
    if ct in ("application/xml", "text/xml") or protocol == "restXml" and body.lstrip().startswith(b"<"):
        return ("xml", xml_canon(body))
    return ("bytes", body)


class Shapes:
    """The model's shapes, to find a member's @default while walking a body or an output."""

    def __init__(self, path):
        with open(path, encoding="utf-8") as f:
            self.shapes = json.load(f)["shapes"]

    def operation(self, name):
        for sid, shape in self.shapes.items():
            if shape.get("type") == "operation" and sid.split("#")[1] == name:
                return shape
        raise KeyError(name)

    def io(self, operation, which):
        target = self.operation(operation).get(which, {}).get("target")
        return None if target in (None, "smithy.api#Unit") else target

    def get(self, sid):
        return self.shapes.get(sid) if sid else None


NO_DEFAULT = object()


def member_default(shapes, shape_id, key):
    shape = shapes.get(shape_id)
    if not shape or shape.get("type") not in ("structure", "union"):
        return NO_DEFAULT
    m = shape.get("members", {}).get(key)
    if not m:
        return NO_DEFAULT
    return m.get("traits", {}).get("smithy.api#default", NO_DEFAULT)


def child_shape(shapes, shape_id, key):
    shape = shapes.get(shape_id)
    if not shape:
        return None
    kind = shape.get("type")
    if kind in ("structure", "union"):
        m = shape.get("members", {}).get(key)
        return m and m["target"]
    if kind in ("list", "set"):
        return shape["member"]["target"]
    if kind == "map":
        return shape["value"]["target"]
    return None


def _num(v):
    return isinstance(v, (int, float, decimal.Decimal)) and not isinstance(v, bool)


def _same_scalar(a, b):
    if _num(a) and _num(b):
        if isinstance(a, float) and math.isnan(a) or isinstance(b, float) and math.isnan(b):
            return isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b)
        return decimal.Decimal(a) == decimal.Decimal(b)
    return type(a) is type(b) and a == b


def tree_diff(js, c, shapes, shape_id, notes, where="$", output=False):
    """First difference between JS's and awsc's data (a parsed body or an output), or None.

    Numbers compare by exact value, true is not 1. A member only awsc has is accepted when it
    holds the member's @default: Smithy 2.0 says "All default values SHOULD be serialized" and
    that a deserializer fills a missing member with its default, which awsc does at every
    depth; the JS SDK leaves defaulted members out (it sends and returns only what was set).
    In outputs, a long beyond 2^53 that JS rounds to a double is accepted (noted).
    """
    if isinstance(js, dict) and isinstance(c, dict):
        for k in sorted(set(js) | set(c), key=str):
            sub = "%s.%s" % (where, k)
            if k not in c:
                return "%s: only in js (%r)" % (sub, js[k])
            if k not in js:
                dflt = member_default(shapes, shape_id, k)
                if dflt is not NO_DEFAULT and _same_default(c[k], dflt):
                    notes.append("%s: awsc has the @default %s that js leaves out" % (sub, json.dumps(dflt)))
                    continue
                return "%s: only in awsc (%r)" % (sub, c[k])
            d = tree_diff(js[k], c[k], shapes, child_shape(shapes, shape_id, k), notes, sub, output)
            if d:
                return d
        return None
    if isinstance(js, (list, tuple)) and isinstance(c, (list, tuple)):
        if len(js) != len(c):
            return "%s: js %d vs awsc %d items" % (where, len(js), len(c))
        for i, (x, y) in enumerate(zip(js, c)):
            d = tree_diff(x, y, shapes, child_shape(shapes, shape_id, None), notes, "%s[%d]" % (where, i), output)
            if d:
                return d
        return None
    if _same_scalar(js, c):
        return None
    if output and isinstance(c, int) and _num(js) and abs(c) > 2 ** 53 and float(js) == float(c):
        # JS numbers are doubles: a long past 2^53 is rounded there, kept exact by awsc.
        notes.append("%s: js %s rounds awsc's exact %s" % (where, js, c))
        return None
    return "%s: js %r vs awsc %r" % (where, js, c)


def _same_default(value, dflt):
    if isinstance(dflt, (list, dict)):
        return value == dflt
    return _same_scalar(value, dflt)


def body_diff(jb, cb, shapes, shape_id, notes):
    if jb is None or cb is None:
        return None if jb is cb else "body: js %r, awsc %r" % (jb, cb)
    if jb[0] != cb[0]:
        return "body kinds: js %s, awsc %s" % (jb[0], cb[0])
    if jb[0] in ("json", "cbor"):
        return tree_diff(jb[1], cb[1], shapes, shape_id, notes)
    return None if jb == cb else "%s body: js %r vs awsc %r" % (jb[0], jb[1], cb[1])


def norm_output(v):
    """Timestamps (ISO 8601 strings) as instants, floats exact, 'NaN' kept as text."""
    if isinstance(v, dict):
        return {k: norm_output(x) for k, x in v.items()}
    if isinstance(v, list):
        return [norm_output(x) for x in v]
    if isinstance(v, str) and ISO_RE.match(v):
        try:
            return ("instant", iso_seconds(v))
        except ValueError:
            return v
    if isinstance(v, float):
        return decimal.Decimal(repr(v))
    return v


class InteropJsServices(unittest.TestCase):
    passed = skipped = failed = 0
    services = set()
    notes = []

    @classmethod
    def tearDownClass(cls):
        print()
        for note in cls.notes:
            print("note: %s" % note)
        print("interop-js services: %d passed, %d skipped, %d failed (%d services)"
              % (cls.passed, cls.skipped, cls.failed, len(cls.services)), flush=True)

    # ---- setup ----

    def require_tools(self, doc):
        require_js_peers(self, {s["client"] for s in doc["services"].values()}, "the JS SDK differential test")
        if not FLEET.is_file():
            skip_or_fail(self, "%s is absent; the official models come from it" % FLEET)

    def extract_models(self, doc, tmp):
        """{service: model path}: ours (models/) for the services we vendor, else the fleet's."""
        import tarfile
        wanted = {s["model"] for s in doc["services"].values()}
        with tarfile.open(FLEET) as tar:
            members = [m for m in tar.getmembers() if m.isfile() and m.name.endswith(".json")
                       and os.path.basename(m.name)[:-5] in wanted
                       and not m.name.startswith("/") and ".." not in m.name.split("/")]
            tar.extractall(tmp, members=members)
        found = {os.path.basename(m.name)[:-5]: os.path.join(tmp, m.name) for m in members}
        out = {}
        for stem, svc in doc["services"].items():
            own = ROOT / "models" / (stem + ".json")
            out[stem] = str(own) if (ROOT / "generated" / stem).is_dir() and own.is_file() else found.get(svc["model"])
            self.assertIsNotNone(out[stem], "model %s is not in %s" % (svc["model"], FLEET))
        return out

    def build_awsc(self, doc, model_paths):
        """The awsc CLI with every service of services.json, built once in one tree."""
        models = BUILD / "models"
        stems = sorted(doc["services"])
        models.mkdir(parents=True, exist_ok=True)
        for stem in stems:
            if (ROOT / "generated" / stem).is_dir():
                continue  # our committed generation (models/) is what ships
            dst = models / (stem + ".json")
            data = pathlib.Path(model_paths[stem]).read_bytes()
            if not dst.is_file() or dst.read_bytes() != data:  # unchanged models keep their mtime
                dst.write_bytes(data)
        names = ";".join("%s=%s" % (k, s["cli"]) for k, s in doc["services"].items() if s["model"] != k)
        protocols = ";".join("%s=%s" % (k, s["protocol"]) for k, s in doc["services"].items() if s["model"] != k)
        python = os.environ.get("AWSC_PYTHON", sys.executable)
        with open(BUILD / ".lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            cmd = ["cmake", "-S", str(ROOT), "-B", str(BUILD), "-DAWSC_MODEL_DIRS=%s" % models,
                   "-DAWSC_SERVICES=%s" % ";".join(stems), "-DAWSC_SERVICE_NAMES=%s" % names,
                   "-DAWSC_SERVICE_PROTOCOLS=%s" % protocols, "-DAWSC_BUILD_TESTS=OFF",
                   "-DAWSC_BUILD_EXAMPLES=OFF", "-DAWSC_INSTALL=OFF", "-DCMAKE_BUILD_TYPE=Debug",
                   "-DAWSC_PYTHON=%s" % python]
            # Configured with these very options before: `cmake --build` reconfigures by itself
            # when a model or the generator changed, and generating 26 models costs a minute.
            stamp = BUILD / "interop-js.configured"
            if not (BUILD / "CMakeCache.txt").is_file() or not stamp.is_file() or stamp.read_text() != repr(cmd):
                r = subprocess.run(cmd, capture_output=True, text=True, timeout=1800 * SCALE)
                self.assertEqual(r.returncode, 0, r.stdout[-4000:] + r.stderr[-4000:])
                self.assertNotIn("left out", r.stderr, r.stderr[-4000:])
                stamp.write_text(repr(cmd))
            r = subprocess.run(["cmake", "--build", str(BUILD), "--target", "awsc", "-j", "2"],
                               capture_output=True, text=True, timeout=3600 * SCALE)
            self.assertEqual(r.returncode, 0, r.stdout[-4000:] + r.stderr[-4000:])
        return BUILD / "bin" / "awsc"

    # ---- sending ----

    def send_js(self, rec, service, cases):
        """JS requests and outputs for the service's cases, one node process per service."""
        for c in cases:
            rec.answer(*canned(c["response"]))
        proc = subprocess.run(["node", str(INTEROP_DIR / "send_services.mjs"), str(SERVICES_PATH), service, rec.url],
                              cwd=str(INTEROP_DIR), env=client_env(False), capture_output=True, timeout=300 * SCALE)
        reqs = rec.take()
        rec.clear_answers()
        self.assertEqual(proc.returncode, 0, proc.stderr.decode("utf-8", "replace"))
        lines = [json.loads(line) for line in proc.stdout.decode().splitlines() if line.strip()]
        self.assertEqual([x["name"] for x in lines], [c["name"] for c in cases])
        if len(reqs) != len(cases):
            # A case the JS client refused before sending: resend one by one to keep them paired.
            reqs = []
            for c in cases:
                rec.answer(*canned(c["response"]))
                subprocess.run(["node", str(INTEROP_DIR / "send_services.mjs"), str(SERVICES_PATH), service, rec.url,
                                c["name"]], cwd=str(INTEROP_DIR), env=client_env(False), capture_output=True,
                               timeout=120 * SCALE)
                got = rec.take()
                rec.clear_answers()
                reqs.append(got[0] if len(got) == 1 else None)
        return list(zip(reqs, lines))

    def run_awsc(self, awsc, rec, svc, case):
        rec.answer(*canned(case["response"]))
        args = [str(awsc), svc["cli"], kebab(case["operation"]), "--cli-input-json",
                json.dumps(for_awsc(case["input"], rec.url), ensure_ascii=False),
                "--endpoint-url", rec.url, "--region", REGION, "--output", "json"]
        proc = subprocess.run(args, env=client_env(False), capture_output=True, timeout=60 * SCALE)
        reqs = rec.take()
        rec.clear_answers()
        return proc, reqs

    # ---- comparing ----

    def compare_requests(self, svc, case, js, c, notes, shapes):
        problems = []
        if js.method != c.method:
            problems.append("method: js %s, awsc %s" % (js.method, c.method))
        if js.path != c.path:
            problems.append("path: js %r, awsc %r" % (js.path, c.path))
        jq, cq = query_pairs(js.query), query_pairs(c.query)
        if collections.Counter(jq) != collections.Counter(cq):
            problems.append("query: js %r, awsc %r" % (js.query, c.query))
        elif js.query != c.query:
            notes.append("same query pairs, raw differs: js %r, awsc %r" % (js.query, c.query))
        jh = {k.lower(): v for k, v in js.headers if k.lower() not in IGNORED_HEADERS}
        ch = {k.lower(): v for k, v in c.headers if k.lower() not in IGNORED_HEADERS}
        for name in sorted(set(jh) | set(ch)):
            if jh.get(name) == ch.get(name):
                continue
            if (name == "x-amzn-query-mode" and svc["protocol"] == "rpcv2Cbor" and ch.get(name) == "true"
                    and name not in jh):
                # "Clients for query-compatible services MUST send the x-amzn-query-mode header"
                # (Smithy's rpcv2Cbor protocol tests, QueryCompatibleRpcV2CborSendsQueryModeHeader):
                # the JS SDK's CBOR protocol, chosen here by hand, does not.
                notes.append("x-amzn-query-mode: true from awsc only (the rpcv2Cbor tests require it)")
                continue
            if name in OPTIONAL_HEADERS and (name not in jh or name not in ch):
                notes.append("header %s only from %s" % (name, "js" if name in jh else "awsc"))
                continue
            problems.append("header %s: js %r, awsc %r" % (name, jh.get(name), ch.get(name)))
        try:
            jb = parse_request_body(svc["protocol"], js.header("content-type"), js.body)
        except Exception as e:  # noqa: BLE001 - any parse failure is the finding
            return problems + ["js body does not parse (%s): %r" % (e, js.body[:300])]
        try:
            cb = parse_request_body(svc["protocol"], c.header("content-type"), c.body)
        except Exception as e:  # noqa: BLE001
            return problems + ["awsc body does not parse (%s): %r" % (e, c.body[:300])]
        d = body_diff(jb, cb, shapes, shapes.io(case["operation"], "input"), notes)
        if d:
            problems.append("body differs at %s\njs:   %r\nawsc: %r" % (d, js.body[:2000], c.body[:2000]))
        for who, req in (("js", js), ("awsc", c)):
            res = sigv4_verify.verify(req.method, req.path, req.query, req.headers, req.body, ACCESS_KEY, SECRET_KEY,
                                      session_token=None, region=REGION, service=svc["signing"])
            if not res.ok:
                problems.append("%s signature: %s\ncanonical request:\n%s" % (who, res.reason, res.canonical_request))
        return problems

    def check_case(self, awsc, rec, svc, case, js_req, js_line, shapes):
        notes = []
        self.assertIsNotNone(js_req, "the JS client sent nothing: %s" % js_line.get("error"))
        proc, reqs = self.run_awsc(awsc, rec, svc, case)
        err = proc.stderr.decode("utf-8", "replace")
        if case.get("awsc_rejects"):
            # Input awsc refuses on purpose (the case says why): a clear error, nothing sent.
            self.assertNotEqual(proc.returncode, 0, "awsc accepted input it should refuse")
            self.assertEqual(reqs, [], "awsc refused but still sent a request")
            self.assertRegex(err, r"validation error", "awsc's refusal does not say why: %r" % err)
            type(self).notes.append("%s/%s: js sent it, awsc refused: %s" % (case["service"], case["name"], err.strip()))
            return
        self.assertEqual(len(reqs), 1, "awsc sent %d requests (exit %d): %s" % (len(reqs), proc.returncode, err))
        problems = self.compare_requests(svc, case, js_req, reqs[0], notes, shapes)
        if case.get("expect_error"):
            problems.extend(self.compare_errors(svc, case, js_line, proc, err, notes))
        elif "error" in js_line:
            problems.append("the JS client failed on the canned answer: %s" % js_line["error"])
        elif proc.returncode != 0:
            problems.append("awsc exited %d on the canned answer: %s" % (proc.returncode, err))
        else:
            out = proc.stdout.decode("utf-8")
            try:
                c_out = json.loads(out, parse_int=int) if out.strip() else {}
            except ValueError:
                c_out = None
                problems.append("awsc stdout is not JSON: %r" % out[:300])
            if c_out is not None:
                d = tree_diff(norm_output(js_line["output"]), norm_output(c_out), shapes,
                              shapes.io(case["operation"], "output"), notes, output=True)
                if d:
                    problems.append("output differs at %s\njs:   %s\nawsc: %s"
                                    % (d, json.dumps(js_line["output"], ensure_ascii=False)[:2000], out[:2000]))
        for n in notes:
            type(self).notes.append("%s/%s: %s" % (case["service"], case["name"], n))
        if problems:
            self.fail("\n".join(problems))

    def compare_errors(self, svc, case, js_line, proc, err, notes):
        """An error answer: the code and message awsc prints (as the AWS CLI does) against JS's."""
        js = js_line.get("modeled_error")
        if not js:
            return ["the JS client did not fail on an error answer: %r" % js_line]
        if proc.returncode == 0:
            return ["awsc exited 0 on an error answer: %r" % proc.stdout[:300]]
        m = re.search(r"An error occurred \((.*?)\) when calling the (\w+) operation: (.*)", err)
        if not m:
            return ["awsc's error is not the AWS CLI's form: %r" % err]
        problems = []
        query_code = [v.split(";")[0] for k, v in case["response"].get("headers", []) if k.lower() == "x-amzn-query-error"]
        if svc["protocol"] == "rpcv2Cbor" and query_code and m.group(1) == query_code[0] and js["code"] == js["name"]:
            # "AWS client implementations of the rpcv2Cbor protocol MUST support the
            # awsQueryCompatible trait" (Smithy, aws-query-protocol): awsc takes the code from
            # x-amzn-query-error; the JS SDK's CBOR protocol, chosen here by hand, does not.
            notes.append("error code %s from x-amzn-query-error (js: %s)" % (m.group(1), js["name"]))
        elif m.group(1) != js["code"]:
            problems.append("error code: js %r (%s), awsc %r" % (js["code"], js["name"], m.group(1)))
        if m.group(3).strip() != (js["message"] or "").strip():
            problems.append("error message: js %r, awsc %r" % (js["message"], m.group(3)))
        return problems

    def test_same_wire_and_outputs_as_js_sdk(self):
        doc = load_doc()
        cls = type(self)
        cls.notes, cls.services = [], set()
        try:
            self.require_tools(doc)
        except unittest.SkipTest:
            cls.skipped = len(doc["cases"])
            raise
        tmp = tempfile.TemporaryDirectory()
        self.addCleanup(tmp.cleanup)
        model_paths = self.extract_models(doc, tmp.name)
        # AWSC_INTEROP_AWSC: an awsc already built with these services (while working on them).
        awsc = os.environ.get("AWSC_INTEROP_AWSC") or self.build_awsc(doc, model_paths)
        only = [s for s in os.environ.get("AWSC_INTEROP_SERVICES", "").split(",") if s]
        with Recorder() as rec:
            for service, svc in doc["services"].items():
                if only and service not in only:
                    continue
                cases = [c for c in doc["cases"] if c["service"] == service]
                cls.services.add(service)
                shapes = Shapes(model_paths[service])
                pairs = self.send_js(rec, service, cases)
                for case, (js_req, js_line) in zip(cases, pairs):
                    with self.subTest(service=service, case=case["name"]):
                        if case.get("skip"):
                            cls.skipped += 1
                            print("SKIP %s/%s: %s" % (service, case["name"], case["skip"]))
                            continue
                        ok = False
                        try:
                            self.check_case(awsc, rec, svc, case, js_req, js_line, shapes)
                            ok = True
                        finally:
                            if ok:
                                cls.passed += 1
                            else:
                                cls.failed += 1


if __name__ == "__main__":
    unittest.main()
