"""Data-plane semantics of the emulator, over HTTP."""

import re

from emulator.tests._client import CONTROL, EmulatorTestCase, thing_arn

UUID_RE = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-"
                     r"[89ab][0-9a-f]{3}-[0-9a-f]{12}$")
CMD = "arn:aws:iot:us-east-1:123456789012:command/reboot"


class DataPlaneTest(EmulatorTestCase):
    def test_response_headers_and_keep_alive(self):
        self.create_job("j1", ["t"])
        first = self.client.conn.sock
        status, headers, body = self.client.call("GET", "/things/t/jobs")
        self.assertEqual(status, 200)
        self.assertEqual(headers["content-type"], "application/json")
        self.assertRegex(headers["x-amzn-requestid"], UUID_RE)
        status, headers2, _ = self.client.call("GET", "/things/t/jobs/nope")
        self.assertEqual(status, 404)
        self.assertEqual(headers2["x-amzn-errortype"],
                         "ResourceNotFoundException")
        self.assertNotEqual(headers["x-amzn-requestid"],
                            headers2["x-amzn-requestid"])
        self.assertIs(self.client.conn.sock, first)  # same connection reused

    def test_describe_fields_and_include_document(self):
        self.create_job("j1", ["t"], document='{"a":1}')
        ex = self.describe("t", "j1")
        self.assertEqual(ex["jobId"], "j1")
        self.assertEqual(ex["thingName"], "t")
        self.assertEqual(ex["status"], "QUEUED")
        self.assertEqual(ex["versionNumber"], 1)
        self.assertEqual(ex["executionNumber"], 1)
        self.assertEqual(ex["jobDocument"], '{"a":1}')
        self.assertIsInstance(ex["queuedAt"], int)
        self.assertEqual(ex["queuedAt"], int(self.clock.now()))
        self.assertNotIn("startedAt", ex)
        self.assertNotIn("jobDocument",
                         self.describe("t", "j1", "includeJobDocument=false"))
        self.assertIn("jobDocument",
                      self.describe("t", "j1", "includeJobDocument=true"))
        self.err(400, "InvalidRequestException", "GET", "/things/t/jobs/j1",
                 query="includeJobDocument=maybe")

    def test_execution_number_filter(self):
        self.create_job("j1", ["t"])
        self.assertEqual(self.describe("t", "j1", "executionNumber=1")
                         ["executionNumber"], 1)
        self.err(404, "ResourceNotFoundException", "GET", "/things/t/jobs/j1",
                 query="executionNumber=2")
        self.err(400, "InvalidRequestException", "GET", "/things/t/jobs/j1",
                 query="executionNumber=x")
        status, _, _ = self.update("t", "j1", "IN_PROGRESS",
                                   executionNumber=2)
        self.assertEqual(status, 404)

    def test_next_and_start_next_ordering(self):
        self.create_job("a", ["t"])
        self.clock.advance(1)
        self.create_job("b", ["t"])
        self.clock.advance(1)
        self.create_job("c", ["t"])
        self.assertEqual(self.describe("t", "$next")["jobId"], "a")
        # $next on the wire may be percent-encoded.
        self.assertEqual(self.describe("t", "%24next")["jobId"], "a")
        self.assertEqual(self.update("t", "b", "IN_PROGRESS")[0], 200)
        # IN_PROGRESS ones come before QUEUED ones.
        self.assertEqual(self.describe("t", "$next")["jobId"], "b")
        ex = self.ok("PUT", "/things/t/jobs/$next", {})["execution"]
        self.assertEqual((ex["jobId"], ex["status"]), ("b", "IN_PROGRESS"))
        self.assertEqual(ex["versionNumber"], 2)  # unchanged: already started
        self.assertIn("jobDocument", ex)
        self.assertEqual(self.update("t", "b", "SUCCEEDED")[0], 200)
        ex = self.ok("PUT", "/things/t/jobs/$next",
                     {"statusDetails": {"step": "1"}})["execution"]
        self.assertEqual((ex["jobId"], ex["status"]), ("a", "IN_PROGRESS"))
        self.assertEqual(ex["statusDetails"], {"step": "1"})
        self.assertEqual(ex["startedAt"], int(self.clock.now()))
        self.assertEqual(ex["versionNumber"], 2)
        self.assertEqual(self.update("t", "a", "FAILED")[0], 200)
        self.assertEqual(self.ok("PUT", "/things/t/jobs/$next", {})
                         ["execution"]["jobId"], "c")
        self.assertEqual(self.update("t", "c", "REJECTED")[0], 200)
        self.assertEqual(self.ok("PUT", "/things/t/jobs/$next", {}), {})
        self.assertEqual(self.ok("PUT", "/things/unknown/jobs/$next"), {})
        self.err(404, "ResourceNotFoundException", "GET",
                 "/things/t/jobs/$next")

    def test_get_pending(self):
        self.assertEqual(self.ok("GET", "/things/t/jobs"),
                         {"inProgressJobs": [], "queuedJobs": []})
        for j in ("a", "b", "c", "d"):
            self.create_job(j, ["t", "other"])
            self.clock.advance(1)
        self.update("t", "c", "IN_PROGRESS")
        self.update("t", "d", "SUCCEEDED")
        out = self.ok("GET", "/things/t/jobs")
        self.assertEqual([s["jobId"] for s in out["inProgressJobs"]], ["c"])
        self.assertEqual([s["jobId"] for s in out["queuedJobs"]], ["a", "b"])
        summary = out["inProgressJobs"][0]
        self.assertEqual(set(summary), {"jobId", "queuedAt", "startedAt",
                                        "lastUpdatedAt", "versionNumber",
                                        "executionNumber"})
        self.assertEqual(summary["versionNumber"], 2)
        self.assertNotIn("startedAt", out["queuedJobs"][0])

    def test_version_conflict(self):
        self.create_job("j", ["t"])
        status, headers, body = self.update("t", "j", "IN_PROGRESS",
                                            expectedVersion=5)
        self.assertEqual((status, headers["x-amzn-errortype"]),
                         (409, "InvalidStateTransitionException"))
        self.assertIn("version", body["message"].lower())
        self.assertEqual(self.describe("t", "j")["status"], "QUEUED")
        status, _, body = self.update("t", "j", "IN_PROGRESS",
                                      expectedVersion=1,
                                      includeJobExecutionState=True)
        self.assertEqual(status, 200)
        self.assertEqual(body["executionState"]["versionNumber"], 2)
        # A second writer still holding version 1 loses.
        self.assertEqual(self.update("t", "j", "SUCCEEDED",
                                     expectedVersion=1)[0], 409)
        self.assertEqual(self.update("t", "j", "SUCCEEDED",
                                     expectedVersion=2)[0], 200)
        status, headers, _ = self.update("t", "j", "IN_PROGRESS",
                                         expectedVersion="2")
        self.assertEqual((status, headers["x-amzn-errortype"]),
                         (400, "InvalidRequestException"))

    def test_status_details_replace_or_keep(self):
        self.create_job("j", ["t"])
        self.update("t", "j", "IN_PROGRESS", statusDetails={"a": "1", "b": "2"})
        self.assertEqual(self.describe("t", "j")["statusDetails"],
                         {"a": "1", "b": "2"})
        self.update("t", "j", "IN_PROGRESS")  # omitted: unchanged
        self.assertEqual(self.describe("t", "j")["statusDetails"],
                         {"a": "1", "b": "2"})
        self.update("t", "j", "IN_PROGRESS", statusDetails={"c": "3"})
        self.assertEqual(self.describe("t", "j")["statusDetails"], {"c": "3"})
        self.update("t", "j", "IN_PROGRESS", statusDetails={})
        self.assertNotIn("statusDetails", self.describe("t", "j"))

    def test_status_details_validation(self):
        self.create_job("j", ["t"])
        bad = [{"a b": "x"}, {"": "x"}, {"k" * 129: "x"}, {"a": ""},
               {"a": "x\u0001"}, {"a": "x" * 1025}, {"a": 1}, ["a"], "a"]
        for details in bad:
            with self.subTest(details=details):
                status, headers, _ = self.update("t", "j", "IN_PROGRESS",
                                                 statusDetails=details)
                self.assertEqual((status, headers["x-amzn-errortype"]),
                                 (400, "InvalidRequestException"))
        self.assertEqual(self.update("t", "j", "IN_PROGRESS", statusDetails={
            "k:_-9" + "k" * 123: "ünïcode ok " + "x" * 1000})[0], 200)

    def test_update_response_includes(self):
        self.create_job("j", ["t"], document='{"d":2}')
        status, _, body = self.update("t", "j", "IN_PROGRESS")
        self.assertEqual((status, body), (200, {}))
        _, _, body = self.update("t", "j", "IN_PROGRESS",
                                 includeJobDocument=True,
                                 includeJobExecutionState=True,
                                 statusDetails={"p": "50"})
        self.assertEqual(body, {"jobDocument": '{"d":2}', "executionState": {
            "status": "IN_PROGRESS", "statusDetails": {"p": "50"},
            "versionNumber": 3}})

    def test_input_validation(self):
        self.create_job("j", ["t"])
        for path in ("/things/bad%20name/jobs", "/things/" + "x" * 129 +
                     "/jobs", "/things/t/jobs/bad.id", "/things/t/jobs/" +
                     "j" * 65):
            with self.subTest(path=path):
                self.err(400, "InvalidRequestException", "GET", path)
        self.err(400, "InvalidRequestException", "POST", "/things/t/jobs/j",
                 b"{not json")
        self.err(400, "InvalidRequestException", "POST", "/things/t/jobs/j",
                 b"[]")
        for timeout in (0, 10081, -2, 1.5, "5"):
            with self.subTest(timeout=timeout):
                status, _, _ = self.update("t", "j", "IN_PROGRESS",
                                           stepTimeoutInMinutes=timeout)
                self.assertEqual(status, 400)
        self.err(404, "ResourceNotFoundException", "POST",
                 "/things/t/jobs/missing", {"status": "IN_PROGRESS"})

    def test_thing_name_with_colon(self):
        self.create_job("j", ["a:b"])
        self.assertEqual(self.describe("a%3Ab", "j")["thingName"], "a:b")

    def test_step_timeout(self):
        self.create_job("j", ["t"])
        ex = self.ok("PUT", "/things/t/jobs/$next",
                     {"stepTimeoutInMinutes": 2})["execution"]
        self.assertEqual(ex["approximateSecondsBeforeTimedOut"], 120)
        self.clock.advance(100)
        self.assertEqual(self.describe("t", "j")
                         ["approximateSecondsBeforeTimedOut"], 20)
        # Resetting the step timer with a new value.
        self.update("t", "j", "IN_PROGRESS", stepTimeoutInMinutes=1)
        self.clock.advance(59)
        self.assertEqual(self.describe("t", "j")["status"], "IN_PROGRESS")
        self.clock.advance(2)
        ex = self.describe("t", "j")
        self.assertEqual(ex["status"], "TIMED_OUT")
        self.assertNotIn("approximateSecondsBeforeTimedOut", ex)
        self.assertEqual(ex["versionNumber"], 4)
        self.assertEqual(self.update("t", "j", "SUCCEEDED")[0], 409)
        job = self.ok("GET", "/jobs/j", service=CONTROL)["job"]
        self.assertEqual(job["status"], "COMPLETED")
        self.assertEqual(job["jobProcessDetails"]["numberOfTimedOutThings"], 1)

    def test_step_timeout_minus_one_cancels_timer(self):
        self.create_job("j", ["t"])
        self.update("t", "j", "IN_PROGRESS", stepTimeoutInMinutes=1)
        self.update("t", "j", "IN_PROGRESS", stepTimeoutInMinutes=-1)
        self.assertNotIn("approximateSecondsBeforeTimedOut",
                         self.describe("t", "j"))
        self.clock.advance(3600)
        self.assertEqual(self.describe("t", "j")["status"], "IN_PROGRESS")

    def test_job_in_progress_timeout(self):
        self.create_job("j", ["t"], timeoutConfig={
            "inProgressTimeoutInMinutes": 10})
        self.clock.advance(3600)  # the timer starts at IN_PROGRESS only
        self.update("t", "j", "IN_PROGRESS", stepTimeoutInMinutes=30)
        # The earlier of the two timers wins.
        self.assertEqual(self.describe("t", "j")
                         ["approximateSecondsBeforeTimedOut"], 600)
        self.clock.advance(601)
        self.assertEqual(self.describe("t", "j")["status"], "TIMED_OUT")

    def test_timeout_seen_by_get_pending_and_start_next(self):
        self.create_job("a", ["t"])
        self.create_job("b", ["t"])
        self.ok("PUT", "/things/t/jobs/$next", {"stepTimeoutInMinutes": 1})
        self.clock.advance(61)
        out = self.ok("GET", "/things/t/jobs")
        self.assertEqual(out["inProgressJobs"], [])
        self.assertEqual(self.ok("PUT", "/things/t/jobs/$next", {})
                         ["execution"]["jobId"], "b")

    def test_start_command_execution_idempotency(self):
        body = {"targetArn": thing_arn("t"), "commandArn": CMD,
                "parameters": {"delay": {"I": 5}, "name": {"S": "x"}},
                "executionTimeoutSeconds": 30, "clientToken": "tok-1"}
        first = self.ok("POST", "/command-executions", body)
        self.assertRegex(first["executionId"], r"^[a-zA-Z0-9_-]{1,64}$")
        self.assertEqual(self.ok("POST", "/command-executions", body), first)
        changed = dict(body, executionTimeoutSeconds=31)
        out = self.err(409, "ConflictException", "POST", "/command-executions",
                       changed)
        self.assertEqual(out["resourceId"], first["executionId"])
        other = self.ok("POST", "/command-executions",
                        dict(body, clientToken="tok-2"))
        self.assertNotEqual(other, first)
        no_token = dict(body)
        del no_token["clientToken"]
        self.assertNotEqual(self.ok("POST", "/command-executions", no_token),
                            self.ok("POST", "/command-executions", no_token))

    def test_start_command_execution_validation(self):
        good = {"targetArn": thing_arn("t"), "commandArn": CMD}
        self.ok("POST", "/command-executions", good)
        self.ok("POST", "/command-executions", dict(
            good, targetArn="arn:aws:iot:us-east-1:123456789012:client/c1"))
        bad = [{}, {"targetArn": thing_arn("t")},
               dict(good, targetArn="not-an-arn"),
               dict(good, commandArn="arn:aws:iot:us-east-1:1:command/x"),
               dict(good, executionTimeoutSeconds=0),
               dict(good, clientToken=""), dict(good, clientToken="a b"),
               dict(good, parameters={}),
               dict(good, parameters={"p": {"S": "x", "I": 1}}),
               dict(good, parameters={"p": {"I": 1 << 31}}),
               dict(good, parameters={"p": {"UL": "-1"}}),
               dict(good, parameters={"p": {"BIN": "!!"}}),
               dict(good, parameters={"bad name": {"S": "x"}})]
        for body in bad:
            with self.subTest(body=body):
                self.err(400, "ValidationException", "POST",
                         "/command-executions", body)
        self.ok("POST", "/command-executions", dict(good, parameters={
            "a": {"B": True}, "b": {"L": 1 << 40}, "c": {"D": 1.5},
            "d": {"BIN": "AAE="}, "e": {"UL": "18446744073709551615"}}))

    def test_unknown_route(self):
        self.err(404, "UnknownOperationException", "GET", "/nothing/here")
        self.err(404, "UnknownOperationException", "DELETE",
                 "/things/t/jobs/j")
