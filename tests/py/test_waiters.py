"""Waiters of official models through `awsc <service> wait <waiter>`, against one loopback server
whose answers change from call to call: DynamoDB TableExists/TableNotExists (awsJson1_0, errorType
acceptors), Lambda FunctionActiveV2 (restJson1), ECS ServicesStable/ServicesInactive (awsJson1_1,
anyStringEquals and a booleanEquals over a filter), CloudFormation StackCreateComplete/StackExists
(awsQuery, allStringEquals and the ValidationError errorType) and S3 BucketExists/ObjectExists/
ObjectNotExists (restXml HEADs), each driven to success, failure and timeout.

The models come from ../shared/models/aws-fleet.tar.xz, extracted at run time and built into one
`awsc` with -DAWSC_MODEL_DIRS (S3 is our vendored model). The CLI waits in real time, so every
run sets --cli-wait-min-delay 1 --cli-wait-max-delay 1 and the runs go in parallel. Prints
`waiters: P passed, S skipped, F failed`."""
import concurrent.futures
import fcntl
import http.server
import json
import os
import shutil
import subprocess
import sys
import tarfile
import threading
import time
import unittest
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))

from tests.py.shared import ROOT, require  # noqa: E402

SCALE = float(os.environ.get("AWSC_TEST_TIME_SCALE", "1") or 1)
MODELS = ("dynamodb", "lambda", "ecs", "cloudformation")
RESULTS = {"passed": 0, "skipped": 0, "failed": 0}


def build_cli():
    """`awsc` with the four fleet models and S3, built once in the build tree (locked against ctest -j)."""
    out = os.path.join(os.environ.get("AWSC_BINARY_DIR", os.path.join(ROOT, "build")), "waiters-cli")
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(out, ".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        models = os.path.join(out, "models")
        if not os.path.isdir(models):  # only the four models of the archive, read at run time
            with tarfile.open(require("models/aws-fleet.tar.xz")) as tar:
                os.makedirs(models + ".tmp", exist_ok=True)
                for member in tar.getmembers():
                    stem = os.path.basename(member.name)[:-5]
                    if member.isfile() and member.name.endswith(".json") and stem in MODELS:
                        with tar.extractfile(member) as src, open(os.path.join(models + ".tmp", stem + ".json"),
                                                                  "wb") as dst:
                            shutil.copyfileobj(src, dst)
            os.rename(models + ".tmp", models)
        r = subprocess.run(["cmake", "-S", ROOT, "-B", out, f"-DAWSC_MODEL_DIRS={models}",
                            f"-DAWSC_SERVICES={';'.join(MODELS + ('s3',))}", "-DAWSC_BUILD_TESTS=OFF",
                            "-DAWSC_BUILD_EXAMPLES=OFF", "-DAWSC_INSTALL=OFF", "-DBUILD_SHARED_LIBS=OFF",
                            "-DAWSC_BUILD_AGENT=OFF", "-DCMAKE_BUILD_TYPE=Debug",
                            f"-DAWSC_PYTHON={os.environ.get('AWSC_PYTHON', sys.executable)}"],
                           capture_output=True, text=True)
        assert r.returncode == 0, r.stdout[-4000:] + r.stderr[-4000:]
        r = subprocess.run(["cmake", "--build", out, "--target", "awsc", "-j", "2"], capture_output=True, text=True)
        assert r.returncode == 0, r.stdout[-4000:] + r.stderr[-4000:]
    return os.path.join(out, "bin", "awsc")


class Script:
    """Per resource name, the answers still to give: each call takes the first; the last one repeats."""

    def __init__(self):
        self.lock = threading.Lock()
        self.answers = {}
        self.calls = {}

    def set(self, name, answers):
        with self.lock:
            self.answers[name] = list(answers)
            self.calls[name] = 0

    def next(self, name):
        with self.lock:
            queue = self.answers.get(name)
            self.calls[name] = self.calls.get(name, 0) + 1
            if not queue:
                return (500, "application/json", {"__type": "InternalFailure", "message": f"no script for {name}"})
            return queue.pop(0) if len(queue) > 1 else queue[0]


SCRIPT = Script()


def json_answer(status, body):
    return (status, "application/json", body)


def xml_answer(status, body):
    return (status, "text/xml", body)


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def answer(self, status, ctype, body, head=False):
        data = body.encode() if isinstance(body, str) else json.dumps(body).encode() if body is not None else b""
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("x-amzn-RequestId", "req-wait")
        self.send_header("Content-Length", "0" if head else str(len(data)))
        self.end_headers()
        if not head:
            self.wfile.write(data)

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        target = self.headers.get("X-Amz-Target", "")
        if target == "DynamoDB_20120810.DescribeTable":
            name = json.loads(body)["TableName"]
        elif target == "AmazonEC2ContainerServiceV20141113.DescribeServices":
            name = ",".join(json.loads(body)["services"])
        else:  # CloudFormation's awsQuery form
            form = urllib.parse.parse_qs(body.decode())
            assert form.get("Action") == ["DescribeStacks"], form
            name = form["StackName"][0]
        self.answer(*SCRIPT.next(name))

    def do_GET(self):  # Lambda GetFunction: /2015-03-31/functions/{name}
        name = urllib.parse.unquote(self.path.split("?")[0].rsplit("/", 1)[-1])
        self.answer(*SCRIPT.next(name))

    def do_HEAD(self):  # S3 HeadBucket /bucket, HeadObject /bucket/key
        name = urllib.parse.unquote(self.path.split("?")[0].strip("/"))
        status, ctype, body = SCRIPT.next(name)
        self.answer(status, ctype, body, head=True)

    def log_message(self, *args):
        pass


def table(status):
    return json_answer(200, {"Table": {"TableName": "t", "TableStatus": status}})


NO_TABLE = json_answer(400, {"__type": "com.amazonaws.dynamodb.v20120810#ResourceNotFoundException",
                             "message": "Requested resource not found"})
DENIED = json_answer(400, {"__type": "AccessDeniedException", "message": "not allowed"})


def function(state):
    return json_answer(200, {"Configuration": {"FunctionName": "f", "State": state}})


def services(*svcs, failures=()):
    return json_answer(200, {"services": [dict(serviceName=f"s{i}", status=s, runningCount=r, desiredCount=d,
                                               deployments=[{"id": f"d{k}"} for k in range(n)])
                                          for i, (s, r, d, n) in enumerate(svcs)],
                             "failures": [{"arn": "arn:x", "reason": f} for f in failures]})


def stacks(*statuses):
    members = "".join(f"<member><StackName>s</StackName><StackStatus>{s}</StackStatus>"
                      "<CreationTime>2024-01-02T03:04:05Z</CreationTime></member>" for s in statuses)
    return xml_answer(200, '<DescribeStacksResponse xmlns="http://cloudformation.amazonaws.com/doc/2010-05-15/">'
                           f"<DescribeStacksResult><Stacks>{members}</Stacks></DescribeStacksResult>"
                           "<ResponseMetadata><RequestId>r1</RequestId></ResponseMetadata></DescribeStacksResponse>")


NO_STACK = xml_answer(400, '<ErrorResponse xmlns="http://cloudformation.amazonaws.com/doc/2010-05-15/"><Error>'
                           "<Type>Sender</Type><Code>ValidationError</Code><Message>Stack with id s does not exist"
                           "</Message></Error><RequestId>r2</RequestId></ErrorResponse>")
FOUND = xml_answer(200, "")
NOT_FOUND = xml_answer(404, "")

# name, answers in order, CLI arguments, expected exit status, expected calls, text expected on stderr
CASES = [
    ("ddb-exists", [NO_TABLE, table("CREATING"), table("ACTIVE")],
     ["dynamodb", "wait", "table-exists", "--table-name", "ddb-exists"], 0, 3, None),
    ("ddb-gone", [table("DELETING"), NO_TABLE],
     ["dynamodb", "wait", "table-not-exists", "--table-name", "ddb-gone"], 0, 2, None),
    ("ddb-denied", [NO_TABLE, DENIED],
     ["dynamodb", "wait", "table-exists", "--table-name", "ddb-denied"], 255, 2,
     "Waiter TableExists failed: AccessDeniedException: not allowed"),
    ("ddb-slow", [table("CREATING")],
     ["dynamodb", "wait", "table-exists", "--table-name", "ddb-slow", "--cli-wait-timeout", "2"], 255, 2,
     "Waiter TableExists failed: Max wait time of 2 seconds exceeded after 2 attempts"),
    ("fn-ok", [function("Pending"), function("Pending"), function("Active")],
     ["lambda", "wait", "function-active-v2", "--function-name", "fn-ok"], 0, 3, None),
    ("fn-bad", [function("Pending"), function("Failed")],
     ["lambda", "wait", "function-active-v2", "--function-name", "fn-bad"], 255, 2,
     'Waiter FunctionActiveV2 failed: For expression "Configuration.State" we matched expected path: "Failed"'),
    ("fn-slow", [function("Pending")],
     ["lambda", "wait", "function-active-v2", "--function-name", "fn-slow", "--cli-wait-timeout", "2"], 255, 2,
     "Max wait time of 2 seconds exceeded"),
    ("ecs-ok", [services(("ACTIVE", 1, 2, 2)), services(("ACTIVE", 2, 2, 2), ("ACTIVE", 1, 1, 1)),
                services(("ACTIVE", 2, 2, 1), ("ACTIVE", 1, 1, 1))],
     ["ecs", "wait", "services-stable", "--cluster", "c", "--services", '["ecs-ok"]'], 0, 3, None),
    ("ecs-missing", [services(("ACTIVE", 0, 1, 1)), services(failures=["MISSING"])],
     ["ecs", "wait", "services-stable", "--cluster", "c", "--services", '["ecs-missing"]'], 255, 2,
     'For expression "failures[].reason" we matched expected path: "MISSING" at least once'),
    ("ecs-draining", [services(("ACTIVE", 1, 1, 1), ("DRAINING", 0, 0, 1))],
     ["ecs", "wait", "services-stable", "--cluster", "c", "--services", '["ecs-draining"]'], 255, 1,
     '"services[].status" we matched expected path: "DRAINING"'),
    ("ecs-inactive", [services(("ACTIVE", 1, 1, 1)), services(("INACTIVE", 0, 0, 1))],
     ["ecs", "wait", "services-inactive", "--cluster", "c", "--services", '["ecs-inactive"]'], 0, 2, None),
    ("ecs-slow", [services(("ACTIVE", 1, 2, 1))],
     ["ecs", "wait", "services-stable", "--cluster", "c", "--services", '["ecs-slow"]',
      "--cli-wait-timeout", "3"], 255, 3, "Waiter ServicesStable failed: Max wait time of 3 seconds exceeded"),
    ("cfn-ok", [stacks("CREATE_IN_PROGRESS"), stacks("CREATE_COMPLETE")],
     ["cloudformation", "wait", "stack-create-complete", "--stack-name", "cfn-ok"], 0, 2, None),
    ("cfn-rollback", [stacks("CREATE_IN_PROGRESS"), stacks("ROLLBACK_COMPLETE")],
     ["cloudformation", "wait", "stack-create-complete", "--stack-name", "cfn-rollback"], 255, 2,
     '"Stacks[].StackStatus" we matched expected path: "ROLLBACK_COMPLETE"'),
    ("cfn-none", [NO_STACK],
     ["cloudformation", "wait", "stack-create-complete", "--stack-name", "cfn-none"], 255, 1,
     "Waiter StackCreateComplete failed: Matched expected service error code: ValidationError "
     "(last error: ValidationError: Stack with id s does not exist)"),
    ("cfn-exists", [NO_STACK, NO_STACK, stacks("CREATE_IN_PROGRESS")],
     ["cloudformation", "wait", "stack-exists", "--stack-name", "cfn-exists"], 0, 3, None),
    ("cfn-slow", [stacks("CREATE_IN_PROGRESS")],
     ["cloudformation", "wait", "stack-create-complete", "--stack-name", "cfn-slow", "--cli-wait-timeout", "2"],
     255, 2, "Waiter StackCreateComplete failed: Max wait time of 2 seconds exceeded"),
    ("bkt", [NOT_FOUND, NOT_FOUND, FOUND], ["s3api", "wait", "bucket-exists", "--bucket", "bkt"], 0, 3, None),
    ("bkt2/obj", [FOUND, NOT_FOUND],
     ["s3api", "wait", "object-not-exists", "--bucket", "bkt2", "--key", "obj"], 0, 2, None),
    ("bkt3/slow", [NOT_FOUND],
     ["s3api", "wait", "object-exists", "--bucket", "bkt3", "--key", "slow", "--cli-wait-timeout", "2"], 255, 2,
     "Waiter ObjectExists failed: Max wait time of 2 seconds exceeded after 2 attempts (last error: NotFound: HTTP 404)"),
    ("bkt4", [xml_answer(403, "")], ["s3api", "wait", "bucket-exists", "--bucket", "bkt4"], 255, 1,
     "Waiter BucketExists failed: HTTP 403"),
]


class Waiters(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        try:
            cls.awsc_bin = build_cli()
        except unittest.SkipTest:
            RESULTS["skipped"] += 1
            raise
        except BaseException:
            RESULTS["failed"] += 1
            raise
        cls.srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=cls.srv.serve_forever, daemon=True).start()
        cls.endpoint = f"http://127.0.0.1:{cls.srv.server_address[1]}"
        cls.env = dict(os.environ, AWS_ACCESS_KEY_ID="AKIDEXAMPLE", AWS_SECRET_ACCESS_KEY="secret",
                       AWS_REGION="us-east-1", AWS_CONFIG_FILE="/nonexistent",
                       AWS_SHARED_CREDENTIALS_FILE="/nonexistent", AWS_MAX_ATTEMPTS="1",
                       NO_PROXY="127.0.0.1,localhost")
        cls.env.pop("AWS_SESSION_TOKEN", None)

    @classmethod
    def tearDownClass(cls):
        if hasattr(cls, "srv"):
            cls.srv.shutdown()
            cls.srv.server_close()
        print(f"waiters: {RESULTS['passed']} passed, {RESULTS['skipped']} skipped, {RESULTS['failed']} failed",
              flush=True)

    def awsc(self, *args, timeout=60):
        return subprocess.run([self.awsc_bin, *args, "--endpoint-url", self.endpoint], env=self.env,
                              capture_output=True, text=True, timeout=timeout * SCALE)

    def counted(self, fn):
        try:
            fn()
        except BaseException:
            RESULTS["failed"] += 1
            raise
        RESULTS["passed"] += 1

    def run_case(self, case):
        name, answers, args, want_rc, want_calls, want_text = case
        SCRIPT.set(name, answers)
        start = time.monotonic()
        r = self.awsc(*args, "--cli-wait-min-delay", "1", "--cli-wait-max-delay", "1")
        return case, r, SCRIPT.calls.get(name, 0), time.monotonic() - start

    def test_fleet_waiters(self):
        """Every case in parallel (each waits about a second per retry); each one counted."""
        with concurrent.futures.ThreadPoolExecutor(max_workers=6) as pool:
            results = list(pool.map(self.run_case, CASES))
        for (name, _, args, want_rc, want_calls, want_text), r, calls, took in results:
            with self.subTest(case=name, args=" ".join(args[:3])):
                def check():
                    self.assertEqual(r.returncode, want_rc, f"{args}: {r.stdout}{r.stderr}")
                    self.assertEqual(calls, want_calls, f"{args}: {r.stderr}")
                    self.assertEqual(r.stdout, "", "wait prints nothing, as the AWS CLI")
                    if want_text:
                        self.assertIn(want_text, r.stderr)
                    else:
                        self.assertEqual(r.stderr, "")
                    # one second between calls: real delays, and a timeout keeps to its deadline
                    self.assertGreaterEqual(took, (want_calls - 1) * 0.95)
                self.counted(check)

    def test_usage(self):
        def check():
            r = self.awsc("dynamodb", "wait")
            self.assertEqual(r.returncode, 252)
            self.assertIn("table-exists", r.stderr)
            self.assertIn("table-not-exists", r.stderr)
            r = self.awsc("dynamodb", "wait", "table-gone")
            self.assertEqual(r.returncode, 252)
            self.assertIn("dynamodb has no waiter 'table-gone'", r.stderr)
            r = self.awsc("dynamodb", "wait", "table-exists", "--table-name", "t", "--cli-wait-timeout", "0")
            self.assertEqual(r.returncode, 252)
            self.assertIn("--cli-wait-timeout needs a whole number of seconds", r.stderr)
            # the waiter's rules: minDelay <= maxDelay, checked before anything is sent
            SCRIPT.set("t-usage", [table("ACTIVE")])
            r = self.awsc("dynamodb", "wait", "table-exists", "--table-name", "t-usage", "--cli-wait-min-delay", "9",
                          "--cli-wait-max-delay", "3")
            self.assertEqual(r.returncode, 252, r.stderr)
            self.assertIn("min_delay <= max_delay", r.stderr)
            self.assertEqual(SCRIPT.calls["t-usage"], 0)
            r = self.awsc("dynamodb", "wait", "table-exists")  # the operation's required member
            self.assertEqual(r.returncode, 252, r.stderr)
            r = self.awsc("dynamodb", "wait", "table-exists", "help")
            self.assertEqual(r.returncode, 0)
            self.assertIn("--table-name", r.stdout)
        self.counted(check)


if __name__ == "__main__":
    unittest.main()
