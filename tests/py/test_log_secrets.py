"""README's promise "secrets never reach a log line", kept with every credential source.

The awsc CLI calls IoT Jobs (a loopback recorder answers) with --debug, which
logs every request and response in full, its credentials coming from the
environment, profile keys, credential_process, ECS and IMDS (loopback fakes
here; web identity and assume role are tests/py/test_sts_credentials.py's).
The secret access key, the session token and the sources' own tokens must
appear nowhere in what it prints.
"""
import http.server
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import unittest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, ROOT)

from tests.py.cli import AWSC, TIMEOUT, cli_env, require_awsc  # noqa: E402
from tests.py.recorder import Recorder  # noqa: E402
AKID, SECRET, TOKEN = "ASIALOGTEST", "log/secret+KEY-0123456789", "log-session-TOKEN-abcdef=="
CREDENTIALS = {"AccessKeyId": AKID, "SecretAccessKey": SECRET, "Token": TOKEN,
               "Expiration": "2099-01-01T00:00:00Z", "Code": "Success"}
IMDS_TOKEN, ECS_AUTH = "imds-TOKEN-secret-42", "ecs-AUTH-secret-43"


class CredentialServer:
    """ECS and IMDS on one loopback port: /ecs, and IMDSv2's token, role and credentials."""

    def __init__(self):
        outer = self
        self.seen = []

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def reply(self, status, text):
                data = text.encode()
                self.send_response(status)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_PUT(self):
                outer.seen.append(("PUT", self.path))
                self.reply(200, IMDS_TOKEN) if self.path == "/latest/api/token" else self.reply(404, "")

            def do_GET(self):
                outer.seen.append(("GET", self.path))
                base = "/latest/meta-data/iam/security-credentials/"
                if self.path == "/ecs" and self.headers.get("Authorization") == ECS_AUTH:
                    self.reply(200, json.dumps(CREDENTIALS))
                elif self.path.startswith(base) and self.headers.get("x-aws-ec2-metadata-token") == IMDS_TOKEN:
                    self.reply(200, "log-role" if self.path == base else json.dumps(CREDENTIALS))
                else:
                    self.reply(404, "")

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self.thread.start()
        self.url = "http://127.0.0.1:%d" % self.server.server_address[1]

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


class SecretsNeverLogged(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        require_awsc()
        cls.rec = Recorder().start()
        cls.creds = CredentialServer()

    @classmethod
    def tearDownClass(cls):
        cls.rec.stop()
        cls.creds.stop()

    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="awsc_log_secrets_")
        self.addCleanup(shutil.rmtree, self.dir)
        self.env = cli_env(AWS_CONFIG_FILE=os.path.join(self.dir, "config"),
                           AWS_SHARED_CREDENTIALS_FILE=os.path.join(self.dir, "credentials"))
        self.rec.take()

    def write(self, name, text):
        path = os.path.join(self.dir, name)
        with open(path, "w") as f:
            f.write(text)
        return path

    def call_with_debug(self, *secrets):
        r = subprocess.run([AWSC, "iot-jobs-data", "get-pending-job-executions", "--thing-name", "t",
                            "--endpoint-url", self.rec.url, "--debug"],
                           env=self.env, capture_output=True, text=True, timeout=TIMEOUT)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        sent = self.rec.take()
        self.assertEqual(len(sent), 1)
        self.assertIn(f"Credential={AKID}/", sent[0].header("Authorization"), "the source's keys were used")
        log = r.stdout + r.stderr
        self.assertIn("request: GET", log, "--debug dumps the wire")
        self.assertIn("response: HTTP 200", log)
        for secret in (SECRET, TOKEN) + secrets:
            self.assertNotIn(secret, log, f"{secret!r} reached the log:\n{log}")
        return sent[0]

    def test_environment(self):
        self.env.update(AWS_ACCESS_KEY_ID=AKID, AWS_SECRET_ACCESS_KEY=SECRET, AWS_SESSION_TOKEN=TOKEN)
        self.assertEqual(self.call_with_debug().header("X-Amz-Security-Token"), TOKEN)

    def test_profile_keys(self):
        self.write("credentials", f"[default]\naws_access_key_id = {AKID}\naws_secret_access_key = {SECRET}\n"
                                  f"aws_session_token = {TOKEN}\n")
        self.call_with_debug()

    def test_credential_process(self):
        script = self.write("creds.py", "import json\nprint(json.dumps(%r))\n" % {
            "Version": 1, "AccessKeyId": AKID, "SecretAccessKey": SECRET, "SessionToken": TOKEN,
            "Expiration": "2099-01-01T00:00:00Z"})
        self.write("config", f"[default]\ncredential_process = {sys.executable} {script}\n")
        self.call_with_debug()

    def test_ecs_container_credentials(self):
        self.env.update(AWS_CONTAINER_CREDENTIALS_FULL_URI=self.creds.url + "/ecs",
                        AWS_CONTAINER_AUTHORIZATION_TOKEN=ECS_AUTH)
        self.call_with_debug(ECS_AUTH)

    def test_imds(self):
        del self.env["AWS_EC2_METADATA_DISABLED"]
        self.env.update(AWS_EC2_METADATA_SERVICE_ENDPOINT=self.creds.url)
        self.call_with_debug(IMDS_TOKEN)
        self.assertIn(("PUT", "/latest/api/token"), self.creds.seen)


if __name__ == "__main__":
    unittest.main()
