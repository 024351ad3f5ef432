// Sends the S3 interop cases with the AWS SDK for JavaScript v3 so that the
// requests it puts on the wire (and the outputs it parses from canned
// answers) can be compared with awsc's.
//
// usage: node send-s3.mjs <s3-cases.json> <endpoint-url> <path|virtual> [case-name ...]
//
// Credentials come from AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY /
// AWS_SESSION_TOKEN. Prints one JSON line per case on stdout:
// {"name": ..., "output": {...}} or {"name": ..., "error": {...}}, the
// output without $metadata, a streamed Body read as text, dates as ISO 8601.
// An error is printed as such whether or not a request went out (a
// checksum mismatch on the answer has no HTTP status attached): the caller
// counts the requests it received. Exits 0, or 2 on bad usage.
//
// Virtual-hosted requests go to <bucket>.localhost: the agent resolves every
// *.localhost name to 127.0.0.1 itself, as curl does, so that no resolver
// configuration is needed.

import http from "node:http";
import { readFileSync } from "node:fs";
import * as sdk from "@aws-sdk/client-s3";

// Members that are timestamps in the S3 model: the case file writes them as
// ISO 8601 strings, the SDK wants Date objects.
const TIMESTAMPS = new Set([
  "Expires", "IfModifiedSince", "IfUnmodifiedSince", "CopySourceIfModifiedSince",
  "CopySourceIfUnmodifiedSince", "ResponseExpires", "ObjectLockRetainUntilDate",
]);

function toSdkInput(input) {
  const out = {};
  for (const [k, v] of Object.entries(input)) {
    if (k === "Body") out.Body = Buffer.from(v, "utf8");
    else if (TIMESTAMPS.has(k)) out[k] = new Date(v);
    else out[k] = v;
  }
  return out;
}

async function plain(value) {
  if (value instanceof Date) return value.toISOString();
  if (value instanceof Uint8Array) return Buffer.from(value).toString("base64");
  if (value && typeof value.transformToString === "function") return await value.transformToString();
  if (Array.isArray(value)) return Promise.all(value.map(plain));
  if (value && typeof value === "object") {
    const out = {};
    for (const [k, v] of Object.entries(value)) {
      if (k === "$metadata" || v === undefined) continue;
      out[k] = await plain(v);
    }
    return out;
  }
  return value;
}

function lookup(hostname, options, callback) {
  if (typeof options === "function") { callback = options; options = {}; }
  if (hostname === "localhost" || hostname.endsWith(".localhost")) {
    if (options.all) return callback(null, [{ address: "127.0.0.1", family: 4 }]);
    return callback(null, "127.0.0.1", 4);
  }
  return callback(new Error(`send-s3.mjs resolves only *.localhost, not ${hostname}`));
}

async function main() {
  const [casesPath, endpoint, style, ...names] = process.argv.slice(2);
  if (!casesPath || !endpoint || !["path", "virtual"].includes(style)) {
    console.error("usage: node send-s3.mjs <s3-cases.json> <endpoint-url> <path|virtual> [case-name ...]");
    return 2;
  }
  const { AWS_ACCESS_KEY_ID: accessKeyId, AWS_SECRET_ACCESS_KEY: secretAccessKey,
          AWS_SESSION_TOKEN: sessionToken } = process.env;
  if (!accessKeyId || !secretAccessKey) {
    console.error("send-s3.mjs: AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY must be set");
    return 2;
  }
  let cases = JSON.parse(readFileSync(casesPath, "utf8"));
  if (names.length) {
    const missing = names.filter((n) => !cases.some((c) => c.name === n));
    if (missing.length) { console.error(`send-s3.mjs: unknown case(s): ${missing.join(", ")}`); return 2; }
    cases = cases.filter((c) => names.includes(c.name));
  }
  const client = new sdk.S3Client({
    region: "us-east-1",
    endpoint,
    forcePathStyle: style === "path",
    maxAttempts: 1,
    credentials: { accessKeyId, secretAccessKey, ...(sessionToken ? { sessionToken } : {}) },
    requestHandler: { httpAgent: new http.Agent({ keepAlive: false, lookup }) },
  });
  for (const c of cases) {
    const Command = sdk[`${c.operation}Command`];
    if (!Command) { console.error(`${c.name}: unknown operation ${c.operation}`); return 2; }
    try {
      const out = await client.send(new Command(toSdkInput(c.input)));
      console.log(JSON.stringify({ name: c.name, output: await plain(out) }));
    } catch (err) {
      const status = err?.$metadata?.httpStatusCode;
      console.log(JSON.stringify({ name: c.name, error: {
        name: err?.name, code: err?.Code ?? err?.name, message: err?.message, status,
      } }));
    }
  }
  client.destroy();
  return 0;
}

process.exitCode = await main();
