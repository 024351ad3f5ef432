// SigV4 signing speed of the JS peers, for bench/run:
//   node sign.mjs smithy-cached|smithy-uncached|crt N
// Signs the same UpdateJobExecution request as bench/src/sign.c and prints the
// nanoseconds per signature. @smithy/signature-v4 keeps a module-wide cache of
// derived keys; "uncached" clears it before each signature. aws-crt signs in
// native aws-c-auth, which derives the key on every call (it has no key cache).
// process.exit at the end: aws-crt keeps the event loop alive.
import { SignatureV4, clearCredentialCache } from "@smithy/signature-v4";
import { Hash } from "@smithy/hash-node";
import crt from "aws-crt";
import { createHash } from "node:crypto";

const [mode, nArg] = process.argv.slice(2);
const n = Number(nArg);
const body = '{"status":"IN_PROGRESS","statusDetails":{"progress":"60%"},"includeJobExecutionState":true}';
const headers = {
  host: "data.jobs.iot.us-east-1.amazonaws.com",
  "content-type": "application/json",
  "content-length": String(body.length),
  "amz-sdk-invocation-id": "3f1c2a9e-5b7d-4e21-9c8a-6d0f1e2b3c4d",
  "amz-sdk-request": "attempt=1; max=1",
};
const path = "/things/sensor-01/jobs/fw-2024-06";
const credentials = { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY" };
const date = new Date(1717200000 * 1000);

let signOnce;
if (mode.startsWith("smithy")) {
  const signer = new SignatureV4({ credentials, region: "us-east-1", service: "iot-jobs-data", sha256: Hash.bind(null, "sha256"), applyChecksum: false });
  const clear = mode === "smithy-uncached";
  signOnce = async () => {
    if (clear) clearCredentialCache();
    const req = { method: "POST", protocol: "https:", hostname: headers.host, path, headers: { ...headers }, body, query: {} };
    const signed = await signer.sign(req, { signingDate: date });
    return signed.headers.authorization;
  };
} else {
  const config = {
    algorithm: crt.auth.AwsSigningAlgorithm.SigV4,
    signature_type: crt.auth.AwsSignatureType.HttpRequestViaHeaders,
    provider: crt.auth.AwsCredentialsProvider.newStatic(credentials.accessKeyId, credentials.secretAccessKey),
    region: "us-east-1",
    service: "iot-jobs-data",
    date,
    // The payload hash is given rather than streamed, which spares aws-crt the body
    // read (an advantage to it: the other signers hash the body on every call).
    signed_body_value: createHash("sha256").update(body).digest("hex"),
  };
  signOnce = async () => {
    const req = new crt.http.HttpRequest("POST", path, new crt.http.HttpHeaders(Object.entries(headers)));
    const signed = await crt.auth.aws_sign_request(req, config);
    return signed.headers.get("authorization");
  };
}

for (let i = 0; i < 2000; i++) await signOnce(); // JIT warm-up
const t0 = process.hrtime.bigint();
let auth;
for (let i = 0; i < n; i++) auth = await signOnce();
const ns = Number(process.hrtime.bigint() - t0) / n;
const m = /Signature=([0-9a-f]{64})/.exec(auth || "");
console.log(JSON.stringify({ signs: n, ns_per_sign: ns, signature: m ? m[1] : null }));
process.exit(0);
