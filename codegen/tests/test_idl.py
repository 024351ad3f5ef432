"""The Smithy IDL loader (codegen/idl.py): syntax cases, and the AWS protocol test
suites' IDL (../shared/protocol-tests/idl) loaded and compared with the JSON AST
file built from them (../shared/protocol-tests/smithy-aws-protocol-tests.json)."""
import json
from decimal import Decimal
import os
import sys
import tempfile
import unittest

from codegen import idl
from codegen.errors import GenerationError
from codegen.model import Model
from tests.py.shared import ROOT, require

SUITES = ("restJson1", "awsJson1_0", "awsJson1_1", "awsQuery", "ec2Query", "restXml", "restXmlWithNamespace",
          "rpcv2Cbor")
TEST_TRAITS = ("smithy.test#httpRequestTests", "smithy.test#httpResponseTests",
               "smithy.test#httpMalformedRequestTests")
# The IDL in ../shared is a newer Smithy release than the JSON AST file: these cases changed
# between the two (a body and params rewritten, namespaces in error codes corrected).
CHANGED_UPSTREAM = {"RestJsonIgnoreQueryParamsInResponse", "AwsJson11FooErrorUsingXAmznErrorTypeWithUriAndNamespace",
                    "AwsJson11FooErrorUsingCodeAndNamespace", "AwsJson11FooErrorUsingCodeUriAndNamespace",
                    "AwsJson11FooErrorWithDunderTypeAndNamespace", "AwsJson11FooErrorWithDunderTypeUriAndNamespace"}
RESULTS = {"passed": 0, "failed": 0, "skipped": 0}


def load_text(text, *more):
    with tempfile.TemporaryDirectory() as d:
        for i, t in enumerate((text,) + more):
            with open(os.path.join(d, f"m{i}.smithy"), "w", encoding="utf-8") as fh:
                fh.write(t)
        return idl.load([d])


class Counted(unittest.TestCase):
    def run(self, result=None):
        before = (len(result.failures), len(result.errors), len(result.skipped)) if result else None
        out = super().run(result)
        if result is not None:
            f, e, s = len(result.failures), len(result.errors), len(result.skipped)
            key = "skipped" if s > before[2] else "failed" if (f, e) != before[:2] else "passed"
            RESULTS[key] += 1
        return out


class Syntax(Counted):
    def test_shapes_members_traits_and_defaults(self):
        doc = load_text('''$version: "2.0"
metadata suppressions = [{ id: "X", namespace: "*" }]
namespace ex.a

use ex.b#Other

/// Says hello.
/// Twice.
// a comment
@length(min: 1, max: 2)
string Name

@sparse
list Names { member: Name }

map Things { key: String, value: Other }

structure S {
    @required
    name: Name = "x"
    count: Integer = 0
    @jsonName("other") other: Other
}

enum Color { RED, GREEN = "green" }
intEnum Level { LOW = 1, HIGH = 2 }

union U { a: String, b: Unit }
''', '''$version: "2.0"
namespace ex.b
structure Other {}
''')
        s = doc["shapes"]
        self.assertEqual(s["ex.a#Name"]["traits"]["smithy.api#documentation"], "Says hello.\nTwice.")
        self.assertEqual(s["ex.a#Name"]["traits"]["smithy.api#length"], {"min": 1, "max": 2})
        self.assertEqual(s["ex.a#Names"], {"type": "list", "member": {"target": "ex.a#Name"},
                                           "traits": {"smithy.api#sparse": {}}})
        self.assertEqual(s["ex.a#Things"]["value"], {"target": "ex.b#Other"})
        m = s["ex.a#S"]["members"]
        self.assertEqual(m["name"], {"target": "ex.a#Name",
                                     "traits": {"smithy.api#required": {}, "smithy.api#default": "x"}})
        self.assertEqual(m["count"]["traits"], {"smithy.api#default": 0})
        self.assertEqual(m["other"]["traits"], {"smithy.api#jsonName": "other"})
        self.assertEqual(s["ex.a#Color"]["members"]["GREEN"]["traits"], {"smithy.api#enumValue": "green"})
        self.assertEqual(s["ex.a#Level"]["members"]["HIGH"]["traits"], {"smithy.api#enumValue": 2})
        self.assertEqual(s["ex.a#U"]["members"]["b"], {"target": "smithy.api#Unit"})
        self.assertEqual(doc["metadata"]["suppressions"], [{"id": "X", "namespace": "*"}])
        Model(doc)  # the generator's model layer takes it

    def test_operations_inline_io_mixins_apply_and_text_blocks(self):
        doc = load_text('''$version: "2.0"
$operationInputSuffix: "Request"
namespace ex.a
use smithy.protocols#rpcv2Cbor
use smithy.test#httpRequestTests

@rpcv2Cbor
service Svc { version: "1", operations: [Op], errors: [Oops] }

@mixin
structure Base { @required id: String }

operation Op {
    input := with [Base] { $id, more: Blob }
    output: Out
    errors: [Oops]
}

structure Out for Res { $rid }
resource Res { identifiers: { rid: String } }

@error("client")
structure Oops { message: String }

apply Op @examples([])
apply Oops {
    @retryable
    @tags(["a"])
}
apply Op @httpRequestTests([{
    id: "Case"
    protocol: rpcv2Cbor
    method: "POST"
    uri: "/x"
    body: """
        line one
          "indented" \\u00e9
        """
    params: { word: unquoted, n: -1.5e3, t: true, z: null, exact: 0.100000000000000000000001 }
}])
''')
        s = doc["shapes"]
        op = s["ex.a#Op"]
        self.assertEqual(op["input"], {"target": "ex.a#OpRequest"})
        self.assertEqual(s["ex.a#OpRequest"]["mixins"], [{"target": "ex.a#Base"}])
        self.assertEqual(s["ex.a#OpRequest"]["members"]["id"], {"target": "smithy.api#String"})
        self.assertIn("smithy.api#input", s["ex.a#OpRequest"]["traits"])
        self.assertEqual(s["ex.a#Out"]["members"]["rid"], {"target": "smithy.api#String"})
        self.assertEqual(s["ex.a#Oops"]["traits"], {"smithy.api#error": "client", "smithy.api#retryable": {},
                                                     "smithy.api#tags": ["a"]})
        case = op["traits"]["smithy.test#httpRequestTests"][0]
        self.assertEqual(case["protocol"], "smithy.protocols#rpcv2Cbor")
        self.assertEqual(case["body"], 'line one\n  "indented" \u00e9\n')
        self.assertEqual(case["params"], {"word": "unquoted", "n": -1500.0, "t": True, "z": None,
                                          "exact": Decimal("0.100000000000000000000001")})
        self.assertEqual(s["ex.a#Svc"]["errors"], [{"target": "ex.a#Oops"}])
        self.assertIn("smithy.protocols#rpcv2Cbor", s["ex.a#Svc"]["traits"])
        model = Model(doc)
        self.assertEqual([o.name for o in model.operations(model.service())], ["Op"])

    def test_errors_name_the_place(self):
        with self.assertRaisesRegex(GenerationError, r"m0.smithy:3:\d+: unknown shape type 'strang'"):
            load_text('$version: "2.0"\nnamespace ex\nstrang X\n')
        with self.assertRaisesRegex(GenerationError, "unterminated string"):
            load_text('$version: "2.0"\nnamespace ex\n@documentation("x\nstring X\n')


def _targets(v):
    return isinstance(v, list) and all(isinstance(x, dict) and set(x) == {"target"} for x in v)


def _norm(v):
    if isinstance(v, float) and v.is_integer():
        return int(v)
    if isinstance(v, dict):
        return {k: _norm(x) for k, x in v.items()}
    if isinstance(v, list):
        v = [_norm(x) for x in v]
        return sorted(v, key=lambda x: x["target"]) if _targets(v) else v
    return v


def compare(want, got, sid):
    """Differences between two shapes, allowing for the versions of the two files: members,
    traits and test cases that only one side has are left out (the IDL may be newer)."""
    problems = []
    w, g = _norm(want), _norm(got)
    if w["type"] != g["type"]:
        return [f"{sid}: type {w['type']} != {g['type']}"]
    for key in set(w) & set(g):
        if key == "traits":
            for t in set(w[key]) & set(g[key]):
                a, b = w[key][t], g[key][t]
                if t in TEST_TRAITS:
                    ga = {c["id"]: c for c in b}
                    for c in a:
                        if c["id"] in ga and c != ga[c["id"]] and c["id"] not in CHANGED_UPSTREAM:
                            problems.append(f"{sid}: test case {c['id']} differs")
                elif a != b:
                    problems.append(f"{sid}: trait {t}: {json.dumps(a)[:200]} != {json.dumps(b)[:200]}")
        elif key == "members":
            for name in set(w[key]) & set(g[key]):
                if w[key][name] != g[key][name]:
                    problems.append(f"{sid}${name}: {json.dumps(w[key][name])[:200]} != "
                                    f"{json.dumps(g[key][name])[:200]}")
        elif _targets(w[key]) and _targets(g[key]):
            missing = [x for x in w[key] if x not in g[key]]
            if missing:
                problems.append(f"{sid}: {key} lacks {missing}")
        elif w[key] != g[key]:
            problems.append(f"{sid}: {key}: {json.dumps(w[key])[:200]} != {json.dumps(g[key])[:200]}")
    return problems


class AgainstJsonAst(Counted):
    """Every shape of the JSON AST file that the IDL also defines reads the same."""

    @classmethod
    def setUpClass(cls):
        cls.idl_dir = "protocol-tests/idl"
        cls.json_path = "protocol-tests/smithy-aws-protocol-tests.json"

    def test_each_suite(self):
        with open(require(self.json_path), encoding="utf-8") as fh:
            want = json.load(fh)["shapes"]
        model_dir = os.path.join(require(self.idl_dir), "smithy-aws-protocol-tests", "model")
        shared = os.path.join(model_dir, "shared-types.smithy")
        compared = 0
        for suite in SUITES:
            with self.subTest(suite=suite):
                got = idl.load([os.path.join(model_dir, suite), shared, os.path.join(model_dir, "aws-config.smithy")])
                common = sorted(set(want) & set(got["shapes"]))
                self.assertGreater(len(common), 20, f"{suite}: too few shapes in common")
                problems = []
                for sid in common:
                    problems += compare(want[sid], got["shapes"][sid], sid)
                compared += len(common)
                self.assertEqual(problems, [], f"{suite}: {len(problems)} differences")
        print(f"idl-vs-json-ast: {compared} shapes compared", file=sys.stderr)


def tearDownModule():
    print(f"codegen-idl: {RESULTS['passed']} passed, {RESULTS['skipped']} skipped, {RESULTS['failed']} failed",
          file=sys.stderr)


if __name__ == "__main__":
    unittest.main()
