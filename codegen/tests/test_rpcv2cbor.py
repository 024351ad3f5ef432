"""smithy.protocols#rpcv2Cbor in the generator: protocol selection (the JS SDK's order, the
--protocol override) and what an rpcv2Cbor service's descriptors hold."""
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import unittest

from codegen.errors import GenerationError
from codegen.model import Model
from codegen.protocols import protocol_for
from codegen.tests.models import service_model, sid
from codegen.writer import ServiceWriter
from codegen.__main__ import generate
from tests.py.shared import ROOT, require

RESULTS = {"passed": 0, "failed": 0}


def model(*protocols):
    doc = service_model()
    traits = doc["shapes"][sid("Weather")]["traits"]
    del traits["aws.protocols#restJson1"]
    for p in protocols:
        traits[p] = {}
    return Model(doc)


class Counted(unittest.TestCase):
    def run(self, result=None):
        before = (len(result.failures), len(result.errors)) if result else None
        out = super().run(result)
        if result is not None:
            RESULTS["failed" if (len(result.failures), len(result.errors)) != before else "passed"] += 1
        return out


class Selection(Counted):
    def test_json_before_cbor_before_query(self):
        # CloudWatch's three: @aws-sdk/client-cloudwatch sends awsJson1_0
        m = model("aws.protocols#awsQuery", "smithy.protocols#rpcv2Cbor", "aws.protocols#awsJson1_0")
        self.assertEqual(protocol_for(m.service()).name, "awsJson1_0")
        m = model("aws.protocols#awsQuery", "smithy.protocols#rpcv2Cbor")
        self.assertEqual(protocol_for(m.service()).name, "rpcv2Cbor")
        m = model("smithy.protocols#rpcv2Cbor", "aws.protocols#awsJson1_1")
        self.assertEqual(protocol_for(m.service()).name, "awsJson1_1")

    def test_override_picks_one_the_model_offers(self):
        m = model("aws.protocols#awsQuery", "smithy.protocols#rpcv2Cbor", "aws.protocols#awsJson1_0")
        self.assertEqual(protocol_for(m.service(), "rpcv2Cbor").name, "rpcv2Cbor")
        self.assertEqual(protocol_for(m.service(), "aws.protocols#awsQuery").name, "awsQuery")
        with self.assertRaisesRegex(GenerationError, "'restXml' is not one the model offers "
                                                     r"\(awsJson1_0, rpcv2Cbor, awsQuery\)"):
            protocol_for(m.service(), "restXml")

    def test_cbor_descriptors(self):
        m = model("smithy.protocols#rpcv2Cbor")
        src = next(t for f, t in ServiceWriter(m, m.service()).render().items() if f.startswith("src/") and "endpoints" not in f)
        self.assertIn("#include <awsc/cbor.h>", src)
        self.assertIn('.uri = "/service/Weather/operation/GetCity"', src)
        self.assertIn('.method = "POST"', src)
        self.assertIn(".codec = &awsc_codec_rpcv2_cbor", src)
        self.assertNotIn("X-Amz-Target", src)


    def test_query_mode_header_except_over_query_itself(self):
        # A query-compatible service sends x-amzn-query-mode over the protocols it moved to
        # (Smithy's QueryCompatibleRpcV2CborSendsQueryModeHeader), never over awsQuery.
        for proto, flagged in (("rpcv2Cbor", True), ("awsJson1_0", True), ("awsQuery", False)):
            m = model("aws.protocols#awsQuery", "smithy.protocols#rpcv2Cbor", "aws.protocols#awsJson1_0",
                      "aws.protocols#awsQueryCompatible")
            src = next(t for f, t in ServiceWriter(m, m.service(), protocol=proto).render().items()
                       if f.startswith("src/") and "endpoints" not in f)
            self.assertEqual("AWSC_OP_QUERY_COMPATIBLE" in src, flagged, proto)


class RpcV2Json(Counted):
    def test_json_before_cbor_and_epoch_seconds_always(self):
        m = model("smithy.protocols#rpcv2Cbor", "smithy.protocols#rpcv2Json")
        self.assertEqual(protocol_for(m.service()).name, "rpcv2Json")
        doc = service_model()
        traits = doc["shapes"][sid("Weather")]["traits"]
        del traits["aws.protocols#restJson1"]
        traits["smithy.protocols#rpcv2Json"] = {}
        doc["shapes"][sid("GetCityOutput")]["members"]["when"] = {
            "target": "smithy.api#Timestamp", "traits": {"smithy.api#timestampFormat": "date-time"}}
        m = Model(doc)
        src = next(t for f, t in ServiceWriter(m, m.service()).render().items() if f.startswith("src/") and "endpoints" not in f)
        self.assertIn(".codec = &awsc_codec_rpcv2_json", src)
        self.assertIn('.uri = "/service/Weather/operation/GetCity"', src)
        self.assertNotIn("AWSC_TS_DATE_TIME", src)
        self.assertNotIn("awsc/cbor.h", src)


class Fleet(Counted):
    """Every official model that offers rpcv2Cbor (aws-fleet.tsv) generates with it and compiles -Werror."""

    def test_cbor_models_generate_and_compile(self):
        with open(require("models/aws-fleet.tsv"), encoding="utf-8") as fh:
            rows = [line.rstrip("\n").split("\t") for line in fh][1:]
        stems = sorted(r[0] for r in rows if "rpcv2Cbor" in r[1].split("+"))
        self.assertGreaterEqual(len(stems), 9)
        cc = shutil.which("gcc") or shutil.which("cc")
        with tempfile.TemporaryDirectory() as d:
            with tarfile.open(require("models/aws-fleet.tar.xz")) as tar:
                members = [m for m in tar.getmembers() if m.isfile()
                           and os.path.basename(m.name) in {f"{s}.json" for s in stems}
                           and not m.name.startswith("/") and ".." not in m.name.split("/")]
                tar.extractall(d, members=members)
            self.assertEqual(len(members), len(stems))
            for m in members:
                stem = os.path.splitext(os.path.basename(m.name))[0]
                with self.subTest(model=stem):
                    files = generate(os.path.join(d, m.name), os.path.join(d, "out"), protocol="rpcv2Cbor")
                    src = next(f for f in files if f.endswith(".c") and os.path.basename(os.path.dirname(f)) == "src"
                               and "endpoints" not in f)
                    with open(src, encoding="utf-8") as fh:
                        self.assertIn("&awsc_codec_rpcv2_cbor", fh.read())
                    inc = os.path.dirname(os.path.dirname(next(f for f in files if f.endswith(".h"))))
                    run = subprocess.run([cc, "-std=c11", "-Wall", "-Wextra", "-Werror", "-fsyntax-only",
                                          "-D_POSIX_C_SOURCE=200809L", "-I", os.path.join(ROOT, "runtime", "include"),
                                          "-I", inc, src], capture_output=True, text=True)
                    self.assertEqual(run.returncode, 0, run.stderr[-2000:])
        print(f"rpcv2Cbor fleet models: {len(stems)} generated and compiled", file=sys.stderr)


def tearDownModule():
    print(f"codegen-rpcv2cbor: {RESULTS['passed']} passed, 0 skipped, {RESULTS['failed']} failed", file=sys.stderr)


if __name__ == "__main__":
    unittest.main()
