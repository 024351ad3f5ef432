import os
import unittest

from codegen import endpoints
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


if __name__ == "__main__":
    unittest.main()
