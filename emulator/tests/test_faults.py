"""Fault injection: the SPEC parser, the scripted sequence, the server hook."""

import http.client
import json
import unittest

from emulator import faults
from emulator.tests._client import Client, EmulatorTestCase


class SpecParserTest(unittest.TestCase):
    def test_random_settings(self):
        s = faults.parse_spec("rate=0.2,seed=7,kinds=429+500+503+close+truncate")
        self.assertEqual((s.rate, s.seed), (0.2, 7))
        self.assertEqual(s.kinds, ("429", "500", "503", "close", "truncate"))
        self.assertEqual(s.script, ())

    def test_defaults(self):
        s = faults.parse_spec("off")
        self.assertEqual((s.rate, s.seed, s.delay, s.script), (0.0, 0, 3.0, ()))
        self.assertNotIn("lostreply", s.kinds)  # changes state: opt-in only
        self.assertEqual(set(s.kinds) | {"lostreply"}, set(faults.KINDS))
        self.assertEqual(faults.parse_spec("").script, ())

    def test_script_continues_until_next_setting(self):
        s = faults.parse_spec("script=503,503,ok,delay=1.5,rate=0.1")
        self.assertEqual(s.script, ("503", "503", "ok"))
        self.assertEqual((s.delay, s.rate), (1.5, 0.1))
        self.assertEqual(faults.parse_spec("script=slow, lostreply").script,
                         ("slow", "lostreply"))

    def test_every_kind_is_accepted(self):
        for kind in faults.KINDS:
            self.assertEqual(faults.parse_spec("script=" + kind).script, (kind,))
            self.assertEqual(faults.parse_spec("rate=1,kinds=" + kind).kinds, (kind,))

    def test_bad_specs(self):
        for spec in ("rate=2", "rate=-0.1", "rate=x", "seed=1.5", "kinds=418",
                     "kinds=ok", "script=teapot", "script=503,nope", "503",
                     "bogus=1", "delay=-1", "rate=0.1,rate=0.2", "kinds="):
            with self.subTest(spec=spec):
                with self.assertRaises(faults.SpecError):
                    faults.parse_spec(spec)


class SequenceTest(unittest.TestCase):
    def test_script_then_no_faults(self):
        f = faults.Faults("script=503,close,ok,429")
        self.assertEqual([f.next_kind() for _ in range(6)],
                         ["503", "close", "ok", "429", "ok", "ok"])

    def test_script_then_rate(self):
        f = faults.Faults("script=ok,rate=1,kinds=504")
        self.assertEqual([f.next_kind() for _ in range(3)], ["ok", "504", "504"])

    def test_random_is_seeded_and_near_the_rate(self):
        a = faults.Faults("rate=0.2,seed=7")
        b = faults.Faults("rate=0.2,seed=7")
        seq_a = [a.next_kind() for _ in range(2000)]
        self.assertEqual(seq_a, [b.next_kind() for _ in range(2000)])
        hits = [k for k in seq_a if k != "ok"]
        self.assertTrue(300 < len(hits) < 500, len(hits))
        self.assertEqual(set(hits), set(a.spec.kinds))
        other = faults.Faults("rate=0.2,seed=8")
        self.assertNotEqual(seq_a, [other.next_kind() for _ in range(2000)])

    def test_reset_replaces_script_and_clears_log_not_counts(self):
        f = faults.Faults("script=503")
        f.note_succeeded("t", "j")
        f.reset("script=429")
        self.assertEqual(f.next_kind(), "429")
        self.assertEqual(f.snapshot()["succeeded"], {"t/j": 1})
        self.assertEqual(f.snapshot()["spec"], "script=429")


class ServerHookTest(EmulatorTestCase):
    def start_server(self):
        super().start_server()
        self.server.faults = faults.Faults("off")

    def debug(self, method="GET", body=None):
        status, _, payload = self.client.call(
            method, "/_faults", None if body is None else body.encode())
        return status, payload

    def test_error_fault_does_not_reach_the_store(self):
        self.create_job("j1", ["t"])
        self.debug("POST", "script=503")
        self.err(503, "ServiceUnavailableException", "POST", "/things/t/jobs/j1",
                 {"status": "IN_PROGRESS"})
        ex = self.describe("t", "j1")
        self.assertEqual((ex["status"], ex["versionNumber"]), ("QUEUED", 1))
        _, state = self.debug()
        self.assertEqual([r["fault"] for r in state["requests"]], ["503", "ok"])
        self.assertEqual(state["requests"][0]["operation"], "UpdateJobExecution")
        self.assertEqual(state["requests"][0]["labels"], ["t", "j1"])

    def test_502_and_504_carry_no_error_type(self):
        for kind in ("502", "504"):
            self.debug("POST", "script=" + kind)
            status, headers, _ = self.client.call("GET", "/things/t/jobs")
            self.assertEqual(status, int(kind))
            self.assertNotIn("x-amzn-errortype", headers)

    def test_control_plane_is_never_faulted(self):
        self.debug("POST", "rate=1,kinds=503")
        self.create_job("j1", ["t"])
        self.assertEqual(self.debug()[1]["requests"], [])

    def test_lostreply_applies_then_drops(self):
        self.create_job("j1", ["t"])
        self.debug("POST", "script=lostreply")
        with self.assertRaises((http.client.HTTPException, ConnectionError)):
            self.update("t", "j1", "SUCCEEDED")
        self.client.close()
        self.assertEqual(self.describe("t", "j1")["status"], "SUCCEEDED")
        status, _, _ = self.update("t", "j1", "SUCCEEDED")
        self.assertEqual(status, 409)
        self.assertEqual(self.debug()[1]["succeeded"], {"t/j1": 1})

    def test_garbage_and_truncate(self):
        self.debug("POST", "script=garbage,truncate")
        with self.assertRaises(ValueError):
            self.client.call("GET", "/things/t/jobs")
        with self.assertRaises(http.client.IncompleteRead):
            self.client.call("GET", "/things/t/jobs")

    def test_bad_spec_is_refused(self):
        status, body = self.debug("POST", "rate=7")
        self.assertEqual(status, 400)
        self.assertIn("rate", body["message"])

    def test_no_endpoint_without_faults(self):
        self.server.faults = None
        status, _ = self.debug()
        self.assertEqual(status, 404)  # an unknown path like any other

    def test_the_endpoint_needs_a_valid_signature(self):
        port = self.server.server_address[1]
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        try:
            conn.request("POST", "/_faults", body="script=503")
            resp = conn.getresponse()
            self.assertEqual(resp.status, 403)
            self.assertEqual(json.loads(resp.read())["message"],
                             "Missing Authentication Token")
        finally:
            conn.close()
        forged = Client(port, self.clock, secret="not-the-secret")
        try:
            status, headers, _ = forged.call("POST", "/_faults", b"script=503")
        finally:
            forged.close()
        self.assertEqual((status, headers.get("x-amzn-errortype")),
                         (403, "InvalidSignatureException"))
        # Neither reached the faults: the next call is not faulted.
        self.assertEqual(self.debug()[1]["spec"], "off")
        status, _, _ = self.client.call("GET", "/things/t/jobs")
        self.assertEqual(status, 200)


if __name__ == "__main__":
    unittest.main()
