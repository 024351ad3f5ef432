"""Sequential call throughput of botocore (Debian's python3-botocore), for bench/run.

    /usr/bin/python3 calls.py describe|update PORT N

One keep-alive connection to the canned server, retries off, the same inputs as
bench/src/calls.c; prints one JSON object.
"""
import json
import sys
import time

import botocore.session
from botocore.config import Config

op, port, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
client = botocore.session.get_session().create_client(
    "iot-jobs-data", region_name="us-east-1", endpoint_url=f"http://127.0.0.1:{port}",
    aws_access_key_id="AKIDEXAMPLE", aws_secret_access_key="wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
    config=Config(retries={"total_max_attempts": 1}, max_pool_connections=1))


def describe():
    out = client.describe_job_execution(thingName="sensor-01", jobId="fw-2024-06")
    assert out["execution"]["jobDocument"]


def update():
    out = client.update_job_execution(thingName="sensor-01", jobId="fw-2024-06", status="IN_PROGRESS",
                                      statusDetails={"progress": "60%"}, includeJobExecutionState=True)
    assert out["executionState"]["versionNumber"] == 4


call = update if op == "update" else describe
for _ in range(50):
    call()
t0 = time.perf_counter()
for _ in range(n):
    call()
s = time.perf_counter() - t0
print(json.dumps({"calls": n, "seconds": s, "per_s": n / s}))
