"""smithy.protocols#rpcv2Cbor in the generator: protocol selection (the JS SDK's order, the
--protocol override) and what an rpcv2Cbor service's descriptors hold."""
import sys
import unittest

from codegen.errors import GenerationError
from codegen.model import Model
from codegen.protocols import protocol_for
from codegen.tests.models import service_model, sid
from codegen.writer import ServiceWriter

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
        src = next(t for f, t in ServiceWriter(m, m.service()).render().items() if f.endswith(".c"))
        self.assertIn("#include <awsc/cbor.h>", src)
        self.assertIn('.uri = "/service/Weather/operation/GetCity"', src)
        self.assertIn('.method = "POST"', src)
        self.assertIn(".codec = &awsc_codec_rpcv2_cbor", src)
        self.assertNotIn("X-Amz-Target", src)


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
        src = next(t for f, t in ServiceWriter(m, m.service()).render().items() if f.endswith(".c"))
        self.assertIn(".codec = &awsc_codec_rpcv2_json", src)
        self.assertIn('.uri = "/service/Weather/operation/GetCity"', src)
        self.assertNotIn("AWSC_TS_DATE_TIME", src)
        self.assertNotIn("awsc/cbor.h", src)


def tearDownModule():
    print(f"codegen-rpcv2cbor: {RESULTS['passed']} passed, 0 skipped, {RESULTS['failed']} failed", file=sys.stderr)


if __name__ == "__main__":
    unittest.main()
