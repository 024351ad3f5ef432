"""The awsc CLI's input as the AWS CLI v2 takes it, against a loopback recorder.

--generate-cli-skeleton (input, yaml-input, output) and its round trip through
--cli-input-json and --cli-input-yaml; shorthand syntax typed by the model;
--opt=value and global options anywhere; errors that name what the user typed;
help at each level. Prints `cli-input: P passed, S skipped, F failed`.
"""
import json
import os
import subprocess
import sys
import tempfile
import unittest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, ROOT)

from tests.py.cli import AWSC, TIMEOUT, SuiteCounter, cli_env, require_awsc  # noqa: E402
from tests.py.recorder import Recorder  # noqa: E402


class CliInput(SuiteCounter, unittest.TestCase):
    SUITE = "cli-input"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        require_awsc()
        cls.rec = Recorder().start()
        cls.env = cli_env(AWS_ACCESS_KEY_ID="AKIDCLI", AWS_SECRET_ACCESS_KEY="cli/secret")
        cls.tmp = tempfile.TemporaryDirectory(prefix="awsc_cli_input_")

    @classmethod
    def tearDownClass(cls):
        cls.rec.stop()
        cls.tmp.cleanup()
        super().tearDownClass()

    def setUp(self):
        self.rec.take()

    def run_awsc(self, *args, env=None):
        return subprocess.run([AWSC, *args], env=env or self.env, capture_output=True, text=True, timeout=TIMEOUT)

    def jobs(self, op, *args):
        return self.run_awsc("iot-jobs-data", op, "--endpoint-url", self.rec.url, *args)

    def sent_one(self, r):
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        sent = self.rec.take()
        self.assertEqual(len(sent), 1, sent)
        return sent[0]

    def refused(self, r, says):
        self.assertEqual(r.returncode, 252, r.stdout + r.stderr)
        self.assertIn(says, r.stderr)
        self.assertEqual(self.rec.take(), [], "a refused input must send nothing")

    def write(self, name, text):
        path = os.path.join(self.tmp.name, name)
        with open(path, "w") as f:
            f.write(text)
        return path

    # ---- --generate-cli-skeleton and its round trip ----

    def test_input_skeleton_has_every_member_typed(self):
        r = self.run_awsc("iot-jobs-data", "update-job-execution", "--generate-cli-skeleton")
        self.assertEqual(r.returncode, 0, r.stderr)
        skel = json.loads(r.stdout)
        self.assertEqual(skel, {"jobId": "", "thingName": "", "status": "QUEUED", "statusDetails": {"KeyName": ""},
                                "stepTimeoutInMinutes": 0, "expectedVersion": 0, "includeJobExecutionState": True,
                                "includeJobDocument": True, "executionNumber": 0})
        self.assertEqual(self.rec.take(), [], "a skeleton sends nothing")

    def test_output_skeleton_names_the_strings(self):
        r = self.run_awsc("iot-jobs-data", "update-job-execution", "--generate-cli-skeleton", "output")
        self.assertEqual(r.returncode, 0, r.stderr)
        skel = json.loads(r.stdout)
        self.assertEqual(skel["jobDocument"], "jobDocument")
        self.assertEqual(skel["executionState"]["versionNumber"], 0)

    def test_skeleton_round_trip_json(self):
        r = self.run_awsc("iot-jobs-data", "update-job-execution", "--generate-cli-skeleton", "input")
        skel = json.loads(r.stdout)
        skel.update(thingName="devA", jobId="j1", status="SUCCEEDED", statusDetails={"step": "3"}, expectedVersion=9)
        path = self.write("skel.json", json.dumps(skel, indent=4))
        sent = self.sent_one(self.jobs("update-job-execution", "--cli-input-json", "file://" + path))
        self.assertEqual(sent.path, "/things/devA/jobs/j1")
        body = json.loads(sent.body)
        self.assertEqual(body["status"], "SUCCEEDED")
        self.assertEqual(body["statusDetails"], {"step": "3"})
        self.assertEqual(body["expectedVersion"], 9)
        self.assertIs(body["includeJobDocument"], True)

    def test_skeleton_round_trip_yaml(self):
        r = self.run_awsc("iot-jobs-data", "update-job-execution", "--generate-cli-skeleton", "yaml-input")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("statusDetails:\n  KeyName: ''\n", r.stdout)
        text = (r.stdout.replace("jobId: ''", "jobId: j1").replace("thingName: ''", "thingName: 'dev A''s'")
                .replace("KeyName: ''", "step: \"two\\tthree\"  # a comment").replace("expectedVersion: 0",
                                                                                      "expectedVersion: 12"))
        path = self.write("skel.yaml", "---\n# edited\n" + text)
        sent = self.sent_one(self.jobs("update-job-execution", "--cli-input-yaml", "file://" + path))
        self.assertEqual(sent.path, "/things/dev%20A%27s/jobs/j1")
        body = json.loads(sent.body)
        self.assertEqual(body["statusDetails"], {"step": "two\tthree"})
        self.assertEqual(body["expectedVersion"], 12)  # a YAML scalar becomes the member's type
        self.assertIs(body["includeJobExecutionState"], True)

    def test_yaml_lists_of_maps(self):
        doc = ("authInfos:\n- actionType: PUBLISH\n  resources:\n  - a\n  - 'b'\n"
               "- actionType: SUBSCRIBE\n  resources: []\nclientId: c1\n")
        path = self.write("auth.yaml", doc)
        sent = self.sent_one(self.run_awsc("iot", "test-authorization", "--endpoint-url", self.rec.url,
                                           "--cli-input-yaml", "file://" + path))
        self.assertEqual(json.loads(sent.body)["authInfos"],
                         [{"actionType": "PUBLISH", "resources": ["a", "b"]},
                          {"actionType": "SUBSCRIBE", "resources": []}])
        self.assertIn("clientId=c1", sent.query)

    def test_yaml_outside_the_subset_is_refused_by_name(self):
        for doc, says in (("jobId: &a x\n", "line 1: unsupported YAML: anchors"),
                          ("jobId: |\n  x\n", "line 1: unsupported YAML: block scalars"),
                          ("jobId: [a, b]\n", "flow collections with items"),
                          ("jobId: x\n  thingName: y\n", "line 2: unexpected indentation"),
                          ("jobId: 'x\n", "unterminated ' quote"),
                          ("\tjobId: x\n", "a tab in the indentation")):
            with self.subTest(doc=doc):
                self.refused(self.jobs("update-job-execution", "--cli-input-yaml", doc), "awsc: --cli-input-yaml: ")
                r = self.jobs("update-job-execution", "--cli-input-yaml", doc)
                self.assertIn(says, r.stderr)

    def test_unknown_members_in_input_json_are_named(self):
        doc = json.dumps({"thingName": "a", "jobId": "j", "status": "QUEUED", "statusDetailz": {}})
        self.refused(self.jobs("update-job-execution", "--cli-input-json", doc),
                     'awsc: --cli-input-json: unknown member "statusDetailz"; UpdateJobExecutionRequest has: jobId')
        doc = json.dumps({"clientId": "c", "authInfos": [{"actionType": "PUBLISH", "resourcez": []}]})
        r = self.run_awsc("iot", "test-authorization", "--endpoint-url", self.rec.url, "--cli-input-json", doc)
        self.refused(r, 'unknown member "resourcez" in authInfos[0]; AuthInfo has: actionType, resources')
        doc = json.dumps({"thingName": "a", "jobId": "j", "status": "QUEUED", "expectedVersion": "7"})
        self.refused(self.jobs("update-job-execution", "--cli-input-json", doc),
                     'awsc: --cli-input-json: expected an integer at expectedVersion, got "7"')

    # ---- shorthand ----

    def test_shorthand_map(self):
        sent = self.sent_one(self.jobs("update-job-execution", "--thing-name", "devA", "--job-id", "j1", "--status",
                                       "IN_PROGRESS", "--status-details", "step=flash,progress=40%"))
        self.assertEqual(json.loads(sent.body)["statusDetails"], {"step": "flash", "progress": "40%"})

    def test_shorthand_values_from_files(self):
        text = self.write("note.txt", "flashed, rebooted\n")
        sent = self.sent_one(self.jobs("update-job-execution", "--thing-name", "devA", "--job-id", "j1", "--status",
                                       "IN_PROGRESS", "--status-details", f"note@=file://{text},step=2"))
        self.assertEqual(json.loads(sent.body)["statusDetails"], {"note": "flashed, rebooted\n", "step": "2"})
        raw = os.path.join(self.tmp.name, "raw.bin")
        with open(raw, "wb") as f:
            f.write(b"\x00\xffbin")
        sent = self.sent_one(self.jobs("update-job-execution", "--thing-name", "devA", "--job-id", "j1", "--status",
                                       "IN_PROGRESS", "--status-details", f"blob@=fileb://{raw}"))
        self.assertEqual(json.loads(sent.body)["statusDetails"], {"blob": "AP9iaW4="})
        self.refused(self.jobs("update-job-execution", "--thing-name", "a", "--job-id", "j", "--status", "QUEUED",
                               "--status-details", f"note@=file://{raw}"), "note@= file holds a NUL byte")
        self.refused(self.jobs("update-job-execution", "--thing-name", "a", "--job-id", "j", "--status", "QUEUED",
                               "--status-details", "note@=/etc/hostname"), "note@= needs file://PATH or fileb://PATH")
        self.refused(self.jobs("update-job-execution", "--thing-name", "a", "--job-id", "j", "--status", "QUEUED",
                               "--status-details", "note@=file:///dev/zero"), "/dev/zero is not a regular file")

    def test_shorthand_lists_of_structures_as_separate_arguments(self):
        sent = self.sent_one(self.run_awsc("iot", "test-authorization", "--endpoint-url", self.rec.url,
                                           "--auth-infos", "actionType=PUBLISH,resources=a,b",
                                           "actionType=SUBSCRIBE,resources=c", "--client-id", "x"))
        self.assertEqual(json.loads(sent.body)["authInfos"],
                         [{"actionType": "PUBLISH", "resources": ["a", "b"]},
                          {"actionType": "SUBSCRIBE", "resources": ["c"]}])

    def test_shorthand_brackets_quotes_and_model_types(self):
        sent = self.sent_one(self.run_awsc(
            "iot", "create-job", "--endpoint-url", self.rec.url, "--job-id", "j", "--targets", "arn:a", "arn:b",
            "--presigned-url-config", "roleArn=arn:aws:iam::123456789012:role/r,expiresInSec=3600",
            "--abort-config", "criteriaList=[{failureType=FAILED,action=CANCEL,thresholdPercentage=10.5,"
                              "minNumberOfExecutedThings=1}]",
            "--tags", "Key=a,Value='x,y'", 'Key=b,Value="q\\"z"', "--document", "{}"))
        body = json.loads(sent.body)
        self.assertEqual(body["targets"], ["arn:a", "arn:b"])
        self.assertEqual(body["presignedUrlConfig"]["expiresInSec"], 3600)  # a long: a number
        self.assertEqual(body["abortConfig"], {"criteriaList": [{"failureType": "FAILED", "action": "CANCEL",
                                                                 "thresholdPercentage": 10.5,
                                                                 "minNumberOfExecutedThings": 1}]})
        self.assertEqual(body["tags"], [{"Key": "a", "Value": "x,y"}, {"Key": "b", "Value": 'q"z'}])

    def test_shorthand_values_take_the_model_type(self):
        r = self.run_awsc("iot", "create-job", "--endpoint-url", self.rec.url, "--job-id", "j", "--targets", "a",
                          "--document", "{}", "--presigned-url-config", "roleArn=r,expiresInSec=soon")
        self.refused(r, 'awsc: --presigned-url-config: expected an integer at expiresInSec, got "soon"')
        r = self.run_awsc("iot", "create-job", "--endpoint-url", self.rec.url, "--job-id", "j", "--targets", "a",
                          "--document", "{}", "--presigned-url-config", "roleArn=r,expiresIn=5")
        self.refused(r, 'awsc: --presigned-url-config: unknown member "expiresIn"; PresignedUrlConfig has: roleArn,')
        self.refused(self.jobs("update-job-execution", "--thing-name", "a", "--job-id", "j", "--status", "QUEUED",
                               "--status-details", "step"),
                     "awsc: --status-details: invalid shorthand syntax: expected key=value")
        self.refused(self.run_awsc("iot", "create-job", "--endpoint-url", self.rec.url, "--job-id", "j",
                                   "--targets", "a", "--abort-config", "criteriaList=[{failureType=FAILED"),
                     "awsc: --abort-config: invalid shorthand syntax: missing '}'")

    def test_json_values_stay_strict(self):
        self.refused(self.jobs("update-job-execution", "--thing-name", "a", "--job-id", "j", "--status", "QUEUED",
                               "--status-details", '{"a": 1}'),
                     "awsc: --status-details: expected a string at a, got 1")

    # ---- --opt=value and global options anywhere ----

    def test_equals_form_and_globals_before_the_service(self):
        env = dict(self.env)
        env.pop("AWS_REGION")
        r = self.run_awsc("--region=eu-west-1", "--endpoint-url", self.rec.url, "--output=text", "iot-jobs-data",
                          "--debug", "update-job-execution", "--thing-name=devA", "--job-id", "j1",
                          "--status=SUCCEEDED", "--expected-version=-3", env=env)
        sent = self.sent_one(r)
        self.assertEqual(sent.path, "/things/devA/jobs/j1")
        self.assertEqual(json.loads(sent.body)["expectedVersion"], -3)
        self.assertIn("/eu-west-1/", sent.header("Authorization"))

    def test_unknown_options_are_named_wherever_they_stand(self):
        r = self.run_awsc("--regoin", "x", "iot-jobs-data", "describe-job-execution")
        self.assertEqual(r.returncode, 252)
        self.assertIn("awsc: unknown option '--regoin' before the service", r.stderr)
        self.refused(self.jobs("describe-job-execution", "--thing-name", "a", "--job-id", "j", "--thing-nam", "b"),
                     "awsc: unknown option '--thing-nam' (see: awsc iot-jobs-data describe-job-execution help)")

    def test_a_missing_region_names_the_option(self):
        env = dict(self.env)
        env.pop("AWS_REGION")
        env["AWS_CONFIG_FILE"] = env["AWS_SHARED_CREDENTIALS_FILE"] = os.path.join(self.tmp.name, "absent")
        r = self.run_awsc("iot-jobs-data", "describe-job-execution", "--thing-name", "a", "--job-id", "j", env=env)
        self.assertEqual(r.returncode, 253, r.stderr)
        self.assertIn("--region", r.stderr)

    def test_option_errors_name_the_option_typed(self):
        self.refused(self.jobs("update-job-execution", "--thing-name", "a", "--job-id", "j", "--status", "QUEUED",
                               "--expected-version=abc"), 'awsc: --expected-version: expected an integer, got "abc"')
        self.refused(self.jobs("describe-job-execution", "--thing-name", "a", "--job-id", "j",
                               "--execution-number", "99999999999999999999"),
                     "awsc: --execution-number: expected an integer from")

    # ---- file:// for any option ----

    def test_file_values(self):
        path = self.write("details.json", '{"from": "file"}\n')
        sent = self.sent_one(self.jobs("update-job-execution", "--thing-name", "a", "--job-id", "j", "--status",
                                       "QUEUED", "--status-details", "file://" + path))
        self.assertEqual(json.loads(sent.body)["statusDetails"], {"from": "file"})

    # ---- help ----

    def test_help_levels(self):
        r = self.run_awsc("help")
        self.assertEqual(r.returncode, 0)
        self.assertIn("iot-jobs-data", r.stdout)
        for args in (("iot-jobs-data",), ("iot-jobs-data", "help")):
            r = self.run_awsc(*args)
            self.assertEqual(r.returncode, 0, args)
            self.assertIn("  update-job-execution\n", r.stdout)
        r = self.run_awsc("iot-jobs-data", "update-job-execution", "help")
        self.assertEqual(r.returncode, 0)
        self.assertIn("--thing-name (string) [required] [length 1-128]", r.stdout)
        self.assertIn("values: QUEUED, IN_PROGRESS, SUCCEEDED", r.stdout)
        self.assertIn("--expected-version (long)", r.stdout)
        self.assertIn("shorthand: KeyName1=string,KeyName2=string", r.stdout)
        self.assertIn("ERRORS\n", r.stdout)
        self.assertIn("  InvalidStateTransitionException\n", r.stdout)
        r = self.run_awsc("s3api", "put-object", "help")
        self.assertIn("--body <file> (streaming blob)", r.stdout)
        r = self.run_awsc("s3api", "get-object", "help")
        self.assertIn("<outfile> (positional, required)", r.stdout)


if __name__ == "__main__":
    unittest.main()
