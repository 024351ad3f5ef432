"""Every (from, to) pair of UpdateJobExecution, through HTTP."""

import itertools

from emulator.store import STATUSES
from emulator.tests._client import CONTROL, EmulatorTestCase

ALLOWED = {
    ("QUEUED", "IN_PROGRESS"), ("QUEUED", "SUCCEEDED"), ("QUEUED", "FAILED"),
    ("QUEUED", "REJECTED"),
    ("IN_PROGRESS", "IN_PROGRESS"), ("IN_PROGRESS", "SUCCEEDED"),
    ("IN_PROGRESS", "FAILED"), ("IN_PROGRESS", "REJECTED"),
}


class TransitionsTest(EmulatorTestCase):
    def bring_to(self, thing, job, status):
        """Drive a fresh execution into `status` the way the service would."""
        self.create_job(job, [thing])
        if status == "QUEUED":
            return
        if status == "REMOVED":
            # Nothing in the emulated APIs produces REMOVED (AWS uses it for
            # things leaving a continuous job's group); set it directly.
            with self.store.lock:
                self.store.state["executions"][thing][job]["status"] = status
            return
        if status == "CANCELED":
            self.ok("PUT", "/things/%s/jobs/%s/cancel" % (thing, job),
                    {}, service=CONTROL)
            return
        if status == "TIMED_OUT":
            self.ok("PUT", "/things/%s/jobs/$next" % thing,
                    {"stepTimeoutInMinutes": 1})
            self.clock.advance(61)
            self.assertEqual(self.describe(thing, job)["status"], "TIMED_OUT")
            return
        if status != "IN_PROGRESS":
            self.assertEqual(self.update(thing, job, "IN_PROGRESS")[0], 200)
        self.assertEqual(self.update(thing, job, status)[0], 200)

    def test_every_pair(self):
        pairs = list(itertools.product(STATUSES, STATUSES))
        self.assertEqual(len(pairs), 64)
        for i, (src, dst) in enumerate(pairs):
            with self.subTest(src=src, dst=dst):
                thing, job = "thing%d" % i, "job%d" % i
                self.bring_to(thing, job, src)
                before = self.describe(thing, job)
                self.assertEqual(before["status"], src)
                status, headers, body = self.update(
                    thing, job, dst, includeJobExecutionState=True)
                after = self.describe(thing, job)
                if (src, dst) in ALLOWED:
                    self.assertEqual(status, 200, body)
                    self.assertEqual(body["executionState"]["status"], dst)
                    self.assertEqual(after["status"], dst)
                    self.assertEqual(after["versionNumber"],
                                     before["versionNumber"] + 1)
                else:
                    self.assertEqual(status, 409, body)
                    self.assertEqual(headers["x-amzn-errortype"],
                                     "InvalidStateTransitionException")
                    self.assertEqual(after, before)

    def test_invalid_status_value_is_a_request_error(self):
        self.create_job("j", ["t"])
        for bad in ("SUCCESS", "queued", 3, None):
            status, headers, body = self.update("t", "j", bad)
            self.assertEqual((status, headers["x-amzn-errortype"]),
                             (400, "InvalidRequestException"), body)
