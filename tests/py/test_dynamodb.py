"""DynamoDB (awsJson1_0) end to end: the official model in ../shared/models/aws is generated
and built into the `awsc` CLI (-DAWSC_MODEL_DIRS; tests/py/shared.py builds it once), which then
calls a loopback server answering canned JSON. Checks the request the server saw (POST /,
X-Amz-Target, the JSON 1.0 content type, the body with union-typed attribute values and
int64-safe numbers as strings), the parsed output the CLI prints, and a modeled error
named by `__type`."""
import http.server
import json
import os
import subprocess
import sys
import threading
import unittest

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))

from tests.py.shared import shared_models_cli  # noqa: E402

ITEM = {"Item": {"pk": {"S": "device-1"}, "version": {"N": "9007199254740993"},
                 "tags": {"SS": ["a", "b"]}, "blob": {"B": "AAEC"}, "ok": {"BOOL": True},
                 "nested": {"M": {"inner": {"L": [{"NULL": True}, {"S": "x"}]}}}}}

CONDITION_FAILED = {"__type": "com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException",
                    "message": "The conditional request failed",
                    "Item": {"pk": {"S": "device-1"}}}


class DynamoHandler(http.server.BaseHTTPRequestHandler):
    seen = []

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        DynamoHandler.seen.append((self.command, self.path, dict(self.headers), body))
        target = self.headers.get("X-Amz-Target", "")
        if target.endswith(".GetItem"):
            status, reply = 200, ITEM
        elif json.loads(body).get("ConditionExpression"):
            status, reply = 400, CONDITION_FAILED
        else:
            status, reply = 200, {"ConsumedCapacity": {"TableName": "things", "CapacityUnits": 1.5}}
        data = json.dumps(reply).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/x-amz-json-1.0")
        self.send_header("x-amzn-RequestId", "req-ddb-1")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


class DynamoDb(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.awsc_bin = shared_models_cli()
        cls.srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), DynamoHandler)
        threading.Thread(target=cls.srv.serve_forever, daemon=True).start()
        cls.endpoint = f"http://127.0.0.1:{cls.srv.server_address[1]}"
        cls.env = dict(os.environ, AWS_ACCESS_KEY_ID="AKIDEXAMPLE", AWS_SECRET_ACCESS_KEY="secret",
                       AWS_REGION="eu-west-1", AWS_CONFIG_FILE="/nonexistent",
                       AWS_SHARED_CREDENTIALS_FILE="/nonexistent")
        cls.env.pop("AWS_SESSION_TOKEN", None)

    @classmethod
    def tearDownClass(cls):
        cls.srv.shutdown()
        cls.srv.server_close()

    def awsc(self, op, *args, expect=0):
        DynamoHandler.seen.clear()
        r = subprocess.run([self.awsc_bin, "dynamodb", op, "--endpoint-url", self.endpoint, *args],
                           env=self.env, capture_output=True, text=True, timeout=30)
        self.assertEqual(r.returncode, expect, f"awsc dynamodb {op} {args}: {r.stdout}{r.stderr}")
        self.assertEqual(len(DynamoHandler.seen), 1, DynamoHandler.seen)
        return r, DynamoHandler.seen[0]

    def test_put_item(self):
        item = {"pk": {"S": "device-1"}, "count": {"N": "12345678901234567890"}, "ok": {"BOOL": False}}
        r, (method, path, headers, body) = self.awsc(
            "put-item", "--table-name", "things", "--item", json.dumps(item),
            "--return-consumed-capacity", "TOTAL")
        self.assertEqual((method, path), ("POST", "/"))
        self.assertEqual(headers.get("X-Amz-Target"), "DynamoDB_20120810.PutItem")
        self.assertEqual(headers.get("Content-Type"), "application/x-amz-json-1.0")
        self.assertIn("/eu-west-1/dynamodb/aws4_request", headers.get("Authorization", ""))
        self.assertEqual(json.loads(body), {"TableName": "things", "Item": item, "ReturnConsumedCapacity": "TOTAL"})
        self.assertEqual(json.loads(r.stdout), {"ConsumedCapacity": {"TableName": "things", "CapacityUnits": 1.5}})

    def test_get_item(self):
        r, (_, _, headers, body) = self.awsc("get-item", "--table-name", "things",
                                             "--key", '{"pk": {"S": "device-1"}}', "--consistent-read")
        self.assertEqual(headers.get("X-Amz-Target"), "DynamoDB_20120810.GetItem")
        self.assertEqual(json.loads(body), {"TableName": "things", "Key": {"pk": {"S": "device-1"}},
                                            "ConsistentRead": True})
        out = json.loads(r.stdout)
        self.assertEqual(out, ITEM)  # every union variant back as sent, the number text untouched

    def test_modeled_error(self):
        r, _ = self.awsc("put-item", "--table-name", "things", "--item", '{"pk": {"S": "device-1"}}',
                         "--condition-expression", "attribute_not_exists(pk)", expect=254)
        self.assertIn("ConditionalCheckFailedException", r.stderr)
        self.assertIn("The conditional request failed", r.stderr)
        self.assertIn("req-ddb-1", r.stderr)


if __name__ == "__main__":
    unittest.main()
