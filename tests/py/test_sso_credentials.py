"""IAM Identity Center credentials end to end: the awsc CLI (which plugs in
libawsc-sso-credentials) against the loopback SSO portal and SSO-OIDC in
emulator/sso.py, and the loopback STS of emulator/sts.py as the service called.

The CLI reads the token cache (~/.aws/sso/cache under a temporary HOME),
refreshes it through SSO-OIDC when it is close to expiry, trades it for role
credentials at the portal, then calls STS GetCallerIdentity signed with them:
the loopback STS verifies that signature with the keys the portal issued, so
the answer's ARN proves which role the CLI ended up as. The portal checks the
bearer token it receives, SSO-OIDC the client and refresh token. Errors
(missing, expired, malformed tokens; bad profiles) and the --debug log, which
must never show a token or a secret, are checked too.
"""
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import unittest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, ROOT)

from emulator.sso import SSO  # noqa: E402
from emulator.sts import STS  # noqa: E402

BIN = os.path.join(os.environ.get("AWSC_BINARY_DIR", os.path.join(ROOT, "build")), "bin")
AWSC = os.path.join(BIN, "awsc")
ACCOUNT, ROLE = "111122223333", "admin"
START_URL = "https://d-9067642ac7.awsapps.com/start"
CLIENT_ID, CLIENT_SECRET = "client-id-1", "client/secret+value"
ACCESS, REFRESH = "aoa-cached-access-token", "aor-cached-refresh-token"
TIMEOUT = float(os.environ.get("AWSC_TEST_TIMEOUT", "60"))


def iso(t):
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(t))


def cli_has_sso():
    if not os.access(AWSC, os.X_OK):
        return False
    r = subprocess.run([AWSC, "sso", "help"], capture_output=True, text=True, timeout=TIMEOUT)
    return "get-role-credentials" in r.stdout + r.stderr


class SsoCredentials(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        if not cli_has_sso():
            msg = f"{AWSC} is missing or was built without the SSO clients"
            if os.environ.get("CI") == "true":
                raise AssertionError(msg + " (required when CI=true)")
            print(f"SKIP: {msg}")
            raise unittest.SkipTest(msg)
        cls.sts = STS().start()

    @classmethod
    def tearDownClass(cls):
        cls.sts.stop()

    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="awsc_sso_py_")
        self.addCleanup(shutil.rmtree, self.dir)
        self.sso = SSO(access_tokens={ACCESS}, roles={(ACCOUNT, ROLE)}, clients={CLIENT_ID: CLIENT_SECRET},
                       refresh_tokens={REFRESH}).start()
        self.addCleanup(self.sso.stop)
        self.sts.requests.clear()
        self.cache = os.path.join(self.dir, ".aws", "sso", "cache")
        os.makedirs(self.cache)
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
        self.env.update(HOME=self.dir, AWS_REGION="us-east-1", AWS_EC2_METADATA_DISABLED="true",
                        AWS_CONFIG_FILE=os.path.join(self.dir, "config"),
                        AWS_SHARED_CREDENTIALS_FILE=os.path.join(self.dir, "credentials"),
                        AWS_ENDPOINT_URL_SSO=self.sso.portal_url, AWS_ENDPOINT_URL_SSO_OIDC=self.sso.oidc_url,
                        AWS_ENDPOINT_URL_STS=self.sts.url)

    # ---- helpers ----

    def write_config(self, text):
        with open(os.path.join(self.dir, "config"), "w") as f:
            f.write(text)

    def session_config(self, extra=""):
        self.write_config(f"[profile dev]\nsso_session = corp\nsso_account_id = {ACCOUNT}\nsso_role_name = {ROLE}\n"
                          f"region = us-east-1\n{extra}"
                          f"[sso-session corp]\nsso_start_url = {START_URL}\nsso_region = us-west-2\n"
                          "sso_registration_scopes = sso:account:access\n")

    def legacy_config(self):
        self.write_config(f"[profile old]\nsso_start_url = {START_URL}\nsso_region = us-west-2\n"
                          f"sso_account_id = {ACCOUNT}\nsso_role_name = {ROLE}\n")

    @staticmethod
    def read(path):
        with open(path) as f:
            return f.read()

    def cache_path(self, key):
        return os.path.join(self.cache, hashlib.sha1(key.encode()).hexdigest() + ".json")

    def write_token(self, key, expires_in, **fields):
        doc = {"startUrl": START_URL, "region": "us-west-2", "accessToken": ACCESS,
               "expiresAt": iso(time.time() + expires_in), "clientId": CLIENT_ID, "clientSecret": CLIENT_SECRET,
               "registrationExpiresAt": iso(time.time() + 86400 * 30), "refreshToken": REFRESH}
        doc.update(fields)
        doc = {k: v for k, v in doc.items() if v is not None}
        path = self.cache_path(key)
        with open(path, "w") as f:
            json.dump(doc, f)
        return path

    def whoami(self, *args, expect_ok=True):
        # The issued keys are handed to the loopback STS, which then verifies the CLI's signature with them.
        r = subprocess.run([AWSC, "sts", "get-caller-identity", "--endpoint-url", self.sts.url, "--debug", *args],
                           env=self.env, capture_output=True, text=True, timeout=TIMEOUT)
        if expect_ok:
            self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        else:
            self.assertNotEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assert_no_secrets(r.stdout + r.stderr)
        return r

    def assert_no_secrets(self, text):
        for secret in [ACCESS, REFRESH, CLIENT_SECRET] + list(self.sso.access_tokens) + list(self.sso.refresh_tokens):
            self.assertNotIn(secret, text, "a token or client secret is in the output")
        for akid, (secret, session, _) in self.sso.issued.items():
            self.assertNotIn(secret, text, f"the secret of {akid} is in the output")
            self.assertNotIn(session, text, f"the session token of {akid} is in the output")

    def portal_calls(self):
        return [r for r in self.sso.requests if r["service"] == "portal"]

    def oidc_calls(self):
        return [r for r in self.sso.requests if r["service"] == "oidc"]

    def assert_signed_in(self, r, bearer):
        calls = self.portal_calls()
        self.assertEqual(len(calls), 1, calls)
        call = calls[0]
        self.assertEqual((call["method"], call["path"]), ("GET", "/federation/credentials"))
        self.assertEqual(call["query"], {"role_name": ROLE, "account_id": ACCOUNT})
        self.assertEqual(call["headers"].get("x-amz-sso_bearer_token"), bearer)
        self.assertNotIn("authorization", call["headers"])
        self.assertIn(f"assumed-role/{ROLE}/sso-user", r.stdout)
        sts_call = self.sts.requests[-1]
        self.assertEqual(sts_call["action"], "GetCallerIdentity")
        self.assertTrue(sts_call["signed"])
        self.assertIn(sts_call["access_key"], self.sso.issued)

    def run_signed_in(self, *args):
        """whoami, with the loopback STS learning each key the portal issues as it is issued."""
        sso, sts = self.sso, self.sts
        original = sso.get_role_credentials

        def issue_and_share(method, rec):
            out = original(method, rec)
            with sso.lock:
                sts.keys.update(sso.issued)
            return out

        sso.get_role_credentials = issue_and_share
        try:
            return self.whoami(*args)
        finally:
            sso.get_role_credentials = original

    # ---- sso-session ----

    def test_session_token_used_as_cached(self):
        self.session_config()
        path = self.write_token("corp", 3600)
        before = self.read(path)
        r = self.run_signed_in("--profile", "dev")
        self.assert_signed_in(r, ACCESS)
        self.assertEqual(self.oidc_calls(), [], "a fresh token is not refreshed")
        self.assertEqual(self.read(path), before)

    def test_session_token_refreshed_before_expiry_and_cache_rewritten_atomically(self):
        self.session_config()
        path = self.write_token("corp", 120)  # within the five minutes
        inode = os.stat(path).st_ino
        # A reader polling the file all along sees a whole token every time, old or new.
        done, reads, torn = threading.Event(), [0], []

        def reader():
            while not done.is_set():
                try:
                    with open(path) as f:
                        text = f.read()
                    json.loads(text)["accessToken"]
                    reads[0] += 1
                except FileNotFoundError:
                    torn.append("missing")
                except (ValueError, KeyError):
                    torn.append(text)

        t = threading.Thread(target=reader, daemon=True)
        t.start()
        try:
            r = self.run_signed_in("--profile", "dev")
        finally:
            done.set()
            t.join(TIMEOUT)
        self.assertEqual(torn, [], "a reader saw a partial or missing cache file")
        self.assertGreater(reads[0], 0)
        [oidc] = self.oidc_calls()
        self.assertEqual((oidc["method"], oidc["path"]), ("POST", "/token"))
        self.assertEqual(oidc["json"], {"clientId": CLIENT_ID, "clientSecret": CLIENT_SECRET,
                                        "grantType": "refresh_token", "refreshToken": REFRESH})
        self.assertNotIn("authorization", oidc["headers"])
        new_access = next(t for t in self.sso.access_tokens if t != ACCESS)
        self.assert_signed_in(r, new_access)
        with open(path) as f:
            doc = json.load(f)
        self.assertEqual(doc["accessToken"], new_access)
        self.assertIn(doc["refreshToken"], self.sso.refresh_tokens, "the rotated refresh token is kept")
        self.assertNotEqual(doc["refreshToken"], REFRESH)
        self.assertEqual((doc["clientId"], doc["clientSecret"]), (CLIENT_ID, CLIENT_SECRET))
        self.assertEqual((doc["startUrl"], doc["region"]), (START_URL, "us-west-2"))
        expires = time.mktime(time.strptime(doc["expiresAt"], "%Y-%m-%dT%H:%M:%SZ")) - time.timezone
        self.assertAlmostEqual(expires, time.time() + self.sso.token_lifetime, delta=120)
        # Atomic: a new file renamed over the old one (new inode), private, and nothing left beside it.
        st = os.stat(path)
        self.assertNotEqual(st.st_ino, inode)
        self.assertEqual(st.st_mode & 0o777, 0o600)
        self.assertEqual(os.listdir(self.cache), [os.path.basename(path)])

        # The next run uses the refreshed token as cached: no second refresh.
        self.sso.requests.clear()
        r = self.run_signed_in("--profile", "dev")
        self.assertEqual(self.oidc_calls(), [])
        self.assert_signed_in(r, new_access)

    def test_session_expired_token_is_refreshed(self):
        self.session_config()
        self.write_token("corp", -600)
        r = self.run_signed_in("--profile", "dev")
        self.assertEqual(len(self.oidc_calls()), 1)
        self.assert_signed_in(r, next(t for t in self.sso.access_tokens if t != ACCESS))

    def test_session_refresh_failure_keeps_a_token_that_still_works(self):
        self.session_config()
        path = self.write_token("corp", 120)
        before = self.read(path)
        self.sso.fail_next_token.append(("InternalServerException", "try later", 500))
        self.sso.fail_next_token.extend([("InternalServerException", "try later", 500)] * 5)  # every retry
        r = self.run_signed_in("--profile", "dev")
        self.assert_signed_in(r, ACCESS)
        self.assertEqual(self.read(path), before)

    def test_session_expired_and_refresh_rejected(self):
        self.session_config()
        path = self.write_token("corp", -60, refreshToken="aor-revoked")
        before = self.read(path)
        r = self.whoami("--profile", "dev", expect_ok=False)
        self.assertIn("profile dev (sso_session corp): the SSO token has expired and refreshing it failed", r.stderr)
        self.assertIn("InvalidGrantException", r.stderr)
        self.assertIn("run `aws sso login --profile dev`", r.stderr)
        self.assertEqual(self.portal_calls(), [])
        self.assertEqual(self.read(path), before)
        self.assertNotIn("aor-revoked", r.stdout + r.stderr)

    def test_session_expired_without_refresh_token(self):
        self.session_config()
        self.write_token("corp", -60, refreshToken=None)
        r = self.whoami("--profile", "dev", expect_ok=False)
        self.assertIn("the SSO token has expired and cannot be refreshed: run `aws sso login --profile dev` "
                      "to sign in again", r.stderr)
        self.assertEqual(self.sso.requests, [])

    def test_session_expired_registration(self):
        self.session_config()
        self.write_token("corp", -60, registrationExpiresAt=iso(time.time() - 10))
        r = self.whoami("--profile", "dev", expect_ok=False)
        self.assertIn("the SSO token has expired and its client registration too", r.stderr)
        self.assertIn("aws sso login", r.stderr)
        self.assertEqual(self.sso.requests, [])

    def test_missing_token(self):
        self.session_config()
        r = self.whoami("--profile", "dev", expect_ok=False)
        self.assertIn(f"no SSO token ({self.cache_path('corp')} does not exist): run `aws sso login --profile dev` "
                      "to sign in", r.stderr)

    def test_portal_rejects_the_token(self):
        self.session_config()
        self.write_token("corp", 3600, accessToken="aoa-unknown")
        r = self.whoami("--profile", "dev", expect_ok=False)
        self.assertIn("SSO GetRoleCredentials failed", r.stderr)
        self.assertIn("UnauthorizedException", r.stderr)
        self.assertIn("run `aws sso login --profile dev`", r.stderr)
        self.assertNotIn("aoa-unknown", r.stderr)

    def test_role_not_granted(self):
        self.write_config(f"[profile dev]\nsso_session = corp\nsso_account_id = {ACCOUNT}\nsso_role_name = other\n"
                          f"[sso-session corp]\nsso_start_url = {START_URL}\nsso_region = us-west-2\n")
        self.write_token("corp", 3600)
        r = self.whoami("--profile", "dev", expect_ok=False)
        self.assertIn("SSO GetRoleCredentials failed", r.stderr)
        self.assertIn("No access", r.stderr)

    # ---- malformed cache files and profiles ----

    def test_malformed_cache_files(self):
        self.session_config()
        path = self.cache_path("corp")
        cases = [
            ("{not json", "is not a JSON object of strings"),
            ("[1, 2]", "is not a JSON object of strings"),
            ('{"accessToken": 7, "expiresAt": "2030-01-01T00:00:00Z"}', "is not a JSON object of strings"),
            ('{"expiresAt": "2030-01-01T00:00:00Z"}', "has no accessToken"),
            (f'{{"accessToken": "{ACCESS}"}}', "has no expiresAt"),
            (f'{{"accessToken": "{ACCESS}", "expiresAt": "tomorrow"}}', "expiresAt is not an RFC 3339 date-time"),
            (f'{{"accessToken": "{ACCESS}", "expiresAt": "2030-01-01T00:00:00Z", "registrationExpiresAt": "x"}}',
             "registrationExpiresAt is not an RFC 3339 date-time"),
            ("", "is not a JSON object of strings"),
            ('{"accessToken": "' + "a" * 70000 + '"}', "is larger than 65536 bytes"),
        ]
        for text, message in cases:
            with self.subTest(message=message, text=text[:40]):
                with open(path, "w") as f:
                    f.write(text)
                r = self.whoami("--profile", "dev", expect_ok=False)
                self.assertIn(f"profile dev (sso_session corp): ", r.stderr)
                self.assertIn(message, r.stderr)
                self.assertIn(path, r.stderr)
                self.assertNotIn(ACCESS, r.stderr)
                self.assertEqual(self.sso.requests, [])

    def test_cli_v1_utc_suffix_is_read(self):
        self.session_config()
        self.write_token("corp", 0, expiresAt=time.strftime("%Y-%m-%dT%H:%M:%SUTC", time.gmtime(time.time() + 3600)))
        r = self.run_signed_in("--profile", "dev")
        self.assert_signed_in(r, ACCESS)

    def test_profile_errors(self):
        cases = [
            (f"[profile dev]\nsso_session = nope\nsso_account_id = {ACCOUNT}\nsso_role_name = {ROLE}\n",
             "profile dev (sso_session nope): the config file has no [sso-session nope] section"),
            (f"[profile dev]\nsso_session = corp\nsso_account_id = {ACCOUNT}\nsso_role_name = {ROLE}\n"
             f"[sso-session corp]\nsso_start_url = {START_URL}\n", "[sso-session corp] has no sso_region"),
            (f"[profile dev]\nsso_session = corp\nsso_role_name = {ROLE}\n"
             f"[sso-session corp]\nsso_start_url = {START_URL}\nsso_region = us-west-2\n",
             "the profile has no sso_account_id"),
            (f"[profile dev]\nsso_session = corp\nsso_start_url = https://other/start\nsso_account_id = {ACCOUNT}\n"
             f"sso_role_name = {ROLE}\n[sso-session corp]\nsso_start_url = {START_URL}\nsso_region = us-west-2\n",
             "the profile's sso_start_url differs from the one of [sso-session corp]"),
            (f"[profile dev]\nsso_start_url = {START_URL}\nsso_account_id = {ACCOUNT}\nsso_role_name = {ROLE}\n",
             "profile dev (sso_start_url): sso_start_url needs sso_region"),
        ]
        for config, message in cases:
            with self.subTest(message=message):
                self.write_config(config)
                r = self.whoami("--profile", "dev", expect_ok=False)
                self.assertIn(message, r.stderr)
                self.assertEqual(self.sso.requests, [])

    # ---- the legacy form ----

    def test_legacy_token_by_start_url(self):
        self.legacy_config()
        self.write_token(START_URL, 120)  # close to expiry, but the legacy form never refreshes
        r = self.run_signed_in("--profile", "old")
        self.assert_signed_in(r, ACCESS)
        self.assertEqual(self.oidc_calls(), [])

    def test_legacy_expired(self):
        self.legacy_config()
        self.write_token(START_URL, -1)
        r = self.whoami("--profile", "old", expect_ok=False)
        self.assertIn("profile old (sso_start_url): the SSO token has expired: run `aws sso login --profile old` "
                      "to sign in again", r.stderr)
        self.assertEqual(self.sso.requests, [])

    # ---- with roles ----

    def test_sso_profile_as_source_profile(self):
        self.session_config("[profile deploy]\nrole_arn = arn:aws:iam::123456789012:role/deploy\n"
                            "source_profile = dev\nrole_session_name = ci\n")
        self.write_token("corp", 3600)
        sso, sts = self.sso, self.sts
        original = sso.get_role_credentials

        def issue_and_share(method, rec):
            out = original(method, rec)
            with sso.lock:
                sts.keys.update(sso.issued)
            return out

        sso.get_role_credentials = issue_and_share
        r = self.whoami("--profile", "deploy")
        self.assertIn("assumed-role/deploy/ci", r.stdout)
        self.assertEqual([q["action"] for q in self.sts.requests], ["AssumeRole", "GetCallerIdentity"])
        self.assertIn(self.sts.requests[0]["access_key"], self.sso.issued, "AssumeRole signed with the SSO keys")


    # ---- the sso and sso-oidc commands themselves, with --debug: the wire is dumped, the secrets are not ----

    def test_cli_get_role_credentials_debug_shows_no_token(self):
        r = subprocess.run([AWSC, "sso", "get-role-credentials", "--endpoint-url", self.sso.portal_url, "--debug",
                            "--role-name", ROLE, "--account-id", ACCOUNT, "--access-token", ACCESS],
                           env=self.env, capture_output=True, text=True, timeout=TIMEOUT)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        issued = json.loads(r.stdout)["roleCredentials"]
        self.assertIn(issued["accessKeyId"], self.sso.issued, "stdout has the output")
        self.assertEqual(self.portal_calls()[0]["headers"]["x-amz-sso_bearer_token"], ACCESS)
        self.assertIn("response: HTTP 200", r.stderr, "--debug dumps the wire")
        self.assert_no_secrets(r.stderr)

    def test_cli_create_token_debug_shows_no_secret(self):
        r = subprocess.run([AWSC, "sso-oidc", "create-token", "--endpoint-url", self.sso.oidc_url, "--debug",
                            "--client-id", CLIENT_ID, "--client-secret", CLIENT_SECRET, "--grant-type",
                            "refresh_token", "--refresh-token", REFRESH],
                           env=self.env, capture_output=True, text=True, timeout=TIMEOUT)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertIn(json.loads(r.stdout)["accessToken"], self.sso.access_tokens)
        self.assertIn("response: HTTP 200", r.stderr)
        self.assert_no_secrets(r.stderr)


if __name__ == "__main__":
    unittest.main()
