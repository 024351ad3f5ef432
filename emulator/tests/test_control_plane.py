"""Control-plane subset: jobs and executions as an operator sees them."""

from emulator.tests._client import CONTROL, EmulatorTestCase, thing_arn


class ControlPlaneTest(EmulatorTestCase):
    def cok(self, method, path, body=None, query=""):
        return self.ok(method, path, body, query, service=CONTROL)

    def cerr(self, status, name, method, path, body=None, query=""):
        return self.err(status, name, method, path, body, query,
                        service=CONTROL)

    def test_create_and_describe(self):
        out = self.create_job("j1", ["a", "b", "a"], description="demo",
                              timeoutConfig={"inProgressTimeoutInMinutes": 5})
        self.assertEqual(out, {
            "jobArn": "arn:aws:iot:us-east-1:123456789012:job/j1",
            "jobId": "j1", "description": "demo"})
        job = self.cok("GET", "/jobs/j1")["job"]
        self.assertEqual(job["jobId"], "j1")
        self.assertEqual(job["status"], "IN_PROGRESS")
        self.assertEqual(job["targetSelection"], "SNAPSHOT")
        self.assertEqual(job["targets"], [thing_arn("a"), thing_arn("b"),
                                          thing_arn("a")])
        self.assertEqual(job["timeoutConfig"],
                         {"inProgressTimeoutInMinutes": 5})
        self.assertIsInstance(job["createdAt"], int)
        self.assertEqual(job["jobProcessDetails"]["numberOfQueuedThings"], 2)
        self.assertEqual(self.cok("GET", "/jobs/j1/job-document"),
                         {"document": '{"op":"x"}'})
        self.cerr(409, "ResourceAlreadyExistsException", "PUT", "/jobs/j1",
                  {"targets": [thing_arn("a")], "document": "{}"})
        self.cerr(404, "ResourceNotFoundException", "GET", "/jobs/none")

    def test_create_validation(self):
        good = {"targets": [thing_arn("a")], "document": "{}"}
        bad = [{}, dict(good, targets=[]), dict(good, targets="x"),
               dict(good, targets=["arn:aws:iot:us-east-1:123456789012:"
                                   "thinggroup/g"]),
               dict(good, targets=["arn:aws:iot:eu-west-1:123456789012:"
                                   "thing/a"]),
               dict(good, document="not json"), {"targets": good["targets"]},
               dict(good, timeoutConfig={"inProgressTimeoutInMinutes": 0}),
               dict(good, targetSelection="SOMETIMES")]
        for body in bad:
            with self.subTest(body=body):
                self.cerr(400, "InvalidRequestException", "PUT", "/jobs/j",
                          body)
        self.cerr(400, "InvalidRequestException", "PUT", "/jobs/bad.id", good)

    def test_cancel_job(self):
        self.create_job("j", ["q", "p", "done"])
        self.update("p", "j", "IN_PROGRESS")
        self.update("done", "j", "SUCCEEDED")
        out = self.cok("PUT", "/jobs/j/cancel",
                       {"reasonCode": "BAD_BUILD", "comment": "oops"})
        self.assertEqual(out["jobId"], "j")
        self.assertEqual(self.describe("q", "j")["status"], "CANCELED")
        self.assertEqual(self.describe("p", "j")["status"], "IN_PROGRESS")
        self.assertEqual(self.describe("done", "j")["status"], "SUCCEEDED")
        job = self.cok("GET", "/jobs/j")["job"]
        self.assertEqual((job["status"], job["reasonCode"], job["comment"],
                          job["forceCanceled"]),
                         ("CANCELED", "BAD_BUILD", "oops", False))
        # The device learns about it on its next update.
        self.assertEqual(self.update("q", "j", "IN_PROGRESS")[0], 409)
        self.cerr(400, "InvalidRequestException", "PUT", "/jobs/j/cancel", {})
        self.cok("PUT", "/jobs/j/cancel", {}, query="force=true")
        self.assertEqual(self.describe("p", "j")["status"], "CANCELED")
        self.assertTrue(self.cok("GET", "/jobs/j")["job"]["forceCanceled"])
        self.cerr(404, "ResourceNotFoundException", "PUT", "/jobs/x/cancel",
                  {})
        self.cerr(400, "InvalidRequestException", "PUT", "/jobs/j/cancel",
                  {"reasonCode": "lower case"}, query="force=true")

    def test_completed_job_cannot_be_canceled(self):
        self.create_job("j", ["t"])
        self.update("t", "j", "SUCCEEDED")
        job = self.cok("GET", "/jobs/j")["job"]
        self.assertEqual(job["status"], "COMPLETED")
        self.assertIn("completedAt", job)
        self.cerr(400, "InvalidRequestException", "PUT", "/jobs/j/cancel", {})

    def test_cancel_job_execution(self):
        self.create_job("j", ["q", "p", "v"])
        self.update("p", "j", "IN_PROGRESS")
        self.assertEqual(self.cok("PUT", "/things/q/jobs/j/cancel",
                                  {"statusDetails": {"why": "ops"}}), {})
        q = self.describe("q", "j")
        self.assertEqual((q["status"], q["statusDetails"], q["versionNumber"]),
                         ("CANCELED", {"why": "ops"}, 2))
        self.cerr(409, "InvalidStateTransitionException", "PUT",
                  "/things/p/jobs/j/cancel", {})
        self.cerr(409, "InvalidStateTransitionException", "PUT",
                  "/things/q/jobs/j/cancel", {}, query="force=true")
        self.cok("PUT", "/things/p/jobs/j/cancel", {}, query="force=true")
        self.assertEqual(self.describe("p", "j")["status"], "CANCELED")
        ctl = self.cok("GET", "/things/p/jobs/j")["execution"]
        self.assertTrue(ctl["forceCanceled"])
        self.cerr(409, "VersionConflictException", "PUT",
                  "/things/v/jobs/j/cancel", {"expectedVersion": 7})
        self.cok("PUT", "/things/v/jobs/j/cancel", {"expectedVersion": 1})
        self.cerr(404, "ResourceNotFoundException", "PUT",
                  "/things/zz/jobs/j/cancel", {})

    def test_list_job_executions_for_thing(self):
        for j in ("a", "b", "c"):
            self.create_job(j, ["t"])
        self.update("t", "b", "IN_PROGRESS")
        out = self.cok("GET", "/things/t/jobs")
        self.assertEqual([s["jobId"] for s in out["executionSummaries"]],
                         ["a", "b", "c"])
        s = out["executionSummaries"][1]["jobExecutionSummary"]
        self.assertEqual((s["status"], s["executionNumber"]),
                         ("IN_PROGRESS", 1))
        self.assertIn("startedAt", s)
        out = self.cok("GET", "/things/t/jobs", query="status=QUEUED")
        self.assertEqual([s["jobId"] for s in out["executionSummaries"]],
                         ["a", "c"])
        page = self.cok("GET", "/things/t/jobs", query="maxResults=2")
        self.assertEqual(len(page["executionSummaries"]), 2)
        rest = self.cok("GET", "/things/t/jobs", query="maxResults=2&"
                        "nextToken=" + page["nextToken"])
        self.assertEqual([s["jobId"] for s in rest["executionSummaries"]],
                         ["c"])
        self.assertNotIn("nextToken", rest)
        self.cerr(400, "InvalidRequestException", "GET", "/things/t/jobs",
                  query="status=DONE")
        self.cerr(400, "InvalidRequestException", "GET", "/things/t/jobs",
                  query="maxResults=0")
        self.assertEqual(self.cok("GET", "/things/nobody/jobs"),
                         {"executionSummaries": []})

    def test_delete_job(self):
        self.create_job("j", ["t"])
        self.cerr(409, "InvalidStateTransitionException", "DELETE", "/jobs/j")
        self.cok("DELETE", "/jobs/j", query="force=true")
        self.cerr(404, "ResourceNotFoundException", "GET", "/jobs/j")
        self.assertEqual(self.ok("GET", "/things/t/jobs")["queuedJobs"], [])
        self.create_job("j", ["t"])  # the id is free again
