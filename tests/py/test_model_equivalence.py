"""Our models/iot-jobs-data-plane.json must generate the same C as the official model.

Comments (the documentation) may differ; everything else must be identical. On a
difference the test names the first shape whose generated code differs.
"""
import os
import re
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))

from codegen.model import Model  # noqa: E402
from codegen.writer import ServiceWriter  # noqa: E402
from tests.py.shared import ROOT, require  # noqa: E402

_COMMENT = re.compile(r"/\*.*?\*/", re.S)


def strip_comments(text):
    """C without comments or blank lines (string literals here never contain '/*')."""
    lines = (l.rstrip() for l in _COMMENT.sub("", text).splitlines())
    return [l for l in lines if l.strip()]


_MEMBER_DOC = re.compile(r'^\s*\{"(\w+)", "(\w+)", (?:NULL|".*?(?<!\\)"), (NULL|".*")\},$')
_OPERATION_DOC = re.compile(r'^\s*\{"(\w+)", ".*"\},$')


def docs_facts(text):
    """The facts in a CLI help table: operation names and (shape, member, pattern).

    Its documentation strings are ours by design, and a member is listed when it has
    either documentation or a pattern, so only the patterns are compared.
    """
    facts = []
    for line in text.splitlines():
        m = _MEMBER_DOC.match(line)
        if m:
            if m.group(3) != "NULL":
                facts.append(f"pattern {m.group(1)}.{m.group(2)} = {m.group(3)}")
            continue
        m = _OPERATION_DOC.match(line)
        if m:
            facts.append(f"operation {m.group(1)}")
    return facts


def comparable(name, text):
    return docs_facts(text) if name.endswith("_docs.c") else strip_comments(text)


def render(path):
    model = Model.load(path)
    return ServiceWriter(model, model.service()).render()


def shape_of(lines, index):
    """The shape whose generated code holds line `index` (the nearest shape name above it)."""
    for i in range(index, -1, -1):
        m = re.search(r"\.name = \"(\w+)\"", lines[i]) or re.search(r"struct awsc_\w+ \{", lines[i]) \
            or re.search(r"typedef enum (\w+)", lines[i])
        if m:
            return m.group(1) if m.groups() else m.group(0)
    return "(file start)"


class ModelEquivalence(unittest.TestCase):
    def test_generated_code_matches_official_model(self):
        official = require("models/aws/iot-jobs-data-plane.json")
        ours = render(os.path.join(ROOT, "models", "iot-jobs-data-plane.json"))
        theirs = render(official)
        self.assertEqual(sorted(ours), sorted(theirs), "different generated file sets")
        for name in sorted(ours):
            a, b = comparable(name, ours[name]), comparable(name, theirs[name])
            for i, (x, y) in enumerate(zip(a, b)):
                if x != y:
                    self.fail(f"{name}: first difference in shape {shape_of(a, i)} at line {i}:\n"
                              f"  ours:     {x}\n  official: {y}")
            self.assertEqual(len(a), len(b), f"{name}: one side has extra code after line {min(len(a), len(b))}")

    def test_our_documentation_is_our_own(self):
        official = Model.load(require("models/aws/iot-jobs-data-plane.json"))
        ours = Model.load(os.path.join(ROOT, "models", "iot-jobs-data-plane.json"))

        def docs(model):
            out = set()
            for s in model.shapes.values():
                for holder in [s] + list(s.members):
                    d = holder.traits.get("smithy.api#documentation")
                    if d:
                        out.add(" ".join(re.sub(r"<[^>]+>", " ", d).split()))
            return out

        shared = {d for d in docs(ours) & docs(official) if len(d) >= 40}
        self.assertEqual(shared, set(), "documentation copied from the official model")

    def test_the_check_can_fail(self):
        """Changing one fact in our model must change the generated code."""
        import copy
        import json
        with open(os.path.join(ROOT, "models", "iot-jobs-data-plane.json")) as fh:
            doc = json.load(fh)
        base = {k: strip_comments(v) for k, v in ServiceWriter(Model(copy.deepcopy(doc)),
                                                                Model(copy.deepcopy(doc)).service()).render().items()}
        doc["shapes"]["com.amazonaws.iotjobsdataplane#ThingName"]["traits"]["smithy.api#length"]["min"] = 2
        m = Model(doc)
        changed = {k: strip_comments(v) for k, v in ServiceWriter(m, m.service()).render().items()}
        self.assertNotEqual(base, changed)


if __name__ == "__main__":
    unittest.main()
