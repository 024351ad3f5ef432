"""SigV4 checks: every rejection case and the plane selection by scope."""

from emulator.tests._client import (AKID, CONTROL, DATA, TOKEN, TOKEN_AKID,
                                    TOKEN_SECRET, Client, EmulatorTestCase)

SIG_MISMATCH = "The request signature we calculated does not match"


class AuthTest(EmulatorTestCase):
    def setUp(self):
        super().setUp()
        self.create_job("j", ["t"])

    def send(self, client=None, method="GET", path="/things/t/jobs",
             body=None, service=DATA, mutate=None, **sign):
        client = client or self.client
        raw = b"" if body is None else body
        headers = client.sign_headers(method, path, "", raw, service, **sign)
        if mutate:
            mutate(headers)
        return client.raw(method, path, "", raw, headers)

    def expect(self, result, status, name, message=None):
        code, headers, body = result
        self.assertEqual((code, headers.get("x-amzn-errortype")),
                         (status, name), body)
        self.assertRegex(headers["x-amzn-requestid"], r"^[0-9a-f-]{36}$")
        if message:
            self.assertIn(message, body["message"])
        return body

    def test_valid_request(self):
        self.assertEqual(self.send()[0], 200)

    def test_missing_authorization(self):
        self.expect(self.client.raw("GET", "/things/t/jobs"), 403,
                    "MissingAuthenticationTokenException",
                    "Missing Authentication Token")

    def test_malformed_authorization(self):
        def mutate(h):
            h["authorization"] = "AWS4-HMAC-SHA256 Credential=garbage"
        self.expect(self.send(mutate=mutate), 400,
                    "IncompleteSignatureException")

    def test_wrong_signature(self):
        self.expect(self.send(secret="not-the-secret"), 403,
                    "InvalidSignatureException", SIG_MISMATCH)

    def test_tampered_body_path_and_query(self):
        headers = self.client.sign_headers("POST", "/things/t/jobs/j", "",
                                           b'{"status":"IN_PROGRESS"}', DATA)
        self.expect(self.client.raw("POST", "/things/t/jobs/j", "",
                                    b'{"status":"SUCCEEDED"}', headers),
                    403, "InvalidSignatureException", SIG_MISMATCH)
        headers = self.client.sign_headers("GET", "/things/t/jobs/j", "",
                                           b"", DATA)
        self.expect(self.client.raw("GET", "/things/t/jobs/k", "", b"",
                                    headers),
                    403, "InvalidSignatureException", SIG_MISMATCH)
        self.expect(self.client.raw("GET", "/things/t/jobs/j",
                                    "includeJobDocument=false", b"", headers),
                    403, "InvalidSignatureException", SIG_MISMATCH)
        self.assertEqual(self.describe("t", "j")["status"], "QUEUED")

    def test_wrong_region_in_scope(self):
        self.expect(self.send(region="eu-west-1"), 403,
                    "InvalidSignatureException",
                    "Credential should be scoped to a valid region")

    def test_wrong_service_in_scope(self):
        self.expect(self.send(service="iotdata"), 403,
                    "InvalidSignatureException",
                    "Credential should be scoped to correct service: "
                    "'iot-jobs-data'")
        # A data-plane-only operation signed for the control plane.
        self.expect(self.send(method="PUT", path="/things/t/jobs/$next",
                              service=CONTROL), 403,
                    "InvalidSignatureException", "'iot-jobs-data'")
        # A control-plane-only operation signed for the data plane.
        self.expect(self.send(path="/jobs/j", service=DATA), 403,
                    "InvalidSignatureException", "'iot'")

    def test_scope_date_must_match_x_amz_date(self):
        self.expect(self.send(scope_date="20200101"), 403,
                    "InvalidSignatureException",
                    "Date in Credential scope does not match")

    def test_unknown_access_key(self):
        stranger = Client(self.client.port, self.clock, akid="AKIDUNKNOWN")
        try:
            self.expect(self.send(stranger), 403, "UnrecognizedClientException",
                        "The security token included in the request is "
                        "invalid.")
        finally:
            stranger.close()

    def test_session_token(self):
        good = Client(self.client.port, self.clock, TOKEN_AKID, TOKEN_SECRET,
                      TOKEN)
        missing = Client(self.client.port, self.clock, TOKEN_AKID,
                         TOKEN_SECRET)
        wrong = Client(self.client.port, self.clock, TOKEN_AKID, TOKEN_SECRET,
                       "other-token")
        extra = Client(self.client.port, self.clock, AKID, "x", TOKEN)
        try:
            self.assertEqual(self.send(good)[0], 200)
            for c in (missing, wrong, extra):
                self.expect(self.send(c), 403, "UnrecognizedClientException")
        finally:
            for c in (good, missing, wrong, extra):
                c.close()

    def test_skew(self):
        now = self.clock.now()
        self.assertEqual(self.send(when=now - 14 * 60)[0], 200)
        self.assertEqual(self.send(when=now + 14 * 60)[0], 200)
        body = self.expect(self.send(when=now - 16 * 60), 403,
                           "InvalidSignatureException", "Signature expired: ")
        self.assertRegex(body["message"], r"^Signature expired: \d{8}T\d{6}Z "
                         r"is now earlier than \d{8}T\d{6}Z \(\d{8}T\d{6}Z "
                         r"- 15 min\.\)$")
        self.expect(self.send(when=now + 16 * 60), 403,
                    "InvalidSignatureException",
                    "Signature not yet current: ")

    def test_unsigned_host_or_date_rejected(self):
        def drop_host(h):
            h["authorization"] = h["authorization"].replace(
                "SignedHeaders=host;", "SignedHeaders=")
        self.expect(self.send(mutate=drop_host), 403,
                    "InvalidSignatureException")

        def no_date(h):
            del h["x-amz-date"]
        self.expect(self.send(mutate=no_date), 400,
                    "IncompleteSignatureException")

    def test_content_sha256_must_match_body(self):
        def mutate(h):
            h["x-amz-content-sha256"] = "0" * 64
        self.expect(self.send(method="PUT", path="/things/t/jobs/$next",
                              body=b"{}", mutate=mutate), 403,
                    "InvalidSignatureException")

    def test_scope_selects_the_plane_on_shared_paths(self):
        data = self.ok("GET", "/things/t/jobs")
        self.assertEqual(set(data), {"inProgressJobs", "queuedJobs"})
        control = self.ok("GET", "/things/t/jobs", service=CONTROL)
        self.assertEqual(set(control), {"executionSummaries"})
        d = self.ok("GET", "/things/t/jobs/j")["execution"]
        c = self.ok("GET", "/things/t/jobs/j", service=CONTROL)["execution"]
        self.assertIn("thingName", d)
        self.assertEqual(c["thingArn"],
                         "arn:aws:iot:us-east-1:123456789012:thing/t")
