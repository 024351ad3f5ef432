"""Endpoint context parameters: contextParam, staticContextParams and operationContextParams
become the operation's awsc_endpoint_binding rows; S3's Bucket label leaves the URI."""
import copy
import unittest

from codegen.model import Model
from codegen.tests.models import service_model, sid
from codegen.writer import ServiceWriter

RULES = {"version": "1.0", "parameters": {
    "Region": {"type": "String", "builtIn": "AWS::Region"},
    "Bucket": {"type": "String"}, "Verbose": {"type": "Boolean"},
    "UseControl": {"type": "Boolean"}, "Mode": {"type": "String"}, "Units": {"type": "String"}},
    "rules": [{"type": "endpoint", "conditions": [], "endpoint": {"url": "https://example.com"}}]}


def model(sdk_id="Weather"):
    doc = service_model(service_traits={"smithy.rules#endpointRuleSet": RULES})
    svc = doc["shapes"][sid("Weather")]["traits"]
    svc["aws.api#service"]["sdkId"] = sdk_id
    op = doc["shapes"][sid("GetCity")]
    op["traits"]["smithy.api#http"]["uri"] = "/{cityId}/forecast?x-id=GetCity"
    op["traits"]["smithy.rules#staticContextParams"] = {"UseControl": {"value": True}, "Mode": {"value": "fast"},
                                                       "Undeclared": {"value": True}}
    op["traits"]["smithy.rules#operationContextParams"] = {"Units": {"path": "units"},
                                                          "Bucket2": {"path": "tags[*].name"}}
    inp = doc["shapes"][sid("GetCityInput")]["members"]
    inp["cityId"]["traits"]["smithy.rules#contextParam"] = {"name": "Bucket"}
    inp["verbose"]["traits"]["smithy.rules#contextParam"] = {"name": "Verbose"}
    inp["count"]["traits"]["smithy.rules#contextParam"] = {"name": "Mode"}  # an integer: not bound
    return Model(copy.deepcopy(doc))


def source(m):
    files = ServiceWriter(m, m.service()).render()
    return next(text for path, text in files.items() if path.endswith(".c") and "endpoints" not in path)


class ContextParamsTest(unittest.TestCase):
    def test_bindings(self):
        src = source(model())
        self.assertIn("static const awsc_endpoint_binding get_city_endpoint_params[] = {", src)
        self.assertIn('{"Bucket", &get_city_input_shape_members[0], NULL, false, false},', src)
        self.assertIn('{"Mode", NULL, "fast", false, false},', src)
        self.assertIn('{"UseControl", NULL, NULL, true, true},', src)
        self.assertIn('{"Units", &get_city_input_shape_members[1], NULL, false, false},', src)
        self.assertIn('{"Verbose", &get_city_input_shape_members[2], NULL, true, false},', src)
        self.assertNotIn('"Undeclared"', src)
        self.assertNotIn('"Bucket2"', src)
        self.assertIn(".endpoint_param_count = 5,", src)
        self.assertIn('.uri = "/{cityId}/forecast\\?x-id=GetCity"', src)

    def test_s3_bucket_label_leaves_the_uri(self):
        m = model("S3")
        w = ServiceWriter(m, m.service())
        bucket = [{"name": "Bucket"}]
        self.assertEqual(w.s3_uri(None, "/{Bucket}/{Key+}?x-id=GetObject", bucket), "/{Key+}?x-id=GetObject")
        self.assertEqual(w.s3_uri(None, "/{Bucket}?acl", bucket), "/?acl")
        self.assertEqual(w.s3_uri(None, "/{Bucket}", bucket), "/")
        self.assertEqual(w.s3_uri(None, "/{BucketName}/x", bucket), "/{BucketName}/x")
        self.assertEqual(w.s3_uri(None, "/{Bucket}/x", None), "/{Bucket}/x")
        other = model("Weather")
        self.assertEqual(ServiceWriter(other, other.service()).s3_uri(None, "/{Bucket}/x", bucket), "/{Bucket}/x")

if __name__ == "__main__":
    unittest.main()
