"""Account-based endpoints (account_id_endpoint_mode) through the awsc CLI built with DynamoDB's
official model (tests/py/shared.py; skipped visibly without ../shared). The account id comes
from credentials that carry one (AWS_ACCOUNT_ID beside the environment's keys, a profile's
aws_account_id, credential_process's AccountId) and feeds the rules' AccountId and
AccountIdEndpointMode built-ins.

The public endpoints are https, so the test is the HTTPS proxy on loopback: the CONNECT line it
receives names the host the client chose, and its refusal ends the call without any network.
"""
import http.server
import os
import subprocess
import sys
import tempfile
import threading
import unittest

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))

from tests.py.shared import shared_models_cli  # noqa: E402
from tests.py.cli import TIMEOUT  # noqa: E402

ACCOUNT = "111122223333"


class Proxy(http.server.BaseHTTPRequestHandler):
    seen = []

    def do_CONNECT(self):
        Proxy.seen.append(self.path)
        self.send_response(502)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


class AccountEndpoints(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.awsc_bin = shared_models_cli()
        cls.proxy = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Proxy)
        threading.Thread(target=cls.proxy.serve_forever, daemon=True).start()
        cls.dir = tempfile.TemporaryDirectory()

    @classmethod
    def tearDownClass(cls):
        cls.proxy.shutdown()
        cls.proxy.server_close()
        cls.dir.cleanup()

    def setUp(self):
        Proxy.seen.clear()
        self.config = os.path.join(self.dir.name, "config")
        self.write("")

    def write(self, text):
        with open(self.config, "w") as f:
            f.write(text)

    def call(self, expect=255, **settings):
        proxy = "http://127.0.0.1:%d" % self.proxy.server_address[1]
        env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
        env.update(AWS_REGION="eu-west-1", AWS_CONFIG_FILE=self.config, AWS_SHARED_CREDENTIALS_FILE="/nonexistent",
                   AWS_EC2_METADATA_DISABLED="true", AWS_MAX_ATTEMPTS="1", HTTPS_PROXY=proxy, https_proxy=proxy)
        env.update(settings)
        r = subprocess.run([self.awsc_bin, "dynamodb", "get-item", "--table-name", "t",
                            "--key", '{"pk": {"S": "a"}}'], env=env, capture_output=True, text=True, timeout=TIMEOUT)
        self.assertEqual(r.returncode, expect, r.stdout + r.stderr)
        return r

    def host(self, **settings):
        self.call(**settings)
        self.assertEqual(len(Proxy.seen), 1, Proxy.seen)
        return Proxy.seen[0]

    KEYS = {"AWS_ACCESS_KEY_ID": "AKID", "AWS_SECRET_ACCESS_KEY": "s"}

    def test_an_account_in_the_environment_picks_the_account_endpoint(self):
        self.assertEqual(self.host(AWS_ACCOUNT_ID=ACCOUNT, **self.KEYS), f"{ACCOUNT}.ddb.eu-west-1.amazonaws.com:443")

    def test_disabled_keeps_the_regional_endpoint(self):
        self.assertEqual(self.host(AWS_ACCOUNT_ID=ACCOUNT, AWS_ACCOUNT_ID_ENDPOINT_MODE="disabled", **self.KEYS),
                         "dynamodb.eu-west-1.amazonaws.com:443")
        self.write("[default]\naccount_id_endpoint_mode = disabled\n")
        Proxy.seen.clear()
        self.assertEqual(self.host(AWS_ACCOUNT_ID=ACCOUNT, **self.KEYS), "dynamodb.eu-west-1.amazonaws.com:443")

    def test_without_an_account_preferred_falls_back_and_required_refuses(self):
        self.assertEqual(self.host(**self.KEYS), "dynamodb.eu-west-1.amazonaws.com:443")
        Proxy.seen.clear()
        r = self.call(expect=253, AWS_ACCOUNT_ID_ENDPOINT_MODE="required", **self.KEYS)
        self.assertIn("AccountIdEndpointMode is required but no AccountID", r.stderr)
        self.assertEqual(Proxy.seen, [], "nothing is sent")

    def test_a_profile_and_credential_process_carry_their_account(self):
        creds = os.path.join(self.dir.name, "credentials")
        with open(creds, "w") as f:
            f.write(f"[default]\naws_access_key_id = AKID\naws_secret_access_key = s\naws_account_id = {ACCOUNT}\n")
        self.assertEqual(self.host(AWS_SHARED_CREDENTIALS_FILE=creds), f"{ACCOUNT}.ddb.eu-west-1.amazonaws.com:443")
        doc = '{"Version": 1, "AccessKeyId": "AKIDP", "SecretAccessKey": "s", "AccountId": "444455556666"}'
        script = os.path.join(self.dir.name, "process.sh")
        with open(script, "w") as f:
            f.write("#!/bin/sh\necho '%s'\n" % doc)
        os.chmod(script, 0o755)
        self.write(f"[default]\ncredential_process = {script}\n")
        Proxy.seen.clear()
        self.assertEqual(self.host(), "444455556666.ddb.eu-west-1.amazonaws.com:443")

    def test_a_bad_mode_is_a_clear_error(self):
        r = self.call(expect=253, AWS_ACCOUNT_ID_ENDPOINT_MODE="sometimes", **self.KEYS)
        self.assertIn("account_id_endpoint_mode must be preferred, disabled or required, not 'sometimes'", r.stderr)
        self.assertEqual(Proxy.seen, [])


if __name__ == "__main__":
    unittest.main()
