// The JS side of tests/eventstream/test_eventstream_interop.c: the pinned
// @smithy/eventstream-codec (the AWS SDK for JavaScript's framing) encodes and
// decodes messages for awsc to check against.
//
//   node eventstream_codec.mjs encode       prints {"messages": [{headers, payload, frame}]}: a fixed set
//                                           of messages (every header type, bounds, sizes) and the
//                                           frames the JS codec encodes them to
//   node eventstream_codec.mjs decode FILE  FILE holds {"frames": [base64]}; prints {"messages": [...]}
//                                           as the JS codec decodes each (or {"error": why})
//
// A message in JSON: headers [{name, type, value}] in order, type the wire indicator (0 true,
// 1 false, 2 byte, 3 short, 4 integer, 5 long, 6 bytes, 7 string, 8 timestamp, 9 uuid); value
// a number (byte, short, integer), a decimal string (long; timestamp in milliseconds), base64
// (bytes), text (string) or 32 hex digits (uuid); payload base64.
import { EventStreamCodec, Int64 } from "@smithy/eventstream-codec";
import { readFileSync } from "node:fs";

const codec = new EventStreamCodec((b) => new TextDecoder().decode(b), (s) => new TextEncoder().encode(s));

function int64Bytes(decimal) {
  let v = BigInt.asUintN(64, BigInt(decimal));
  const out = new Uint8Array(8);
  for (let i = 7; i >= 0; i--, v >>= 8n) out[i] = Number(v & 0xffn);
  return out;
}

function int64Decimal(int64) {
  let v = 0n;
  for (const b of int64.bytes) v = (v << 8n) | BigInt(b);
  return BigInt.asIntN(64, v).toString();
}

const TYPES = ["boolean", "boolean", "byte", "short", "integer", "long", "binary", "string", "timestamp", "uuid"];

function toCodec(m) {
  const headers = {};
  for (const h of m.headers) {
    const type = TYPES[h.type];
    let value;
    if (h.type === 0 || h.type === 1) value = h.type === 0;
    else if (h.type <= 4) value = h.value;
    else if (h.type === 5) value = new Int64(int64Bytes(h.value));
    else if (h.type === 6) value = Buffer.from(h.value, "base64");
    else if (h.type === 7) value = h.value;
    else if (h.type === 8) value = new Date(Number(h.value));
    else value = h.value.replace(/^(.{8})(.{4})(.{4})(.{4})(.{12})$/, "$1-$2-$3-$4-$5");
    headers[h.name] = { type, value };
  }
  return { headers, body: Buffer.from(m.payload, "base64") };
}

function fromCodec(msg) {
  const headers = [];
  for (const [name, { type, value }] of Object.entries(msg.headers)) {
    const t = type === "boolean" ? (value ? 0 : 1) : TYPES.indexOf(type);
    const h = { name, type: t };
    if (t >= 2 && t <= 4) h.value = value;
    else if (t === 5) h.value = int64Decimal(value);
    else if (t === 6) h.value = Buffer.from(value).toString("base64");
    else if (t === 7) h.value = value;
    else if (t === 8) h.value = String(value.getTime());
    else if (t === 9) h.value = value.replace(/-/g, "");
    headers.push(h);
  }
  return { headers, payload: Buffer.from(msg.body).toString("base64") };
}

// The fixed set: each header type at its bounds, empty and large values, many headers.
function messages() {
  const b64 = (bytes) => Buffer.from(bytes).toString("base64");
  const ramp = (n) => Uint8Array.from({ length: n }, (_, i) => (i * 31 + 7) & 0xff);
  const many = Array.from({ length: 200 }, (_, i) => ({ name: `h${i}`, type: 4, value: i * 1000 - 99999 }));
  return [
    { headers: [], payload: "" },
    {
      headers: [
        { name: ":message-type", type: 7, value: "event" },
        { name: ":event-type", type: 7, value: "Records" },
        { name: ":content-type", type: 7, value: "application/json" },
      ],
      payload: b64(new TextEncoder().encode('{"Payload":"héllo ✓"}')),
    },
    {
      headers: [
        { name: "t", type: 0 },
        { name: "f", type: 1 },
        { name: "byteMin", type: 2, value: -128 },
        { name: "byteMax", type: 2, value: 127 },
        { name: "shortMin", type: 3, value: -32768 },
        { name: "shortMax", type: 3, value: 32767 },
        { name: "intMin", type: 4, value: -2147483648 },
        { name: "intMax", type: 4, value: 2147483647 },
        { name: "longMin", type: 5, value: "-9223372036854775808" },
        { name: "longMax", type: 5, value: "9223372036854775807" },
        { name: "longOdd", type: 5, value: "9007199254740993" },
        { name: "bytes", type: 6, value: b64(ramp(256)) },
        { name: "emptyBytes", type: 6, value: "" },
        { name: "text", type: 7, value: "héllo ✓ \t\"\\ end" },
        { name: "emptyText", type: 7, value: "" },
        { name: "when", type: 8, value: "1730384114123" },
        { name: "before1970", type: 8, value: "-1000" },
        { name: "id", type: 9, value: "0123456789abcdeffedcba9876543210" },
      ],
      payload: b64(ramp(17)),
    },
    { headers: [{ name: "x".repeat(255), type: 7, value: "y".repeat(32767) }], payload: "" },
    { headers: [{ name: ":event-type", type: 7, value: "Chunk" }], payload: b64(ramp(65536 + 3)) },
    { headers: many, payload: b64(ramp(1)) },
  ];
}

const [mode, file] = process.argv.slice(2);
if (mode === "encode") {
  const out = messages().map((m) => ({ ...m, frame: Buffer.from(codec.encode(toCodec(m))).toString("base64") }));
  process.stdout.write(JSON.stringify({ messages: out }));
} else if (mode === "decode") {
  const { frames } = JSON.parse(readFileSync(file, "utf8"));
  const out = frames.map((f) => {
    try {
      return fromCodec(codec.decode(Buffer.from(f, "base64")));
    } catch (e) {
      return { error: String(e && e.message ? e.message : e) };
    }
  });
  process.stdout.write(JSON.stringify({ messages: out }));
} else {
  process.stderr.write("usage: node eventstream_codec.mjs encode | decode FILE\n");
  process.exit(2);
}
