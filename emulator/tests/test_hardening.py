"""Hostile clients: deep JSON, half-sent requests, too many connections, and
the temporaries a killed writer leaves behind."""

import os
import socket
import tempfile
import threading
import time
import unittest

from emulator import faults
from emulator.server import EmulatorServer
from emulator.store import Store, atomic_write
from emulator.tests._client import (AKID, CONTROL, SECRET, EmulatorTestCase,
                                    thing_arn)

# Generous: the machine may be loaded; every wait below polls a condition.
DEADLINE = float(os.environ.get("AWSC_TEST_TIMEOUT", "60"))
DEEP = 10000  # far past Python's recursion limit, within the body and document caps


def wait_until(condition, what):
    end = time.monotonic() + DEADLINE
    while time.monotonic() < end:
        if condition():
            return
        time.sleep(0.02)
    raise AssertionError("timed out waiting for " + what)


class DeepJsonTest(EmulatorTestCase):
    def test_deeply_nested_bodies_are_bad_requests(self):
        deep = b"[" * DEEP + b"]" * DEEP
        self.err(400, "InvalidRequestException", "POST",
                 "/things/t/jobs/j1", deep)
        deep_object = b'{"status": ' + b'{"a": ' * DEEP + b"1" + b"}" * (DEEP + 1)
        self.err(400, "InvalidRequestException", "POST",
                 "/things/t/jobs/j1", deep_object)
        self.err(400, "ValidationException", "POST", "/command-executions",
                 deep)

    def test_a_deeply_nested_job_document_is_a_bad_request(self):
        doc = "[" * DEEP + "]" * DEEP
        self.err(400, "InvalidRequestException", "PUT", "/jobs/deep",
                 {"targets": [thing_arn("t")], "document": doc},
                 service=CONTROL)

    def test_deep_bodies_with_faults_on(self):
        self.server.faults = faults.Faults("off")
        self.err(400, "InvalidRequestException", "POST", "/things/t/jobs/j1",
                 b"[" * DEEP + b"]" * DEEP)


class ConnectionLimitsTest(unittest.TestCase):
    def start(self, **limits):
        server = EmulatorServer(0, {AKID: (SECRET, None)}, Store(), **limits)
        server.start_background()
        self.addCleanup(server.stop)
        return server

    def half_sent(self, server):
        s = socket.create_connection(server.server_address[:2], timeout=DEADLINE)
        self.addCleanup(s.close)
        s.sendall(b"POST /things/t/jobs/j HTTP/1.1\r\nHost: x\r\n"
                  b"Content-Length: 100\r\n\r\n{\"st")
        return s

    def test_a_half_sent_request_is_dropped_after_the_timeout(self):
        server = self.start(connection_timeout=0.5)
        s = self.half_sent(server)
        started = time.monotonic()
        self.assertEqual(s.recv(1024), b"")  # closed without a reply
        self.assertLess(time.monotonic() - started, DEADLINE)

    def test_connections_beyond_the_bound_are_refused(self):
        server = self.start(connection_timeout=DEADLINE, max_connections=3)
        before = threading.active_count()
        held = [self.half_sent(server) for _ in range(3)]
        wait_until(lambda: threading.active_count() >= before + 3,
                   "three connection threads")
        extra = [self.half_sent(server) for _ in range(20)]
        for s in extra:
            reply = b""
            while True:
                chunk = s.recv(4096)
                if not chunk:
                    break
                reply += chunk
            self.assertTrue(reply.startswith(b"HTTP/1.1 503 "), reply)
            self.assertIn(b"ServiceUnavailableException", reply)
        self.assertLessEqual(threading.active_count(), before + 3)
        for s in held:
            s.close()
        # The slots come back: a new connection is served again.
        def served():
            s = socket.create_connection(server.server_address[:2],
                                         timeout=DEADLINE)
            try:
                s.sendall(b"GET /things/t/jobs HTTP/1.1\r\nHost: x\r\n"
                          b"Connection: close\r\n\r\n")
                return not s.recv(4096).startswith(b"HTTP/1.1 503")
            finally:
                s.close()
        wait_until(served, "a freed connection slot")


class StaleTemporariesTest(unittest.TestCase):
    def test_a_killed_writers_temporaries_are_removed_at_start(self):
        with tempfile.TemporaryDirectory() as tmp:
            state = os.path.join(tmp, "s.json")
            Store(state_file=state)._commit()
            # What kill -9 in the middle of atomic_write leaves behind.
            stale = os.path.join(tmp, ".s.json.tmp-abc123")
            with open(stale, "w") as f:
                f.write('{"half')
            other = os.path.join(tmp, ".other.json.tmp-xyz")
            open(other, "w").close()
            Store(state_file=state)
            self.assertFalse(os.path.exists(stale))
            self.assertTrue(os.path.exists(other))  # not this store's
            self.assertTrue(os.path.exists(state))

    def test_temporaries_are_named_after_their_file(self):
        with tempfile.TemporaryDirectory() as tmp:
            state = os.path.join(tmp, "s.json")
            seen = []
            real_replace = os.replace

            def spy(src, dst):
                seen.append(os.path.basename(src))
                real_replace(src, dst)
            os.replace = spy
            try:
                atomic_write(state, "{}")
            finally:
                os.replace = real_replace
            self.assertTrue(seen[0].startswith(".s.json.tmp-"), seen)


if __name__ == "__main__":
    unittest.main()
