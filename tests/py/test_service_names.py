"""Service names in a CMake build: DynamoDB and DynamoDB Streams (both sign as `dynamodb`)
build side by side as `dynamodb` and `dynamodbstreams`, and two services given one name
stop the configure step with a message naming both (configure only, no compilation)."""
import os
import subprocess
import sys
import tarfile
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))

from tests.py.shared import ROOT, require  # noqa: E402

TIMEOUT = float(os.environ.get("AWSC_CONFIGURE_TIMEOUT", "600"))


class ServiceNames(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        cls.models = os.path.join(cls.tmp.name, "models")
        os.makedirs(cls.models)
        with tarfile.open(require("models/aws-fleet.tar.xz")) as tar:
            for stem in ("dynamodb", "dynamodb-streams"):
                member = tar.getmember(f"aws-fleet/{stem}.json")
                with tar.extractfile(member) as src, open(os.path.join(cls.models, f"{stem}.json"), "wb") as dst:
                    dst.write(src.read())

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def configure(self, *options):
        build = tempfile.mkdtemp(dir=self.tmp.name)
        return subprocess.run(
            ["cmake", "-S", ROOT, "-B", build, f"-DAWSC_MODEL_DIRS={self.models}", "-DAWSC_BUILD_TESTS=OFF",
             "-DAWSC_BUILD_EXAMPLES=OFF", f"-DAWSC_PYTHON={os.environ.get('AWSC_PYTHON', sys.executable)}", *options],
            capture_output=True, text=True, timeout=TIMEOUT), build

    def test_both_services_get_their_own_names(self):
        r, build = self.configure()
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        headers = sorted(f for base, _, files in os.walk(os.path.join(build, "generated-extra")) for f in files
                         if f.endswith(".h"))
        self.assertEqual(headers, ["dynamodb.h", "dynamodbstreams.h"])

    def test_a_shared_name_fails_the_configure_step_naming_both(self):
        r, _ = self.configure("-DAWSC_SERVICE_NAMES=dynamodb-streams=dynamodb")
        self.assertNotEqual(r.returncode, 0)
        message = " ".join(r.stderr.split())
        self.assertRegex(message, r"generated-extra/dynamodb-streams and \S+/generated-extra/dynamodb are both "
                                  r"named 'dynamodb' \(C name\)")


if __name__ == "__main__":
    unittest.main()
