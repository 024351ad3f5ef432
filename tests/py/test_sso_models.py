"""scripts/strip-model, and models/sso.json / models/sso-oidc.json made with it.

The script drops prose (documentation, examples, nested "documentation" fields)
and keeps every fact; our two stripped models must equal the script's output on
the official models of the fleet archive (../shared), so nothing was edited by hand.
"""
import json
import os
import subprocess
import sys
import tarfile
import tempfile
import unittest

from tests.py.shared import ROOT, require

STRIP = os.path.join(ROOT, "scripts", "strip-model")


def strip(model):
    with tempfile.TemporaryDirectory() as d:
        src, dst = os.path.join(d, "in.json"), os.path.join(d, "out.json")
        with open(src, "w") as f:
            json.dump(model, f)
        r = subprocess.run([sys.executable, STRIP, src, dst], capture_output=True, text=True, timeout=120)
        if r.returncode:
            raise AssertionError(r.stderr)
        with open(dst) as f:
            return json.load(f)


class StripModel(unittest.TestCase):
    def test_prose_goes_facts_stay(self):
        model = {"smithy": "2.0", "metadata": {"suppressions": [{"id": "X", "namespace": "*", "reason": "why"}]},
                 "shapes": {
                     "a#S": {"type": "service", "version": "1", "traits": {
                         "smithy.api#documentation": "<p>prose</p>", "smithy.api#title": "A",
                         "smithy.rules#endpointRuleSet": {"parameters": {"Region": {
                             "type": "string", "documentation": "prose", "builtIn": "AWS::Region"}},
                             "rules": [{"documentation": "prose", "type": "error", "error": "bad", "conditions": []}]},
                         "smithy.rules#endpointTests": {"testCases": [{"documentation": "prose", "params": {}}]}}},
                     "a#In": {"type": "structure", "members": {"x": {"target": "smithy.api#String", "traits": {
                         "smithy.api#documentation": "prose", "smithy.api#required": {},
                         "smithy.api#deprecated": {"message": "prose", "since": "2020"}}}},
                         "traits": {"smithy.api#examples": [{"title": "t"}], "smithy.api#input": {}}},
                     "a#L": {"type": "list", "member": {"target": "smithy.api#String",
                                                        "traits": {"smithy.api#documentation": "prose"}}},
                 }}
        out = strip(model)
        text = json.dumps(out)
        self.assertNotIn("prose", text)
        self.assertNotIn("examples", text)
        self.assertNotIn("why", text)
        svc = out["shapes"]["a#S"]["traits"]
        self.assertEqual(svc["smithy.api#title"], "A")
        self.assertEqual(svc["smithy.rules#endpointRuleSet"]["rules"][0]["error"], "bad")
        self.assertEqual(svc["smithy.rules#endpointRuleSet"]["parameters"]["Region"]["builtIn"], "AWS::Region")
        member = out["shapes"]["a#In"]["members"]["x"]["traits"]
        self.assertEqual(member, {"smithy.api#required": {}, "smithy.api#deprecated": {"since": "2020"}})
        self.assertEqual(out["shapes"]["a#In"]["traits"], {"smithy.api#input": {}})
        self.assertEqual(out["metadata"]["suppressions"], [{"id": "X", "namespace": "*"}])

    def test_not_a_model(self):
        with tempfile.TemporaryDirectory() as d:
            src = os.path.join(d, "in.json")
            with open(src, "w") as f:
                f.write("[1, 2]")
            r = subprocess.run([sys.executable, STRIP, src, os.path.join(d, "out.json")], capture_output=True,
                               text=True, timeout=120)
            self.assertEqual(r.returncode, 1)
            self.assertIn("not a Smithy JSON AST model", r.stderr)


class OurSsoModelsAreTheStrippedOfficialOnes(unittest.TestCase):
    def test_models_equal_the_script_output(self):
        archive = require("models/aws-fleet.tar.xz")
        with tempfile.TemporaryDirectory() as d, tarfile.open(archive) as tar:
            for stem in ("sso", "sso-oidc"):
                with self.subTest(model=stem):
                    member = tar.getmember(f"aws-fleet/{stem}.json")
                    src = os.path.join(d, f"{stem}.json")
                    with open(src, "wb") as f:
                        f.write(tar.extractfile(member).read())
                    out = os.path.join(d, f"{stem}.stripped.json")
                    subprocess.run([sys.executable, STRIP, src, out], check=True, timeout=120)
                    with open(out, "rb") as a, open(os.path.join(ROOT, "models", f"{stem}.json"), "rb") as b:
                        self.assertEqual(a.read(), b.read(), f"models/{stem}.json is not strip-model's output")


if __name__ == "__main__":
    unittest.main()
