"""awsc configure list | get | set over the shared config and credentials files, as the AWS CLI.

`set` writes credentials keys to the credentials file ([name]) and the rest to
the config file ([default] / [profile name]), keeps the other lines, writes mode
600 through a rename; `get` prints a value or exits 1; `list` masks secrets.
Prints `cli-configure: P passed, S skipped, F failed`.
"""
import os
import stat
import subprocess
import sys
import tempfile
import unittest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, ROOT)

from tests.py.cli import AWSC, TIMEOUT, SuiteCounter, cli_env, require_awsc  # noqa: E402


class CliConfigure(SuiteCounter, unittest.TestCase):
    SUITE = "cli-configure"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        require_awsc()

    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory(prefix="awsc_cli_configure_")
        self.dir = os.path.join(self.tmp.name, "dot-aws")
        self.config = os.path.join(self.dir, "config")
        self.creds = os.path.join(self.dir, "credentials")
        self.env = cli_env(AWS_CONFIG_FILE=self.config, AWS_SHARED_CREDENTIALS_FILE=self.creds)
        self.env.pop("AWS_REGION")

    def tearDown(self):
        self.tmp.cleanup()

    def configure(self, *args, **env):
        e = dict(self.env)
        e.update(env)
        return subprocess.run([AWSC, "configure", *args], env=e, capture_output=True, text=True, timeout=TIMEOUT)

    def read(self, path):
        with open(path) as f:
            return f.read()

    def test_set_writes_each_key_where_the_aws_cli_does(self):
        for args in (("set", "aws_access_key_id", "AKIDEXAMPLE1234"),
                     ("set", "aws_secret_access_key", "wJalrXUtnFEMI/SECRET9876"),
                     ("set", "region", "eu-west-3"),
                     ("set", "region", "ap-south-1", "--profile", "dev"),
                     ("set", "profile.dev.output", "text"),
                     ("set", "default.cli_binary_format", "raw-in-base64-out"),
                     ("set", "aws_session_token", "TOKEN", "--profile", "dev")):
            r = self.configure(*args)
            self.assertEqual(r.returncode, 0, (args, r.stderr))
        self.assertEqual(self.read(self.creds), "[default]\naws_access_key_id = AKIDEXAMPLE1234\n"
                                                "aws_secret_access_key = wJalrXUtnFEMI/SECRET9876\n\n"
                                                "[dev]\naws_session_token = TOKEN\n")
        self.assertEqual(self.read(self.config), "[default]\nregion = eu-west-3\ncli_binary_format = raw-in-base64-out\n"
                                                 "\n[profile dev]\nregion = ap-south-1\noutput = text\n")
        for path in (self.config, self.creds):
            self.assertEqual(stat.S_IMODE(os.stat(path).st_mode), 0o600, path)
        self.assertEqual(stat.S_IMODE(os.stat(self.dir).st_mode), 0o700)
        self.assertEqual(os.listdir(self.dir), ["config", "credentials"] if os.listdir(self.dir)[0] == "config"
                         else ["credentials", "config"])

    def test_set_replaces_in_place_and_keeps_the_rest(self):
        os.makedirs(self.dir)
        with open(self.config, "w") as f:
            f.write("# mine\n[default]\nregion=us-east-1\ns3 =\n  region = nested\n\n[profile  dev]\n"
                    "output = json\n; note\n[sso-session x]\nsso_region = us-east-1\n")
        self.assertEqual(self.configure("set", "region", "us-west-2").returncode, 0)
        self.assertEqual(self.configure("set", "output", "yaml", "--profile", "dev").returncode, 0)
        self.assertEqual(self.configure("set", "region", "eu-north-1", "--profile", "dev").returncode, 0)
        self.assertEqual(self.read(self.config),
                         "# mine\n[default]\nregion = us-west-2\ns3 =\n  region = nested\n\n[profile  dev]\n"
                         "output = yaml\nregion = eu-north-1\n; note\n[sso-session x]\nsso_region = us-east-1\n")

    def test_get(self):
        self.configure("set", "region", "eu-west-3")
        self.configure("set", "region", "ca-central-1", "--profile", "dev")
        self.configure("set", "aws_access_key_id", "AKIDGET", "--profile", "dev")
        for args, want in ((("get", "region"), "eu-west-3\n"),
                           (("get", "region", "--profile", "dev"), "ca-central-1\n"),
                           (("get", "profile.dev.region"), "ca-central-1\n"),
                           (("get", "default.region", "--profile", "dev"), "eu-west-3\n"),
                           (("get", "aws_access_key_id", "--profile", "dev"), "AKIDGET\n")):
            r = self.configure(*args)
            self.assertEqual((r.returncode, r.stdout), (0, want), args)
        r = self.configure("get", "output")
        self.assertEqual((r.returncode, r.stdout), (1, ""))
        r = self.configure("get", "region", AWS_PROFILE="dev")
        self.assertEqual(r.stdout, "ca-central-1\n")

    def test_list_masks_secrets(self):
        self.configure("set", "aws_access_key_id", "AKIDEXAMPLE1234")
        self.configure("set", "aws_secret_access_key", "wJalrXUtnFEMI/SECRET9876")
        self.configure("set", "region", "eu-west-3")
        r = self.configure("list")
        self.assertEqual(r.returncode, 0, r.stderr)
        lines = r.stdout.splitlines()
        self.assertEqual(lines[0].split(), ["Name", "Value", "Type", "Location"])
        self.assertEqual(lines[2].split(), ["profile", "<not", "set>", "None", "None"])
        self.assertEqual(lines[3].split(), ["access_key", "****************1234", "shared-credentials-file"])
        self.assertEqual(lines[4].split(), ["secret_key", "****************9876", "shared-credentials-file"])
        self.assertEqual(lines[5].split(), ["region", "eu-west-3", "config-file", self.config])
        self.assertNotIn("SECRET", r.stdout)
        self.assertNotIn("AKIDEXAMPLE", r.stdout)
        r = self.configure("list", AWS_ACCESS_KEY_ID="AKIDFROMENV5678", AWS_REGION="us-east-2", AWS_PROFILE="dev")
        self.assertIn("profile                      dev              env    AWS_PROFILE", r.stdout)
        self.assertIn("****************5678              env", r.stdout)
        self.assertIn("us-east-2              env    AWS_REGION", r.stdout)
        self.assertNotIn("AKIDFROMENV", r.stdout)

    def test_s3_addressing_style_nested_in_the_profile(self):
        # The AWS CLI's nested setting: `s3 =` followed by indented `addressing_style = path`.
        os.makedirs(self.dir)
        with open(self.config, "w") as f:
            keys = "aws_access_key_id = AKIDEXAMPLE\naws_secret_access_key = secret\n"
            f.write("[default]\nregion = us-west-2\ns3 =\n  addressing_style = path\n" + keys +
                    "[profile virtual]\nregion = us-west-2\ns3 =\n  addressing_style = virtual\n" + keys +
                    "[profile typo]\nregion = us-west-2\ns3 =\n  addressing_style = pth\n" + keys)
        env = self.env

        def presign(*extra):
            return subprocess.run([AWSC, "s3", "presign", "s3://my-bucket/a/key", *extra], env=env,
                                  capture_output=True, text=True, timeout=TIMEOUT)
        r = presign()
        if r.returncode != 0 and "unknown" in r.stderr and "s3" in r.stderr:
            self.skipTest("this awsc has no S3 client (AWSC_SERVICES leaves it out)")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertTrue(r.stdout.startswith("https://s3.us-west-2.amazonaws.com/my-bucket/a/key?"), r.stdout)
        r = presign("--profile", "virtual")
        self.assertTrue(r.stdout.startswith("https://my-bucket.s3.us-west-2.amazonaws.com/a/key?"), r.stdout)
        r = presign("--profile", "typo")
        self.assertNotEqual(r.returncode, 0)
        self.assertEqual(r.stdout, "")
        self.assertIn("s3 addressing_style is 'pth', valid values are: auto, virtual or path", r.stderr)

    def test_nested_settings(self):
        # As the AWS CLI writes them: `s3 =` and the sub-settings indented below it.
        os.makedirs(self.dir)
        with open(self.config, "w") as f:
            f.write("[default]\nregion = us-east-1\n\n[profile dev]\nregion = eu-west-1\ns3 =\n"
                    "  addressing_style = virtual\noutput = json\n")
        for args in (("set", "s3.addressing_style", "path"),
                     ("set", "default.s3.max_concurrent_requests", "4"),
                     ("set", "s3.addressing_style", "auto"),
                     ("set", "profile.dev.s3.addressing_style", "path"),
                     ("set", "s3.use_accelerate_endpoint", "true", "--profile", "dev")):
            r = self.configure(*args)
            self.assertEqual(r.returncode, 0, (args, r.stderr))
        self.assertEqual(self.read(self.config),
                         "[default]\nregion = us-east-1\ns3 =\n    addressing_style = auto\n"
                         "    max_concurrent_requests = 4\n\n[profile dev]\nregion = eu-west-1\ns3 =\n"
                         "    addressing_style = path\n    use_accelerate_endpoint = true\noutput = json\n")
        for args, want in ((("get", "s3.addressing_style"), "auto\n"),
                           (("get", "default.s3.max_concurrent_requests"), "4\n"),
                           (("get", "s3.addressing_style", "--profile", "dev"), "path\n"),
                           (("get", "profile.dev.s3.use_accelerate_endpoint"), "true\n"),
                           (("get", "profile.dev.output"), "json\n")):
            r = self.configure(*args)
            self.assertEqual((r.returncode, r.stdout), (0, want), args)
        r = self.configure("get", "s3.nothing")
        self.assertEqual((r.returncode, r.stdout), (1, ""))
        # a plain setting is not made nested behind the user's back
        r = self.configure("set", "region.sub", "x")
        self.assertEqual(r.returncode, 252)
        self.assertIn("region is set to a value in [default], so it has no nested settings", r.stderr)

    def test_bad_usage(self):
        for args in ((), ("set", "region"), ("get",), ("set", "s3.max.concurrent", "4"),
                     ("set", "aws_access_key_id.x", "y"), ("set", "region", "a\nb"), ("nope",)):
            with self.subTest(args=args):
                r = self.configure(*args)
                self.assertNotEqual(r.returncode, 0)
        self.assertFalse(os.path.exists(self.config))

    def test_a_symlinked_file_is_updated_through_the_link(self):
        os.makedirs(self.dir)
        real = os.path.join(self.tmp.name, "real-config")
        with open(real, "w") as f:
            f.write("[default]\noutput = json\n")
        os.symlink(real, self.config)
        self.assertEqual(self.configure("set", "region", "eu-west-1").returncode, 0)
        self.assertTrue(os.path.islink(self.config))
        self.assertEqual(self.read(real), "[default]\noutput = json\nregion = eu-west-1\n")


if __name__ == "__main__":
    unittest.main()
