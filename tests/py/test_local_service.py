"""`awsc-local` and the `awsc iot` operations a person uses against it.

- the control plane through the generated IoT client (`awsc iot ...`, signing name `iot`)
  and the data plane (`awsc iot-jobs-data ...`, signing name `iot-jobs-data`) on one port:
  DescribeJobExecution exists in both, and each gets its own API's answer;
- build/bin/awsc-local and the installed bin/awsc-local (cmake --install into a temporary
  prefix) start from another folder, print the export lines, and stop on SIGINT/SIGTERM with
  the state saved.

Prints `local-service: P passed, S skipped, F failed`.
"""
import json
import os
import queue
import re
import shutil
import signal
import subprocess
import tempfile
import threading
import unittest

from tests.py.cli import AWSC, TIMEOUT, cli_env, require_awsc

BIN = os.path.dirname(AWSC)
BUILD = os.path.dirname(BIN)
THING_ARN = "arn:aws:iot:us-east-1:123456789012:thing/"
RESULTS = {"passed": 0, "skipped": 0, "failed": 0}


class LocalService:
    """awsc-local started in `cwd`; its export lines as a dict."""

    def __init__(self, command, cwd, *args):
        env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
        self.proc = subprocess.Popen([command, *args], cwd=cwd, env=env, stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, text=True)
        lines = queue.Queue()
        threading.Thread(target=lambda: [lines.put(l) for l in self.proc.stdout], daemon=True).start()
        self.out, self.exports, self.unset = [], {}, []
        try:
            while not self.out or not self.out[-1].startswith("# State:"):
                self.out.append(lines.get(timeout=TIMEOUT).rstrip("\n"))
        except queue.Empty:
            self.proc.kill()
            raise AssertionError(f"awsc-local printed {self.out}; stderr: {self.proc.stderr.read()}")
        for line in self.out:
            m = re.match(r"export (AWS_\w+)=(\S+)$", line)
            if m:
                self.exports[m.group(1)] = m.group(2)
            elif line.startswith("unset "):
                self.unset += line.split()[1:]
            elif not line.startswith("# "):
                raise AssertionError(f"a line that is neither a comment nor for the shell: {line!r}")

    def stop(self, sig=signal.SIGTERM):
        self.proc.send_signal(sig)
        rc = self.proc.wait(TIMEOUT)
        err = self.proc.stderr.read()
        self.proc.stdout.close()
        self.proc.stderr.close()
        return rc, err

    def kill(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(TIMEOUT)
        # Only now: closing a pipe the reader thread still reads would wait for that read.
        self.proc.stdout.close()
        self.proc.stderr.close()


class Counted(unittest.TestCase):
    @classmethod
    def tearDownClass(cls):
        if cls is LocalServiceTest:
            print(f"local-service: {RESULTS['passed']} passed, {RESULTS['skipped']} skipped, "
                  f"{RESULTS['failed']} failed", flush=True)

    def run(self, result=None):
        result = result if result is not None else self.defaultTestResult()
        before = (len(result.failures) + len(result.errors), len(result.skipped))
        super().run(result)
        failed = len(result.failures) + len(result.errors) - before[0]
        skipped = len(result.skipped) - before[1]
        RESULTS["failed" if failed else "skipped" if skipped else "passed"] += 1
        return result


class LocalServiceTest(Counted):
    def setUp(self):
        require_awsc()
        self.work = tempfile.mkdtemp(prefix="awsc-local-")
        self.addCleanup(shutil.rmtree, self.work, True)
        # A decoy: the service must not import an `emulator` from the folder it starts in.
        os.makedirs(os.path.join(self.work, "emulator"))
        with open(os.path.join(self.work, "emulator", "__init__.py"), "w") as f:
            f.write("raise SystemExit('the decoy emulator package was imported')\n")

    def start(self, command, *args):
        svc = LocalService(command, self.work, *args)
        self.addCleanup(svc.kill)
        return svc

    def awsc(self, svc, *args, status=0):
        env = cli_env(**svc.exports)
        for name in svc.unset:
            env.pop(name, None)
        r = subprocess.run([AWSC, *args], env=env, capture_output=True, text=True, timeout=TIMEOUT)
        self.assertEqual(r.returncode, status, f"awsc {' '.join(args)}: {r.stdout}{r.stderr}")
        if status != 0:
            return r.stderr
        return json.loads(r.stdout) if r.stdout.strip() else None

    def test_export_lines(self):
        svc = self.start(os.path.join(BIN, "awsc-local"), "--port", "0")
        self.assertRegex(svc.exports["AWS_ENDPOINT_URL"], r"^http://127\.0\.0\.1:\d+$")
        self.assertEqual({k: v for k, v in svc.exports.items() if k != "AWS_ENDPOINT_URL"},
                         {"AWS_REGION": "us-east-1", "AWS_ACCESS_KEY_ID": "AKIDAWSCLOCAL",
                          "AWS_SECRET_ACCESS_KEY": "awsc-local-secret"})
        self.assertEqual(svc.unset, ["AWS_SESSION_TOKEN"])
        # The whole output is for a shell: sourcing it sets the variables.
        r = subprocess.run(["sh", "-c", 'eval "$1"; echo "$AWS_ENDPOINT_URL $AWS_ACCESS_KEY_ID"', "sh",
                            "\n".join(svc.out)], capture_output=True, text=True, timeout=TIMEOUT)
        self.assertEqual(r.stdout.strip(), f"{svc.exports['AWS_ENDPOINT_URL']} AKIDAWSCLOCAL", r.stderr)
        rc, err = svc.stop(signal.SIGINT)
        self.assertEqual(rc, 0, err)
        self.assertIn("# awsc-local: stopped.", err)

    def test_credentials_and_port_options(self):
        svc = self.start(os.path.join(BIN, "awsc-local"), "--credentials", "AKIDMINE:s3cret:tok",
                         "--region", "eu-west-1")
        self.assertEqual(svc.exports["AWS_ACCESS_KEY_ID"], "AKIDMINE")
        self.assertEqual(svc.exports["AWS_SESSION_TOKEN"], "tok")
        self.assertEqual(svc.exports["AWS_REGION"], "eu-west-1")
        self.assertIn("(ResourceNotFoundException) when calling the DescribeThing operation: Thing nope cannot be "
                      "found.", self.awsc(svc, "iot", "describe-thing", "--thing-name", "nope", status=254))
        r = subprocess.run([os.path.join(BIN, "awsc-local"), "--port", "70000"], capture_output=True, text=True,
                           timeout=TIMEOUT)
        self.assertEqual(r.returncode, 2)
        self.assertIn("--port must be 0-65535", r.stderr)

    def test_control_plane_through_awsc_iot(self):
        state = os.path.join(self.work, "jobs.json")
        svc = self.start(os.path.join(BIN, "awsc-local"), "--state", state)
        thing = self.awsc(svc, "iot", "create-thing", "--thing-name", "sensor-01",
                          "--attribute-payload", '{"attributes": {"room": "lab"}}')
        self.assertEqual(thing["thingArn"], THING_ARN + "sensor-01")
        described = self.awsc(svc, "iot", "describe-thing", "--thing-name", "sensor-01")
        self.assertEqual((described["thingId"], described["attributes"], described["version"]),
                         (thing["thingId"], {"room": "lab"}, 1))
        self.assertEqual(self.awsc(svc, "iot", "list-things", "--query", "things[].thingName"), ["sensor-01"])

        doc = '{"operation": "reboot"}'
        for job in ("j1", "j2"):
            out = self.awsc(svc, "iot", "create-job", "--job-id", job, "--targets", json.dumps([THING_ARN + "sensor-01"]),
                            "--document", doc, "--description", "by hand",
                            "--timeout-config", '{"inProgressTimeoutInMinutes": 30}')
            self.assertEqual(out, {"jobArn": f"arn:aws:iot:us-east-1:123456789012:job/{job}", "jobId": job,
                                   "description": "by hand"})
        self.assertIn("ResourceAlreadyExistsException", self.awsc(
            svc, "iot", "create-job", "--job-id", "j1", "--targets", json.dumps([THING_ARN + "x"]), "--document", doc,
            status=254))
        job = self.awsc(svc, "iot", "describe-job", "--job-id", "j1", "--before-substitution")["job"]
        self.assertEqual((job["status"], job["targets"], job["timeoutConfig"]),
                         ("IN_PROGRESS", [THING_ARN + "sensor-01"], {"inProgressTimeoutInMinutes": 30}))
        self.assertEqual(job["jobProcessDetails"]["numberOfQueuedThings"], 1)
        self.assertRegex(job["createdAt"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00$")
        self.assertEqual(self.awsc(svc, "iot", "get-job-document", "--job-id", "j1"), {"document": doc})

        # The device takes j1; then the same GET /things/sensor-01/jobs/j1 in each API.
        self.awsc(svc, "iot-jobs-data", "start-next-pending-job-execution", "--thing-name", "sensor-01",
                  "--status-details", '{"step": "1"}')
        control = self.awsc(svc, "iot", "describe-job-execution", "--thing-name", "sensor-01", "--job-id", "j1")
        data = self.awsc(svc, "iot-jobs-data", "describe-job-execution", "--thing-name", "sensor-01",
                         "--job-id", "j1")
        self.assertEqual(control["execution"]["thingArn"], THING_ARN + "sensor-01")
        self.assertEqual(control["execution"]["statusDetails"], {"detailsMap": {"step": "1"}})
        self.assertNotIn("jobDocument", control["execution"])
        self.assertEqual(data["execution"]["thingName"], "sensor-01")
        self.assertEqual(data["execution"]["statusDetails"], {"step": "1"})
        self.assertEqual(data["execution"]["jobDocument"], doc)
        self.assertEqual(control["execution"]["versionNumber"], data["execution"]["versionNumber"])

        listed = self.awsc(svc, "iot", "list-job-executions-for-thing", "--thing-name", "sensor-01")
        self.assertEqual([(s["jobId"], s["jobExecutionSummary"]["status"]) for s in listed["executionSummaries"]],
                         [("j1", "IN_PROGRESS"), ("j2", "QUEUED")])
        self.assertEqual(self.awsc(svc, "iot", "list-job-executions-for-thing", "--thing-name", "sensor-01",
                                   "--status", "QUEUED", "--query", "executionSummaries[].jobId"), ["j2"])
        one_page = self.awsc(svc, "iot", "list-job-executions-for-thing", "--thing-name", "sensor-01",
                             "--max-items", "1")
        self.assertEqual(len(one_page["executionSummaries"]), 1)
        self.assertIn("NextToken", one_page)

        # Cancel: QUEUED executions go at once, an IN_PROGRESS one only with --force.
        self.assertEqual(self.awsc(svc, "iot", "cancel-job", "--job-id", "j2", "--comment", "not now",
                                   "--reason-code", "BY_HAND")["jobId"], "j2")
        self.assertEqual(self.awsc(svc, "iot", "describe-job", "--job-id", "j2",
                                   "--query", "job.[status, comment, reasonCode]"), ["CANCELED", "not now", "BY_HAND"])
        self.assertIn("InvalidStateTransitionException",
                      self.awsc(svc, "iot", "delete-job", "--job-id", "j1", status=254))
        self.awsc(svc, "iot", "cancel-job", "--job-id", "j1", "--force")
        self.assertEqual(self.awsc(svc, "iot-jobs-data", "describe-job-execution", "--thing-name", "sensor-01",
                                   "--job-id", "j1", "--query", "execution.status"), "CANCELED")
        self.assertEqual(self.awsc(svc, "iot", "delete-job", "--job-id", "j2"), None)
        self.assertIn("ResourceNotFoundException", self.awsc(svc, "iot", "describe-job", "--job-id", "j2", status=254))

        # Stopped and started again: what was acknowledged is there.
        rc, err = svc.stop(signal.SIGINT)
        self.assertEqual(rc, 0, err)
        self.assertIn(f"saved in {state}", err)
        svc = self.start(os.path.join(BIN, "awsc-local"), "--state", state)
        self.assertEqual(self.awsc(svc, "iot", "describe-job", "--job-id", "j1", "--query", "job.status"), "CANCELED")
        self.assertEqual(self.awsc(svc, "iot", "describe-thing", "--thing-name", "sensor-01",
                                   "--query", "thingId"), thing["thingId"])
        self.awsc(svc, "iot", "delete-thing", "--thing-name", "sensor-01")
        self.assertEqual(svc.stop()[0], 0)

    def test_installed(self):
        prefix = os.path.join(self.work, "prefix")
        r = subprocess.run(["cmake", "--install", BUILD, "--prefix", prefix], capture_output=True, text=True,
                           timeout=TIMEOUT * 5)
        self.assertEqual(r.returncode, 0, r.stdout[-2000:] + r.stderr[-2000:])
        installed = os.path.join(prefix, "bin", "awsc-local")
        self.assertTrue(os.access(installed, os.X_OK))
        package = os.path.join(prefix, "share", "awsc", "python", "emulator")
        self.assertTrue(os.path.isfile(os.path.join(package, "local.py")))
        self.assertFalse(os.path.exists(os.path.join(package, "tests")), "the emulator's tests are not installed")
        # Started through a symbolic link from elsewhere, as a user's ~/bin may hold it.
        link = os.path.join(self.work, "awsc-local-link")
        os.symlink(installed, link)
        state = os.path.join(self.work, "installed.json")
        svc = self.start(link, "--state", state)
        self.awsc(svc, "iot", "create-job", "--job-id", "installed", "--targets", json.dumps([THING_ARN + "t"]),
                  "--document", "{}")
        self.assertEqual(svc.stop(signal.SIGTERM)[0], 0)
        with open(state) as f:
            self.assertIn("installed", json.load(f)["jobs"])
        # With its package gone it says so instead of failing in Python.
        shutil.rmtree(package)
        r = subprocess.run([installed], capture_output=True, text=True, timeout=TIMEOUT)
        self.assertEqual(r.returncode, 127)
        self.assertIn("awsc-local: the service's Python package is not in", r.stderr)


if __name__ == "__main__":
    unittest.main()
