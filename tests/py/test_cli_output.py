"""The awsc CLI's output as AWS CLI v2 users know it: --query (JMESPath), --output
json|text|table|yaml (and AWS_DEFAULT_OUTPUT, the profile's `output`), ISO 8601
timestamps (the profile's cli_timestamp_format), --no-cli-pager.

A loopback server answers the IoT Jobs and STS calls with fixed responses; the
text, table and YAML layouts are compared with golden files in tests/py/golden/
(written the way the AWS CLI lays them out: awscli/text.py, awscli/table.py).
"""
import http.server
import os
import subprocess
import sys
import tempfile
import threading
import unittest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, ROOT)

from tests.py.cli import AWSC, TIMEOUT, cli_env, require_awsc  # noqa: E402

GOLDEN = os.path.join(ROOT, "tests", "py", "golden")

PENDING = (b'{"inProgressJobs":[{"jobId":"j1","queuedAt":1700000000,"startedAt":1700000001,'
           b'"lastUpdatedAt":1700000002,"versionNumber":3,"executionNumber":1}],'
           b'"queuedJobs":[{"jobId":"j2","queuedAt":1700000100,"lastUpdatedAt":1700000100,"versionNumber":1,'
           b'"executionNumber":2},{"jobId":"j3","queuedAt":1700000200,"lastUpdatedAt":1700000200,'
           b'"versionNumber":1,"executionNumber":3}]}')
DESCRIBE = (b'{"execution":{"jobId":"j1","thingName":"t","status":"IN_PROGRESS",'
            b'"statusDetails":{"step":"2","progress":"40%","note":"a: b"},'
            b'"queuedAt":1700000000,"lastUpdatedAt":1700000002,"versionNumber":3,"executionNumber":1,'
            b'"jobDocument":"{\\"a\\":1}"}}')
# A server that tries to drive the user's terminal (ESC, BEL, a carriage return).
HOSTILE = b'{"execution":{"jobId":"j1","statusDetails":{"esc":"\\u001b[31mred","bell":"\\u0007\\r"}}}'
ASSUME_ROLE = (b'<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><AssumeRoleResult>'
               b'<Credentials><AccessKeyId>ASIAEXAMPLE</AccessKeyId><SecretAccessKey>s</SecretAccessKey>'
               b'<SessionToken>tok</SessionToken><Expiration>2024-01-02T03:04:05.5Z</Expiration></Credentials>'
               b'<AssumedRoleUser><AssumedRoleId>AROA:s</AssumedRoleId>'
               b'<Arn>arn:aws:sts::123456789012:assumed-role/r/s</Arn></AssumedRoleUser>'
               b'</AssumeRoleResult><ResponseMetadata><RequestId>r-1</RequestId></ResponseMetadata>'
               b'</AssumeRoleResponse>')


class _Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def _reply(self, body, ctype):
        self.server.requests.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        body = HOSTILE if self.path.startswith("/things/evil/") else \
            DESCRIBE if self.path.startswith("/things/t/jobs/") else PENDING
        self._reply(body, "application/json")

    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length", "0")))
        self._reply(ASSUME_ROLE, "text/xml")

    def log_message(self, *args):
        pass


class CliOutput(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        require_awsc()
        cls.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        cls.server.daemon_threads = True
        cls.server.requests = []
        cls.thread = threading.Thread(target=cls.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        cls.thread.start()
        cls.url = "http://127.0.0.1:%d" % cls.server.server_address[1]
        cls.tmp = tempfile.TemporaryDirectory()
        cls.empty_config = os.path.join(cls.tmp.name, "empty")
        open(cls.empty_config, "w").close()

    @classmethod
    def tearDownClass(cls):
        cls.server.shutdown()
        cls.server.server_close()
        cls.tmp.cleanup()

    def setUp(self):
        self.server.requests.clear()

    def run_cli(self, service, op, *args, **env):
        settings = dict(AWS_ACCESS_KEY_ID="AKIDOUT", AWS_SECRET_ACCESS_KEY="out/secret", COLUMNS="80",
                        AWS_CONFIG_FILE=self.empty_config, AWS_SHARED_CREDENTIALS_FILE=self.empty_config)
        settings.update(env)
        return subprocess.run([AWSC, service, op, "--endpoint-url", self.url, *args], env=cli_env(**settings),
                              capture_output=True, text=True, timeout=TIMEOUT)

    def pending(self, *args, **env):
        return self.run_cli("iot-jobs-data", "get-pending-job-executions", "--thing-name", "t", *args, **env)

    def describe(self, *args, **env):
        return self.run_cli("iot-jobs-data", "describe-job-execution", "--thing-name", "t", "--job-id", "j1",
                            *args, **env)

    def assume_role(self, *args, **env):
        return self.run_cli("sts", "assume-role", "--role-arn", "arn:aws:iam::123456789012:role/r",
                            "--role-session-name", "sess", *args, **env)

    def ok(self, r):
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        return r.stdout

    def golden(self, name, got):
        with open(os.path.join(GOLDEN, name), encoding="utf-8") as f:
            want = f.read()
        self.assertEqual(got, want, f"golden/{name}:\n{got}")

    def test_formats_against_golden_files(self):
        for fmt in ("json", "text", "table", "yaml"):
            with self.subTest(fmt=fmt):
                self.golden(f"pending.{fmt}", self.ok(self.pending("--output", fmt)))
                self.golden(f"describe.{fmt}", self.ok(self.describe("--output", fmt)))

    def test_a_wide_table_turns_its_one_row_sections_vertical(self):
        wide = self.ok(self.pending("--output", "table", COLUMNS="200"))
        self.golden("pending.table-wide", wide)
        self.assertNotEqual(wide, self.ok(self.pending("--output", "table")))

    def test_query_examples(self):
        cases = [
            ("queuedJobs[].jobId", "json", '[\n    "j2",\n    "j3"\n]\n'),
            ("queuedJobs[].jobId", "text", "j2\tj3\n"),
            ("queuedJobs[?versionNumber==`1`].[jobId, queuedAt]", "text", "j2\t1700000100\nj3\t1700000200\n"),
            ("length(queuedJobs)", "json", "2\n"),
            ("inProgressJobs[0].jobId", "json", '"j1"\n'),
            ("inProgressJobs[0].jobId", "text", "j1\n"),
            ("inProgressJobs[0].jobId", "yaml", "j1\n...\n"),
            ("missing", "json", "null\n"),
            ("missing", "text", "None\n"),
            ("{ids: sort_by(queuedJobs, &queuedAt)[::-1].jobId, n: length(@.*[])}", "json",
             '{\n    "ids": [\n        "j3",\n        "j2"\n    ],\n    "n": 3\n}\n'),
            ("max_by(queuedJobs, &executionNumber).jobId", "text", "j3\n"),
            ("queuedJobs[?starts_with(jobId, 'j')] | [0].{id: jobId}", "yaml", "id: j2\n"),
        ]
        for query, fmt, want in cases:
            with self.subTest(query=query, fmt=fmt):
                self.assertEqual(self.ok(self.pending("--query", query, "--output", fmt)), want)

    def test_a_bad_query_is_refused_before_sending(self):
        r = self.pending("--query", "queuedJobs[?jobId == ")
        self.assertEqual(r.returncode, 252, r.stdout + r.stderr)
        self.assertIn("awsc: --query: jmespath: syntax error at column 22", r.stderr)
        self.assertIn("\n  queuedJobs[?jobId == \n                       ^\n", r.stderr)
        self.assertEqual(self.server.requests, [], "a refused query must send nothing")
        r = self.pending("--query", "nope(@)")
        self.assertEqual(r.returncode, 252)
        self.assertIn("unknown function nope()", r.stderr)

    def test_a_failing_query_is_an_error(self):
        r = self.pending("--query", "abs(queuedJobs)")
        self.assertEqual(r.returncode, 255, r.stdout + r.stderr)
        self.assertIn("abs(): argument 1 must be a number, got array", r.stderr)
        self.assertEqual(r.stdout, "")

    def test_timestamps_are_iso_8601_unless_the_profile_says_wire(self):
        out = self.ok(self.assume_role("--query", "Credentials.Expiration", "--output", "text"))
        self.assertEqual(out, "2024-01-02T03:04:05.500000+00:00\n")
        self.assertEqual(self.ok(self.assume_role("--query", "Credentials.Expiration", "--output", "yaml")),
                         "'2024-01-02T03:04:05.500000+00:00'\n")
        config = os.path.join(self.tmp.name, "wire")
        with open(config, "w") as f:
            f.write("[default]\ncli_timestamp_format = wire\n")
        out = self.ok(self.assume_role("--query", "Credentials.Expiration", AWS_CONFIG_FILE=config))
        self.assertEqual(out, "1704164645.5\n")
        with open(config, "w") as f:
            f.write("[default]\ncli_timestamp_format = unix\n")
        self.server.requests.clear()
        r = self.assume_role(AWS_CONFIG_FILE=config)
        self.assertEqual(r.returncode, 253, r.stdout + r.stderr)
        self.assertIn("cli_timestamp_format", r.stderr)
        self.assertEqual(self.server.requests, [])

    def test_output_from_option_environment_or_profile(self):
        config = os.path.join(self.tmp.name, "output")
        with open(config, "w") as f:
            # An explicitly named profile takes the environment's keys out of the chain: its own keys.
            f.write("[default]\noutput = text\n[profile other]\noutput = yaml\n"
                    "aws_access_key_id = AKIDOUT\naws_secret_access_key = out/secret\n")
        q = ("--query", "queuedJobs[0].jobId")
        self.assertEqual(self.ok(self.pending(*q, AWS_CONFIG_FILE=config)), "j2\n")
        self.assertEqual(self.ok(self.pending(*q, "--profile", "other", AWS_CONFIG_FILE=config)), "j2\n...\n")
        self.assertEqual(self.ok(self.pending(*q, AWS_CONFIG_FILE=config, AWS_PROFILE="other")), "j2\n...\n")
        self.assertEqual(self.ok(self.pending(*q, AWS_CONFIG_FILE=config, AWS_DEFAULT_OUTPUT="json")), '"j2"\n')
        self.assertEqual(self.ok(self.pending(*q, "--output", "json", AWS_CONFIG_FILE=config,
                                              AWS_DEFAULT_OUTPUT="yaml")), '"j2"\n')

    def test_bad_output_names_are_refused(self):
        r = self.pending("--output", "xml")
        self.assertEqual(r.returncode, 252, r.stdout + r.stderr)
        self.assertIn("--output: invalid choice 'xml', valid choices are: json | text | table | yaml", r.stderr)
        r = self.pending(AWS_DEFAULT_OUTPUT="csv")
        self.assertEqual(r.returncode, 253, r.stdout + r.stderr)
        self.assertIn("AWS_DEFAULT_OUTPUT: invalid choice 'csv'", r.stderr)
        r = self.pending("--output")
        self.assertEqual(r.returncode, 252)
        self.assertIn("--output needs a value", r.stderr)
        self.assertEqual(self.server.requests, [])

    def test_no_cli_pager_is_accepted(self):
        self.assertEqual(self.ok(self.pending("--no-cli-pager", "--query", "length(queuedJobs)")), "2\n")

    def test_control_characters_are_escaped_in_every_format(self):
        for fmt in ("json", "text", "table", "yaml"):
            with self.subTest(fmt=fmt):
                r = self.run_cli("iot-jobs-data", "describe-job-execution", "--thing-name", "evil", "--job-id", "j1",
                                 "--output", fmt, "--query", "execution.statusDetails")
                out = self.ok(r)
                for c in "\x1b\x07\r":
                    self.assertNotIn(c, out)
                self.assertIn("[31mred", out)


if __name__ == "__main__":
    unittest.main()
