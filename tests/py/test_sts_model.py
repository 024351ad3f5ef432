"""Our models/sts.json is a subset of the official STS model: everything it says must agree.

It cannot generate the same C as the official model (it has three operations of
many), so instead every shape we model is compared with the official shape of
the same id: its type, its members (names, targets, required), the traits that
change the wire or validation (length, range, sensitive, error, httpError,
awsQueryError, input/output, auth), the operations' input, output and errors,
and the service's protocol, version, signing name and XML namespace.
"""
import json
import os
import unittest

from tests.py.shared import ROOT, require

# Traits compared; documentation, examples and patterns (which we leave out) are not.
TRAITS = ("smithy.api#length", "smithy.api#range", "smithy.api#sensitive", "smithy.api#required",
          "smithy.api#error", "smithy.api#httpError", "aws.protocols#awsQueryError", "smithy.api#input",
          "smithy.api#output", "smithy.api#auth", "smithy.api#optionalAuth")
SERVICE = "com.amazonaws.sts#AWSSecurityTokenServiceV20110615"


def traits(node):
    return {k: v for k, v in node.get("traits", {}).items() if k in TRAITS}


class StsModelAgreesWithOfficial(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        official = require("models/aws/sts.json")
        with open(official) as f:
            cls.theirs = json.load(f)["shapes"]
        with open(os.path.join(ROOT, "models", "sts.json")) as f:
            cls.ours = json.load(f)["shapes"]

    def test_every_shape_matches(self):
        checked = 0
        for sid, ours in self.ours.items():
            if sid == SERVICE:
                continue
            with self.subTest(shape=sid):
                self.assertIn(sid, self.theirs, "not a shape of the official model")
                theirs = self.theirs[sid]
                self.assertEqual(ours["type"], theirs["type"])
                self.assertEqual(traits(ours), traits(theirs))
                if ours["type"] == "structure":
                    their_members = theirs.get("members", {})
                    for name, m in ours.get("members", {}).items():
                        self.assertIn(name, their_members, f"{sid}${name} is not an official member")
                        self.assertEqual(m["target"], their_members[name]["target"], f"{sid}${name} target")
                        self.assertEqual(traits(m), traits(their_members[name]), f"{sid}${name} traits")
                    # Leaving out an optional member is a subset; leaving out a required one is not.
                    for name, m in their_members.items():
                        if "smithy.api#required" in m.get("traits", {}):
                            self.assertIn(name, ours.get("members", {}), f"required {sid}${name} left out")
                elif ours["type"] == "list":
                    self.assertEqual(ours["member"]["target"], theirs["member"]["target"])
                elif ours["type"] == "operation":
                    self.assertEqual(ours["input"], theirs["input"])
                    self.assertEqual(ours["output"], theirs["output"])
                    self.assertEqual(sorted(e["target"] for e in ours.get("errors", [])),
                                     sorted(e["target"] for e in theirs.get("errors", [])))
                checked += 1
        self.assertGreater(checked, 40)

    def test_service_facts(self):
        ours, theirs = self.ours[SERVICE], self.theirs[SERVICE]
        self.assertEqual(ours["version"], theirs["version"])
        for trait in ("aws.protocols#awsQuery", "aws.auth#sigv4", "smithy.api#xmlNamespace"):
            self.assertEqual(ours["traits"][trait], theirs["traits"][trait], trait)
        self.assertEqual(ours["traits"]["aws.api#service"]["sdkId"], theirs["traits"]["aws.api#service"]["sdkId"])
        their_ops = {o["target"] for o in theirs["operations"]}
        for op in ours["operations"]:
            self.assertIn(op["target"], their_ops)

    def test_our_endpoint_rules_agree_with_the_official_tests(self):
        """The official endpoint tests that our parameters can express (no global endpoint) give the same URL."""
        cases = self.theirs[SERVICE]["traits"]["smithy.rules#endpointTests"]["testCases"]
        ours = {json.dumps(c["params"], sort_keys=True): c["expect"]
                for c in self.ours[SERVICE]["traits"]["smithy.rules#endpointTests"]["testCases"]}
        matched = 0
        for c in cases:
            key = json.dumps(c.get("params", {}), sort_keys=True)
            if key in ours and "endpoint" in ours[key] and "endpoint" in c["expect"]:
                self.assertEqual(ours[key]["endpoint"]["url"], c["expect"]["endpoint"]["url"], c.get("documentation"))
                matched += 1
        self.assertGreater(matched, 0, "no official endpoint test to compare with")


if __name__ == "__main__":
    unittest.main()
