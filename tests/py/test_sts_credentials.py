"""Role credentials end to end: the awsc CLI (which plugs in libawsc-sts-credentials)
against the loopback STS in emulator/sts.py.

The CLI gets its credentials from web identity or a role_arn profile through
the generated STS client, then calls STS GetCallerIdentity signed with them;
the loopback STS checks every signature with the keys it issued, so the
answer's ARN proves which role the CLI ended up as. Errors, a two-hop role
chain, a cycle, and the --debug log (which must never show a secret or the
web identity token) are checked too.
"""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import unittest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, ROOT)

from emulator.sts import STS  # noqa: E402

BIN = os.path.join(os.environ.get("AWSC_BINARY_DIR", os.path.join(ROOT, "build")), "bin")
AWSC = os.path.join(BIN, "awsc")
ROOT_KEY, ROOT_SECRET = "AKIDSTSROOT", "root/secret+key"
ROLE = "arn:aws:iam::123456789012:role/device"


def cli_has_sts():
    if not os.access(AWSC, os.X_OK):
        return False
    r = subprocess.run([AWSC, "sts", "help"], capture_output=True, text=True, timeout=30)
    return "get-caller-identity" in r.stdout + r.stderr


class StsCredentials(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        if not cli_has_sts():
            msg = f"{AWSC} is missing or was built without the STS client"
            if os.environ.get("CI") == "true":
                raise AssertionError(msg + " (required when CI=true)")
            print(f"SKIP: {msg}")
            raise unittest.SkipTest(msg)
        cls.sts = STS({ROOT_KEY: (ROOT_SECRET, None)}, tokens={"jwt-good-1", "jwt-good-2"}).start()

    @classmethod
    def tearDownClass(cls):
        cls.sts.stop()

    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="awsc_sts_py_")
        self.sts.requests.clear()
        self.sts.fail_next.clear()
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
        self.env.update(AWS_REGION="us-east-1", AWS_EC2_METADATA_DISABLED="true",
                        AWS_CONFIG_FILE=os.path.join(self.dir, "config"),
                        AWS_SHARED_CREDENTIALS_FILE=os.path.join(self.dir, "credentials"),
                        AWS_ENDPOINT_URL_STS=self.sts.url)

    def tearDown(self):
        shutil.rmtree(self.dir)

    def write(self, name, text):
        path = os.path.join(self.dir, name)
        with open(path, "w") as f:
            f.write(text)
        return path

    def whoami(self, *args, expect_ok=True):
        r = subprocess.run([AWSC, "sts", "get-caller-identity", "--endpoint-url", self.sts.url, "--debug", *args],
                           env=self.env, capture_output=True, text=True, timeout=60)
        if expect_ok:
            self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        else:
            self.assertNotEqual(r.returncode, 0, r.stdout + r.stderr)
        return r

    def assert_no_secrets(self, text):
        """Nothing STS issued (secrets, session tokens) and no web identity token in the log."""
        for akid, (secret, token, _) in self.sts.keys.items():
            self.assertNotIn(secret, text, f"the secret of {akid} is in the log")
            if token:
                self.assertNotIn(token, text, f"the session token of {akid} is in the log")
        self.assertNotIn("jwt-good", text)

    def actions(self):
        return [(r["action"], r["signed"]) for r in self.sts.requests]

    # ---- web identity from the environment ----

    def test_web_identity_from_the_environment(self):
        token = self.write("token", "jwt-good-1\n")
        self.env.update(AWS_WEB_IDENTITY_TOKEN_FILE=token, AWS_ROLE_ARN=ROLE, AWS_ROLE_SESSION_NAME="pod-7")
        r = self.whoami()
        self.assertIn('"Arn": "arn:aws:sts::123456789012:assumed-role/device/pod-7"', r.stdout)
        self.assertEqual(self.actions(), [("AssumeRoleWithWebIdentity", False), ("GetCallerIdentity", True)])
        web = self.sts.requests[0]["params"]
        self.assertEqual((web["RoleArn"], web["RoleSessionName"], web["WebIdentityToken"]),
                         (ROLE, "pod-7", "jwt-good-1"))
        self.assertTrue(self.sts.requests[1]["access_key"].startswith("ASIA"))
        self.assert_no_secrets(r.stdout + r.stderr)

    def test_web_identity_generated_session_name(self):
        token = self.write("token", "jwt-good-2")
        self.env.update(AWS_WEB_IDENTITY_TOKEN_FILE=token, AWS_ROLE_ARN=ROLE)
        self.whoami()
        self.assertRegex(self.sts.requests[0]["params"]["RoleSessionName"], r"^awsc-session-\d+$")

    def test_web_identity_missing_token_file(self):
        self.env.update(AWS_WEB_IDENTITY_TOKEN_FILE=os.path.join(self.dir, "nope"), AWS_ROLE_ARN=ROLE)
        r = self.whoami(expect_ok=False)
        self.assertIn("cannot read the web identity token file " + os.path.join(self.dir, "nope"), r.stderr)
        self.assertEqual(self.sts.requests, [])

    def test_web_identity_bad_role_arn(self):
        token = self.write("token", "jwt-good-1")
        self.env.update(AWS_WEB_IDENTITY_TOKEN_FILE=token, AWS_ROLE_ARN="arn:aws:iam::123456789012:user/not-a-role")
        r = self.whoami(expect_ok=False)
        self.assertIn("not a valid role ARN", r.stderr)
        self.assertIn("AssumeRoleWithWebIdentity", r.stderr)

    def test_web_identity_rejected_token(self):
        token = self.write("token", "jwt-forged")
        self.env.update(AWS_WEB_IDENTITY_TOKEN_FILE=token, AWS_ROLE_ARN=ROLE)
        r = self.whoami(expect_ok=False)
        self.assertIn("InvalidIdentityToken", r.stderr)
        self.assertNotIn("jwt-forged", r.stderr)

    def test_web_identity_expired_token(self):
        token = self.write("token", "expired-jwt")
        self.env.update(AWS_WEB_IDENTITY_TOKEN_FILE=token, AWS_ROLE_ARN=ROLE)
        r = self.whoami(expect_ok=False)
        self.assertIn("Token expired", r.stderr)

    # ---- profiles with role_arn ----

    def test_profile_role_with_static_source(self):
        self.write("credentials", f"[base]\naws_access_key_id = {ROOT_KEY}\naws_secret_access_key = {ROOT_SECRET}\n")
        self.write("config", "[profile dev]\nrole_arn = arn:aws:iam::123456789012:role/dev\nsource_profile = base\n"
                             "role_session_name = laptop\nexternal_id = ext-1\n")
        self.sts.external_ids["arn:aws:iam::123456789012:role/dev"] = "ext-1"
        r = self.whoami("--profile", "dev")
        self.assertIn("assumed-role/dev/laptop", r.stdout)
        self.assertEqual(self.actions(), [("AssumeRole", True), ("GetCallerIdentity", True)])
        self.assertEqual(self.sts.requests[0]["access_key"], ROOT_KEY)
        self.assert_no_secrets(r.stdout + r.stderr)

    def test_profile_role_chain_of_two_hops(self):
        self.write("credentials", f"[root]\naws_access_key_id = {ROOT_KEY}\naws_secret_access_key = {ROOT_SECRET}\n")
        self.write("config", "[profile a]\nrole_arn = arn:aws:iam::123456789012:role/a\nsource_profile = b\n"
                             "role_session_name = sa\n"
                             "[profile b]\nrole_arn = arn:aws:iam::123456789012:role/b\nsource_profile = root\n")
        self.env["AWS_PROFILE"] = "a"
        r = self.whoami()
        self.assertIn("assumed-role/a/sa", r.stdout)
        self.assertEqual(self.actions(), [("AssumeRole", True), ("AssumeRole", True), ("GetCallerIdentity", True)])
        self.assertEqual(self.sts.requests[0]["params"]["RoleArn"], "arn:aws:iam::123456789012:role/b")
        self.assertEqual(self.sts.requests[0]["access_key"], ROOT_KEY)
        # The second hop is signed with the first hop's session, which the loopback STS verified.
        self.assertTrue(self.sts.requests[1]["access_key"].startswith("ASIA"))
        self.assertEqual(self.sts.requests[1]["params"]["RoleArn"], "arn:aws:iam::123456789012:role/a")
        self.assert_no_secrets(r.stdout + r.stderr)

    def test_profile_role_cycle(self):
        self.write("config", "[profile a]\nrole_arn = arn:aws:iam::123456789012:role/a\nsource_profile = b\n"
                             "[profile b]\nrole_arn = arn:aws:iam::123456789012:role/b\nsource_profile = a\n")
        r = self.whoami("--profile", "a", expect_ok=False)
        self.assertIn("source_profile loops: a -> b -> a", r.stderr)
        self.assertEqual(self.sts.requests, [])

    def test_profile_role_access_denied(self):
        self.write("credentials", f"[base]\naws_access_key_id = {ROOT_KEY}\naws_secret_access_key = {ROOT_SECRET}\n")
        self.write("config", "[profile dev]\nrole_arn = arn:aws:iam::123456789012:role/dev\nsource_profile = base\n")
        self.sts.fail_next.append(("AccessDenied", "User is not authorized to perform: sts:AssumeRole", 403))
        r = self.whoami("--profile", "dev", expect_ok=False)
        self.assertIn("profile dev (role_arn): STS AssumeRole failed", r.stderr)
        self.assertIn("User is not authorized to perform: sts:AssumeRole", r.stderr)

    def test_profile_role_with_mfa_asks_for_the_code(self):
        self.write("credentials", f"[base]\naws_access_key_id = {ROOT_KEY}\naws_secret_access_key = {ROOT_SECRET}\n")
        self.write("config", "[profile dev]\nrole_arn = arn:aws:iam::123456789012:role/dev\nsource_profile = base\n"
                             "mfa_serial = arn:aws:iam::123456789012:mfa/alice\n")
        # No controlling terminal here (a new session): the CLI reads the code from standard input.
        r = subprocess.run([AWSC, "sts", "get-caller-identity", "--endpoint-url", self.sts.url, "--profile", "dev"],
                           env=self.env, input="123456\n", capture_output=True, text=True, timeout=60,
                           start_new_session=True)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertIn("Enter MFA code for arn:aws:iam::123456789012:mfa/alice: ", r.stderr)
        params = self.sts.requests[0]["params"]
        self.assertEqual((params["SerialNumber"], params["TokenCode"]), ("arn:aws:iam::123456789012:mfa/alice", "123456"))
        self.sts.requests.clear()
        r = subprocess.run([AWSC, "sts", "get-caller-identity", "--endpoint-url", self.sts.url, "--profile", "dev"],
                           env=self.env, input="12ab\n", capture_output=True, text=True, timeout=60,
                           start_new_session=True)
        self.assertEqual(r.returncode, 253, r.stdout + r.stderr)
        self.assertIn("the MFA code must be 6 digits", r.stderr)
        self.assertEqual(self.sts.requests, [])

    def test_profile_role_with_web_identity_token_file(self):
        token = self.write("token", "jwt-good-2")
        self.write("config", f"[profile k8s]\nrole_arn = {ROLE}\nweb_identity_token_file = {token}\n"
                             "role_session_name = from-profile\n")
        r = self.whoami("--profile", "k8s")
        self.assertIn("assumed-role/device/from-profile", r.stdout)
        self.assertEqual(self.actions(), [("AssumeRoleWithWebIdentity", False), ("GetCallerIdentity", True)])


    # ---- the sts commands themselves, with --debug: the wire is dumped, the secrets are not ----

    def sts_debug(self, op, *args):
        r = subprocess.run([AWSC, "sts", op, "--endpoint-url", self.sts.url, "--debug", "--role-arn", ROLE,
                            "--role-session-name", "cli", *args],
                           env=self.env, capture_output=True, text=True, timeout=60)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        issued = json.loads(r.stdout)["Credentials"]
        self.assertIn(issued["SecretAccessKey"], self.sts.keys[issued["AccessKeyId"]][0], "stdout has the output")
        self.assertIn("response: HTTP 200", r.stderr, "--debug dumps the wire")
        self.assertIn("<SecretAccessKey><redacted></SecretAccessKey>", r.stderr)
        self.assertIn("<SessionToken><redacted></SessionToken>", r.stderr)
        self.assert_no_secrets(r.stderr)
        self.assertNotIn(ROOT_SECRET, r.stderr)
        return r

    def test_cli_assume_role_debug_shows_no_secret(self):
        self.env.update(AWS_ACCESS_KEY_ID=ROOT_KEY, AWS_SECRET_ACCESS_KEY=ROOT_SECRET)
        self.sts_debug("assume-role")

    def test_cli_assume_role_with_web_identity_debug_shows_no_token(self):
        r = self.sts_debug("assume-role-with-web-identity", "--web-identity-token", "jwt-good-2")
        self.assertIn("WebIdentityToken=<redacted>", r.stderr)

if __name__ == "__main__":
    unittest.main()
