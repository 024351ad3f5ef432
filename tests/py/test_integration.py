"""The awsc CLI and the device agent against the local IoT Jobs service (emulator/).

Every operation, the modeled errors the emulator can produce, a version
conflict, a step timeout, a cancellation seen by the device, idempotent
StartCommandExecution and a bad signature, end to end over real HTTP.
"""
import json
import os
import re
import signal
import subprocess
import sys
import time
import unittest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, ROOT)

from emulator.control import ControlPlane  # noqa: E402

BIN = os.path.join(os.environ.get("AWSC_BINARY_DIR", os.path.join(ROOT, "build")), "bin")
AKID, SECRET, REGION = "AKIDINTEGRATION", "integration/secret+key", "us-east-1"


class LocalService(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        for tool in ("awsc", "device_agent"):
            if not os.access(os.path.join(BIN, tool), os.X_OK):
                raise AssertionError(f"{BIN}/{tool} is missing: build first")
        cls.proc = subprocess.Popen([sys.executable, "-m", "emulator", "--port", "0", "--credentials",
                                     f"{AKID}:{SECRET}", "--region", REGION],
                                    cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        line = cls.proc.stdout.readline()
        cls.endpoint = re.search(r"(http://\S+)", line).group(1)
        cls.cp = ControlPlane(cls.endpoint, AKID, SECRET, REGION)
        cls.env = dict(os.environ, AWS_ACCESS_KEY_ID=AKID, AWS_SECRET_ACCESS_KEY=SECRET, AWS_REGION=REGION)
        cls.env.pop("AWS_SESSION_TOKEN", None)
        cls.counter = 0

    @classmethod
    def tearDownClass(cls):
        cls.proc.send_signal(signal.SIGTERM)
        cls.proc.wait(timeout=10)
        cls.proc.stdout.close()
        cls.proc.stderr.close()

    def thing(self):
        LocalService.counter += 1
        return f"it-thing-{LocalService.counter}"

    def awsc(self, op, *args, env=None, expect=0):
        r = subprocess.run([os.path.join(BIN, "awsc"), "iot-jobs-data", op, "--endpoint-url", self.endpoint, *args],
                           env=env or self.env, capture_output=True, text=True, timeout=30)
        self.assertEqual(r.returncode, expect, f"awsc {op} {args}: {r.stdout}{r.stderr}")
        return json.loads(r.stdout) if expect == 0 and r.stdout.strip() else r.stderr

    def job(self, job_id, thing, steps=None, **extra):
        doc = json.dumps({"steps": steps or [{"action": "echo", "message": "hi"}]})
        self.cp.create_job(job_id, [thing], doc, **extra)

    # ---- every operation through the CLI ----

    def test_every_operation_through_the_cli(self):
        t = self.thing()
        self.job("op-a", t)
        self.job("op-b", t)
        pending = self.awsc("get-pending-job-executions", "--thing-name", t)
        self.assertEqual([j["jobId"] for j in pending["queuedJobs"]], ["op-a", "op-b"])
        self.assertEqual(pending.get("inProgressJobs", []), [])
        started = self.awsc("start-next-pending-job-execution", "--thing-name", t,
                            "--status-details", '{"agent":"cli"}', "--step-timeout-in-minutes", "5")
        ex = started["execution"]
        self.assertEqual((ex["jobId"], ex["status"], ex["statusDetails"]), ("op-a", "IN_PROGRESS", {"agent": "cli"}))
        desc = self.awsc("describe-job-execution", "--thing-name", t, "--job-id", "$next", "--no-include-job-document")
        self.assertEqual(desc["execution"]["jobId"], "op-a")
        self.assertNotIn("jobDocument", desc["execution"])
        upd = self.awsc("update-job-execution", "--thing-name", t, "--job-id", "op-a", "--status", "SUCCEEDED",
                        "--expected-version", str(ex["versionNumber"]), "--include-job-execution-state")
        self.assertEqual(upd["executionState"]["status"], "SUCCEEDED")
        self.assertEqual(upd["executionState"]["versionNumber"], ex["versionNumber"] + 1)
        cmd = self.awsc("start-command-execution", "--cli-input-json", json.dumps({
            "targetArn": self.cp.thing_arn(t), "commandArn": "arn:aws:iot:us-east-1:123456789012:command/reboot",
            "parameters": {"delay": {"L": 9007199254740993}, "blob": {"BIN": "AAEC"}}}))
        self.assertRegex(cmd["executionId"], r"^[A-Za-z0-9_-]+$")

    def test_nothing_pending_gives_an_empty_answer(self):
        out = self.awsc("start-next-pending-job-execution", "--thing-name", self.thing())
        self.assertEqual(out, "")  # an empty output prints nothing, as in the AWS CLI

    # ---- modeled errors ----

    def test_modeled_errors(self):
        t = self.thing()
        err = self.awsc("describe-job-execution", "--thing-name", t, "--job-id", "nope", expect=254)
        self.assertIn("(ResourceNotFoundException)", err)
        self.job("err-a", t)
        self.awsc("update-job-execution", "--thing-name", t, "--job-id", "err-a", "--status", "SUCCEEDED")
        err = self.awsc("update-job-execution", "--thing-name", t, "--job-id", "err-a", "--status", "IN_PROGRESS",
                        expect=254)
        self.assertIn("(InvalidStateTransitionException)", err)
        err = self.awsc("update-job-execution", "--thing-name", "bad name!", "--job-id", "x", "--status",
                        "SUCCEEDED", expect=254)
        self.assertIn("(InvalidRequestException)", err)

    def test_version_conflict(self):
        t = self.thing()
        self.job("ver-a", t)
        ex = self.awsc("start-next-pending-job-execution", "--thing-name", t)["execution"]
        err = self.awsc("update-job-execution", "--thing-name", t, "--job-id", "ver-a", "--status", "IN_PROGRESS",
                        "--expected-version", str(ex["versionNumber"] + 7), expect=254)
        self.assertRegex(err, r"\((InvalidStateTransition|VersionConflict|Conflict)Exception\)")

    def test_step_timeout(self):
        t = self.thing()
        self.job("slow", t)
        self.awsc("start-next-pending-job-execution", "--thing-name", t, "--step-timeout-in-minutes", "1")
        # The emulator has no fast clock from outside; -1 must cancel the timer, 1 minute must arm it.
        ex = self.awsc("describe-job-execution", "--thing-name", t, "--job-id", "slow")["execution"]
        self.assertIn("approximateSecondsBeforeTimedOut", ex)
        self.assertLessEqual(ex["approximateSecondsBeforeTimedOut"], 60)
        self.awsc("update-job-execution", "--thing-name", t, "--job-id", "slow", "--status", "IN_PROGRESS",
                  "--step-timeout-in-minutes", "-1")
        ex = self.awsc("describe-job-execution", "--thing-name", t, "--job-id", "slow")["execution"]
        self.assertNotIn("approximateSecondsBeforeTimedOut", ex)

    def test_start_command_execution_is_idempotent(self):
        t = self.thing()
        body = {"targetArn": self.cp.thing_arn(t), "commandArn": "arn:aws:iot:us-east-1:123456789012:command/c",
                "clientToken": "token-123", "executionTimeoutSeconds": 30}
        a = self.awsc("start-command-execution", "--cli-input-json", json.dumps(body))
        b = self.awsc("start-command-execution", "--cli-input-json", json.dumps(body))
        self.assertEqual(a["executionId"], b["executionId"])
        body["executionTimeoutSeconds"] = 31
        err = self.awsc("start-command-execution", "--cli-input-json", json.dumps(body), expect=254)
        self.assertIn("(ConflictException)", err)

    def test_a_bad_signature_is_rejected(self):
        env = dict(self.env, AWS_SECRET_ACCESS_KEY="not-the-secret")
        err = self.awsc("get-pending-job-executions", "--thing-name", "x", env=env, expect=254)
        self.assertIn("(InvalidSignatureException)", err)
        env = dict(self.env, AWS_ACCESS_KEY_ID="AKIDUNKNOWN")
        err = self.awsc("get-pending-job-executions", "--thing-name", "x", env=env, expect=254)
        self.assertIn("(UnrecognizedClientException)", err)

    # ---- the device agent ----

    def agent(self, thing, *extra, timeout=60):
        return subprocess.Popen([os.path.join(BIN, "device_agent"), "--thing", thing, "--endpoint", self.endpoint,
                                 "--poll-interval", "0.2", *extra],
                                env=self.env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)

    def test_agent_runs_jobs_to_their_end(self):
        t = self.thing()
        self.job("ag-ok", t, [{"action": "echo", "message": "a"}, {"action": "sleep", "seconds": 0.1}])
        self.job("ag-fail", t, [{"action": "fail", "reason": "broken"}])
        self.job("ag-bad", t, [{"action": "teleport"}])
        out, _ = self.agent(t, "--until-idle").communicate(timeout=60)
        for job, status in (("ag-ok", "SUCCEEDED"), ("ag-fail", "FAILED"), ("ag-bad", "REJECTED")):
            self.assertRegex(out, rf"summary thing={t} job={job} status={status} ")
            self.assertEqual(self.cp.describe_job_execution(t, job)["status"], status)
        details = self.cp.describe_job_execution(t, "ag-fail")["statusDetails"]
        self.assertIn("broken", json.dumps(details))

    def test_agent_sees_a_cancellation(self):
        t = self.thing()
        self.job("ag-long", t, [{"action": "sleep", "seconds": 30}])
        p = self.agent(t, "--until-idle")
        deadline = time.time() + 20
        while self.cp.describe_job_execution(t, "ag-long")["status"] != "IN_PROGRESS" and time.time() < deadline:
            time.sleep(0.1)
        self.cp.cancel_job("ag-long", force=True)
        out, _ = p.communicate(timeout=30)
        self.assertEqual(p.returncode, 0, out)
        self.assertRegex(out, rf"summary thing={t} job=ag-long status=CANCELED ")


if __name__ == "__main__":
    unittest.main()
