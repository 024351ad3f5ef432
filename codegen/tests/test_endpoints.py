import os
import tempfile
import unittest

from codegen import endpoint_tests, endpoints
from codegen.errors import GenerationError
from codegen.model import Model
from codegen.tests.models import service_model, sid

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def with_rules(rules):
    doc = service_model(service_traits={endpoints.TRAIT: rules})
    m = Model(doc)
    return m.service()


class RuleSets(unittest.TestCase):
    def test_our_model_rule_set_reads(self):
        m = Model.load(os.path.join(ROOT, "models", "iot-jobs-data-plane.json"))
        rs = endpoints.rule_set(m.service())
        self.assertEqual(sorted(rs.parameters), ["Endpoint", "Region", "UseDualStack", "UseFIPS"])
        self.assertEqual(rs.parameters["Region"].built_in, "AWS::Region")
        self.assertIs(rs.parameters["UseFIPS"].default, False)
        self.assertGreater(rs.count(), 10)
        self.assertGreater(len(endpoints.tests(m.service())), 10)

    def test_absent_rule_set(self):
        self.assertIsNone(endpoints.rule_set(Model(service_model()).service()))

    def test_malformed_rule_sets_name_the_service(self):
        bad = [
            {"parameters": {}},
            {"parameters": {"X": {"type": "integer"}}, "rules": []},
            {"parameters": {}, "rules": [{"type": "endpoint", "conditions": []}]},
            {"parameters": {}, "rules": [{"type": "tree", "conditions": [], "rules": []}]},
            {"parameters": {}, "rules": [{"type": "error", "conditions": [{"argv": []}], "error": "x"}]},
            {"parameters": {}, "rules": [{"type": "teleport"}]},
        ]
        for rules in bad:
            with self.subTest(rules=rules):
                with self.assertRaisesRegex(GenerationError, sid("Weather")):
                    endpoints.rule_set(with_rules(rules))


def compiled(rules, params=None):
    rs = {"version": "1.0", "parameters": params or {"Region": {"type": "String", "builtIn": "AWS::Region"}},
          "rules": rules}
    svc = with_rules(rs)
    return endpoints.compile_rules(svc, endpoints.rule_set(svc), "awsc_t_endpoint_rules")


def check_indexes(test, ctx):
    """Every index in the tables points inside them: what the C evaluator relies on."""
    n_expr, n_cond, n_rule = len(ctx["exprs"]), len(ctx["conditions"]), len(ctx["rules"])
    for kind, _fn, a, n, _s in ctx["exprs"]:
        if kind in ("AWSC_EP_X_TEMPLATE", "AWSC_EP_X_FN"):
            test.assertLessEqual(a + n, n_expr)
        if kind == "AWSC_EP_X_REF":
            test.assertLess(a, ctx["slot_count"])
    for e, assign in ctx["conditions"]:
        test.assertLess(e, n_expr)
        test.assertTrue(assign == endpoints.NONE or assign < ctx["slot_count"])
    for kind, cf, cc, first, count, expr, props in ctx["rules"]:
        test.assertLessEqual(cf + cc, n_cond)
        if kind == "AWSC_EP_RULE_TREE":
            test.assertLessEqual(first + count, n_rule)
        else:
            test.assertLess(expr, n_expr)
        test.assertTrue(props == endpoints.NONE or props < len(ctx["props"]))


class Templates(unittest.TestCase):
    def test_parts(self):
        self.assertEqual(endpoints.template_parts("w", "https://a.{Region}.{P#dnsSuffix}/"),
                         [("lit", "https://a."), ("ref", "Region"), ("lit", "."), ("ref", "P#dnsSuffix"),
                          ("lit", "/")])
        self.assertEqual(endpoints.template_parts("w", "{{literal}}"), [("lit", "{literal}")])
        self.assertEqual(endpoints.template_parts("w", ""), [("lit", "")])

    def test_unclosed(self):
        for bad in ("{Region", "a{}b"):
            with self.assertRaises(GenerationError):
                endpoints.template_parts("w", bad)


class Compile(unittest.TestCase):
    def test_our_model_compiles_to_consistent_tables(self):
        m = Model.load(os.path.join(ROOT, "models", "iot-jobs-data-plane.json"))
        svc = m.service()
        ctx = endpoints.compile_rules(svc, endpoints.rule_set(svc), "awsc_x_endpoint_rules")
        self.assertEqual([p["name"] for p in ctx["params"]], ["Region", "UseDualStack", "UseFIPS", "Endpoint"])
        self.assertEqual(ctx["slot_count"], 5)  # four parameters and PartitionResult
        check_indexes(self, ctx)
        text = endpoints.render(svc, endpoints.rule_set(svc), "awsc_x_endpoint_rules")
        self.assertIn("const awsc_endpoint_rules awsc_x_endpoint_rules = {", text)
        self.assertIn('"https://data.jobs.iot-fips."', text)
        self.assertEqual(text, endpoints.render(svc, endpoints.rule_set(svc), "awsc_x_endpoint_rules"))

    def test_assign_scope_template_and_properties(self):
        ctx = compiled([{"type": "tree", "conditions": [
            {"fn": "aws.partition", "argv": [{"ref": "Region"}], "assign": "P"}], "rules": [
            {"type": "endpoint", "conditions": [],
             "endpoint": {"url": "https://x.{P#dnsSuffix}",
                          "properties": {"authSchemes": [{"name": "sigv4", "signingRegion": "{Region}"}]},
                          "headers": {"h": ["a", "{Region}"]}}}]}])
        check_indexes(self, ctx)
        self.assertEqual(ctx["conditions"], [(0, 1)])  # P is slot 1, after Region
        get = [x for x in ctx["exprs"] if x[4] == "dnsSuffix"]
        self.assertEqual(len(get), 1)
        self.assertEqual(ctx["exprs"][get[0][2]], ("AWSC_EP_X_REF", "0", 1, 0, None))
        kinds = [p[0] for p in ctx["props"]]
        self.assertEqual(kinds, ["AWSC_EP_P_OBJECT", "AWSC_EP_P_ARRAY", "AWSC_EP_P_OBJECT",
                                 "AWSC_EP_P_STRING", "AWSC_EP_P_STRING"])
        self.assertEqual(ctx["headers"][0][0], "h")
        self.assertEqual(ctx["headers"][0][2], 2)

    def test_variables_do_not_leak_between_siblings(self):
        with self.assertRaisesRegex(GenerationError, "unknown parameter or variable 'P'"):
            compiled([
                {"type": "error", "conditions": [{"fn": "aws.partition", "argv": [{"ref": "Region"}],
                                                  "assign": "P"}], "error": "x"},
                {"type": "endpoint", "conditions": [], "endpoint": {"url": "https://{P#name}"}}])

    def test_rejections(self):
        bad = [
            [{"type": "error", "conditions": [{"fn": "split", "argv": ["a", "b", 0]}], "error": "x"}],
            [{"type": "error", "conditions": [{"fn": "isSet", "argv": []}], "error": "x"}],
            [{"type": "error", "conditions": [{"fn": "getAttr", "argv": [{"ref": "Region"}, 1]}], "error": "x"}],
            [{"type": "error", "conditions": [{"fn": "substring", "argv": [{"ref": "Region"}, "0", 1, False]}],
              "error": "x"}],
            [{"type": "endpoint", "conditions": [], "endpoint": {"url": "https://{Nope}"}}],
        ]
        deep = {"ref": "Region"}
        for _ in range(endpoints.MAX_EXPR_DEPTH + 1):
            deep = {"fn": "not", "argv": [deep]}
        bad.append([{"type": "error", "conditions": [deep], "error": "x"}])
        for rules in bad:
            with self.subTest(rules=str(rules)[:80]):
                with self.assertRaisesRegex(GenerationError, sid("Weather")):
                    compiled(rules)


class EndpointTests(unittest.TestCase):
    def test_cases_render_for_our_model(self):
        path = os.path.join(ROOT, "models", "iot-jobs-data-plane.json")
        m = Model.load(path)
        rows = endpoint_tests.case_rows(m.service())
        self.assertEqual(len(rows), len(endpoints.tests(m.service())))
        errors = [r for r in rows if r[5]]
        self.assertTrue(errors and all(r[2] is None for r in errors))
        self.assertTrue(all(r[2] and r[5] is None for r in rows if r not in errors))
        with tempfile.TemporaryDirectory() as d:
            rc = endpoint_tests.main(["--model", path, "--name", "own_x", "--label", "x",
                                      "--rules-out", os.path.join(d, "r.c"), "--cases-out", os.path.join(d, "c.c")])
            self.assertEqual(rc, 0)
            with open(os.path.join(d, "c.c"), encoding="utf-8") as fh:
                cases = fh.read()
            with open(os.path.join(d, "r.c"), encoding="utf-8") as fh:
                rules = fh.read()
        self.assertIn("Test(endpoint_tests, own_x)", cases)
        self.assertIn("awsc_ept_own_x_endpoint_rules", rules)
        self.assertEqual(cases.count('\n    {"'), len(rows))


if __name__ == "__main__":
    unittest.main()
