// Sequential call throughput of the AWS SDK for JavaScript v3, for bench/run:
//   node calls.mjs describe|update PORT N
// One keep-alive connection to the canned server, retries off, the same inputs as
// bench/src/calls.c; prints one JSON object.
import http from "node:http";
import { IoTJobsDataPlaneClient, DescribeJobExecutionCommand, UpdateJobExecutionCommand } from "@aws-sdk/client-iot-jobs-data-plane";

const [op, port, nArg] = process.argv.slice(2);
const n = Number(nArg);
const client = new IoTJobsDataPlaneClient({
  region: "us-east-1",
  endpoint: `http://127.0.0.1:${port}`,
  credentials: { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY" },
  maxAttempts: 1,
  requestHandler: { httpAgent: new http.Agent({ keepAlive: true, maxSockets: 1 }) },
});
const call = op === "update"
  ? async () => {
      const out = await client.send(new UpdateJobExecutionCommand({
        thingName: "sensor-01", jobId: "fw-2024-06", status: "IN_PROGRESS",
        statusDetails: { progress: "60%" }, includeJobExecutionState: true,
      }));
      if (out.executionState?.versionNumber !== 4) throw new Error("unexpected response");
    }
  : async () => {
      const out = await client.send(new DescribeJobExecutionCommand({ thingName: "sensor-01", jobId: "fw-2024-06" }));
      if (!out.execution?.jobDocument) throw new Error("unexpected response");
    };

for (let i = 0; i < 200; i++) await call(); // JIT warm-up
const t0 = process.hrtime.bigint();
for (let i = 0; i < n; i++) await call();
const s = Number(process.hrtime.bigint() - t0) / 1e9;
console.log(JSON.stringify({ calls: n, seconds: s, per_s: n / s }));
process.exit(0);
