import copy
import unittest

from codegen.model import Model
from codegen.protocols import protocol_for
from codegen.protocols.restxml import RestXml, xmlns_attribute
from codegen.tests.models import service_model, sid
from codegen.writer import ServiceWriter


def xml_model():
    """The weather service spoken as restXml, with the XML traits on a few members."""
    doc = service_model(
        extra_shapes={
            sid("Tagged"): {"type": "structure", "traits": {"smithy.api#xmlName": "TaggedThing",
                                                            "smithy.api#xmlNamespace": {"uri": "urn:t"}},
                            "members": {"id": {"target": "smithy.api#String",
                                               "traits": {"smithy.api#xmlAttribute": {},
                                                          "smithy.api#xmlName": "xsi:id"}}}},
            sid("NameList"): {"type": "list", "member": {"target": "smithy.api#String",
                                                         "traits": {"smithy.api#xmlName": "Name"}}},
        },
        service_traits={"smithy.api#xmlNamespace": {"uri": "https://example.com/\"q\""}})
    traits = doc["shapes"][sid("Weather")]["traits"]
    del traits["aws.protocols#restJson1"]
    traits["aws.protocols#restXml"] = {}
    out = doc["shapes"][sid("GetCityOutput")]["members"]
    out["name"]["traits"]["smithy.api#xmlName"] = "CityName"
    out["tags"]["traits"] = {"smithy.api#xmlFlattened": {},
                             "smithy.api#xmlNamespace": {"uri": "urn:tags", "prefix": "tg"}}
    out["names"] = {"target": sid("NameList")}
    out["tagged"] = {"target": sid("Tagged")}
    return doc


class RestXmlProtocol(unittest.TestCase):
    def setUp(self):
        self.model = Model(xml_model())
        self.p = RestXml()

    def member(self, shape, name):
        return self.model.get(sid(shape)).member(name)

    def test_selected_by_its_trait(self):
        p = protocol_for(self.model.service())
        self.assertIsInstance(p, RestXml)
        self.assertEqual((p.codec, p.codec_header), ("awsc_codec_rest_xml", "awsc/xml.h"))

    def test_bindings_as_restjson1_but_xml_names(self):
        self.assertEqual(self.p.binding(self.member("GetCityInput", "cityId")), ("LABEL", "cityId"))
        self.assertEqual(self.p.binding(self.member("GetCityInput", "verbose")), ("HEADER", "X-Verbose"))
        self.assertEqual(self.p.binding(self.member("GetCityOutput", "name")), ("BODY", "CityName"))
        # jsonName means nothing here.
        m = self.member("GetCityOutput", "population")
        m.traits["smithy.api#jsonName"] = "pop"
        self.assertEqual(self.p.binding(m), ("BODY", "population"))

    def test_member_extras(self):
        ex = self.p.member_extras(self.model, self.member("GetCityOutput", "tags"), "member")
        self.assertEqual(ex["flags"], ["AWSC_F_XML_FLATTENED"])
        self.assertEqual(ex["xml_namespace"], ' xmlns:tg="urn:tags"')
        self.assertEqual(ex["wire"], "tags")
        ex = self.p.member_extras(self.model, self.member("Tagged", "id"), "member")
        self.assertEqual((ex["flags"], ex["wire"]), (["AWSC_F_XML_ATTRIBUTE"], "xsi:id"))
        ex = self.p.member_extras(self.model, self.member("NameList", "member"), "element")
        self.assertEqual(ex["wire"], "Name")
        # A header keeps its header name.
        ex = self.p.member_extras(self.model, self.member("GetCityInput", "verbose"), "member")
        self.assertNotIn("wire", ex)

    def test_payload_element_name(self):
        m = self.member("GetCityOutput", "tagged")
        m.traits["smithy.api#httpPayload"] = {}
        self.assertEqual(self.p.member_extras(self.model, m, "member")["wire"], "TaggedThing")
        m.traits["smithy.api#xmlName"] = "Own"
        self.assertEqual(self.p.member_extras(self.model, m, "member")["wire"], "Own")

    def test_shape_extras(self):
        self.assertEqual(self.p.shape_extras(self.model, self.model.get(sid("Tagged"))),
                         {"xml_name": "TaggedThing", "xml_namespace": ' xmlns="urn:t"'})
        # An operation's input is the request's root: the service's namespace, escaped.
        self.assertEqual(self.p.shape_extras(self.model, self.model.get(sid("GetCityInput"))),
                         {"xml_name": None, "xml_namespace": ' xmlns="https://example.com/&quot;q&quot;"'})
        self.assertEqual(self.p.shape_extras(self.model, self.model.get(sid("GetCityOutput"))),
                         {"xml_name": None, "xml_namespace": None})
        self.assertEqual(self.p.shape_extras(self.model, self.model.get(sid("NameList"))), {})

    def test_payload_root_takes_the_service_namespace(self):
        # S3's DeleteObjects: the input's structure @httpPayload is the body's root element,
        # so it carries the service's namespace as the input structure would.
        doc = xml_model()
        shapes = doc["shapes"]
        shapes[sid("Payload")] = {"type": "structure",
                                  "members": {"n": {"target": "smithy.api#String"}}}
        shapes[sid("GetCityInput")]["members"]["body"] = {
            "target": sid("Payload"), "traits": {"smithy.api#httpPayload": {}}}
        model = Model(doc)
        self.assertEqual(self.p.shape_extras(model, model.get(sid("Payload"))),
                         {"xml_name": None, "xml_namespace": ' xmlns="https://example.com/&quot;q&quot;"'})
        # A structure's own @xmlNamespace still wins.
        self.assertEqual(self.p.shape_extras(model, model.get(sid("Tagged"))),
                         {"xml_name": "TaggedThing", "xml_namespace": ' xmlns="urn:t"'})

    def test_xmlns_attribute(self):
        self.assertIsNone(xmlns_attribute(None))
        self.assertEqual(xmlns_attribute({"uri": "a&b"}), ' xmlns="a&amp;b"')

    def test_generated_source_uses_the_xml_codec(self):
        m = Model(copy.deepcopy(xml_model()))
        files = ServiceWriter(m, m.service()).render()
        src = next(text for path, text in files.items() if path.startswith("src/") and "endpoints" not in path)
        self.assertIn("#include <awsc/xml.h>", src)
        self.assertIn(".codec = &awsc_codec_rest_xml,", src)
        self.assertIn("AWSC_F_XML_FLATTENED", src)
        self.assertIn('.wire_name = "CityName"', src)
        self.assertIn('.xml_namespace = " xmlns:tg=\\"urn:tags\\""', src)
        self.assertIn('.xml_name = "TaggedThing"', src)


if __name__ == "__main__":
    unittest.main()
