// The far end of a bidirectional event stream, for test_eventstream_input: an
// HTTP/2 server over cleartext (h2c, prior knowledge) on 127.0.0.1, port 0.
// For each stream it decodes the request body's messages as they come,
// verifies every :chunk-signature with its own HMAC chain (seeded from the
// request's Authorization signature, with the secret it is given), and answers
// each event with an output event echoing its payload. The end message gets a
// last event, "verified N", then the stream ends. A wrong signature before the
// answer started is refused as AWS refuses it: 403 InvalidSignatureException.
// Node's own modules only (http2, crypto, zlib's CRC is not exposed: ours).
// Usage: node h2_peer.js SECRET   (prints "port N" on stdout, exits when stdin closes)
'use strict';
const http2 = require('http2');
const crypto = require('crypto');

const secret = process.argv[2];

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();
function crc32(buf) {
  let c = 0xffffffff;
  for (const b of buf) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

// One message from `buf` (whole): its headers (name -> {type, value, raw}) and payload; throws when malformed.
function decode(buf) {
  const total = buf.readUInt32BE(0), hlen = buf.readUInt32BE(4);
  if (total !== buf.length) throw new Error('length mismatch');
  if (crc32(buf.subarray(0, 8)) !== buf.readUInt32BE(8)) throw new Error('prelude CRC');
  if (crc32(buf.subarray(0, total - 4)) !== buf.readUInt32BE(total - 4)) throw new Error('message CRC');
  const headers = {};
  let p = 12;
  const end = 12 + hlen;
  while (p < end) {
    const start = p;
    const nlen = buf[p++];
    const name = buf.subarray(p, p + nlen).toString();
    p += nlen;
    const type = buf[p++];
    let value;
    if (type === 7 || type === 6) {
      const len = buf.readUInt16BE(p);
      p += 2;
      value = buf.subarray(p, p + len);
      p += len;
      if (type === 7) value = value.toString();
    } else if (type === 8) {
      value = Number(buf.readBigInt64BE(p));
      p += 8;
    } else {
      throw new Error('unexpected header type ' + type);
    }
    headers[name] = { type, value, raw: buf.subarray(start, p) };
  }
  return { headers, payload: buf.subarray(end, total - 4) };
}

function encode(headers, payload) {
  const parts = [];
  for (const [name, value] of Object.entries(headers)) {
    const n = Buffer.from(name);
    const v = Buffer.from(value);
    const h = Buffer.alloc(1 + n.length + 1 + 2);
    h[0] = n.length;
    n.copy(h, 1);
    h[1 + n.length] = 7;
    h.writeUInt16BE(v.length, 2 + n.length);
    parts.push(h, v);
  }
  const hb = Buffer.concat(parts);
  const out = Buffer.alloc(16 + hb.length + payload.length);
  out.writeUInt32BE(out.length, 0);
  out.writeUInt32BE(hb.length, 4);
  out.writeUInt32BE(crc32(out.subarray(0, 8)), 8);
  hb.copy(out, 12);
  payload.copy(out, 12 + hb.length);
  out.writeUInt32BE(crc32(out.subarray(0, out.length - 4)), out.length - 4);
  return out;
}

const hmac = (key, data) => crypto.createHmac('sha256', key).update(data).digest();
const sha256 = (data) => crypto.createHash('sha256').update(data).digest('hex');

// The signature a message must carry, from its :date header and the previous signature.
function expected(prior, region, service, dateHeader, payload) {
  const stamp = new Date(dateHeader.value).toISOString().replace(/[-:]/g, '').replace(/\.\d+/, '');
  const day = stamp.slice(0, 8);
  let key = hmac('AWS4' + secret, day);
  key = hmac(key, region);
  key = hmac(key, service);
  key = hmac(key, 'aws4_request');
  const sts = ['AWS4-HMAC-SHA256-PAYLOAD', stamp, `${day}/${region}/${service}/aws4_request`, prior,
    sha256(dateHeader.raw), sha256(payload)].join('\n');
  return hmac(key, sts).toString('hex');
}

const server = http2.createServer();
server.on('stream', (stream, headers) => {
  const auth = headers.authorization || '';
  const sig = /Signature=([0-9a-f]{64})/.exec(auth);
  const scope = /Credential=[^/]+\/\d{8}\/([^/]+)\/([^/]+)\/aws4_request/.exec(auth);
  const refuse = (message) => {
    const body = Buffer.from(JSON.stringify({ message }));
    stream.respond({ ':status': 403, 'content-type': 'application/json', 'content-length': body.length,
      'x-amzn-errortype': 'InvalidSignatureException' });
    stream.end(body);
  };
  if (!sig || !scope || headers['x-amz-content-sha256'] !== 'STREAMING-AWS4-HMAC-SHA256-EVENTS' ||
      headers['content-type'] !== 'application/vnd.amazon.eventstream') {
    refuse('not a signed event stream request');
    return;
  }
  let prior = sig[1];
  const [region, service] = [scope[1], scope[2]];
  let pending = Buffer.alloc(0);
  let verified = 0;
  let answering = false;
  let failed = false;
  // Transcribe streaming answers with a TranscriptEvent, Bedrock's bidirectional stream with a chunk.
  const transcribe = headers[':path'] === '/stream-transcription';
  const answer = (text) => {
    if (!answering) {
      stream.respond({ ':status': 200, 'content-type': 'application/vnd.amazon.eventstream' });
      answering = true;
    }
    const [type, doc] = transcribe
      ? ['TranscriptEvent', { Transcript: { Results: [{ ResultId: 'r', IsPartial: false,
        Alternatives: [{ Transcript: text }] }] } }]
      : ['chunk', { bytes: Buffer.from(text).toString('base64') }];
    stream.write(encode({ ':event-type': type, ':message-type': 'event', ':content-type': 'application/json' },
      Buffer.from(JSON.stringify(doc))));
  };
  stream.on('data', (chunk) => {
    if (failed) return;
    pending = Buffer.concat([pending, chunk]);
    while (pending.length >= 4 && pending.length >= pending.readUInt32BE(0)) {
      const len = pending.readUInt32BE(0);
      const frame = pending.subarray(0, len);
      pending = pending.subarray(len);
      let outer;
      try {
        outer = decode(frame);
      } catch (e) {
        failed = true;
        return answering ? stream.close(http2.constants.NGHTTP2_PROTOCOL_ERROR) : refuse('bad frame: ' + e.message);
      }
      const date = outer.headers[':date'], got = outer.headers[':chunk-signature'];
      const want = date && got ? expected(prior, region, service, date, outer.payload) : '';
      if (!got || got.value.toString('hex') !== want) {
        failed = true;
        process.stderr.write(`h2_peer: signature ${verified + 1} does not verify\n`);
        return answering ? stream.close(http2.constants.NGHTTP2_PROTOCOL_ERROR)
          : refuse('The request signature we calculated does not match the signature you provided.');
      }
      prior = want;
      verified++;
      if (outer.payload.length === 0) { // the end message: the answer ends once the request has
        answer(`verified ${verified}`);
        if (stream.readableEnded) stream.end();
        else stream.on('end', () => stream.end());
        return;
      }
      const inner = decode(outer.payload);
      const type = inner.headers[':event-type'] && inner.headers[':event-type'].value;
      const ctype = inner.headers[':content-type'].value;
      // An @eventPayload blob travels as it is; Bedrock's part is a JSON document with base64 bytes.
      const text = ctype === 'application/json' ? Buffer.from(JSON.parse(inner.payload.toString()).bytes, 'base64')
        : inner.payload;
      const rate = transcribe ? ` at ${headers['x-amzn-transcribe-sample-rate']} Hz` : '';
      answer(`echo ${inner.headers[':message-type'].value} ${type} ${ctype} ${text}${rate}`);
    }
  });
  stream.on('error', () => {});
});
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`port ${server.address().port}\n`);
});
// The test owns this process: it ends when the test closes our stdin (or dies).
process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
