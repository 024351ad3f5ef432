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
    "UseControl": {"type": "Boolean"}, "Mode": {"type": "String"}, "Units": {"type": "String"},
    "Names": {"type": "stringArray"}, "Labels": {"type": "stringArray"}, "Both": {"type": "stringArray"}},
    "rules": [{"type": "endpoint", "conditions": [], "endpoint": {"url": "https://example.com"}}]}


def model(sdk_id="Weather"):
    doc = service_model(service_traits={"smithy.rules#endpointRuleSet": RULES})
    svc = doc["shapes"][sid("Weather")]["traits"]
    svc["aws.api#service"]["sdkId"] = sdk_id
    op = doc["shapes"][sid("GetCity")]
    op["traits"]["smithy.api#http"]["uri"] = "/{cityId}/forecast?x-id=GetCity"
    op["traits"]["smithy.rules#staticContextParams"] = {"UseControl": {"value": True}, "Mode": {"value": "fast"},
                                                       "Undeclared": {"value": True}}
    op["traits"]["smithy.rules#operationContextParams"] = {
        "Units": {"path": "units"}, "Bucket2": {"path": "regions[*].name"},
        "Names": {"path": "regions[*].name"}, "Labels": {"path": "keys(labels)"},
        "Both": {"path": "regions[*].[name, code][]"}, "Mode": {"path": "regions[*].name"}}
    doc["shapes"][sid("Region")] = {"type": "structure", "members": {
        "name": {"target": "smithy.api#String"}, "code": {"target": "smithy.api#String"}}}
    doc["shapes"][sid("RegionList")] = {"type": "list", "member": {"target": sid("Region")}}
    doc["shapes"][sid("Labels")] = {"type": "map", "key": {"target": "smithy.api#String"},
                                    "value": {"target": "smithy.api#String"}}
    inp = doc["shapes"][sid("GetCityInput")]["members"]
    inp["regions"] = {"target": sid("RegionList")}
    inp["labels"] = {"target": sid("Labels")}
    inp["cityId"]["traits"]["smithy.rules#contextParam"] = {"name": "Bucket"}
    inp["verbose"]["traits"]["smithy.rules#contextParam"] = {"name": "Verbose"}
    inp["count"]["traits"]["smithy.rules#contextParam"] = {"name": "Mode"}  # an integer: not bound
    return Model(copy.deepcopy(doc))


def source(m):
    files = ServiceWriter(m, m.service()).render()
    return next(text for path, text in files.items() if path.startswith("src/") and "endpoints" not in path)


class ContextParamsTest(unittest.TestCase):
    def test_bindings(self):
        src = source(model())
        self.assertIn("#include <awsc/endpoints.h>", src)
        self.assertIn("static const awsc_endpoint_binding get_city_endpoint_params[] = {", src)
        m = "&get_city_input_shape_members"
        rows = [
            ("Both", "AWSC_EP_STRING_ARRAY", "NULL", "NULL", "false", "&get_city_endpoint_paths[0]",
             "&get_city_endpoint_selects[0]", "false"),
            ("Bucket", "AWSC_EP_STRING", m + "[0]", "NULL", "false", "NULL", "NULL", "false"),
            ("Labels", "AWSC_EP_STRING_ARRAY", "NULL", "NULL", "false", "&get_city_endpoint_paths[2]", "NULL", "true"),
            # the static constant wins over a path that yields a list for a string parameter
            ("Mode", "AWSC_EP_STRING", "NULL", '"fast"', "false", "NULL", "NULL", "false"),
            ("Names", "AWSC_EP_STRING_ARRAY", "NULL", "NULL", "false", "&get_city_endpoint_paths[4]", "NULL",
             "false"),
            ("Units", "AWSC_EP_STRING", m + "[1]", "NULL", "false", "NULL", "NULL", "false"),
            ("UseControl", "AWSC_EP_BOOLEAN", "NULL", "NULL", "true", "NULL", "NULL", "false"),
            ("Verbose", "AWSC_EP_BOOLEAN", m + "[2]", "NULL", "false", "NULL", "NULL", "false"),
        ]
        for r in rows:
            self.assertIn('    {"%s", %s},' % (r[0], ", ".join(r[1:])), src)
        # regions[*].[name, code][], keys(labels), regions[*].name: one table of paths, one of selects
        self.assertIn("static const awsc_member *const get_city_endpoint_paths[] = {\n"
                      f"    {m}[4], NULL, {m}[5], NULL, {m}[4], &region_shape_members[0], NULL\n}};", src)
        self.assertIn("static const awsc_member *const get_city_endpoint_selects[] = {\n"
                      "    &region_shape_members[0], NULL, &region_shape_members[1], NULL, NULL\n};", src)
        self.assertNotIn('"Undeclared"', src)
        self.assertNotIn('"Bucket2"', src)
        self.assertIn(".endpoint_param_count = 8,", src)
        # The code that reads them comes with them only (other services' programs do not link it).
        self.assertIn("    .operation_endpoints = &awsc_operation_endpoints,\n", src)
        self.assertIn('.uri = "/{cityId}/forecast\\?x-id=GetCity"', src)

    def test_s3_bucket_label_leaves_the_uri(self):
        m = model("S3")
        w = ServiceWriter(m, m.service())
        bucket = {"rows": [{"name": "Bucket"}]}
        self.assertEqual(w.s3_uri(None, "/{Bucket}/{Key+}?x-id=GetObject", bucket), "/{Key+}?x-id=GetObject")
        self.assertEqual(w.s3_uri(None, "/{Bucket}?acl", bucket), "?acl")
        self.assertEqual(w.s3_uri(None, "/{Bucket}", bucket), "")
        self.assertEqual(w.s3_uri(None, "/{BucketName}/x", bucket), "/{BucketName}/x")
        self.assertEqual(w.s3_uri(None, "/{Bucket}/x", None), "/{Bucket}/x")
        other = model("Weather")
        self.assertEqual(ServiceWriter(other, other.service()).s3_uri(None, "/{Bucket}/x", bucket), "/{Bucket}/x")

if __name__ == "__main__":
    unittest.main()
