"""Every model in ../shared/models/aws of a supported protocol (restJson1, awsJson1_0/1_1, restXml,
awsQuery, ec2Query) generates, compiles with gcc and clang (-Wall -Wextra -Werror), links into
awsc, and shows up in `awsc` (models are read from ../shared at build time, never committed)."""
import json
import os
import subprocess
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))

from tests.py.shared import ROOT, require  # noqa: E402

BINARY_DIR = os.environ.get("AWSC_BINARY_DIR", os.path.join(ROOT, "build"))
SUPPORTED = ("restJson1", "awsJson1_0", "awsJson1_1", "restXml", "awsQuery", "ec2Query")


def protocol(path):
    with open(path) as fh:
        shapes = json.load(fh)["shapes"]
    for s in shapes.values():
        if s["type"] == "service":
            return next((t.split("#")[1] for t in s.get("traits", {}) if t.startswith("aws.protocols#")), None)


class SharedModels(unittest.TestCase):
    def build(self, cc):
        models = require("models/aws")
        out = os.path.join(BINARY_DIR, f"shared-models-{cc}")
        env = dict(os.environ, CC=cc)
        # Only these models' services: our own S3 and IoT clients (120k lines) are built elsewhere.
        stems = sorted(f[:-len(".json")] for f in os.listdir(models) if f.endswith(".json")
                       and protocol(os.path.join(models, f)) in SUPPORTED)
        r = subprocess.run(["cmake", "-S", ROOT, "-B", out, f"-DAWSC_MODEL_DIRS={models}", "-DAWSC_MODEL_DIRS_REPLACE=ON",
                            f"-DAWSC_SERVICES={';'.join(stems)}",
                            "-DAWSC_BUILD_TESTS=OFF", "-DAWSC_BUILD_EXAMPLES=OFF", "-DCMAKE_BUILD_TYPE=Debug",
                            f"-DAWSC_PYTHON={os.environ.get('AWSC_PYTHON', sys.executable)}"],
                           env=env, capture_output=True, text=True)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        r2 = subprocess.run(["cmake", "--build", out, "-j", str(os.cpu_count() or 2)], capture_output=True, text=True)
        self.assertEqual(r2.returncode, 0, r2.stdout[-4000:] + r2.stderr[-4000:])
        listing = subprocess.run([os.path.join(out, "bin", "awsc"), "help"], capture_output=True, text=True).stdout
        return r.stderr, listing

    def check(self, cc):
        warnings, listing = self.build(cc)
        models = require("models/aws")
        for f in sorted(os.listdir(models)):
            path = os.path.join(models, f)
            with self.subTest(model=f, cc=cc):
                if protocol(path) in SUPPORTED:
                    with open(path) as fh:
                        svc = next(s for s in json.load(fh)["shapes"].values() if s["type"] == "service")
                    self.assertIn(svc["traits"]["aws.api#service"]["sdkId"], listing)
                else:
                    self.assertIn(f"left out {path}", warnings, "models of other protocols are reported, not built")

    def test_gcc(self):
        self.check("gcc")

    def test_clang(self):
        self.check("clang")


if __name__ == "__main__":
    unittest.main()
