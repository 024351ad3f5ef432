#!/usr/bin/env python3
"""The demo: two devices run their whole job lifecycle against the local IoT Jobs service.

Starts the emulator on a free port, serves a firmware file, creates jobs for
two things through the control-plane API (Device Client schema 1.0 documents and
an AWS managed template; one fails, one is rejected for an unsafe handler, one is
cancelled while it runs), runs build/bin/awsc-jobs-agent per thing, and prints a
summary table in which the service's view and each agent's view must agree.
Exit status 0 only when every job ended as expected.

  scripts/demo.py [--build DIR] [--keep-logs DIR]
"""
import argparse
import hashlib
import http.server
import json
import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import textwrap
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

from emulator.control import ControlPlane  # noqa: E402

REGION = "us-east-1"


def say(msg):
    print(f"[demo {time.strftime('%H:%M:%S')}] {msg}", flush=True)


def explain(text):
    """A paragraph for someone new to AWS IoT Jobs, indented under the log lines."""
    print()
    print(textwrap.indent(textwrap.dedent(text).strip("\n"), "    "))
    print(flush=True)


INTRO = """
What this demo shows, in AWS IoT Jobs terms:
  thing          a device known to AWS IoT by name (here sensor-01 and gateway-02)
  job            work an operator asks one or more things to do, created with CreateJob
  job document   the JSON the device receives and runs (here: steps of the AWS IoT Device
                 Client's schema 1.0, each a command or a handler script)
  job execution  one thing's copy of a job: QUEUED, then IN_PROGRESS, then SUCCEEDED, FAILED,
                 REJECTED, TIMED_OUT or CANCELED
  version        a counter on each execution, raised by every change; a device sends the one it
                 last saw so it never overwrites a change it has not seen (a cancel, a timeout)
The operator's side is the IoT control plane (`awsc iot`), the device's side the Jobs data
plane (`awsc iot-jobs-data`); here both are the local service on 127.0.0.1.
"""


class Files(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def serve_files(directory):
    handler = lambda *a, **k: Files(*a, directory=directory, **k)  # noqa: E731
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    return srv


def start_emulator(akid, secret, state):
    proc = subprocess.Popen([sys.executable, "-m", "emulator", "--port", "0", "--credentials", f"{akid}:{secret}",
                             "--region", REGION, "--state", state],
                            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    line = proc.stdout.readline()
    m = re.search(r"listening on (http://\S+)", line)
    if not m:
        proc.kill()
        raise SystemExit(f"the emulator did not start: {line}{proc.stderr.read()}")
    return proc, m.group(1)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--build", default=os.path.join(ROOT, "build"))
    ap.add_argument("--keep-logs")
    args = ap.parse_args()
    agent = os.path.join(args.build, "bin", "awsc-jobs-agent")
    if not os.access(agent, os.X_OK):
        raise SystemExit(f"{agent} is missing: build first (scripts/demo does)")

    work = tempfile.mkdtemp(prefix="awsc-demo-")
    akid, secret = "AKIDDEMO" + secrets.token_hex(4).upper(), secrets.token_urlsafe(30)
    firmware = os.urandom(64 * 1024)
    files = os.path.join(work, "files")
    os.makedirs(files)
    with open(os.path.join(files, "fw-2.1.bin"), "wb") as fh:
        fh.write(firmware)
    fileserver = serve_files(files)
    fw_url = f"http://127.0.0.1:{fileserver.server_address[1]}/fw-2.1.bin"

    # The device's handlers: owned by root (the demo's user), mode 700, as the agent demands;
    # one left at 755 to show that a document naming it is rejected.
    handlers = os.path.join(work, "handlers")
    os.mkdir(handlers, 0o700)
    for name, body, mode in (("stage-firmware.sh", 'shift\necho "staged $(wc -c < "$1") bytes"\n', 0o700),
                             ("self-test.sh", 'echo "sensor calibration out of range" >&2\nexit 1\n', 0o700),
                             ("installer.sh", "echo installing\n", 0o755)):
        with open(os.path.join(handlers, name), "w") as fh:
            fh.write("#!/bin/sh\n" + body)
        os.chmod(os.path.join(handlers, name), mode)

    emulator, endpoint = start_emulator(akid, secret, os.path.join(work, "state.json"))
    explain(INTRO)
    say(f"local IoT Jobs service at {endpoint} (SigV4 checked on every request)")
    cp = ControlPlane(endpoint, akid, secret, REGION)

    def step(name, kind, inp):
        return {"action": {"name": name, "type": kind, "input": inp}}

    fw_path = os.path.join(work, "sensor-01-fw.bin")
    # job id -> (thing, document or managed template, expected final status)
    jobs = {
        "firmware-2-1": ("sensor-01", {"version": "1.0", "includeStdOut": "true", "steps": [
            step("announce", "runCommand", {"command": "echo,updating firmware to 2.1"}),
            step("download", "runHandler", {"handler": "download-file.sh", "args": [
                fw_url, fw_path, hashlib.sha256(firmware).hexdigest()]}),
            step("stage", "runHandler", {"handler": "stage-firmware.sh", "args": [fw_path]})]}, "SUCCEEDED"),
        "self-test": ("sensor-01", {"version": "1.0", "steps": [
            step("self-test", "runHandler", {"handler": "self-test.sh"})]}, "FAILED"),
        "untrusted-handler": ("sensor-01", {"version": "1.0", "steps": [
            step("install", "runHandler", {"handler": "installer.sh"})]}, "REJECTED"),
        "long-diagnostics": ("gateway-02", {"version": "1.0", "steps": [
            step("collect", "runCommand", {"command": ["echo", "collecting diagnostics"]}),
            step("wait", "runCommand", {"command": ["sleep", "30"]})]}, "CANCELED"),
        "rotate-logs": ("gateway-02", ("AWS-Run-Command", {"command": "/bin/sh,-c,echo rotating logs"}),
                        "SUCCEEDED"),
    }
    # What each job is meant to show, told as it is created.
    purpose = {
        "firmware-2-1": "download a file, check its SHA-256, stage it: should SUCCEED",
        "self-test": "a handler that exits 1: the device reports FAILED",
        "untrusted-handler": "names a handler that is not mode 700: the device REJECTS the document",
        "long-diagnostics": "a 30 s step the operator cancels while it runs: ends CANCELED",
        "rotate-logs": "from the AWS-Run-Command managed template (the service writes the document)",
    }
    explain("As the operator: create five jobs (one execution each, QUEUED at version 1).")
    for job_id, (thing, doc, _) in jobs.items():
        say(f"{job_id}: {purpose[job_id]}")
        if isinstance(doc, tuple):
            cp.create_job_from_template(job_id, [thing], doc[0], doc[1], description=f"demo job {job_id}")
            say(f"created job {job_id} for {thing} from the managed template {doc[0]}")
        else:
            cp.create_job(job_id, [thing], json.dumps(doc), description=f"demo job {job_id}")
            say(f"created job {job_id} for {thing}")

    explain("""
        As the devices: each thing runs the device agent (build/bin/awsc-jobs-agent), which asks
        for its next pending execution (StartNextPendingJobExecution: QUEUED -> IN_PROGRESS),
        runs the job document's steps, and reports the result with UpdateJobExecution, sending
        the version it holds. Their log lines follow, prefixed with the thing's name.
        """)
    env = dict(os.environ, AWS_ACCESS_KEY_ID=akid, AWS_SECRET_ACCESS_KEY=secret, AWS_REGION=REGION)
    env.pop("AWS_SESSION_TOKEN", None)
    agents, outputs, pumps = {}, {}, []
    for thing in ("sensor-01", "gateway-02"):
        agents[thing] = subprocess.Popen([agent, "--thing", thing, "--endpoint", endpoint, "--region", REGION,
                                          "--until-idle", "--handler-dir", handlers,
                                          "--state-dir", os.path.join(work, thing, "state"),
                                          "--poll-interval", "0.2", "--cancel-check-interval", "0.2"],
                                         env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        outputs[thing] = []

        def pump(t=thing):
            for line in agents[t].stdout:
                outputs[t].append(line.rstrip("\n"))
                print(f"  [{t}] {line.rstrip()}", flush=True)
        pumps.append(threading.Thread(target=pump, daemon=True))
        pumps[-1].start()

    # Cancel the long job once the device runs its 30 s step, as an operator would: the agent
    # kills the step's processes.
    deadline = time.time() + 30
    while time.time() < deadline:
        details = cp.describe_job_execution("gateway-02", "long-diagnostics")["statusDetails"]["detailsMap"]
        if details.get("stepName") == "wait" and details.get("state") == "running":
            say("operator cancels long-diagnostics while gateway-02 runs it (force)")
            cp.cancel_job("long-diagnostics", force=True, comment="superseded")
            break
        time.sleep(0.2)

    failed = False
    for thing, p in agents.items():
        try:
            rc = p.wait(timeout=60)
        except subprocess.TimeoutExpired:
            p.kill()
            rc = "timeout"
        if rc != 0:
            say(f"agent for {thing} exited with {rc}")
            failed = True
    for t in pumps:  # every line the agents printed is read before their view is taken
        t.join(timeout=10)

    agent_view = {}
    for thing, lines in outputs.items():
        for line in lines:
            m = re.search(r"job (\S+) ended (\S+) version=(\d+) seconds=([\d.]+)", line)
            if m:
                agent_view[m.group(1)] = (m.group(2), int(m.group(3)), float(m.group(4)))

    rows = []
    for job_id, (thing, _, expected) in jobs.items():
        ex = cp.describe_job_execution(thing, job_id)
        service_status, version = ex["status"], ex.get("versionNumber")
        a_status, a_version, seconds = agent_view.get(job_id, ("-", None, 0.0))
        agree = a_status == service_status and a_version == version
        ok = service_status == expected and agree
        failed |= not ok
        rows.append((job_id, thing, expected, service_status, a_status, version, f"{seconds:.1f}s",
                     "ok" if ok else "MISMATCH"))

    emulator.send_signal(signal.SIGTERM)
    emulator.wait(timeout=10)
    fileserver.shutdown()
    header = ("job", "thing", "expected", "service", "agent", "version", "time", "")
    widths = [max(len(str(r[i])) for r in rows + [header]) for i in range(len(header))]
    explain("""
        Each execution's final status as the service holds it (DescribeJobExecution) and as the
        device last reported it, with the version both must agree on:
        """)
    for r in [header] + rows:
        print("  ".join(str(v).ljust(w) for v, w in zip(r, widths)).rstrip())
    print()
    if args.keep_logs:
        shutil.copytree(work, args.keep_logs, dirs_exist_ok=True)
    shutil.rmtree(work, ignore_errors=True)
    say("every job ended as expected; service and devices agree" if not failed else "FAILED: see the table above")
    explain("""
        Next, do it by hand (README.md, "Try it by hand"): start the service with
            build/bin/awsc-local --state jobs.json
        paste the export lines it prints into another shell, create a job with
            build/bin/awsc iot create-job --job-id my-first-job --targets '["arn:aws:iot:us-east-1:123456789012:thing/sensor-01"]' --document '{"hello": "world"}'
        and be the device yourself with build/bin/awsc iot-jobs-data get-pending-job-executions,
        start-next-pending-job-execution and update-job-execution --status SUCCEEDED.
        """)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
