"""The awsc CLI and the device agent against injected faults (emulator --faults).

Each case scripts the emulator's next data-plane replies through its /_faults
debug endpoint, runs the CLI once, and reads back what the emulator saw: one
log entry per attempt with the amz-sdk-invocation-id, amz-sdk-request and
clientToken. The fault table (fault x operation -> attempts, outcome) is
printed at the end.
"""
import json
import os
import re
import signal
import subprocess
import sys
import time
import unittest
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, ROOT)

from emulator.control import ControlPlane  # noqa: E402

BIN = os.path.join(os.environ.get("AWSC_BINARY_DIR", os.path.join(ROOT, "build")), "bin")
AKID, SECRET, REGION, ACCOUNT = "AKIDFAULTS", "faults/secret", "us-east-1", "123456789012"
RETRYABLE = ("429", "500", "502", "503", "504", "close", "truncate", "slow")
OPS = ("GetPendingJobExecutions", "UpdateJobExecution", "StartCommandExecution")
SLOW_DELAY = 3  # seconds the emulator stalls; the CLI read timeout is 1 s
TABLE = []


class Faults(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        for tool in ("awsc", "device_agent"):
            if not os.access(os.path.join(BIN, tool), os.X_OK):
                raise AssertionError(f"{BIN}/{tool} is missing: build first")
        cls.proc = subprocess.Popen([sys.executable, "-m", "emulator", "--port", "0", "--credentials",
                                     f"{AKID}:{SECRET}", "--region", REGION, "--faults", "off"],
                                    cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        line = cls.proc.stdout.readline()
        cls.endpoint = re.search(r"(http://\S+)", line).group(1)
        cls.cp = ControlPlane(cls.endpoint, AKID, SECRET, REGION)
        cls.env = dict(os.environ, AWS_ACCESS_KEY_ID=AKID, AWS_SECRET_ACCESS_KEY=SECRET, AWS_REGION=REGION)
        for name in ("AWS_SESSION_TOKEN", "AWS_PROFILE", "AWS_RETRY_MODE", "AWS_MAX_ATTEMPTS"):
            cls.env.pop(name, None)
        cls.counter = 0

    @classmethod
    def tearDownClass(cls):
        cls.proc.send_signal(signal.SIGTERM)
        cls.proc.wait(timeout=10)
        cls.proc.stdout.close()
        cls.proc.stderr.close()
        if TABLE:
            out = ["", "fault table (fault x operation -> attempts, outcome)",
                   f"{'fault':<12} {'operation':<30} {'attempts':>8}  outcome"]
            out += [f"{f:<12} {o:<30} {a:>8}  {r}" for f, o, a, r in sorted(TABLE)]
            print("\n".join(out), file=sys.stderr)

    # ---- helpers --------------------------------------------------------

    def faults(self, spec=None):
        """POST a new spec (clears the log) or GET the current state; signed, as the emulator requires."""
        return self.cp.faults(spec)

    def fresh_thing(self):
        Faults.counter += 1
        return f"fault-thing-{Faults.counter}"

    def setup_op(self, op):
        """Create what op needs; return its CLI arguments."""
        t = self.fresh_thing()
        if op == "GetPendingJobExecutions":
            return ["get-pending-job-executions", "--thing-name", t]
        if op == "UpdateJobExecution":
            job = f"job-{t}"
            self.cp.create_job(job, [t], json.dumps({"steps": []}))
            return ["update-job-execution", "--thing-name", t, "--job-id", job, "--status", "IN_PROGRESS"]
        return ["start-command-execution", "--target-arn", f"arn:aws:iot:{REGION}:{ACCOUNT}:thing/{t}",
                "--command-arn", f"arn:aws:iot:{REGION}:{ACCOUNT}:command/reboot"]

    def run_cli(self, args, spec, *extra):
        self.faults(spec)
        start = time.monotonic()
        r = subprocess.run([os.path.join(BIN, "awsc"), "iot-jobs-data", *args, "--endpoint-url", self.endpoint,
                            *extra], env=self.env, capture_output=True, text=True, timeout=60)
        elapsed = time.monotonic() - start
        return r, self.faults()["requests"], elapsed

    def check_attempts(self, seen, n, op):
        """n attempts of one invocation, numbered 1..n, same idempotency token."""
        self.assertEqual(len(seen), n, seen)
        self.assertTrue(all(s["operation"] == op for s in seen), seen)
        ids = {s["invocationId"] for s in seen}
        self.assertEqual(len(ids), 1, f"invocation id changed across attempts: {seen}")
        self.assertRegex(ids.pop() or "", r"^[0-9a-f-]{36}$")
        self.assertEqual([s["sdkRequest"] for s in seen], [f"attempt={i}; max=3" for i in range(1, n + 1)])
        if op == "StartCommandExecution":
            tokens = {s["clientToken"] for s in seen}
            self.assertEqual(len(tokens), 1, f"clientToken changed across attempts: {seen}")
            self.assertTrue(tokens.pop(), "no clientToken sent")

    # ---- one fault, then success ----------------------------------------

    def test_fault_then_success(self):
        for kind in RETRYABLE + ("lostreply",):
            for op in OPS:
                with self.subTest(fault=kind, op=op):
                    extra = ("--cli-read-timeout", "1") if kind == "slow" else ()
                    r, seen, elapsed = self.run_cli(self.setup_op(op), f"script={kind},ok,delay={SLOW_DELAY}",
                                                    *extra)
                    TABLE.append((kind, op, len(seen), f"exit {r.returncode}"))
                    self.assertEqual(r.returncode, 0, r.stderr)
                    self.check_attempts(seen, 2, op)
                    self.assertEqual([s["fault"] for s in seen], [kind, "ok"])
                    json.loads(r.stdout or "{}")  # an empty output prints nothing, as in the AWS CLI
                    if kind == "slow":
                        # one read timeout (1 s) plus a short backoff, never the full stall
                        self.assertLess(elapsed, SLOW_DELAY, "slow reply not cut off by --cli-read-timeout")

    def test_lost_reply_start_command_is_idempotent(self):
        args = self.setup_op("StartCommandExecution")
        first, seen, _ = self.run_cli(args + ["--client-token", "tok-lost-1"], "script=lostreply,ok")
        self.assertEqual(first.returncode, 0, first.stderr)
        self.check_attempts(seen, 2, "StartCommandExecution")
        again, _, _ = self.run_cli(args + ["--client-token", "tok-lost-1"], "off")
        self.assertEqual(json.loads(first.stdout)["executionId"], json.loads(again.stdout)["executionId"])

    def test_lost_reply_of_succeeded_update(self):
        # UpdateJobExecution has no idempotency token: the retry of an applied
        # SUCCEEDED meets a terminal execution. The execution still moved once.
        t = self.fresh_thing()
        self.cp.create_job(f"job-{t}", [t], json.dumps({"steps": []}))
        r, seen, _ = self.run_cli(["update-job-execution", "--thing-name", t, "--job-id", f"job-{t}",
                                   "--status", "SUCCEEDED"], "script=lostreply,ok")
        TABLE.append(("lostreply", "UpdateJobExecution SUCCEEDED", len(seen), f"exit {r.returncode}"))
        self.check_attempts(seen, 2, "UpdateJobExecution")
        self.assertEqual(r.returncode, 254, r.stderr)
        self.assertIn("InvalidStateTransitionException", r.stderr)
        self.assertEqual(self.faults()["succeeded"][f"{t}/job-{t}"], 1)
        self.assertEqual(self.cp.describe_job_execution(t, f"job-{t}")["status"], "SUCCEEDED")

    # ---- three faults in a row: the CLI gives up -------------------------

    def test_three_faults_exhaust_retries(self):
        expect = {"429": (254, "ThrottlingException"), "500": (254, "InternalServerException"),
                  "502": (254, "An error occurred ("), "503": (254, "ServiceUnavailableException"), "504": (254, "An error occurred ("),
                  "close": (255, "transport error"), "truncate": (255, "transport error"),
                  "slow": (255, "transport error")}
        for kind in RETRYABLE:
            for op in OPS[:2]:
                with self.subTest(fault=kind, op=op):
                    extra = ("--cli-read-timeout", "1") if kind == "slow" else ()
                    r, seen, elapsed = self.run_cli(self.setup_op(op), f"script={kind},{kind},{kind},ok,delay=2",
                                                    *extra)
                    TABLE.append((kind + " x3", op, len(seen), f"exit {r.returncode}"))
                    rc, text = expect[kind]
                    self.assertEqual(r.returncode, rc, r.stderr)
                    self.assertIn(text, r.stderr)
                    self.assertEqual(r.stdout, "")
                    self.check_attempts(seen, 3, op)
                    if kind == "slow":
                        self.assertLess(elapsed, 3 * 1 + 6, "retries of timed-out reads take too long")

    def test_garbage_is_not_retried(self):
        for op in OPS:
            with self.subTest(op=op):
                r, seen, _ = self.run_cli(self.setup_op(op), "script=garbage,ok")
                TABLE.append(("garbage", op, len(seen), f"exit {r.returncode}"))
                self.assertEqual(r.returncode, 255, r.stderr)
                self.assertIn("malformed response", r.stderr)
                self.check_attempts(seen, 1, op)

    def test_faulted_request_changes_nothing(self):
        t = self.fresh_thing()
        job = f"job-{t}"
        self.cp.create_job(job, [t], json.dumps({"steps": []}))
        r, seen, _ = self.run_cli(["update-job-execution", "--thing-name", t, "--job-id", job,
                                   "--status", "IN_PROGRESS"], "script=503,503,503")
        self.assertEqual(r.returncode, 254)
        ex = self.cp.describe_job_execution(t, job)
        self.assertEqual((ex["status"], ex["versionNumber"]), ("QUEUED", 1))

    # ---- the device agent under random faults ----------------------------

    def test_agent_completes_every_job_under_random_faults(self):
        things = [self.fresh_thing(), self.fresh_thing()]
        jobs = [f"agent-fault-{i}-{things[0]}" for i in range(10)]
        for job in jobs:
            self.cp.create_job(job, things,
                               json.dumps({"steps": [{"action": "echo", "message": job}]}))
        self.faults("rate=0.2,seed=7,kinds=429+500+502+503+504+close+truncate+lostreply")
        runs = {}
        for t in things:
            # The agent may give up on a call after 3 faults in a row; running it
            # again must pick up where it stopped (a real device restarts).
            for runs[t] in range(1, 6):
                p = subprocess.run([os.path.join(BIN, "device_agent"), "--thing", t, "--endpoint", self.endpoint,
                                    "--poll-interval", "0.1", "--until-idle"],
                                   env=self.env, capture_output=True, text=True, timeout=120)
                left = [j for j in jobs if self.cp.describe_job_execution(t, j)["status"] != "SUCCEEDED"]
                if p.returncode == 0 and not left:
                    break
            self.assertEqual(left, [], f"{t}: {p.stdout}{p.stderr}")
        state = self.faults()
        faulted = [s["fault"] for s in state["requests"] if s["fault"] != "ok"]
        self.assertGreater(len(faulted), 0, "the fault rate injected nothing")
        for t in things:
            for job in jobs:
                self.assertEqual(state["succeeded"].get(f"{t}/{job}"), 1, f"{t}/{job} SUCCEEDED count")
        TABLE.append(("random20%", "device_agent 20 executions", len(state["requests"]),
                      f"all SUCCEEDED once; {len(faulted)} faults; agent runs {runs}"))


if __name__ == "__main__":
    unittest.main()
