"""Route 53 (restXml) end to end: the official model in ../shared/models/aws is generated and
built into the `awsc` CLI (-DAWSC_MODEL_DIRS; tests/py/shared.py builds it once), which then calls a
loopback server answering canned XML. Checks the request the server saw (method, path,
query, signed headers, the XML body) and the parsed output the CLI prints, and the typed
error of an <ErrorResponse>."""
import http.server
import json
import os
import subprocess
import sys
import threading
import unittest
import xml.etree.ElementTree as ET

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))

from tests.py.shared import shared_models_cli  # noqa: E402

NS = "https://route53.amazonaws.com/doc/2013-04-01/"

LIST_ZONES = f"""<?xml version="1.0" encoding="UTF-8"?>
<ListHostedZonesResponse xmlns="{NS}">
  <HostedZones>
    <HostedZone>
      <Id>/hostedzone/Z1AAAA</Id><Name>example.com.</Name><CallerReference>ref-1</CallerReference>
      <Config><Comment>first &amp; best</Comment><PrivateZone>false</PrivateZone></Config>
      <ResourceRecordSetCount>7</ResourceRecordSetCount>
    </HostedZone>
    <HostedZone>
      <Id>/hostedzone/Z2BBBB</Id><Name>internal.example.</Name><CallerReference>ref-2</CallerReference>
      <Config><PrivateZone>true</PrivateZone></Config>
      <ResourceRecordSetCount>2</ResourceRecordSetCount>
    </HostedZone>
  </HostedZones>
  <Marker>m0</Marker>
  <IsTruncated>true</IsTruncated>
  <NextMarker>Z3CCCC</NextMarker>
  <MaxItems>2</MaxItems>
</ListHostedZonesResponse>"""

CREATED = f"""<?xml version="1.0" encoding="UTF-8"?>
<CreateHostedZoneResponse xmlns="{NS}">
  <HostedZone><Id>/hostedzone/Z9NEW</Id><Name>new.example.</Name><CallerReference>cr-7</CallerReference>
    <ResourceRecordSetCount>2</ResourceRecordSetCount></HostedZone>
  <ChangeInfo><Id>/change/C1</Id><Status>PENDING</Status><SubmittedAt>2024-05-01T12:30:00.250Z</SubmittedAt></ChangeInfo>
  <DelegationSet><NameServers><NameServer>ns-1.example.net</NameServer><NameServer>ns-2.example.org</NameServer>
  </NameServers></DelegationSet>
</CreateHostedZoneResponse>"""

NO_ZONE = f"""<?xml version="1.0"?>
<ErrorResponse xmlns="{NS}"><Error><Type>Sender</Type><Code>NoSuchHostedZone</Code>
<Message>No hosted zone found with ID: ZNOPE</Message></Error><RequestId>req-404</RequestId></ErrorResponse>"""


class Route53Handler(http.server.BaseHTTPRequestHandler):
    seen = []

    def answer(self, status, body, extra=()):
        data = body.encode()
        self.send_response(status)
        self.send_header("Content-Type", "text/xml")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("x-amzn-RequestId", "req-1")
        for k, v in extra:
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        Route53Handler.seen.append(("GET", self.path, dict(self.headers), b""))
        if self.path.startswith("/2013-04-01/hostedzone?"):
            self.answer(200, LIST_ZONES)
        else:
            self.answer(404, NO_ZONE)

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        Route53Handler.seen.append(("POST", self.path, dict(self.headers), body))
        self.answer(201, CREATED, [("Location", "https://route53.amazonaws.com/2013-04-01/hostedzone/Z9NEW")])

    def log_message(self, *args):
        pass


class Route53(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.awsc_bin = shared_models_cli()
        cls.srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Route53Handler)
        threading.Thread(target=cls.srv.serve_forever, daemon=True).start()
        cls.endpoint = f"http://127.0.0.1:{cls.srv.server_address[1]}"
        cls.env = dict(os.environ, AWS_ACCESS_KEY_ID="AKIDEXAMPLE", AWS_SECRET_ACCESS_KEY="secret",
                       AWS_REGION="us-east-1", AWS_CONFIG_FILE="/nonexistent", AWS_SHARED_CREDENTIALS_FILE="/nonexistent")

    @classmethod
    def tearDownClass(cls):
        cls.srv.shutdown()
        cls.srv.server_close()

    def awsc(self, op, *args, expect=0):
        Route53Handler.seen.clear()
        r = subprocess.run([self.awsc_bin, "route53", op, "--endpoint-url", self.endpoint, *args],
                           env=self.env, capture_output=True, text=True, timeout=30)
        self.assertEqual(r.returncode, expect, f"awsc route53 {op} {args}: {r.stdout}{r.stderr}")
        self.assertEqual(len(Route53Handler.seen), 1, Route53Handler.seen)
        return r, Route53Handler.seen[0]

    def test_list_hosted_zones(self):
        r, (method, path, headers, _) = self.awsc("list-hosted-zones", "--max-items", "2", "--marker", "m0")
        self.assertEqual(method, "GET")
        self.assertTrue(path.startswith("/2013-04-01/hostedzone?"), path)
        self.assertEqual(sorted(path.split("?", 1)[1].split("&")), ["marker=m0", "maxitems=2"])
        self.assertIn("/us-east-1/route53/aws4_request", headers.get("Authorization", ""))
        out = json.loads(r.stdout)
        self.assertEqual(out["IsTruncated"], True)
        self.assertEqual(out["NextMarker"], "Z3CCCC")
        self.assertEqual(out["MaxItems"], 2)
        zones = out["HostedZones"]
        self.assertEqual([z["Id"] for z in zones], ["/hostedzone/Z1AAAA", "/hostedzone/Z2BBBB"])
        self.assertEqual(zones[0]["Config"], {"Comment": "first & best", "PrivateZone": False})
        self.assertEqual(zones[1]["Config"]["PrivateZone"], True)
        self.assertEqual(zones[0]["ResourceRecordSetCount"], 7)

    def test_create_hosted_zone_sends_xml(self):
        r, (method, path, headers, body) = self.awsc(
            "create-hosted-zone", "--name", "new.example.", "--caller-reference", "cr-7",
            "--hosted-zone-config", '{"Comment": "a <b> & \\"c\\"", "PrivateZone": false}')
        self.assertEqual((method, path), ("POST", "/2013-04-01/hostedzone"))
        self.assertEqual(headers.get("Content-Type"), "application/xml")
        root = ET.fromstring(body)
        q = f"{{{NS}}}"
        self.assertEqual(root.tag, q + "CreateHostedZoneRequest")
        self.assertEqual(root.findtext(q + "Name"), "new.example.")
        self.assertEqual(root.findtext(q + "CallerReference"), "cr-7")
        self.assertEqual(root.findtext(f"{q}HostedZoneConfig/{q}Comment"), 'a <b> & "c"')
        self.assertEqual(root.findtext(f"{q}HostedZoneConfig/{q}PrivateZone"), "false")
        out = json.loads(r.stdout)
        self.assertEqual(out["HostedZone"]["Id"], "/hostedzone/Z9NEW")
        self.assertEqual(out["ChangeInfo"]["Status"], "PENDING")
        self.assertEqual(out["DelegationSet"]["NameServers"], ["ns-1.example.net", "ns-2.example.org"])
        self.assertEqual(out["Location"], "https://route53.amazonaws.com/2013-04-01/hostedzone/Z9NEW")

    def test_modeled_error(self):
        r, (method, path, _, _) = self.awsc("get-hosted-zone", "--id", "ZNOPE", expect=254)  # a service error
        self.assertEqual((method, path), ("GET", "/2013-04-01/hostedzone/ZNOPE"))
        self.assertIn("NoSuchHostedZone", r.stderr)
        self.assertIn("No hosted zone found with ID: ZNOPE", r.stderr)
        self.assertIn("Request ID: req-1", r.stderr)  # the header's, ahead of the body's


if __name__ == "__main__":
    unittest.main()
