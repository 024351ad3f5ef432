"""A gateway runs 1,000 devices' job loops through one asynchronous client against the local service."""
import json
import os
import re
import signal
import subprocess
import sys
import unittest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, ROOT)

from emulator.control import ControlPlane  # noqa: E402

BIN = os.path.join(os.environ.get("AWSC_BINARY_DIR", os.path.join(ROOT, "build")), "bin")
THINGS, JOBS_EACH = 1000, 2


class Gateway(unittest.TestCase):
    def test_a_thousand_devices_finish_every_job(self):
        gateway = os.path.join(BIN, "gateway")
        self.assertTrue(os.access(gateway, os.X_OK), f"{gateway} is missing: build first")
        proc = subprocess.Popen([sys.executable, "-m", "emulator", "--port", "0", "--credentials", "AKIDGW:gw-secret"],
                                cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        try:
            endpoint = re.search(r"(http://\S+)", proc.stdout.readline()).group(1)
            cp = ControlPlane(endpoint, "AKIDGW", "gw-secret")
            things = [f"gw-thing-{i}" for i in range(THINGS)]
            for k in range(JOBS_EACH):
                for start in range(0, THINGS, 100):
                    cp.create_job(f"gw-{k}-{start}", things[start:start + 100], json.dumps({"steps": []}))
            env = dict(os.environ, AWS_ACCESS_KEY_ID="AKIDGW", AWS_SECRET_ACCESS_KEY="gw-secret",
                       AWS_REGION="us-east-1")
            r = subprocess.run([gateway, "--endpoint", endpoint, "--things", str(THINGS)], env=env,
                               capture_output=True, text=True, timeout=300)
            print(r.stdout.strip())
            self.assertEqual(r.returncode, 0, r.stdout + r.stderr[-3000:])
            self.assertIn(f"jobs={THINGS * JOBS_EACH} failed=0", r.stdout)
            # The service agrees: every execution of every job SUCCEEDED, none left pending.
            for thing in (things[0], things[499], things[-1]):
                summaries = cp.list_job_executions_for_thing(thing)
                self.assertEqual(sorted(s["jobExecutionSummary"]["status"] for s in summaries),
                                 ["SUCCEEDED"] * JOBS_EACH)
        finally:
            proc.send_signal(signal.SIGTERM)
            proc.wait(timeout=10)
            proc.stdout.close()


if __name__ == "__main__":
    unittest.main()
