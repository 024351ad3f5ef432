import os
import subprocess
import tempfile
import unittest

from codegen.errors import GenerationError
from codegen.model import Model
from codegen.tests.models import service_model, sid
from codegen.writer import ServiceWriter, c_string

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def render(doc=None):
    m = Model(doc or service_model())
    return ServiceWriter(m, m.service()).render()


class Writer(unittest.TestCase):
    def test_file_names_follow_the_signing_name(self):
        self.assertEqual(sorted(render()), ["cli/weather_docs.c", "include/awsc/weather.h", "src/weather.c"])

    def test_output_is_deterministic(self):
        self.assertEqual(render(), render())

    def test_optional_scalars_have_presence_flags(self):
        h = render()["include/awsc/weather.h"]
        self.assertIn("    bool verbose;\n    bool has_verbose;", h)
        self.assertIn("    int64_t population;\n", h)
        self.assertNotIn("has_population", h, "defaulted members are plain")
        self.assertIn("    double lat;\n    double lon;\n    bool has_lon;", h, "required members are plain")

    def test_documentation_becomes_comments(self):
        h = render()["include/awsc/weather.h"]
        self.assertIn("Reports the weather .", h)
        self.assertIn("/** Describes a city. */", h)
        self.assertNotIn("<b>", h)

    def test_descriptors_carry_bindings_and_constraints(self):
        c = render()["src/weather.c"]
        self.assertIn('.wire_name = "u",', c)
        self.assertIn(".binding = AWSC_B_QUERY,", c)
        self.assertIn('.wire_name = "cityName",', c)
        self.assertIn(".flags = AWSC_F_REQUIRED | AWSC_F_HAS_MIN | AWSC_F_HAS_MAX,", c)
        self.assertIn(".ts_format = AWSC_TS_DATE_TIME,", c)

    def test_sensitive_values_are_named_for_the_logs(self):
        self.assertNotIn("sensitive_names", render()["src/weather.c"])
        doc = service_model({sid("Secret"): {"type": "string", "traits": {"smithy.api#sensitive": {}}},
                             sid("Secrets"): {"type": "list", "member": {"target": sid("Secret")}}})
        shapes = doc["shapes"]
        shapes[sid("Coords")]["members"]["lat"]["traits"]["smithy.api#sensitive"] = {}  # nested, on the member
        out = shapes[sid("GetCityOutput")]["members"]
        out["pins"] = {"target": sid("Secrets")}                                # a list of secrets
        out["SessionToken"] = {"target": "smithy.api#String"}                   # a credential, unmarked
        out["requestId"]["target"] = sid("Secret")                              # a header
        shapes[sid("NoSuchCity")]["members"]["hint"] = {"target": sid("Secret")}  # in an error
        c = render(doc)["src/weather.c"]
        self.assertIn('static const char *const get_city_sensitive_names[] = {\n'
                      '    "x-request-id", "pins", "SessionToken", "hint", "lat", NULL\n};', c)
        self.assertIn(".sensitive_names = get_city_sensitive_names,", c)
        self.assertIn(".flags = AWSC_F_REQUIRED | AWSC_F_SENSITIVE,", c)  # lat
        self.assertNotIn("AWSC_OP_SENSITIVE", c)
        # A sensitive label or payload hides the URL or the whole body.
        shapes[sid("GetCityInput")]["members"]["cityId"]["traits"]["smithy.api#sensitive"] = {}
        shapes[sid("GetCityOutput")]["members"]["coords"]["traits"] = {"smithy.api#httpPayload": {},
                                                                        "smithy.api#sensitive": {}}
        c = render(doc)["src/weather.c"]
        self.assertIn(".flags = AWSC_OP_SENSITIVE_URL | AWSC_OP_SENSITIVE_PAYLOAD,", c)

    def test_an_empty_auth_list_sends_the_operation_unsigned(self):
        self.assertNotIn("AWSC_OP_NO_AUTH", render()["src/weather.c"])
        doc = service_model()
        doc["shapes"][sid("GetCity")].setdefault("traits", {})["smithy.api#auth"] = []
        self.assertIn(".flags = AWSC_OP_NO_AUTH,", render(doc)["src/weather.c"])
        # optionalAuth alone keeps signing when credentials exist: only an empty auth list turns it off.
        traits = doc["shapes"][sid("GetCity")]["traits"]
        del traits["smithy.api#auth"]
        traits["smithy.api#optionalAuth"] = {}
        c = render(doc)["src/weather.c"]
        self.assertNotIn("AWSC_OP_NO_AUTH", c)
        self.assertIn(".flags = AWSC_OP_OPTIONAL_AUTH,", c)

    def test_bearer_auth_of_one_operation_links_the_token_lookup(self):
        doc = service_model()
        doc["shapes"][sid("GetCity")].setdefault("traits", {})["smithy.api#auth"] = ["smithy.api#httpBearerAuth"]
        c = render(doc)["src/weather.c"]
        self.assertIn("        .auth = AWSC_AUTH_LIST(AWSC_AUTH_BEARER, 0, 0),", c)
        self.assertIn("    .bearer = &awsc_bearer_auth,\n", c)
        self.assertNotIn(".bearer =", render()["src/weather.c"])

    def test_auth_schemes_in_the_models_priority_order(self):
        c = render()["src/weather.c"]
        self.assertNotIn(".auth =", c, "SigV4 alone is the default and costs nothing")
        doc = service_model()
        svc = next(s for s in doc["shapes"].values() if s["type"] == "service")
        svc["traits"]["smithy.api#httpBearerAuth"] = {}
        # Without smithy.api#auth the applied schemes count in shape-id order: aws.auth#sigv4 first.
        # The token lookup comes with bearer auth only: other services' programs do not link it.
        self.assertIn("    .auth = AWSC_AUTH_LIST(AWSC_AUTH_SIGV4, AWSC_AUTH_BEARER, 0),\n    .bearer = &awsc_bearer_auth,\n};",
                      render(doc)["src/weather.c"])
        svc["traits"]["smithy.api#auth"] = ["smithy.api#httpBearerAuth", "aws.auth#sigv4"]
        doc["shapes"][sid("GetCity")].setdefault("traits", {})["smithy.api#auth"] = ["aws.auth#sigv4"]
        c = render(doc)["src/weather.c"]
        self.assertIn("    .auth = AWSC_AUTH_LIST(AWSC_AUTH_BEARER, AWSC_AUTH_SIGV4, 0),\n    .bearer = &awsc_bearer_auth,\n};", c)
        self.assertIn("        .auth = AWSC_AUTH_LIST(AWSC_AUTH_SIGV4, 0, 0),", c)
        # A scheme the runtime cannot sign with, alone, fails generation instead of signing wrongly.
        del doc["shapes"][sid("GetCity")]["traits"]["smithy.api#auth"]
        svc["traits"]["smithy.api#auth"] = ["smithy.api#httpApiKeyAuth"]
        svc["traits"]["smithy.api#httpApiKeyAuth"] = {"name": "x-api-key", "in": "header"}
        with self.assertRaisesRegex(Exception, "no supported auth scheme"):
            render(doc)

    def test_http_checksum_becomes_a_descriptor_of_its_own(self):
        self.assertNotIn("awsc_http_checksum", render()["src/weather.c"], "operations without it cost nothing")
        doc = service_model()
        traits = doc["shapes"][sid("GetCity")]["traits"]
        traits["aws.protocols#httpChecksum"] = {"requestAlgorithmMember": "units", "requestValidationModeMember":
                                                "verbose", "responseAlgorithms": ["CRC32C", "SHA1", "XXHASH64"]}
        traits["smithy.api#httpChecksumRequired"] = {}
        c = render(doc)["src/weather.c"]
        self.assertIn("static const awsc_http_checksum get_city_checksum = {\n"
                      "    .engine = &awsc_flexible_checksums,\n"
                      "    .request_algorithm = &get_city_input_shape_members[1],\n"
                      "    .validation_mode = &get_city_input_shape_members[2],\n"
                      "    .response_algorithms = AWSC_CHECKSUM_CRC32C | AWSC_CHECKSUM_SHA1,\n"
                      "    .request_required = true,\n};", c)
        self.assertIn(".checksum = &get_city_checksum,", c)
        self.assertNotIn("AWSC_OP_CHECKSUM_REQUIRED", c, "the flexible checksum replaces Content-MD5")
        traits["aws.protocols#httpChecksum"] = {"requestAlgorithmMember": "nope"}
        with self.assertRaises(GenerationError):
            render(doc)

    def test_colliding_names_are_told_apart(self):
        # Every kind of collision the official models have, in one service: it must compile.
        doc = service_model({
            sid("Service"): {"type": "structure", "members": {"namespace": {"target": "smithy.api#String"}}},
            sid("Choice"): {"type": "union", "members": {"a": {"target": "smithy.api#String"},
                                                         "b": {"target": "smithy.api#Integer"}}},
            sid("ChoiceType"): {"type": "enum", "members": {"NOT_SET": {"target": "smithy.api#Unit"},
                                                            "B": {"target": "smithy.api#Unit"}}},
            sid("Tags"): {"type": "map", "key": {"target": "smithy.api#String"},
                          "value": {"target": "smithy.api#String"}},
            sid("TagsEntry"): {"type": "structure", "members": {
                "count": {"target": "smithy.api#Integer"}, "hasCount": {"target": "smithy.api#Boolean"}}},
            "other.ns#Coords": {"type": "structure", "members": {}}})
        out = doc["shapes"][sid("GetCityOutput")]["members"]
        for name, target in (("s", "Service"), ("c", "Choice"), ("t", "ChoiceType"), ("tags", "Tags"),
                             ("e", "TagsEntry"), ("c2", "Coords")):
            out[name] = {"target": sid(target) if name != "c2" else "other.ns#" + target}
        files = render(doc)
        h = files["include/awsc/weather.h"]
        self.assertIn("const awsc_service *awsc_weather_service(void);", h, "the service API keeps its names")
        self.assertIn("struct awsc_weather_service_value {", h)
        self.assertIn("const char *namespace_;", h, "C++ keywords are escaped too")
        self.assertIn("typedef enum awsc_weather_choice_tag {", h)
        self.assertIn("typedef enum awsc_weather_choice_type {", h)
        self.assertIn("struct awsc_weather_tags_pair {", h)
        self.assertIn("struct awsc_weather_tags_entry {", h)
        self.assertIn("AWSC_WEATHER_CHOICE_TYPE_NOT_SET = 1,", h, "the model's value keeps its name")
        self.assertIn("AWSC_WEATHER_CHOICE_TYPE_NOT_SET_2 = 0,", h)
        self.assertIn("    int32_t count;\n    bool has_count_2;\n    bool has_count;\n    bool has_has_count;", h)
        self.assertIn("struct awsc_weather_coords {", h)
        self.assertIn("struct awsc_weather_coords_value {", h, "shapes of two namespaces with one name")
        self.compile(files)

    def test_paginators_follow_tokens_that_are_maps(self):
        # DynamoDB's Query/Scan: ExclusiveStartKey / LastEvaluatedKey are maps of one shape.
        doc = service_model({sid("Key"): {"type": "map", "key": {"target": "smithy.api#String"},
                                          "value": {"target": "smithy.api#String"}}})
        doc["shapes"][sid("GetCityInput")]["members"]["start"] = {
            "target": sid("Key"), "traits": {"smithy.api#httpQueryParams": {}}}
        doc["shapes"][sid("GetCityOutput")]["members"]["last"] = {"target": sid("Key")}
        doc["shapes"][sid("GetCity")]["traits"]["smithy.api#paginated"] = {"inputToken": "start",
                                                                          "outputToken": "last"}
        files = render(doc)
        self.assertIn("AWSC_API int awsc_weather_get_city_paginate(", files["include/awsc/weather.h"])
        self.compile(files)
        # Tokens of different shapes cannot be copied from page to input: left out.
        doc["shapes"][sid("GetCityOutput")]["members"]["last"] = {"target": "smithy.api#String"}
        self.assertNotIn("_paginate(", render(doc)["include/awsc/weather.h"])

    def event_stream_model(self):
        return service_model({
            sid("Events"): {"type": "union", "traits": {"smithy.api#streaming": {}},
                            "members": {"tick": {"target": sid("Tick")}, "oops": {"target": sid("NoSuchCity")}}},
            sid("Tick"): {"type": "structure", "members": {
                "seq": {"target": "smithy.api#Integer", "traits": {"smithy.api#eventHeader": {}}},
                "data": {"target": "smithy.api#Blob", "traits": {"smithy.api#eventPayload": {}}}}}})

    def test_output_event_streams_are_generated(self):
        doc = self.event_stream_model()
        doc["shapes"][sid("GetCityOutput")]["members"]["events"] = {"target": sid("Events")}
        files = render(doc)
        h, c = files["include/awsc/weather.h"], files["src/weather.c"]
        # a typed callback instead of the stream member, which the output structure does not hold
        self.assertIn("int (*on_event)(void *user, const awsc_weather_get_city_output *response, "
                      "const awsc_weather_events *event),", h)
        # and its async form: the same typed events, then `done` with the initial response
        self.assertIn("AWSC_API int awsc_weather_get_city_async(awsc_weather_client *client,", h)
        self.assertIn("void (*done)(void *user, int status, awsc_weather_get_city_output *output, "
                      "const awsc_error *err),", h)
        self.assertNotIn("left out", h)
        self.assertIn("#include <awsc/eventstream.h>", c)
        self.assertIn(".event_stream = &get_city_event_stream,", c)
        self.assertIn(".engine = &awsc_event_streams,", c)
        # event members bind to the message's headers and payload
        self.assertRegex(c, r'\.name = "seq",\s+\.wire_name = "seq",[^}]*\.binding = AWSC_B_HEADER,')
        self.assertRegex(c, r'\.name = "data",\s+\.wire_name = "data",[^}]*\.binding = AWSC_B_PAYLOAD,')
        self.assertNotIn('.name = "events"', c)
        self.compile(files)

    def test_input_event_streams_are_generated(self):
        doc = self.event_stream_model()
        doc["shapes"][sid("GetCityInput")]["members"]["events"] = {"target": sid("Events")}
        files = render(doc)
        h, c = files["include/awsc/weather.h"], files["src/weather.c"]
        # a source callback instead of the stream member, which the input structure does not hold
        self.assertIn("int (*next_event)(void *user, awsc_weather_events *event, bool *done),", h)
        self.assertNotIn("events;", h.split("struct awsc_weather_get_city_input {")[1].split("};")[0])
        # no output events: no on_event; the asynchronous form asks the same source
        self.assertNotIn("on_event", h)
        self.assertIn("AWSC_API int awsc_weather_get_city_async(awsc_weather_client *client,", h)
        self.assertIn("awsc_client_invoke_event_stream_async_typed(", c)
        self.assertIn("(void (*)(void))next_event, NULL, NULL,", c)
        self.assertIn(".input_events = &", c)
        self.assertNotIn(".events = &", c)
        self.assertNotIn(".http2", c)  # restJson1 without eventStreamHttp
        self.assertIn("awsc_client_invoke_event_stream(", c)
        # event members bind to the message's headers and payload, as in output events
        self.assertRegex(c, r'\.name = "seq",\s+\.wire_name = "seq",[^}]*\.binding = AWSC_B_HEADER,')
        self.compile(files)

    def test_bidirectional_event_streams_over_http2(self):
        doc = self.event_stream_model()
        doc["shapes"][sid("GetCityInput")]["members"]["events"] = {"target": sid("Events")}
        doc["shapes"][sid("GetCityOutput")]["members"]["events"] = {"target": sid("Events")}
        doc["shapes"][sid("Weather")]["traits"]["aws.protocols#restJson1"] = {"eventStreamHttp": ["h2", "http/1.1"]}
        files = render(doc)
        h, c = files["include/awsc/weather.h"], files["src/weather.c"]
        self.assertIn("int (*next_event)(void *user, awsc_weather_events *event, bool *done),", h)
        self.assertIn("int (*on_event)(void *user, const awsc_weather_get_city_output *response, "
                      "const awsc_weather_events *event),", h)
        self.assertIn(" * The call goes over HTTP/2.", h)
        self.assertIn(".events = &", c)
        self.assertIn(".input_events = &", c)
        self.assertIn(".http2 = true,", c)
        self.compile(files)

    def test_recursive_shapes_generate_and_compile(self):
        doc = service_model({
            sid("Node"): {"type": "structure", "members": {
                "children": {"target": sid("NodeList")},
                "byName": {"target": sid("NodeMap")},
                "parent": {"target": sid("Node")},
                "either": {"target": sid("NodeOrLeaf")}}},
            sid("NodeList"): {"type": "list", "member": {"target": sid("Node")}},
            sid("NodeMap"): {"type": "map", "key": {"target": "smithy.api#String"}, "value": {"target": sid("Node")}},
            sid("NodeOrLeaf"): {"type": "union", "members": {
                "node": {"target": sid("Node")}, "leaf": {"target": "smithy.api#Unit"}}}})
        doc["shapes"][sid("GetCityOutput")]["members"]["tree"] = {"target": sid("Node")}
        self.compile(render(doc))

    def test_c_string_escapes(self):
        self.assertEqual(c_string('a"b\\c'), '"a\\"b\\\\c"')
        self.assertEqual(c_string("é"), '"\\303\\251"')
        self.assertEqual(c_string("??="), '"\\?\\?="')
        self.assertEqual(c_string(None), "NULL")

    def test_generated_code_compiles_cleanly(self):
        self.compile(render())

    def compile(self, files):
        with tempfile.TemporaryDirectory() as d:
            for rel, text in files.items():
                p = os.path.join(d, rel)
                os.makedirs(os.path.dirname(p), exist_ok=True)
                with open(p, "w") as fh:
                    fh.write(text)
            for cc in ("gcc", "clang"):
                r = subprocess.run([cc, "-std=c11", "-Wall", "-Wextra", "-Werror", "-c", "-o", os.devnull,
                                    "-I", os.path.join(d, "include"), "-I", os.path.join(ROOT, "runtime", "include"),
                                    os.path.join(d, "src", "weather.c")], capture_output=True, text=True)
                self.assertEqual(r.returncode, 0, f"{cc}: {r.stderr}")


if __name__ == "__main__":
    unittest.main()
