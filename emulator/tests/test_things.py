"""The thing registry: CreateThing, DescribeThing, ListThings, DeleteThing (signing name iot)."""

from emulator.tests._client import CONTROL, DATA, EmulatorTestCase, thing_arn


class ThingsTest(EmulatorTestCase):
    def cok(self, method, path, body=None, query=""):
        return self.ok(method, path, body, query, service=CONTROL)

    def cerr(self, status, name, method, path, body=None, query=""):
        return self.err(status, name, method, path, body, query, service=CONTROL)

    def test_create_describe_list_delete(self):
        out = self.cok("POST", "/things/sensor-01", {"attributePayload": {"attributes": {"room": "lab"}}})
        self.assertEqual(out["thingName"], "sensor-01")
        self.assertEqual(out["thingArn"], thing_arn("sensor-01"))
        self.assertRegex(out["thingId"], r"^[0-9a-f-]{36}$")
        # The same again returns the same thing; other attributes are a conflict.
        self.assertEqual(self.cok("POST", "/things/sensor-01", {"attributePayload": {"attributes": {"room": "lab"}}}),
                         out)
        self.cerr(409, "ResourceAlreadyExistsException", "POST", "/things/sensor-01")
        thing = self.cok("GET", "/things/sensor-01")
        self.assertEqual(thing, {"thingName": "sensor-01", "thingArn": thing_arn("sensor-01"),
                                 "thingId": out["thingId"], "attributes": {"room": "lab"}, "version": 1,
                                 "defaultClientId": "sensor-01"})
        self.cok("POST", "/things/gateway-02")
        page = self.cok("GET", "/things", query="maxResults=1")
        self.assertEqual([t["thingName"] for t in page["things"]], ["gateway-02"])
        rest = self.cok("GET", "/things", query="nextToken=" + page["nextToken"])
        self.assertEqual([t["thingName"] for t in rest["things"]], ["sensor-01"])
        self.assertNotIn("nextToken", rest)
        self.cerr(409, "VersionConflictException", "DELETE", "/things/sensor-01", query="expectedVersion=2")
        self.assertEqual(self.cok("DELETE", "/things/sensor-01"), {})
        self.cerr(404, "ResourceNotFoundException", "GET", "/things/sensor-01")
        self.assertEqual(self.cok("DELETE", "/things/sensor-01"), {})  # as AWS IoT: no error

    def test_bad_input(self):
        for body in ({"thingTypeName": "t"}, {"billingGroupName": "b"}, {"attributePayload": []},
                     {"attributePayload": {"attributes": {"a": 1}}},
                     {"attributePayload": {"attributes": {"bad key": "v"}}}):
            with self.subTest(body=body):
                self.cerr(400, "InvalidRequestException", "POST", "/things/t", body)
        self.cerr(400, "InvalidRequestException", "POST", "/things/bad%20name")
        self.cerr(400, "InvalidRequestException", "GET", "/things", query="nextToken=x")

    def test_only_the_control_plane_has_things(self):
        self.err(403, "InvalidSignatureException", "GET", "/things/t", service=DATA)

    def test_jobs_do_not_need_a_registered_thing(self):
        self.create_job("j", ["unregistered"])
        self.assertEqual(self.describe("unregistered", "j")["status"], "QUEUED")


class ThingsPersistTest(EmulatorTestCase):
    def setUp(self):
        import tempfile, os
        self.dir = tempfile.TemporaryDirectory()
        self.state_file = os.path.join(self.dir.name, "state.json")
        super().setUp()

    def tearDown(self):
        super().tearDown()
        self.dir.cleanup()

    def test_things_survive_a_restart(self):
        self.ok("POST", "/things/t1", service=CONTROL)
        self.stop_server()
        self.start_server()
        self.assertEqual(self.ok("GET", "/things/t1", service=CONTROL)["thingName"], "t1")
