"""The shared configuration as the AWS CLI and SDKs read it, through the awsc CLI against a
loopback recorder: what the server receives shows which setting won.

- an explicit profile (--profile, awsc_config.profile) beats the environment's keys; AWS_PROFILE does not;
- configured endpoints: AWS_ENDPOINT_URL_<SERVICE>, AWS_ENDPOINT_URL, a `services` section,
  the profile's endpoint_url, in that order, all beaten by --endpoint-url and all switched off
  by AWS_IGNORE_CONFIGURED_ENDPOINT_URLS / ignore_configured_endpoint_urls;
- the user agent in the SDKs' 2.1 format, with app/<id> from AWS_SDK_UA_APP_ID or sdk_ua_app_id.
Each configured endpoint carries its own path, so the request's path names the one used.
"""
import os
import re
import subprocess
import sys
import tempfile
import unittest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, ROOT)

from tests.py.cli import AWSC, TIMEOUT, cli_env, require_awsc  # noqa: E402
from tests.py.recorder import Recorder  # noqa: E402

SERVICE_ENV = "AWS_ENDPOINT_URL_IOT_JOBS_DATA_PLANE"  # sdkId "IoT Jobs Data Plane"


class SharedConfig(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        require_awsc()
        cls.rec = Recorder().start()
        cls.dir = tempfile.TemporaryDirectory()

    @classmethod
    def tearDownClass(cls):
        cls.rec.stop()
        cls.dir.cleanup()

    def setUp(self):
        self.rec.take()
        self.config = os.path.join(self.dir.name, "config")
        self.credentials = os.path.join(self.dir.name, "credentials")
        for p in (self.config, self.credentials):
            if os.path.exists(p):
                os.unlink(p)

    def write(self, path, text):
        with open(path, "w") as f:
            f.write(text)

    def run_cli(self, *args, env=None, expect=0):
        e = cli_env(AWS_CONFIG_FILE=self.config, AWS_SHARED_CREDENTIALS_FILE=self.credentials)
        e.update(env or {})
        r = subprocess.run([AWSC, "iot-jobs-data", "describe-job-execution", "--thing-name", "t", "--job-id", "j",
                            *args], env=e, capture_output=True, text=True, timeout=TIMEOUT)
        self.assertEqual(r.returncode, expect, r.stdout + r.stderr)
        return r

    def one_request(self):
        seen = self.rec.take()
        self.assertEqual(len(seen), 1, seen)
        return seen[0]

    def key_id(self, req):
        m = re.search(r"Credential=([^/]+)/", req.header("Authorization") or "")
        return m and m.group(1)

    # ---- explicit profile ----

    def test_an_explicit_profile_beats_the_environment_keys(self):
        self.write(self.credentials, "[dev]\naws_access_key_id = AKIDPROFILE\naws_secret_access_key = s\n")
        env = {"AWS_ACCESS_KEY_ID": "AKIDENV", "AWS_SECRET_ACCESS_KEY": "e"}
        self.run_cli("--endpoint-url", self.rec.url, "--profile", "dev", env=env)
        self.assertEqual(self.key_id(self.one_request()), "AKIDPROFILE")

    def test_aws_profile_does_not_beat_the_environment_keys(self):
        self.write(self.credentials, "[dev]\naws_access_key_id = AKIDPROFILE\naws_secret_access_key = s\n")
        env = {"AWS_ACCESS_KEY_ID": "AKIDENV", "AWS_SECRET_ACCESS_KEY": "e", "AWS_PROFILE": "dev"}
        self.run_cli("--endpoint-url", self.rec.url, env=env)
        self.assertEqual(self.key_id(self.one_request()), "AKIDENV")

    # ---- configured endpoints ----

    def endpoint_setup(self):
        self.write(self.credentials, "[default]\naws_access_key_id = AKID\naws_secret_access_key = s\n")
        self.write(self.config, "[default]\nendpoint_url = %s/profile\nservices = local\n"
                                "[services local]\niot_jobs_data_plane =\n  endpoint_url = %s/section\n"
                                "dynamodb =\n  endpoint_url = %s/wrong-service\n"
                   % (self.rec.url, self.rec.url, self.rec.url))
        return {SERVICE_ENV: self.rec.url + "/service-env", "AWS_ENDPOINT_URL": self.rec.url + "/global-env"}

    def path_used(self, *args, env):
        self.run_cli(*args, env=env)
        return self.one_request().path.split("/things/")[0]

    def test_configured_endpoints_in_order(self):
        env = self.endpoint_setup()
        self.assertEqual(self.path_used("--endpoint-url", self.rec.url + "/cli", env=env), "/cli")
        self.assertEqual(self.path_used(env=env), "/service-env")
        del env[SERVICE_ENV]
        self.assertEqual(self.path_used(env=env), "/global-env")
        del env["AWS_ENDPOINT_URL"]
        self.assertEqual(self.path_used(env=env), "/section")
        self.write(self.config, "[default]\nendpoint_url = %s/profile\n" % self.rec.url)
        self.assertEqual(self.path_used(env=env), "/profile")

    def test_a_named_profile_brings_its_own_endpoint(self):
        self.write(self.credentials, "[dev]\naws_access_key_id = AKID\naws_secret_access_key = s\n")
        self.write(self.config, "[default]\nendpoint_url = http://127.0.0.1:1/default\n"
                                "[profile dev]\nendpoint_url = %s/dev\n" % self.rec.url)
        self.assertEqual(self.path_used("--profile", "dev", env={}), "/dev")

    def test_configured_endpoints_can_be_ignored(self):
        env = self.endpoint_setup()
        # Ignored, the endpoint comes from the rules: the public one, which the test's --debug output shows.
        for how in ({"AWS_IGNORE_CONFIGURED_ENDPOINT_URLS": "true"}, None):
            e = dict(env)
            if how:
                e.update(how)
            else:
                with open(self.config, "a") as f:
                    f.write("[default]\nignore_configured_endpoint_urls = true\n")
            r = self.run_cli("--debug", "--cli-connect-timeout", "1", env=dict(e, AWS_MAX_ATTEMPTS="1",
                             HTTPS_PROXY="http://127.0.0.1:1", https_proxy="http://127.0.0.1:1"), expect=255)
            self.assertIn("endpoint https://data.jobs.iot.us-east-1.amazonaws.com", r.stderr)
            self.assertEqual(self.rec.take(), [])
        # --endpoint-url still wins when configured ones are ignored.
        env["AWS_IGNORE_CONFIGURED_ENDPOINT_URLS"] = "true"
        self.assertEqual(self.path_used("--endpoint-url", self.rec.url + "/cli", env=env), "/cli")

    def test_a_bad_configured_endpoint_is_a_clear_error(self):
        self.write(self.credentials, "[default]\naws_access_key_id = AKID\naws_secret_access_key = s\n")
        r = self.run_cli(env={"AWS_ENDPOINT_URL": "ftp://nope"}, expect=253)
        self.assertIn("ftp://nope", r.stderr)


    # ---- the user agent ----

    UA = re.compile(r"^aws-sdk-c/(?P<ver>[0-9.]+) ua/2\.1 os/(?P<os>linux|macos|other)(#\S+)? lang/c#(?P<std>\d+) "
                    r"md/http#curl( md/arch#\S+)? api/iot-jobs-data-plane#2017-09-29 m/(?P<m>[A-Za-z0-9,]+)"
                    r"(?P<app> app/\S+)?$")

    def user_agent(self, *args, env=None):
        self.write(self.credentials, "[default]\naws_access_key_id = AKID\naws_secret_access_key = s\n")
        self.run_cli("--endpoint-url", self.rec.url, *args, env=env)
        req = self.one_request()
        ua = req.header("User-Agent")
        self.assertEqual(ua, req.header("x-amz-user-agent"))
        m = self.UA.match(ua)
        self.assertIsNotNone(m, ua)
        return m

    def test_the_user_agent_is_in_the_2_1_format(self):
        m = self.user_agent()
        self.assertEqual(m.group("os"), "linux")
        self.assertEqual(m.group("std"), "11")
        self.assertEqual(m.group("m").split(","), ["E", "N"], "standard retry mode, an endpoint override")
        self.assertIsNone(m.group("app"))

    def test_adaptive_mode_is_a_metric(self):
        self.assertEqual(self.user_agent(env={"AWS_RETRY_MODE": "adaptive"}).group("m").split(","), ["F", "N"])

    def test_the_app_id_from_the_environment_or_the_profile(self):
        self.assertEqual(self.user_agent(env={"AWS_SDK_UA_APP_ID": "fleet-agent/2"}).group("app"), " app/fleet-agent_2", "/ is not a token character")
        self.write(self.config, "[default]\nsdk_ua_app_id = from profile\n")
        self.assertEqual(self.user_agent().group("app"), " app/from_profile", "blanks become '_'")
        r = self.run_cli("--endpoint-url", self.rec.url, env={"AWS_SDK_UA_APP_ID": "x" * 51}, expect=253)
        self.assertIn("sdk_ua_app_id is at most 50 characters", r.stderr)
        self.assertEqual(self.rec.take(), [])


if __name__ == "__main__":
    unittest.main()
