"""The awsc CLI's automatic pagination, as the AWS CLI pages: every page fetched and its
items merged (DynamoDB ListTables with string tokens, Scan with map tokens, from the official
model in ../shared, built by tests/py/shared.py), --no-paginate, --max-items with NextToken
and --starting-token to resume, --page-size, and an explicit token option turning paging off.

A loopback DynamoDB serves 7 table names 3 to a page (or `Limit`) and records each request.
"""
import base64
import http.server
import json
import os
import subprocess
import sys
import threading
import unittest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, ROOT)

from tests.py.cli import TIMEOUT, cli_env  # noqa: E402
from tests.py.shared import shared_models_cli  # noqa: E402

TABLES = [f"tbl{i}" for i in range(1, 8)]
ITEMS = [{"pk": {"S": f"k{i}"}, "n": {"N": str(i)}} for i in range(1, 6)]


class Dynamo(http.server.BaseHTTPRequestHandler):
    seen = []
    repeat_token = False

    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", "0"))) or b"{}")
        target = self.headers.get("X-Amz-Target", "").split(".")[-1]
        Dynamo.seen.append((target, body))
        limit = body.get("Limit", 3)
        if target == "ListTables":
            start = TABLES.index(body["ExclusiveStartTableName"]) + 1 if "ExclusiveStartTableName" in body else 0
            names = TABLES[start:start + limit]
            reply = {"TableNames": names}
            if start + limit < len(TABLES):
                reply["LastEvaluatedTableName"] = "tbl1" if Dynamo.repeat_token else names[-1]
        else:  # Scan: 2 items a page, the key of the last one as the token
            start = 0
            if "ExclusiveStartKey" in body:
                start = int(body["ExclusiveStartKey"]["pk"]["S"][1:])
            page = ITEMS[start:start + 2]
            reply = {"Items": page, "Count": len(page), "ScannedCount": len(page)}
            if start + 2 < len(ITEMS):
                reply["LastEvaluatedKey"] = {"pk": page[-1]["pk"]}
        data = json.dumps(reply).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/x-amz-json-1.0")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


class CliPaginate(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.awsc_bin = shared_models_cli()
        cls.srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Dynamo)
        cls.srv.daemon_threads = True
        threading.Thread(target=cls.srv.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
        cls.endpoint = f"http://127.0.0.1:{cls.srv.server_address[1]}"
        cls.env = cli_env(AWS_ACCESS_KEY_ID="AKIDEXAMPLE", AWS_SECRET_ACCESS_KEY="secret",
                          AWS_CONFIG_FILE=os.devnull, AWS_SHARED_CREDENTIALS_FILE=os.devnull)

    @classmethod
    def tearDownClass(cls):
        cls.srv.shutdown()
        cls.srv.server_close()

    def setUp(self):
        Dynamo.seen.clear()
        Dynamo.repeat_token = False

    def cli(self, op, *args, expect=0):
        r = subprocess.run([self.awsc_bin, "dynamodb", op, "--endpoint-url", self.endpoint, *args], env=self.env,
                           capture_output=True, text=True, timeout=TIMEOUT)
        self.assertEqual(r.returncode, expect, r.stdout + r.stderr)
        return json.loads(r.stdout) if expect == 0 and r.stdout.strip() else r

    def starts(self):
        return [body.get("ExclusiveStartTableName") for _, body in Dynamo.seen]

    def test_all_pages_merged(self):
        out = self.cli("list-tables")
        self.assertEqual(out, {"TableNames": TABLES})
        self.assertEqual(self.starts(), [None, "tbl3", "tbl6"])  # three pages

    def test_no_paginate_is_one_call_as_the_service_answers(self):
        out = self.cli("list-tables", "--no-paginate")
        self.assertEqual(out, {"TableNames": ["tbl1", "tbl2", "tbl3"], "LastEvaluatedTableName": "tbl3"})
        self.assertEqual(len(Dynamo.seen), 1)

    def test_max_items_and_starting_token(self):
        out = self.cli("list-tables", "--max-items", "4")
        self.assertEqual(out["TableNames"], ["tbl1", "tbl2", "tbl3", "tbl4"])
        self.assertEqual(self.starts(), [None, "tbl3"])
        token = out["NextToken"]
        self.assertEqual(json.loads(base64.b64decode(token)), {"token": "tbl3", "skip": 1})
        Dynamo.seen.clear()
        out = self.cli("list-tables", "--starting-token", token)
        self.assertEqual(out, {"TableNames": ["tbl5", "tbl6", "tbl7"]})
        self.assertEqual(self.starts(), ["tbl3", "tbl6"])
        # a page boundary: the token is the service's own
        out = self.cli("list-tables", "--max-items", "3")
        self.assertEqual(out["TableNames"], ["tbl1", "tbl2", "tbl3"])
        self.assertEqual(json.loads(base64.b64decode(out["NextToken"])), {"token": "tbl3", "skip": 0})
        out = self.cli("list-tables", "--starting-token", out["NextToken"], "--max-items", "10")
        self.assertEqual(out, {"TableNames": ["tbl4", "tbl5", "tbl6", "tbl7"]})

    def test_page_size(self):
        out = self.cli("list-tables", "--page-size", "2")
        self.assertEqual(out, {"TableNames": TABLES})
        self.assertEqual([body.get("Limit") for _, body in Dynamo.seen], [2, 2, 2, 2])

    def test_an_explicit_token_option_turns_paging_off(self):
        out = self.cli("list-tables", "--exclusive-start-table-name", "tbl3")
        self.assertEqual(out, {"TableNames": ["tbl4", "tbl5", "tbl6"], "LastEvaluatedTableName": "tbl6"})
        self.assertEqual(len(Dynamo.seen), 1)

    def test_map_tokens_and_query(self):
        out = self.cli("scan", "--table-name", "things")
        self.assertEqual(out["Items"], ITEMS)
        self.assertEqual(out["Count"], 2)  # the first page's, as the AWS CLI keeps non-item members
        self.assertNotIn("LastEvaluatedKey", out)
        self.assertEqual([body.get("ExclusiveStartKey") for _, body in Dynamo.seen],
                         [None, {"pk": {"S": "k2"}}, {"pk": {"S": "k4"}}])
        Dynamo.seen.clear()
        out = self.cli("scan", "--table-name", "things", "--query", "Items[?n.N > '2'].pk.S | sort(@)")
        self.assertEqual(out, ["k3", "k4", "k5"])

    def test_a_repeated_token_ends_the_listing(self):
        Dynamo.repeat_token = True
        out = self.cli("list-tables")
        self.assertEqual(self.starts(), [None, "tbl1"])  # t1 asked for again: stop
        self.assertEqual(out["TableNames"], ["tbl1", "tbl2", "tbl3", "tbl2", "tbl3", "tbl4"])

    def test_bad_paging_options_send_nothing(self):
        for args, says in ((("--max-items", "0"), "--max-items: expected a positive integer"),
                           (("--page-size", "x"), "--page-size: expected a positive integer"),
                           (("--starting-token", "bm90IGEgdG9rZW4="), "--starting-token: not a token")):
            with self.subTest(args=args):
                r = self.cli("list-tables", *args, expect=252)
                self.assertIn(says, r.stderr)
        r = self.cli("describe-table", "--table-name", "x", "--max-items", "2", expect=252)
        self.assertIn("need a paginated operation", r.stderr)
        self.assertEqual(Dynamo.seen, [])


if __name__ == "__main__":
    unittest.main()
