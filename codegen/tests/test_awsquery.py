import unittest

from codegen.model import Model
from codegen.protocols import protocol_for
from codegen.protocols.awsquery import AwsQuery, Ec2Query
from codegen.tests.models import service_model, sid
from codegen.writer import ServiceWriter

QUERY_SHAPES = {
    sid("Filter"): {"type": "structure", "members": {
        "name": {"target": "smithy.api#String"},
        "values": {"target": sid("ValueList"), "traits": {"smithy.api#xmlFlattened": {}}},
        "renamed": {"target": "smithy.api#String", "traits": {"smithy.api#xmlName": "other"}},
        "ec2": {"target": "smithy.api#String", "traits": {"aws.protocols#ec2QueryName": "EcTwo",
                                                          "smithy.api#xmlName": "ignored"}},
        "id": {"target": "smithy.api#String", "traits": {"smithy.api#xmlAttribute": {}}},
    }},
    sid("ValueList"): {"type": "list", "member": {"target": "smithy.api#String",
                                                  "traits": {"smithy.api#xmlName": "item"}}},
    sid("Attrs"): {"type": "map", "key": {"target": "smithy.api#String", "traits": {"smithy.api#xmlName": "K"}},
                   "value": {"target": "smithy.api#String"}},
    sid("Throttled"): {"type": "structure",
                       "traits": {"smithy.api#error": "client",
                                  "aws.protocols#awsQueryError": {"code": "Throttling", "httpResponseCode": 400}},
                       "members": {"message": {"target": "smithy.api#String"}}},
}


def query_model(trait):
    doc = service_model(extra_shapes=QUERY_SHAPES)
    traits = doc["shapes"][sid("Weather")]["traits"]
    del traits["aws.protocols#restJson1"]
    traits[trait] = {}
    doc["shapes"][sid("GetCityInput")]["members"]["filter"] = {"target": sid("Filter")}
    doc["shapes"][sid("GetCityOutput")]["members"]["attrs"] = {"target": sid("Attrs")}
    doc["shapes"][sid("GetCity")]["errors"].append({"target": sid("Throttled")})
    return Model(doc)


class Protocols(unittest.TestCase):
    def test_registered(self):
        self.assertIsInstance(protocol_for(query_model("aws.protocols#awsQuery").service()), AwsQuery)
        self.assertIsInstance(protocol_for(query_model("aws.protocols#ec2Query").service()), Ec2Query)

    def test_rpc_post_with_action_and_version(self):
        model = query_model("aws.protocols#awsQuery")
        p, op = AwsQuery(), model.get(sid("GetCity"))
        self.assertEqual(p.http(op), ("POST", "/", 200))
        self.assertEqual(p.target(model.service(), op), "Action=GetCity&Version=2024-01-01")
        self.assertEqual(p.content_type, "application/x-www-form-urlencoded")
        # HTTP binding traits do not apply: the label and header go in the body too.
        m = model.get(sid("GetCityInput")).member("verbose")
        self.assertEqual(p.binding(m), ("BODY", "verbose"))


class Extras(unittest.TestCase):
    def extras(self, protocol, shape, member, context="member"):
        model = query_model(protocol.trait)
        return protocol.member_extras(model, model.get(sid(shape)).member(member), context)

    def test_awsquery_keys_are_xml_names(self):
        q = AwsQuery()
        self.assertEqual(self.extras(q, "Filter", "name"), {"wire": "name"})
        self.assertEqual(self.extras(q, "Filter", "renamed"), {"wire": "other"})
        self.assertEqual(self.extras(q, "Filter", "ec2"), {"wire": "ignored"})
        self.assertEqual(self.extras(q, "Filter", "values"), {"wire": "values", "flags": ["AWSC_F_XML_FLATTENED"]})
        self.assertEqual(self.extras(q, "Filter", "id"), {"wire": "id", "flags": ["AWSC_F_XML_ATTRIBUTE"]})

    def test_ec2_keys(self):
        e = Ec2Query()
        # ec2QueryName wins; else the XML name or member name, first letter upper-cased.
        self.assertEqual(self.extras(e, "Filter", "ec2"), {"wire": "ignored", "query_name": "EcTwo"})
        self.assertEqual(self.extras(e, "Filter", "renamed"), {"wire": "other", "query_name": "Other"})
        self.assertEqual(self.extras(e, "Filter", "name"), {"wire": "name", "query_name": "Name"})

    def test_list_and_map_element_names(self):
        q = AwsQuery()
        self.assertEqual(self.extras(q, "ValueList", "member", "element"), {"wire": "item"})
        self.assertEqual(self.extras(q, "Attrs", "key", "element"), {"wire": "K"})
        self.assertEqual(self.extras(q, "Attrs", "value", "element"), {"wire": "value"})
        # Element names are XML names in both protocols: ec2Query keys apply to structure members only.
        self.assertEqual(self.extras(Ec2Query(), "Attrs", "value", "element"), {"wire": "value"})

    def test_error_code(self):
        model = query_model("aws.protocols#awsQuery")
        self.assertEqual(AwsQuery().shape_extras(model, model.get(sid("Throttled"))), {"error_code": "Throttling"})
        self.assertEqual(AwsQuery().shape_extras(model, model.get(sid("NoSuchCity"))), {})


class Generated(unittest.TestCase):
    def render(self, trait):
        model = query_model(trait)
        files = ServiceWriter(model, model.service()).render()
        return next(text for name, text in files.items() if name.startswith("src/") and name.endswith(".c"))

    def test_descriptors(self):
        c = self.render("aws.protocols#ec2Query")
        self.assertIn('.target = "Action=GetCity&Version=2024-01-01"', c)
        self.assertIn('.content_type = "application/x-www-form-urlencoded"', c)
        self.assertIn(".codec = &awsc_codec_ec2_query", c)
        self.assertIn('.query_name = "EcTwo"', c)
        self.assertIn('.error_code = "Throttling"', c)
        self.assertIn("AWSC_F_XML_FLATTENED", c)
        q = self.render("aws.protocols#awsQuery")
        self.assertIn(".codec = &awsc_codec_aws_query", q)
        self.assertNotIn(".query_name", q)


if __name__ == "__main__":
    unittest.main()
