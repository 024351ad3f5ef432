"""codegen.event_stream_tests: smithy.test#eventStreamTests cases as C data for tests/protocol/eventstream_harness.c."""
import os
import subprocess
import tempfile
import unittest

from codegen import event_stream_tests
from codegen.errors import GenerationError
from codegen.model import Model
from codegen.writer import ServiceWriter

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

IDL = """$version: "2.0"

namespace example.es

use aws.protocols#restJson1
use smithy.test#eventStreamTests

@restJson1
service Es {
    version: "2024-01-01"
    operations: [Talk]
}

@streaming
union Events {
    note: Note
    oops: Oops
}

structure Note {
    @eventHeader
    flag: Boolean

    @eventHeader
    when: Timestamp

    @eventPayload
    text: String
}

@error("client")
structure Oops {
    message: String
}

@eventStreamTests([
    {
        id: "NoteIn"
        protocol: restJson1
        events: [
            {
                type: "request"
                params: { note: { flag: true, text: "hi" } }
                headers: { ":message-type": { string: "event" }, flag: { boolean: true }, "b": { blob: "AAE=" }, when: { timestamp: "1970-01-01T00:00:01Z" } }
                body: "hi"
                bodyMediaType: "text/plain"
                bytes: "AAEC"
            }
        ]
    }
    {
        id: "ServerOnly"
        protocol: restJson1
        events: [{ type: "response", params: { note: { flag: true } } }]
        appliesTo: "server"
    }
    {
        id: "OopsOut"
        protocol: restJson1
        events: [{ type: "response", params: { oops: { message: "m" } }, bytes: "AAAA" }]
        expectation: { failure: { errorId: Oops } }
    }
    {
        id: "Initial"
        protocol: restJson1
        initialRequestParams: {}
        initialRequest: { method: "POST", uri: "/talk" }
        initialRequestShape: smithy.test#InitialHttpRequest
    }
])
@http(method: "POST", uri: "/talk")
operation Talk {
    input := {
        @httpPayload
        stream: Events
    }
    output := {
        @httpPayload
        stream: Events
    }
}
"""


class Emitter(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.TemporaryDirectory()
        with open(os.path.join(self.dir.name, "m.smithy"), "w") as fh:
            fh.write(IDL)
        self.model = Model.load(self.dir.name)

    def tearDown(self):
        self.dir.cleanup()

    def render(self, skips=None):
        return event_stream_tests.render(self.model, self.model.service(), "restJson1", "es", skips)

    def test_client_cases_become_data_in_one_criterion_test(self):
        text = self.render()
        self.assertEqual(text, self.render())  # deterministic
        self.assertNotIn("ServerOnly", text)
        self.assertEqual(text.count("Test("), 1)
        self.assertIn('awsc_pt_run_suite(cases, sizeof cases / sizeof cases[0], "eventstream-tests");', text)
        note = text[text.index("restJson1_events__NoteIn(void)"):text.index("restJson1_events__OopsOut(void)")]
        # typed headers: booleans as their wire type, blobs decoded, timestamps in milliseconds
        self.assertIn('{"flag", 0, 0LL, NULL, 0}', note)
        self.assertIn('{"b", 6, 0LL, "\\000\\001", 2}', note)
        self.assertIn('{"when", 8, 1000LL, NULL, 0}', note)
        self.assertIn('.bytes = (const uint8_t *)"\\000\\001\\002", .bytes_len = 3,', note)
        self.assertIn(".request = true,", note)
        oops = text[text.index("restJson1_events__OopsOut(void)"):]
        self.assertIn(".failure = true,", oops)
        self.assertIn('.error_id = "Oops",', oops)
        # an initial request is an HTTP request case of harness.c
        self.assertIn("awsc_pt_run_request(awsc_es_service(), &c);", text)

    def test_skips_carry_their_reason_and_must_name_real_cases(self):
        self.assertIn('.skip = "why",', self.render({"OopsOut": "why"}))
        with self.assertRaises(GenerationError):
            self.render({"ServerOnly": "a server case is not emitted"})

    def test_c_bytes_round_trips_every_byte(self):
        lit = event_stream_tests.c_bytes(bytes(range(256)))
        self.assertTrue(lit.startswith('"') and lit.endswith('"'))
        self.assertNotIn("?", lit)  # no trigraphs
        self.assertNotIn('\\x', lit)  # octal escapes only: a hex escape would eat the next digits

    def test_emitted_cases_compile_with_the_harness(self):
        files = ServiceWriter(self.model, self.model.service(), "es").render()
        files["cases.c"] = self.render()
        with tempfile.TemporaryDirectory() as d:
            for rel, text in files.items():
                p = os.path.join(d, rel)
                os.makedirs(os.path.dirname(p), exist_ok=True)
                with open(p, "w") as fh:
                    fh.write(text)
            for cc in ("gcc", "clang"):
                r = subprocess.run([cc, "-std=c11", "-Wall", "-Wextra", "-Werror", "-fsyntax-only",
                                    "-I", os.path.join(d, "include"), "-I", os.path.join(ROOT, "runtime", "include"),
                                    "-I", os.path.join(ROOT, "tests", "protocol"), os.path.join(d, "cases.c")],
                                   capture_output=True, text=True)
                self.assertEqual(r.returncode, 0, f"{cc}: {r.stderr}")


if __name__ == "__main__":
    unittest.main()
