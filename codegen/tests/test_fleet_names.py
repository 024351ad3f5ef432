"""The symbol layer over every official AWS model (../shared/models/aws-fleet.tar.xz).

For each service: every identifier of its header and source is claimed once, none is
a runtime identifier, struct fields are unique and never a keyword; across the fleet:
CLI names, C names and header files are unique. Runs the model and symbol layers only
(no rendering), so it takes a few seconds a hundred models.
"""
import contextlib
import io
import os
import re
import sys
import tempfile
import unittest

from codegen.errors import GenerationError
from codegen.model import Model
from codegen.symbols import C_KEYWORDS
from codegen.writer import ServiceWriter
from tests.py.shared import ROOT, extract_fleet

IDENTIFIER = re.compile(r"[A-Za-z][A-Za-z0-9_]*")


def runtime_identifiers():
    names = set()
    for folder in ("runtime/include/awsc", "runtime/sts/include/awsc"):
        d = os.path.join(ROOT, folder)
        for f in sorted(os.listdir(d)):
            if f.endswith(".h"):
                with open(os.path.join(d, f), encoding="utf-8") as fh:
                    names.update(re.findall(r"\b(?:awsc|AWSC)_\w+", fh.read()))
    return names


class FleetNames(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        cls.models = extract_fleet(cls.tmp.name)
        cls.writers, cls.failures, cls.bad = {}, {}, set()
        for path in cls.models:
            stem = os.path.splitext(os.path.basename(path))[0]
            try:
                with contextlib.redirect_stderr(io.StringIO()):  # the left-out operations' warnings
                    model = Model.load(path)
                    cls.writers[stem] = ServiceWriter(model, model.service())
            except GenerationError as e:
                cls.failures[stem] = str(e)

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()
        moved = sum(len(w.symbols.names.moved) for w in cls.writers.values())
        failed = len(cls.failures) + len(cls.bad - set(cls.failures))
        print(f"fleet-names: {len(cls.models) - failed} passed, 0 skipped, {failed} failed "
              f"({moved} names moved aside in {sum(1 for w in cls.writers.values() if w.symbols.names.moved)} "
              "services)", file=sys.stderr)

    @contextlib.contextmanager
    def service(self, stem):
        """A subtest per service that also counts the service as failed for the summary line."""
        with self.subTest(service=stem):
            try:
                yield
            except BaseException:
                self.bad.add(stem)
                raise

    def test_every_model_gets_names(self):
        self.assertEqual(self.failures, {})

    def test_identifiers_are_unique_and_clear_of_the_runtime(self):
        runtime = runtime_identifiers()
        for stem, w in self.writers.items():
            with self.service(stem):
                ours = [n for n, owner in w.symbols.names.owner.items() if owner != "runtime"]
                self.assertEqual(sorted(set(ours) & runtime), [])
                bad = [n for n in ours if not IDENTIFIER.fullmatch(n) or "__" in n]
                self.assertEqual(bad, [], "valid C, no reserved identifiers (`__`, leading `_`)")
                for n in ours:
                    if n.lower().startswith("awsc_"):
                        self.assertTrue(n.startswith((w.symbols.prefix + "_", w.symbols.upper + "_")), n)

    def test_struct_fields_are_unique_and_not_keywords(self):
        for stem, w in self.writers.items():
            with self.service(stem):
                for sid, members in w.symbols.fields.items():
                    names = [n for m in members.values() for n in (m["field"], m["has"], m["raw"])]
                    self.assertEqual(len(names), len(set(names)), sid)
                    self.assertEqual([n for n in names if n in C_KEYWORDS or n[0].isdigit()], [], sid)

    def test_service_names_are_unique_across_the_fleet(self):
        for what in ("cli_name", "c_name"):
            seen = {}
            for stem, w in self.writers.items():
                name = getattr(w.symbols, what)
                self.assertNotIn(name, seen, f"{what} {name}: {seen.get(name)} and {stem}")
                seen[name] = stem

    def test_exported_functions_are_unique_across_the_fleet(self):
        # Every service library may be linked into one program (the awsc CLI links them all).
        # Type names may still meet where prefixes nest (awsc_pinpoint_ + EmailMessage is
        # awsc_pinpoint_email_ + Message): those only matter to a file including both headers.
        functions = ("fn", "async", "paginate", "to_sink", "free", "to_string", "from_string")
        seen, types_shared = {}, 0
        for stem, w in self.writers.items():
            sym = w.symbols
            names = [f"{sym.prefix}_{f}" for f in ("client_new", "client_free", "client_run", "client_base",
                                                   "service", "endpoint_rules")]
            names += [v for k, v in sym.table.items() if k[0] in functions]
            for n in names:
                self.assertNotIn(n, seen, f"{n}: {seen.get(n)} and {stem}")
                seen[n] = stem
        types = {}
        for stem, w in self.writers.items():
            for k, v in w.symbols.table.items():
                if k[0] in ("type", "entry", "tag_type"):
                    types_shared += types.setdefault(v, stem) != stem
        print(f"fleet-names: {types_shared} type names shared by two services (nested prefixes)", file=sys.stderr)

    def test_the_known_collisions_are_told_apart(self):
        # Shapes named like the service API, union tags and map entries (issue 15's list).
        expected = {
            "ecs": ("awsc_ecs_service_value",),
            "guardduty": ("awsc_guardduty_service_value",),
            "xray": ("awsc_xray_service_value",),
            "pricing": ("awsc_pricing_service_value",),
        }
        for stem, names in expected.items():
            if stem in self.writers:
                owner = self.writers[stem].symbols.names.owner
                for n in names:
                    self.assertIn(n, owner, stem)
        for stem in ("securityhub", "datazone", "qbusiness", "s3"):
            if stem in self.writers:
                self.assertTrue(self.writers[stem].symbols.names.moved, f"{stem} has a moved name")

    def test_rendered_code_uses_only_claimed_names(self):
        # The writer must take every name from the symbol layer: render the services with
        # moved names and check each identifier under the prefix was claimed.
        for stem in ("ecs", "securityhub", "s3", "lambda", "sts"):
            if stem not in self.writers:
                continue
            with self.service(stem):
                sym = self.writers[stem].symbols
                with contextlib.redirect_stderr(io.StringIO()):
                    files = self.writers[stem].render()
                pattern = re.compile(r"\b(?:%s|%s)_\w+" % (sym.prefix, sym.upper))
                used = {n for text in files.values() for n in pattern.findall(text)}
                self.assertEqual(sorted(used - set(sym.names.owner)), [])


if __name__ == "__main__":
    unittest.main()
