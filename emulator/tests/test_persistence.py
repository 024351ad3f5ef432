"""--state FILE: survives restarts; a failed write leaves the old file."""

import json
import os
import shutil
import tempfile
from unittest import mock

from emulator import store as store_module
from emulator.tests._client import CONTROL, EmulatorTestCase, thing_arn


class PersistenceTest(EmulatorTestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="jobs-emu-")
        self.state_file = os.path.join(self.tmp, "state.json")
        super().setUp()

    def tearDown(self):
        super().tearDown()
        shutil.rmtree(self.tmp)

    def restart(self):
        self.stop_server()
        self.start_server()

    def test_restart_keeps_state(self):
        self.create_job("j", ["t", "u"], timeoutConfig={
            "inProgressTimeoutInMinutes": 5})
        self.ok("PUT", "/things/t/jobs/$next", {"statusDetails": {"a": "1"},
                                                 "stepTimeoutInMinutes": 2})
        cmd = self.ok("POST", "/command-executions", {
            "targetArn": thing_arn("t"), "clientToken": "c1",
            "commandArn": "arn:aws:iot:us-east-1:123456789012:command/x"})
        before = self.describe("t", "j")
        self.restart()
        self.assertEqual(self.describe("t", "j"), before)
        self.assertEqual(self.describe("u", "j")["status"], "QUEUED")
        self.assertEqual(self.ok("GET", "/jobs/j", service=CONTROL)["job"]
                         ["jobId"], "j")
        self.assertEqual(self.ok("POST", "/command-executions", {
            "targetArn": thing_arn("t"), "clientToken": "c1",
            "commandArn": "arn:aws:iot:us-east-1:123456789012:command/x"}),
            cmd)
        # Timers survive too.
        self.clock.advance(121)
        self.assertEqual(self.describe("t", "j")["status"], "TIMED_OUT")
        self.restart()
        self.assertEqual(self.describe("t", "j")["status"], "TIMED_OUT")

    def test_file_is_valid_json_after_each_change(self):
        self.create_job("j", ["t"])
        with open(self.state_file) as f:
            state = json.load(f)
        self.assertIn("j", state["jobs"])
        self.update("t", "j", "IN_PROGRESS")
        with open(self.state_file) as f:
            state = json.load(f)
        self.assertEqual(state["executions"]["t"]["j"]["status"],
                         "IN_PROGRESS")

    def test_crash_mid_write_keeps_old_file(self):
        self.create_job("j", ["t"])
        with open(self.state_file, "rb") as f:
            old = f.read()
        real_fsync = os.fsync

        def crash(fd):  # the new content is half on its way to disk
            raise OSError(5, "simulated I/O error")

        with mock.patch.object(store_module.os, "fsync", side_effect=crash):
            status, headers, body = self.update("t", "j", "IN_PROGRESS")
        self.assertEqual((status, headers["x-amzn-errortype"]),
                         (500, "InternalServerException"))
        self.assertIs(os.fsync, real_fsync)
        with open(self.state_file, "rb") as f:
            self.assertEqual(f.read(), old)
        self.assertEqual(os.listdir(self.tmp), ["state.json"])  # no temp left
        # Memory was rolled back to what the file says.
        self.assertEqual(self.describe("t", "j")["status"], "QUEUED")
        self.restart()
        self.assertEqual(self.describe("t", "j")["status"], "QUEUED")
        self.assertEqual(self.update("t", "j", "IN_PROGRESS")[0], 200)

    def test_crash_during_rename_keeps_old_file(self):
        self.create_job("j", ["t"])
        with open(self.state_file, "rb") as f:
            old = f.read()
        with mock.patch.object(store_module.os, "replace",
                               side_effect=OSError("power cut")):
            self.assertEqual(self.update("t", "j", "SUCCEEDED")[0], 500)
        with open(self.state_file, "rb") as f:
            self.assertEqual(f.read(), old)
        self.assertEqual(os.listdir(self.tmp), ["state.json"])
