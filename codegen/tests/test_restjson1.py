import unittest

from codegen.errors import GenerationError
from codegen.model import Model
from codegen.protocols import protocol_for
from codegen.protocols.restjson1 import RestJson1
from codegen.tests.models import service_model, sid


class Bindings(unittest.TestCase):
    def setUp(self):
        self.model = Model(service_model())
        self.p = RestJson1()

    def binding(self, shape, member):
        return self.p.binding(self.model.get(sid(shape)).member(member))

    def test_member_locations(self):
        self.assertEqual(self.binding("GetCityInput", "cityId"), ("LABEL", "cityId"))
        self.assertEqual(self.binding("GetCityInput", "units"), ("QUERY", "u"))
        self.assertEqual(self.binding("GetCityInput", "verbose"), ("HEADER", "X-Verbose"))
        self.assertEqual(self.binding("GetCityInput", "count"), ("BODY", "count"))
        self.assertEqual(self.binding("GetCityOutput", "name"), ("BODY", "cityName"))

    def test_labels_must_match_members(self):
        op = self.model.get(sid("GetCity"))
        self.assertEqual(self.p.check_operation(self.model, op), {"cityId": False})
        op.traits["smithy.api#http"] = {"method": "GET", "uri": "/cities/{other}"}
        with self.assertRaisesRegex(GenerationError, r"\{other\}"):
            self.p.check_operation(self.model, op)

    def test_greedy_label(self):
        op = self.model.get(sid("GetCity"))
        op.traits["smithy.api#http"] = {"method": "GET", "uri": "/cities/{cityId+}"}
        self.assertEqual(self.p.check_operation(self.model, op), {"cityId": True})

    def test_unsupported_protocol_is_named(self):
        doc = service_model()
        traits = doc["shapes"][sid("Weather")]["traits"]
        del traits["aws.protocols#restJson1"]
        traits["aws.protocols#awsFutureProtocol"] = {}
        m = Model(doc)
        with self.assertRaisesRegex(GenerationError, "awsFutureProtocol is not supported"):
            protocol_for(m.service())


if __name__ == "__main__":
    unittest.main()
