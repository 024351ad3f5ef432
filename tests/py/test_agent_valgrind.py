"""awsc-jobs-agent under valgrind: a document with every kind of step, a rejected one and a
canceled one, with no invalid access and no definite or indirect leak in the agent or in
any of its runners (valgrind follows forks; the steps' own programs are not traced)."""
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import unittest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, ROOT)

from emulator.control import ControlPlane  # noqa: E402

AGENT = os.path.join(os.environ.get("AWSC_BINARY_DIR", os.path.join(ROOT, "build")), "bin", "awsc-jobs-agent")
SCALE = float(os.environ.get("AWSC_TEST_TIMEOUT_SCALE", "1"))
RESULTS = {"passed": 0, "skipped": 0, "failed": 0}


class AgentValgrind(unittest.TestCase):
    def setUp(self):
        if not shutil.which("valgrind"):
            if os.environ.get("CI") == "true":
                raise AssertionError("valgrind is absent (required when CI=true)")
            print("SKIP: valgrind is absent", file=sys.stderr)
            RESULTS["skipped"] += 1
            self.skipTest("valgrind is absent")
        self.assertTrue(os.access(AGENT, os.X_OK), f"{AGENT} is missing: build first")

    @classmethod
    def tearDownClass(cls):
        print(f"agent-valgrind: {RESULTS['passed']} passed, {RESULTS['skipped']} skipped, "
              f"{RESULTS['failed']} failed", flush=True)

    def test_agent_is_clean_under_valgrind(self):
        try:
            self.run_agent()
        except unittest.SkipTest:
            raise
        except BaseException:
            RESULTS["failed"] += 1
            raise
        RESULTS["passed"] += 1

    def run_agent(self):
        emu = subprocess.Popen([sys.executable, "-m", "emulator", "--port", "0", "--credentials", "AKIDVG:vg"],
                               cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        work = tempfile.mkdtemp(prefix="awsc-agent-vg-")
        try:
            endpoint = re.search(r"(http://\S+)", emu.stdout.readline()).group(1)
            cp = ControlPlane(endpoint, "AKIDVG", "vg")
            handlers = os.path.join(work, "handlers")
            os.mkdir(handlers, 0o700)
            with open(os.path.join(handlers, "x.sh"), "w") as f:
                f.write("#!/bin/sh\necho out; echo err >&2\n")
            os.chmod(os.path.join(handlers, "x.sh"), 0o700)
            cp.create_job("steps", ["t"], json.dumps({"version": "1.0", "includeStdOut": "true", "steps": [
                {"action": {"name": "a", "type": "runHandler", "input": {"handler": "x.sh", "args": ["1"]}}},
                {"action": {"name": "b", "type": "runCommand", "input": {"command": "echo,a\\,b"}}},
                {"action": {"name": "c", "type": "runCommand", "input": {"command": ["false"]},
                            "ignoreStepFailure": "true"}}],
                "finalStep": {"action": {"name": "f", "type": "runCommand", "input": {"command": ["true"]}}}}))
            cp.create_job("rejected", ["t"], json.dumps({"version": "1.0", "steps": [
                {"action": {"name": "a", "type": "runHandler", "input": {"handler": "missing.sh"}}}]}))
            cp.create_job("canceled", ["t"], json.dumps({"version": "1.0", "steps": [
                {"action": {"name": "a", "type": "runCommand", "input": {"command": ["sleep", "30"]}}}]}))
            env = dict(os.environ, AWS_ACCESS_KEY_ID="AKIDVG", AWS_SECRET_ACCESS_KEY="vg", AWS_REGION="us-east-1")
            log = os.path.join(work, "valgrind.log")
            agent = subprocess.Popen(
                ["valgrind", "--leak-check=full", "--errors-for-leak-kinds=definite,indirect", "--error-exitcode=9",
                 "--trace-children=no", f"--log-file={log}.%p", AGENT, "--endpoint", endpoint, "--thing", "t",
                 "--handler-dir", handlers, "--state-dir", os.path.join(work, "state"), "--until-idle",
                 "--poll-interval", "0.2", "--cancel-check-interval", "0.2"],
                env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
            deadline = time.monotonic() + 120 * SCALE
            while cp.describe_job_execution("t", "canceled")["status"] != "IN_PROGRESS":
                if agent.poll() is not None:
                    err = agent.stderr.read()
                    for name in os.listdir(work):
                        if name.startswith("valgrind.log."):
                            with open(os.path.join(work, name)) as f:
                                err += f.read()
                    if "I can't recover" in err:  # valgrind 3.19 and clang's DWARF 5
                        RESULTS["skipped"] += 1
                        print("SKIP: valgrind cannot read this binary's debug information", file=sys.stderr)
                        raise unittest.SkipTest("valgrind cannot read this binary's debug information")
                    self.fail(f"the agent ended early ({agent.returncode}): {err[-3000:]}")
                self.assertLess(time.monotonic(), deadline, "the third job never started")
                time.sleep(0.2)
            time.sleep(1)
            cp.cancel_job("canceled", force=True)
            _, err = agent.communicate(timeout=120 * SCALE)
            self.assertEqual(agent.returncode, 0, err[-3000:])
            self.assertEqual(cp.describe_job_execution("t", "steps")["status"], "SUCCEEDED")
            self.assertEqual(cp.describe_job_execution("t", "rejected")["status"], "REJECTED")
            self.assertEqual(cp.describe_job_execution("t", "canceled")["status"], "CANCELED")
            summaries = []
            for name in os.listdir(work):
                if name.startswith("valgrind.log."):
                    with open(os.path.join(work, name)) as f:
                        text = f.read()
                    # a step's process forks and execs an untraced program: its log ends there
                    if "ERROR SUMMARY" in text:
                        summaries.append(text)
                        self.assertIn("ERROR SUMMARY: 0 errors", text, text[-3000:])
            self.assertGreaterEqual(len(summaries), 6)  # the agent and one runner per step that ran
        finally:
            emu.send_signal(signal.SIGTERM)
            emu.wait(timeout=10)
            emu.stdout.close()
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    unittest.main()
