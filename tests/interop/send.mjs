// Sends interop cases with the AWS SDK for JavaScript v3 so that the
// requests it puts on the wire can be compared with awsc's.
//
// usage: node send.mjs <cases.json> <endpoint-url> [case-name ...]
//
// Credentials come from AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY /
// AWS_SESSION_TOKEN. Prints nothing on success; on failure prints the case
// and error on stderr and exits 1 (2 on bad usage).

import { readFileSync } from "node:fs";
import * as sdk from "@aws-sdk/client-iot-jobs-data-plane";
import { parseJson } from "./casejson.mjs";

// Blob members are base64 strings in the case file; the SDK wants bytes.
function toSdkInput(operation, input) {
  const out = structuredClone(input);
  if (operation === "StartCommandExecution" && out.parameters) {
    for (const v of Object.values(out.parameters)) {
      if (typeof v.BIN === "string") v.BIN = new Uint8Array(Buffer.from(v.BIN, "base64"));
    }
  }
  return out;
}

async function main() {
  const [casesPath, endpoint, ...names] = process.argv.slice(2);
  if (!casesPath || !endpoint) {
    console.error("usage: node send.mjs <cases.json> <endpoint-url> [case-name ...]");
    return 2;
  }
  const { AWS_ACCESS_KEY_ID: accessKeyId, AWS_SECRET_ACCESS_KEY: secretAccessKey,
          AWS_SESSION_TOKEN: sessionToken } = process.env;
  if (!accessKeyId || !secretAccessKey) {
    console.error("send.mjs: AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY must be set");
    return 2;
  }
  let cases = parseJson(readFileSync(casesPath, "utf8"));
  if (names.length) {
    const missing = names.filter((n) => !cases.some((c) => c.name === n));
    if (missing.length) { console.error(`send.mjs: unknown case(s): ${missing.join(", ")}`); return 2; }
    cases = cases.filter((c) => names.includes(c.name));
  }
  const client = new sdk.IoTJobsDataPlaneClient({
    region: "us-east-1",
    endpoint,
    maxAttempts: 1,
    credentials: { accessKeyId, secretAccessKey, ...(sessionToken ? { sessionToken } : {}) },
  });
  let failed = 0;
  for (const c of cases) {
    const Command = sdk[`${c.operation}Command`];
    if (!Command) { console.error(`${c.name}: unknown operation ${c.operation}`); failed++; continue; }
    try {
      await client.send(new Command(toSdkInput(c.operation, c.input)));
    } catch (err) {
      // The request went out if the server answered; a failure to parse the
      // canned answer is not what this tool is about.
      if (err?.$metadata?.httpStatusCode === 200 || err?.$response?.statusCode === 200) continue;
      console.error(`${c.name}: ${err?.name ?? "Error"}: ${err?.message ?? err}`);
      failed++;
    }
  }
  client.destroy();
  return failed ? 1 : 0;
}

process.exitCode = await main();
