"""Secrets do not linger in freed memory: an LD_PRELOAD scan of every freed block.

The awsc CLI runs with tests/freed_scan (built as build/tests/freed_scan.so),
which looks through every block handed to free() or realloc() for the secret
access key, the session token and the sources' own tokens. Each credential
source is used for a signed call: environment, profile keys,
credential_process, ECS and IMDS (loopback fakes from test_log_secrets), and
STS AssumeRole / AssumeRoleWithWebIdentity (the loopback STS of emulator/sts.py,
made to issue known secrets). Response buffers, the request header block and
the request arena of these calls must be cleansed before they are freed.
"""
import os
import secrets
import subprocess
import sys
import tempfile
import shutil
import unittest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, ROOT)

import emulator.sts as sts_module  # noqa: E402
from tests.py.cli import AWSC, TIMEOUT, cli_env, require_awsc  # noqa: E402
from tests.py.recorder import Recorder  # noqa: E402
from tests.py.test_log_secrets import (AKID, ECS_AUTH, IMDS_TOKEN, SECRET, TOKEN,  # noqa: E402
                                       CredentialServer)

SCAN = os.path.join(os.environ.get("AWSC_BINARY_DIR", os.path.join(ROOT, "build")), "tests", "freed_scan.so")
ISSUED_SECRET, ISSUED_TOKEN = "issuedSECRETfromSTS0123456789", "issuedTOKENfromSTS-abcdefghij"
WEB_TOKEN = "jwt-good-1"
ROOT_KEY, ROOT_SECRET = "AKIDFREEDROOT", "freed/root+SECRET-98765"
ROLE = "arn:aws:iam::123456789012:role/device"


class KnownSecrets:
    """emulator.sts's `secrets`, issuing the secrets this test looks for."""
    token_hex = staticmethod(secrets.token_hex)

    @staticmethod
    def token_urlsafe(n):
        return ISSUED_SECRET if n == 30 else ISSUED_TOKEN


class FreedSecrets(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        require_awsc()
        if not os.path.exists(SCAN):
            msg = f"{SCAN} is missing: build first"
            if os.environ.get("CI") == "true":
                raise AssertionError(msg + " (required when CI=true)")
            print(f"SKIP: {msg}")
            raise unittest.SkipTest(msg)
        cls.rec = Recorder().start()
        cls.creds = CredentialServer()
        sts_module.secrets = KnownSecrets
        cls.sts = sts_module.STS({ROOT_KEY: (ROOT_SECRET, None)}, tokens={WEB_TOKEN}).start()

    @classmethod
    def tearDownClass(cls):
        cls.rec.stop()
        cls.creds.stop()
        cls.sts.stop()
        sts_module.secrets = secrets

    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="awsc_freed_secrets_")
        self.addCleanup(shutil.rmtree, self.dir)
        self.log = os.path.join(self.dir, "scan.log")
        self.env = cli_env(AWS_CONFIG_FILE=os.path.join(self.dir, "config"),
                           AWS_SHARED_CREDENTIALS_FILE=os.path.join(self.dir, "credentials"),
                           LD_PRELOAD=SCAN, AWSC_FREED_SCAN_LOG=self.log, AWSC_FREED_SCAN_PROGRAM="awsc",
                           AWS_ENDPOINT_URL_STS=self.sts.url,
                           AWSC_FREED_SCAN=",".join([SECRET, TOKEN, ECS_AUTH, IMDS_TOKEN, ISSUED_SECRET,
                                                     ISSUED_TOKEN, ROOT_SECRET, WEB_TOKEN]))
        self.rec.take()

    def write(self, name, text):
        path = os.path.join(self.dir, name)
        with open(path, "w") as f:
            f.write(text)
        return path

    def scanned(self, argv):
        r = subprocess.run([AWSC, *argv], env=self.env, capture_output=True, text=True, timeout=TIMEOUT)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        with open(self.log) as f:
            lines = f.read().splitlines()
        summary = [line for line in lines if "blocks freed" in line]
        self.assertTrue(summary and not summary[-1].startswith("freed-scan: pid 0"), "the scan did not run")
        self.assertGreater(int(summary[-1].split(": ")[2].split()[0]), 100, "the scan saw no frees")
        hits = [line for line in lines if "in a freed block" in line]
        self.assertEqual(hits, [], "secrets left in freed memory")
        return r

    def jobs_call(self):
        self.scanned(["iot-jobs-data", "get-pending-job-executions", "--thing-name", "t",
                      "--endpoint-url", self.rec.url])
        self.assertEqual(len(self.rec.take()), 1)

    def test_environment(self):
        self.env.update(AWS_ACCESS_KEY_ID=AKID, AWS_SECRET_ACCESS_KEY=SECRET, AWS_SESSION_TOKEN=TOKEN)
        self.jobs_call()

    def test_profile_keys(self):
        self.write("credentials", f"[default]\naws_access_key_id = {AKID}\naws_secret_access_key = {SECRET}\n"
                                  f"aws_session_token = {TOKEN}\n")
        self.jobs_call()

    def test_credential_process(self):
        script = self.write("creds.py", "import json\nprint(json.dumps(%r))\n" % {
            "Version": 1, "AccessKeyId": AKID, "SecretAccessKey": SECRET, "SessionToken": TOKEN,
            "Expiration": "2099-01-01T00:00:00Z"})
        self.write("config", f"[default]\ncredential_process = {sys.executable} {script}\n")
        self.jobs_call()

    def test_ecs(self):
        self.env.update(AWS_CONTAINER_CREDENTIALS_FULL_URI=self.creds.url + "/ecs",
                        AWS_CONTAINER_AUTHORIZATION_TOKEN=ECS_AUTH)
        self.jobs_call()

    def test_imds(self):
        del self.env["AWS_EC2_METADATA_DISABLED"]
        self.env.update(AWS_EC2_METADATA_SERVICE_ENDPOINT=self.creds.url)
        self.jobs_call()

    def test_sts_assume_role(self):
        self.write("credentials", f"[base]\naws_access_key_id = {ROOT_KEY}\naws_secret_access_key = {ROOT_SECRET}\n")
        self.write("config", f"[profile dev]\nrole_arn = {ROLE}\nsource_profile = base\n")
        r = self.scanned(["sts", "get-caller-identity", "--endpoint-url", self.sts.url, "--profile", "dev"])
        self.assertIn("assumed-role/device/", r.stdout)

    def test_sts_web_identity(self):
        token = self.write("token", WEB_TOKEN + "\n")
        self.env.update(AWS_WEB_IDENTITY_TOKEN_FILE=token, AWS_ROLE_ARN=ROLE)
        r = self.scanned(["sts", "get-caller-identity", "--endpoint-url", self.sts.url])
        self.assertIn("assumed-role/device/", r.stdout)


if __name__ == "__main__":
    unittest.main()
