// One DescribeJobExecution with the AWS SDK for JavaScript v3, then exit: bench/run times the
// process from start to exit beside the awsc command's.
//   node one_call.mjs PORT   (credentials and region from the environment)
import { IoTJobsDataPlaneClient, DescribeJobExecutionCommand } from "@aws-sdk/client-iot-jobs-data-plane";

const client = new IoTJobsDataPlaneClient({ endpoint: `http://127.0.0.1:${process.argv[2]}`, maxAttempts: 1 });
const out = await client.send(new DescribeJobExecutionCommand({ thingName: "sensor-01", jobId: "fw-2024-06" }));
if (!out.execution?.jobDocument) throw new Error("unexpected response");
client.destroy();
