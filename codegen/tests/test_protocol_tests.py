import os
import subprocess
import tempfile
import unittest

from codegen import protocol_tests
from codegen.errors import GenerationError
from codegen.model import Model
from codegen.tests.models import service_model, sid
from codegen.writer import ServiceWriter

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
P = "aws.protocols#restJson1"


def request_case(case_id, **extra):
    case = {"id": case_id, "protocol": P, "method": "GET", "uri": "/cities/x", "params": {"cityId": "x"}}
    case.update(extra)
    return case


def model_with(requests=(), responses=(), error_responses=()):
    doc = service_model()
    shapes = doc["shapes"]
    shapes[sid("GetCity")]["traits"]["smithy.test#httpRequestTests"] = list(requests)
    shapes[sid("GetCity")]["traits"]["smithy.test#httpResponseTests"] = list(responses)
    shapes[sid("NoSuchCity")]["traits"]["smithy.test#httpResponseTests"] = list(error_responses)
    return Model(doc)


def render(model, skips=None):
    return protocol_tests.render(model, model.service(), "restJson1", skips)


class Emitter(unittest.TestCase):
    def test_output_is_deterministic(self):
        cases = [request_case("B"), request_case("A", headers={"X-B": "2", "X-A": "1"})]
        self.assertEqual(render(model_with(cases)), render(model_with(cases)))

    def test_one_function_per_case_in_model_order(self):
        m = model_with([request_case("Second"), request_case("First")],
                       [{"id": "Out", "protocol": P, "code": 200, "params": {"name": "n"}}],
                       [{"id": "Err", "protocol": P, "code": 404, "params": {"message": "m"}}])
        text = render(m)
        self.assertLess(text.index("static void restJson1_request__Second(void)"), text.index("static void restJson1_request__First(void)"))
        self.assertIn("static void restJson1_response__Out(void)", text)
        out = text[text.index("static void restJson1_response__Out(void)"):text.index("static void restJson1_response__Err(void)")]
        self.assertIn('.operation = "GetCity",', out)
        self.assertIn(".error = NULL,", out)
        err = text[text.index("static void restJson1_response__Err(void)"):]
        self.assertIn(".operation = NULL,", err)
        self.assertIn('.error = "NoSuchCity",', err)
        self.assertIn(".code = 404,", err)
        self.assertIn("awsc_pt_run_response(awsc_weather_service(), &c);", err)
        self.assertIn("#include <awsc/weather.h>", text)
        self.assertEqual(text.count("static void "), 4)
        # One Criterion test runs the cases in model order, requests first.
        self.assertEqual(text.count("Test("), 1)
        self.assertIn('Test(restJson1, cases)', text)
        table = text[text.index("static const awsc_pt_entry cases[]"):]
        self.assertLess(table.index('"restJson1_request", "Second", restJson1_request__Second'),
                        table.index('"restJson1_request", "First", restJson1_request__First'))
        self.assertLess(table.index('"First"'), table.index('"restJson1_response", "Out"'))

    def test_applies_to_and_protocol_filter_cases(self):
        m = model_with([
            request_case("Both"),
            request_case("ClientOnly", appliesTo="client"),
            request_case("ServerOnly", appliesTo="server"),
            request_case("OtherProtocol", protocol="aws.protocols#restXml"),
        ])
        text = render(m)
        self.assertIn("static void restJson1_request__Both(void)", text)
        self.assertIn("static void restJson1_request__ClientOnly(void)", text)
        self.assertNotIn("ServerOnly", text)
        self.assertNotIn("OtherProtocol", text)
        requests, responses = protocol_tests.collect(m, m.service(), "aws.protocols#restJson1")
        self.assertEqual([c["id"] for _, _, c in requests], ["Both", "ClientOnly"])
        self.assertEqual(responses, [])

    def test_strings_are_escaped_and_bodies_keep_their_byte_length(self):
        body = '{"q": "a\\"b?\u00e9"}\n\x00end'
        m = model_with([request_case("Esc", body=body, bodyMediaType="application/json",
                                     params={"cityId": 'say "hi"\n\u00e9'},
                                     queryParams=["a=b%20c"], forbidHeaders=["X-No"])])
        text = render(m)
        self.assertIn(r'.params = "{\"cityId\":\"say \\\"hi\\\"\\n\303\251\"}",', text)
        self.assertIn(r'.body = "{\"q\": \"a\\\"b\?\303\251\"}\012\000end",', text)
        self.assertIn(f".body_len = {len(body.encode('utf-8'))},", text)
        self.assertIn('static const char *const query_params[] = {"a=b%20c"};', text)
        self.assertIn(".query_params = query_params, .query_param_count = 1,", text)
        self.assertIn(".require_headers = NULL, .require_header_count = 0,", text)
        self.assertIn('.body_media_type = "application/json",', text)

    def test_absent_fields_are_null(self):
        text = render(model_with([{"id": "Bare", "protocol": P, "method": "GET", "uri": "/cities/x"}]))
        self.assertIn(".params = NULL,", text)
        self.assertIn(".body = NULL,", text)
        self.assertNotIn(".body_len", text)
        self.assertIn(".host = NULL,", text)

    def test_skips_carry_their_reason_and_must_name_real_cases(self):
        m = model_with([request_case("Streamy"), request_case("Plain")])
        text = render(m, {"Streamy": "event streams are out of scope"})
        streamy = text[text.index("static void restJson1_request__Streamy(void)"):text.index("static void restJson1_request__Plain(void)")]
        self.assertIn('.skip = "event streams are out of scope",', streamy)
        self.assertIn(".skip = NULL,", text[text.index("static void restJson1_request__Plain(void)"):])
        with self.assertRaisesRegex(GenerationError, "Gone"):
            render(m, {"Gone": "stale"})

    def test_case_ids_must_be_unique_c_identifiers(self):
        with self.assertRaisesRegex(GenerationError, "not a C identifier"):
            render(model_with([request_case("has-dash")]))
        with self.assertRaisesRegex(GenerationError, "used twice"):
            render(model_with([request_case("Twice"), request_case("Twice")]))
        # A request and a response case may share an id: they live in different suites.
        text = render(model_with([request_case("Same")], [{"id": "Same", "protocol": P, "code": 200}]))
        self.assertEqual(text.count("__Same(void)"), 2)

    def test_read_skips(self):
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "skips.txt")
            with open(path, "w") as fh:
                fh.write("# comment\n\nCaseA: reason one: with colon\n  CaseB :  why  \n")
            self.assertEqual(protocol_tests.read_skips(path),
                             {"CaseA": "reason one: with colon", "CaseB": "why"})
            for bad in ("NoReason:\n", "no colon here\n", "bad-id: x\n", "A: x\nA: y\n"):
                with open(path, "w") as fh:
                    fh.write(bad)
                with self.assertRaises(GenerationError, msg=bad):
                    protocol_tests.read_skips(path)

    def test_cli_writes_the_file(self):
        import json
        doc = service_model()
        doc["shapes"][sid("GetCity")]["traits"]["smithy.test#httpRequestTests"] = [request_case("Cli")]
        with tempfile.TemporaryDirectory() as d:
            model = os.path.join(d, "m.json")
            with open(model, "w") as fh:
                json.dump(doc, fh)
            out = os.path.join(d, "sub", "cases.c")
            self.assertEqual(protocol_tests.main(["--model", model, "--protocol", "restJson1", "--out", out]), 0)
            with open(out) as fh:
                self.assertIn("static void restJson1_request__Cli(void)", fh.read())
            self.assertEqual(protocol_tests.main(["--model", os.path.join(d, "none.json"), "--protocol", "restJson1",
                                                  "--out", out]), 1)

    def test_emitted_cases_compile_with_the_harness(self):
        m = model_with([request_case("Compiles", headers={"X-A": "1"}, queryParams=["u=metric"],
                                     body="", host="example.com", resolvedHost="example.com")],
                       [{"id": "Out", "protocol": P, "code": 200, "body": "{}", "headers": {"A": "b"}}],
                       [{"id": "Err", "protocol": P, "code": 404}])
        files = ServiceWriter(m, m.service()).render()
        files["cases.c"] = render(m)
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
