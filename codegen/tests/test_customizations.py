"""Service customizations as descriptor data (codegen/customizations.py): Glacier's version
header, accountId default and tree-hash engine, API Gateway's Accept, Machine Learning's
PredictEndpoint, S3's flags; a service without customizations gets none."""
import unittest

from codegen.model import Model
from codegen.tests.models import service_model, sid
from codegen.writer import ServiceWriter


def render(sdk_id, op_name="GetCity", op_traits=None, account_label=False):
    doc = service_model()
    shapes = doc["shapes"]
    shapes[sid("Weather")]["traits"]["aws.api#service"]["sdkId"] = sdk_id
    if op_name != "GetCity":
        shapes[sid(op_name)] = shapes.pop(sid("GetCity"))
        shapes[sid("Weather")]["operations"] = [{"target": sid(op_name)}]
    shapes[sid(op_name)]["traits"].update(op_traits or {})
    inp = shapes[sid("GetCityInput")]["members"]
    if account_label:
        shapes[sid(op_name)]["traits"]["smithy.api#http"]["uri"] = "/{accountId}/cities/{cityId}"
        inp["accountId"] = {"target": "smithy.api#String",
                            "traits": {"smithy.api#httpLabel": {}, "smithy.api#required": {}}}
    inp["PredictEndpoint"] = {"target": "smithy.api#String"}
    m = Model(doc)
    w = ServiceWriter(m, m.service())
    files = w.render()
    return next(v for k, v in files.items() if k.startswith("src/") and "endpoints" not in k)


class CustomizationTest(unittest.TestCase):
    def test_glacier(self):
        src = render("Glacier", "UploadArchive", account_label=True)
        self.assertIn('"X-Amz-Glacier-Version", "2024-01-01",', src)
        self.assertIn(".engine = &awsc_glacier_tree_hash,", src)
        self.assertIn("#include <awsc/checksums.h>", src)
        self.assertIn('"\\"-\\""', src)  # accountId's default, "-"
        at = src.index('.name = "accountId"')
        block = src[at:src.index("},", at)]
        self.assertIn("AWSC_B_LABEL", block)
        self.assertNotIn("AWSC_F_REQUIRED", block)  # may be left out: "-" is sent

    def test_api_gateway_accept(self):
        src = render("API Gateway")
        self.assertIn('"Accept", "application/json",', src)

    def test_machine_learning_predict_endpoint(self):
        self.assertIn(".endpoint_member = &", render("Machine Learning", "Predict"))
        self.assertNotIn(".endpoint_member", render("Machine Learning"))

    def test_s3_flags_and_unwrapped_trait(self):
        src = render("S3", op_traits={"aws.customizations#s3UnwrappedXmlOutput": {}})
        self.assertIn(".flags = AWSC_OPX_UNWRAPPED_OUTPUT | AWSC_OPX_DOT_SEGMENTS | AWSC_OPX_ERROR_IN_2XX,", src)

    def test_s3_empty_200_aborted_only_where_s3_answers_early(self):
        self.assertIn("AWSC_OPX_ERROR_IN_2XX | AWSC_OPX_EMPTY_2XX_ABORTED,", render("S3", "CopyObject"))
        self.assertIn("AWSC_OPX_ERROR_IN_2XX | AWSC_OPX_EMPTY_2XX_ABORTED,",
                      render("S3", "CompleteMultipartUpload"))
        self.assertNotIn("AWSC_OPX_EMPTY_2XX_ABORTED", render("S3", "HeadObject"))

    def test_other_services_have_none(self):
        src = render("Weather")
        self.assertNotIn("awsc_operation_ext", src)
        self.assertNotIn("_ext,", src)


if __name__ == "__main__":
    unittest.main()
