// Sends the cases of one service in services.json with its AWS SDK for
// JavaScript v3 client, so the requests it puts on the wire (and the outputs
// it parses from the canned answers) can be compared with awsc's.
//
// usage: node send_services.mjs <services.json> <service> <endpoint-url> [case-name ...]
//
// Credentials come from AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY /
// AWS_SESSION_TOKEN. Prints one JSON line per case on stdout:
//   {"name": ..., "output": {...}}   the parsed output, $metadata left out
//   {"name": ..., "error": "..."}    the client's error
//   {"name": ..., "modeled_error": {"name", "code", "message", "fault", "status"}}
//                                    the error of a case that expects one (expect_error)
// with Dates as ISO 8601 strings, bytes as base64, BigInts and NaN/Infinity
// as strings. Exits 2 on bad usage.
//
// Case inputs mark what JSON cannot say: {"$blob": "<base64>"} is bytes,
// {"$ts": "<ISO 8601>"} a Date, {"$double": "NaN"|"Infinity"|"-Infinity"} a
// number, and the string "{endpoint}" anywhere is replaced by the endpoint URL.

import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { parseJson } from "./casejson.mjs";

const require = createRequire(import.meta.url);

function toSdk(v, endpoint) {
  if (typeof v === "string") return v.replaceAll("{endpoint}", endpoint);
  if (Array.isArray(v)) return v.map((x) => toSdk(x, endpoint));
  if (v && typeof v === "object") {
    const keys = Object.keys(v);
    if (keys.length === 1 && keys[0] === "$blob") return new Uint8Array(Buffer.from(v.$blob, "base64"));
    if (keys.length === 1 && keys[0] === "$ts") return new Date(v.$ts);
    if (keys.length === 1 && keys[0] === "$double") return Number(v.$double);
    const out = {};
    for (const k of keys) out[k] = toSdk(v[k], endpoint);
    return out;
  }
  return v;
}

function fromSdk(v) {
  if (v instanceof Date) return isNaN(v) ? "Invalid Date" : v.toISOString();
  if (v instanceof Uint8Array) return Buffer.from(v).toString("base64");
  if (typeof v === "bigint") return v.toString();
  if (typeof v === "number" && !Number.isFinite(v)) return String(v);
  if (Array.isArray(v)) return v.map(fromSdk);
  if (v && typeof v === "object") {
    const out = {};
    for (const [k, x] of Object.entries(v)) {
      if (k === "$metadata" || x === undefined) continue;
      out[k] = fromSdk(x);
    }
    return out;
  }
  return v;
}

// A protocol the model also offers, chosen instead of the client's default.
function protocolClass(clientPackage, name) {
  const local = createRequire(require.resolve(clientPackage));
  if (name === "rpcv2Cbor") return local("@smithy/core/cbor").SmithyRpcV2CborProtocol;
  if (name === "awsQuery") return local("@aws-sdk/core/protocols").AwsQueryProtocol;
  throw new Error(`unknown protocol ${name}`);
}

async function main() {
  const [path, service, endpoint, ...names] = process.argv.slice(2);
  if (!path || !service || !endpoint) {
    console.error("usage: node send_services.mjs <services.json> <service> <endpoint-url> [case-name ...]");
    return 2;
  }
  const { AWS_ACCESS_KEY_ID: accessKeyId, AWS_SECRET_ACCESS_KEY: secretAccessKey,
          AWS_SESSION_TOKEN: sessionToken } = process.env;
  const doc = parseJson(readFileSync(path, "utf8"));
  const svc = doc.services[service];
  if (!svc) { console.error(`send_services.mjs: unknown service ${service}`); return 2; }
  let cases = doc.cases.filter((c) => c.service === service);
  if (names.length) cases = cases.filter((c) => names.includes(c.name));
  const sdk = await import(svc.client);
  const config = {
    region: "us-east-1",
    endpoint,
    maxAttempts: 1,
    credentials: { accessKeyId, secretAccessKey, ...(sessionToken ? { sessionToken } : {}) },
    ...(svc.js_config ?? {}),
  };
  // Kinesis's client speaks HTTP/2 (for SubscribeToShard); the recorder speaks HTTP/1.1.
  if (svc.js_http1) {
    const local = createRequire(require.resolve(svc.client));
    config.requestHandler = new (local("@smithy/node-http-handler").NodeHttpHandler)();
  }
  if (svc.js_protocol) config.protocol = protocolClass(svc.client, svc.js_protocol);
  const client = new sdk[svc.class](config);
  for (const c of cases) {
    const Command = sdk[`${c.operation}Command`];
    let line;
    if (!Command) {
      line = { name: c.name, error: `unknown operation ${c.operation}` };
    } else {
      try {
        const out = await client.send(new Command(toSdk(c.input, endpoint)));
        // A streaming payload (Lambda's Invoke is not one, S3's GetObject is)
        // would be read here; the services in services.json have none.
        line = { name: c.name, output: fromSdk(out) };
      } catch (err) {
        line = c.expect_error
          // The error as the SDK models it: the shape name, the code a query-compatible
          // service's x-amzn-query-error header gives (err.Code), the message.
          ? { name: c.name, modeled_error: { name: err?.name, code: err?.Code ?? err?.name,
                                            message: err?.message, fault: err?.$fault,
                                            status: err?.$metadata?.httpStatusCode } }
          : { name: c.name, error: `${err?.name ?? "Error"}: ${err?.message ?? err}` };
      }
    }
    process.stdout.write(JSON.stringify(line) + "\n");
  }
  client.destroy();
  return 0;
}

process.exitCode = await main();
