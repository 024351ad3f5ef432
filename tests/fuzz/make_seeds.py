#!/usr/bin/env python3
"""Writes the small seed corpora in tests/fuzz/corpus/ (run once; the files are committed).

Each harness's input layout is described at the top of its fuzz_<name>.c.
"""
import os
import struct
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))
OPS = ["DescribeJobExecution", "GetPendingJobExecutions", "StartCommandExecution",
       "StartNextPendingJobExecution", "UpdateJobExecution"]

EXECUTION = ('{"execution":{"jobId":"job-1","thingName":"sensor-01","status":"IN_PROGRESS",'
             '"statusDetails":{"step":"2","progress":"40%"},"queuedAt":1700000000,"startedAt":1700000001.5,'
             '"lastUpdatedAt":1700000002,"approximateSecondsBeforeTimedOut":300,"versionNumber":3,'
             '"executionNumber":1,"jobDocument":"{\\"action\\":\\"reboot\\"}"}}')
OUTPUTS = {
    "DescribeJobExecution": [EXECUTION, '{"execution":{"jobId":"j","status":"NEW_STATUS_FROM_FUTURE"}}', "{}"],
    "GetPendingJobExecutions": [
        '{"inProgressJobs":[{"jobId":"a","queuedAt":10,"startedAt":11,"lastUpdatedAt":12,"versionNumber":3,'
        '"executionNumber":1}],"queuedJobs":[{"jobId":"b"},{"jobId":"c"}]}',
        '{"inProgressJobs":[],"queuedJobs":null}'],
    "StartCommandExecution": ['{"executionId":"e-1"}'],
    "StartNextPendingJobExecution": [EXECUTION, '{"execution":null}'],
    "UpdateJobExecution": [
        '{"executionState":{"status":"SUCCEEDED","statusDetails":{"k":"v"},"versionNumber":9007199254740993},'
        '"jobDocument":"{\\"op\\":\\"reboot\\"}"}'],
}
ERRORS = [
    (409, "x-amzn-errortype: ConflictException:http://internal.amazon.com/coral/\nx-amzn-requestid: 1111-aaaa\n",
     '{"message":"token reused","resourceId":"cmd-9"}'),
    (404, "", '{"__type":"com.amazonaws.iotjobsdataplane#ResourceNotFoundException","message":"no job"}'),
    (400, "", '{"code":"SomethingNewException","Message":"new failure"}'),
    (429, "x-amzn-errortype: ThrottlingException\nx-amzn-errormessage: slow down\n", ""),
    (503, "x-amz-request-id: r-2\n", "<html>Service Unavailable</html>"),
]
INPUTS = {
    "DescribeJobExecution": ['{"thingName":"sensor-01","jobId":"$next","includeJobDocument":true,"executionNumber":7}'],
    "GetPendingJobExecutions": ['{"thingName":"sensor-01"}'],
    "StartCommandExecution": [
        '{"targetArn":"arn:aws:iot:us-east-1:123456789012:thing/t","commandArn":"arn:c","parameters":'
        '{"a":{"S":"x"},"b":{"B":true},"c":{"I":5},"d":{"L":9007199254740993},"e":{"D":1.5},"f":{"BIN":"AAEC"},'
        '"g":{"UL":"18446744073709551615"}},"executionTimeoutSeconds":60,"clientToken":"tok-1"}'],
    "StartNextPendingJobExecution": ['{"thingName":"t","statusDetails":{"k":"v"},"stepTimeoutInMinutes":5}'],
    "UpdateJobExecution": [
        '{"thingName":"t","jobId":"j/1 x","status":"SUCCEEDED","statusDetails":{"k":"v"},"stepTimeoutInMinutes":5,'
        '"expectedVersion":3,"includeJobExecutionState":true,"includeJobDocument":false,"executionNumber":2}'],
}
JSON = [
    '{"Str":"hello","col":"RED","b":true,"by":-128,"sh":32767,"i":-5,"ie":2,"l":-9223372036854775808,'
    '"f":1.5,"d":"NaN","bigi":123456789012345678901234567890,"bigd":1.5e300,"blob":"AAEC",'
    '"ts":1576540098.123,"tsDt":"2019-12-16T23:48:18.52Z","tsHttp":"Mon, 16 Dec 2019 23:48:18 GMT",'
    '"tsEpoch":-1.5,"doc":{"a":[1,null,"x"]},"nested":{"Name":"n","N":1}}',
    '{"inners":[{"Name":"a"},{"N":2}],"dense":["a","b"],"sparse":["a",null],"sparseInners":[null,{"Name":"x"}],'
    '"longs":[1,-2,9007199254740993],"boxedInts":[1,null,3],"blobs":["","AA=="],"stamps":["1970-01-01T00:00:00Z"]}',
    '{"smap":{"k":"v"},"sparseMap":{"k":null},"imap":{"a":{"N":1}},"dmap":{"x":null,"y":"Infinity","z":0.1},'
    '"lmap":{"k":["a"]},"u":{"St":{"Name":"s"}},"unions":[{"S":"x"},{"I":1},{"B":"AA=="},{"L":["q"]},{"Nothing":{}}],'
    '"tree":{"child":{"kids":[{"doc":1},{"child":{}}]}},"plain":7,"dflt":"y","X-Hdr":"ignored"}',
    '{"str":"\\u00e9\\ud83d\\ude00\\n","tsHttp":"Thu, 01 Jan 1970 00:00:00.5 GMT","unknown":[{"deep":[[[]]]}]}',
]
SIGV4 = [
    (0x03, "GET", "/things/sensor-01/jobs/$next", "includeJobDocument=true&a=%20b&a=b",
     ["Host:data.jobs.iot.us-east-1.amazonaws.com", "x-amz-content-sha256:UNSIGNED", "My-Header:  a   b  "], b""),
    (0x07, "POST", "/a/./b/../c//d/", "", ["host:example.amazonaws.com", "content-type:application/json"],
     b'{"status":"SUCCEEDED"}'),
    (0x1d, "PUT", "/%E1%88%B4/~x y", "x", ["Host:h", "X-Amz-Meta:v1", "x-amz-meta:v2"], b"payload"),
    (0x00, "GET", "", "b=&a&=c&%zz", ["Host:h"], b""),
]
URI = [b"\x00hello world", b"\x01/things/sensor 01/jobs/$next", b"\x02a%20b+c%2Fd%7e", b"\x03%E2%82%AC~-._",
       b"\x00\xff\xfe%", b"\x02%4"]
B64 = [b"", b"f", b"fo", b"foo", b"Zm9vYg==", b"Zm9vYmE", b"AAEC/+//", b"Zg=\n=", b"\x00\x01\x02\xff"]
TIMES = [b"2019-12-16T23:48:18Z", b"2019-12-16t23:48:18.123456789123z", b"1985-04-12T23:20:50.52+04:00",
         b"0000-01-01T00:00:00Z", b"9999-12-31T23:59:59.999999999Z", b"Mon, 16 Dec 2019 23:48:18 GMT",
         b"Thu, 01 Jan 1970 00:00:00.123 GMT", b"1576540098", b"-1.000000001", b"1576540098.123",
         b"1e3", b"2019-02-29T00:00:00Z"]
XML = [
    '<?xml version="1.0" encoding="UTF-8"?>\n<AllResponse xmlns="urn:x" a:attr="v&amp;1" n=" 7 ">\n'
    '  <Str>text &lt;&amp;&gt; &#xD;\n</Str><Col>GREEN</Col><B>true</B><By>-128</By><Sh>32767</Sh>'
    '<I>-5</I><L>-9223372036854775808</L><F>1.5</F><D>-Infinity</D><BigI>123456789012345678901234567890</BigI>'
    '<BigD>1.5e300</BigD><Blob>AAEC</Blob><Ts>2019-12-16T23:48:18.52Z</Ts>'
    '<TsHttp>Mon, 16 Dec 2019 23:48:18 GMT</TsHttp><TsEpoch>-1.5</TsEpoch>\n</AllResponse>',
    '<R><Nested id="i1"><Name>n</Name><N>1</N></Nested><Wrapped><item>a</item><item/></Wrapped>'
    '<Flat>f1</Flat><Other/><Flat>f2</Flat><Inners><Inner id="x"><Name>a</Name></Inner><Inner><N>2</N></Inner>'
    '</Inners><FI><N>3</N></FI><FI id="y"/><Doubles><member>NaN</member><member>0.1</member></Doubles>'
    '<Lists><member><member>a</member></member><member/></Lists></R>',
    '<R><Map><entry><key>k</key><value>v</value></entry><entry><key>k</key><value>w</value></entry></Map>'
    '<FlatMap><K>a</K><V>1</V></FlatMap><FlatMap><K>b</K><V>2</V></FlatMap>'
    '<IMap><entry><key>z</key><value id="q"><N>9</N></value></entry></IMap>'
    '<U><Sl>x</Sl><Sl>y</Sl></U><Tree label="1"><child label="2"><child/></child></Tree></R>',
    '<R><U><St id="s"><Name>in union</Name></St></U><Col>PURPLE</Col><![CDATA[<not an element>]]><!-- c --></R>',
    '<!DOCTYPE r [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;">]><r>&b;</r>',
    '<ErrorResponse><Error><Type>Sender</Type><Code>InvalidInput</Code><Message>bad</Message></Error>'
    '<RequestId>r-1</RequestId></ErrorResponse>',
]
PROFILES = [
    (1, "[default]\nregion = us-east-1\noutput=json\n\n[profile dev]\nregion=eu-west-1\n"
        "credential_process = /bin/echo '{\"Version\": 1}'\ns3 =\n  max_concurrent_requests = 10\n"
        "[sso-session x]\nsso_region = us-east-1\n[profile default]\nREGION = us-west-2 ; comment\n"),
    (0, "[default]\naws_access_key_id=AKID\naws_secret_access_key = SECRET\n# comment\n[other]\n"
        "aws_session_token=tok\n  continued\n[bad\nkey_without_value\n=value_without_key\n"),
    # Large inputs (flag bit 1): the text before the NUL once, the rest repeated up to 1 MiB with '@'
    # replaced by the copy's number: many sections, and a value of many continuation lines.
    (3, "[default]\nregion = x\n\0[profile p@]\nregion = r@\n"),
    (2, "[long]\nk = v\n\0  line @\n"),
]
CRED_JSON = [
    (0, '{"Version": 1, "AccessKeyId": "AKID", "SecretAccessKey": "SECRET", "SessionToken": "tok",'
        ' "Expiration": "2030-01-01T00:00:00Z"}'),
    (0, '{"Version": 2, "AccessKeyId": "AKID"}'),
    (1, '{"Code": "Success", "AccessKeyId": "AKID", "SecretAccessKey": "S", "Token": "T",'
        ' "Expiration": "2030-01-01T00:00:00.5+01:00"}'),
    (1, '{"code": "Throttled", "message": "slow\u0000 down\n"}'),
    (2, '{"credentials": {"accessKeyId": "AKID", "secretAccessKey": "S", "sessionToken": "T",'
        ' "expiration": "2030-01-01T00:00:00Z"}}'),
    (2, '{"message": "Access Denied"}'),
]


STS_NS = "https://sts.amazonaws.com/doc/2011-06-15/"
STS_CREDS = ("<Credentials><AccessKeyId>ASIAX</AccessKeyId><SecretAccessKey>s/k+e=</SecretAccessKey>"
             "<SessionToken>tok&amp;en</SessionToken><Expiration>2030-01-02T03:04:05Z</Expiration></Credentials>")
# (operation index in generated/sts order, body) for 200 answers; errors below.
STS_OUTPUTS = [
    (0, f'<AssumeRoleResponse xmlns="{STS_NS}"><AssumeRoleResult>{STS_CREDS}<AssumedRoleUser>'
        "<AssumedRoleId>AROA:s</AssumedRoleId><Arn>arn:aws:sts::1:assumed-role/r/s</Arn></AssumedRoleUser>"
        "<PackedPolicySize>6</PackedPolicySize></AssumeRoleResult>"
        "<ResponseMetadata><RequestId>r-1</RequestId></ResponseMetadata></AssumeRoleResponse>"),
    (1, f'<AssumeRoleWithWebIdentityResponse xmlns="{STS_NS}"><AssumeRoleWithWebIdentityResult>{STS_CREDS}'
        "<SubjectFromWebIdentityToken>sub</SubjectFromWebIdentityToken><Audience>aud</Audience>"
        "</AssumeRoleWithWebIdentityResult></AssumeRoleWithWebIdentityResponse>"),
    (2, f'<GetCallerIdentityResponse xmlns="{STS_NS}"><GetCallerIdentityResult><Arn>arn:aws:iam::1:user/a</Arn>'
        "<UserId>AIDA</UserId><Account>123456789012</Account></GetCallerIdentityResult></GetCallerIdentityResponse>"),
]
STS_ERRORS = [
    (400, f'<ErrorResponse xmlns="{STS_NS}"><Error><Type>Sender</Type><Code>ExpiredTokenException</Code>'
          "<Message>Token expired</Message></Error><RequestId>r-2</RequestId></ErrorResponse>"),
    (403, "<ErrorResponse><Error><Code>AccessDenied</Code><Message>no</Message></Error></ErrorResponse>"),
    (503, "<Error><Code>Throttling</Code></Error>"),
]
JMESPATH_DOC = ('{"reservations":[{"instances":[{"id":"i-1","state":{"name":"running"},"tags":[{"Key":"k","Value":"v"}],'
                '"n":3},{"id":"i-2","state":{"name":"stopped"},"n":-1.5e3}]}],"s":"\\u00e9t\\u00e9","big":12345678901234567890}')
JMESPATH = [
    "reservations[].instances[?state.name=='running'].id | [0]",
    "reservations[*].instances[*].{id: id, tag: tags[?Key=='k'].Value | [0]}",
    "sort_by(reservations[].instances[], &n)[::-1].[id, to_string(n), type(n)]",
    "length(s) == `4` && !contains(keys(@), 'x') || not_null(missing, big)",
    "merge(@, {x: `[1, 2, 3]`})[x][0][1:2]",
    "max_by(reservations[].instances[], &n).state.* | join(', ', @)",
    "[*][] | map(&to_number(to_string(@)), @)",
    "'raw \\' string' || `\"lit\\`\"` || \"quoted\\u0041\"",
    "reservations[0].instances[-1:0:-1] | [0].tags[].[Key, Value][]",
    "abs(sum(reservations[].instances[].n)) > ceil(avg([`1`, `2.5`])) && floor(`1.5`) <= min([`3`, `1`])",
]


def es_frame(headers, payload):
    """One application/vnd.amazon.eventstream message: headers [(name, type, value bytes)]."""
    h = b"".join(bytes([len(n)]) + n.encode() + bytes([t]) + v for n, t, v in headers)
    total = 16 + len(h) + len(payload)
    pre = struct.pack(">II", total, len(h))
    msg = pre + struct.pack(">I", zlib.crc32(pre)) + h + payload
    return msg + struct.pack(">I", zlib.crc32(msg))


def es_str(s):
    return struct.pack(">H", len(s)) + s.encode()


EVENTSTREAM = [
    es_frame([(":message-type", 7, es_str("event")), (":event-type", 7, es_str("chunk")),
              (":content-type", 7, es_str("application/json"))], b'{"bytes":"eyJhIjoxfQ=="}'),
    es_frame([(":message-type", 7, es_str("exception")), (":exception-type", 7, es_str("throttlingException"))],
             b'{"message":"slow down"}'),
    es_frame([(":message-type", 7, es_str("error")), (":error-code", 7, es_str("InternalError")),
              (":error-message", 7, es_str("boom"))], b""),
    es_frame([("t", 0, b""), ("f", 1, b""), ("b", 2, b"\xff"), ("s", 3, b"\x80\x00"), ("i", 4, b"\x00\x00\xa0\x0c"),
              ("l", 5, b"\xff" * 8), ("y", 6, es_str("bytes")[:2] + b"bytes"), ("ts", 8, struct.pack(">q", 1593143207846)),
              ("u", 9, b"0123456789abcdef")], b"payload"),
]


def es_header_values():
    """One header of each wire type, named for fuzz_event_decode's HeaderEvent members."""
    return [("flag", 0, b""), ("tiny", 2, b"\xfe"), ("small", 3, struct.pack(">h", -300)),
            ("num", 4, struct.pack(">i", 70000)), ("big", 5, struct.pack(">q", -(1 << 40))),
            ("raw", 6, struct.pack(">H", 3) + b"\x00\x01\x02"), ("text", 7, es_str("hello")),
            ("when", 8, struct.pack(">q", -1500)), ("shade", 7, es_str("green")),
            ("id", 9, bytes(range(16)))]


def es_event(kind, payload, extra=()):
    return es_frame([(":message-type", 7, es_str("event")), (":event-type", 7, es_str(kind))] + list(extra), payload)


def cbor(v):
    """A small CBOR encoder for the seeds: definite lengths, doubles, tag 1 as ("ts", seconds)."""
    def head(major, n):
        if n < 24:
            return bytes([major << 5 | n])
        for ai, fmt in ((24, ">B"), (25, ">H"), (26, ">I"), (27, ">Q")):
            if n < 1 << (8 * struct.calcsize(fmt)):
                return bytes([major << 5 | ai]) + struct.pack(fmt, n)
    if v is None:
        return b"\xf6"
    if v is True or v is False:
        return b"\xf5" if v else b"\xf4"
    if isinstance(v, int):
        return head(0, v) if v >= 0 else head(1, -1 - v)
    if isinstance(v, float):
        return b"\xfb" + struct.pack(">d", v)
    if isinstance(v, bytes):
        return head(2, len(v)) + v
    if isinstance(v, str):
        return head(3, len(v.encode())) + v.encode()
    if isinstance(v, tuple) and v[0] == "ts":
        return b"\xc1" + cbor(v[1])
    if isinstance(v, list):
        return head(4, len(v)) + b"".join(cbor(x) for x in v)
    return head(5, len(v)) + b"".join(cbor(k) + cbor(x) for k, x in v.items())


CBOR = [
    {"str": "é", "col": "GREEN", "b": True, "by": -8, "sh": 300, "i": -70000, "l": 2 ** 40, "f": 1.5, "d": -0.1,
     "bigi": 12, "blob": b"\x00\xff", "nested": {"name": "n", "n": 3}, "strs": ["a", "b"],
     "inners": [{"name": "x"}, {"n": 1}], "doubles": [1.0, None], "lists": [["a"], []],
     "map": {"k": "v"}, "smap": {"a": 1, "b": None}, "u": {"sl": ["x"]}, "tree": {"label": "r", "child": {}}},
    {"ts": ("ts", 1700000000.25), "u": {"st": {"n": -1}}, "col": "PURPLE"},
    {"u": {"other": 1}, "__type": "x"},
]


def event_decode_seeds():
    """fuzz_event_decode: byte 0 the codec (0 restJson1, 1 awsJson1_1, 2 rpcv2Json, 3 restXml, 4 rpcv2Cbor)."""
    inner = {0: b'{"name":"n","value":1.5,"tags":["a","b"]}', 3: b"<Inner><name>n</name><value>1.5</value>"
             b"<tags><member>a</member></tags></Inner>",
             4: cbor({"name": "n", "value": 1.5, "tags": ["a", "b"]})}
    body = {0: b'{"message":"m","count":3,"detail":{"name":"d"}}', 3: b"<BodyEvent><message>m</message>"
            b"<count>3</count><detail><name>d</name></detail></BodyEvent>",
            4: cbor({"message": "m", "count": 3, "detail": {"name": "d"}})}
    fault = {0: b'{"message":"too fast","Reason":"r"}', 3: b"<Fault><message>too fast</message>"
             b"<Reason>r</Reason></Fault>", 4: cbor({"message": "too fast", "Reason": "r"})}
    for codec in range(5):
        form = 0 if codec < 3 else codec
        stream = b"".join([
            es_event("headers", b"\x00\xffraw", es_header_values()),
            es_event("text", b"plain text", [("id", 7, es_str("t-1"))]),
            es_event("structured", inner[form]),
            es_event("body", body[form], [("id", 7, es_str("b-1"))]),
            es_event("ping", b""),
            es_event("NotModeled", b"{}"),
        ])
        write("event_decode", f"events-codec{codec}", bytes([codec]) + stream)
        write("event_decode", f"exception-codec{codec}", bytes([codec]) + es_frame(
            [(":message-type", 7, es_str("exception")), (":exception-type", 7, es_str("Fault"))], fault[form]))
    write("event_decode", "error", bytes([0]) + es_frame(
        [(":message-type", 7, es_str("error")), (":error-code", 7, es_str("InternalError")),
         (":error-message", 7, es_str("broken"))], b""))
    write("event_decode", "wrong-header-type", bytes([0]) + es_event("headers", b"", [("num", 7, es_str("x"))]))


def event_encode_seeds():
    """fuzz_event_encode: byte 0 the codec (as event_decode's), byte 1 the variant, then the values (see the harness)."""
    def edge(i):  # integer(): one of the harness's edge values, by index
        return bytes([2 * i])

    def raw64(v):
        return bytes([255]) + struct.pack(">q", v)

    def text(t, odd=False):  # string(): plain bytes, or with bytes < 14 picking odd UTF-8 sequences
        t = t.encode() if isinstance(t, str) else t
        return bytes([2 if odd else 1, len(t)]) + t

    def long_text(n, c=0):
        return bytes([3]) + struct.pack(">H", n) + bytes([c])

    def blob(b):
        return bytes([1, len(b)]) + b

    def inner(name, value=1.5, big=None, tags=()):
        out = bytes([1]) + text(name) + bytes([1]) + struct.pack(">d", value)
        out += bytes([1]) + (edge(big) if big is not None else raw64(-42))
        return out + bytes([len(tags)]) + b"".join(text(t) for t in tags)

    ms = lambda n: struct.pack(">H", n) + b"\0"  # nanoseconds as milliseconds, and no extra
    headers = (bytes([1, 1, 1]) + edge(3) + bytes([1]) + edge(6) + bytes([1]) + edge(7) + bytes([1]) + edge(1) +
               bytes([1]) + edge(9) + bytes([1]) + edge(15) + bytes([0]) + ms(999) + blob(b"\x00\x01\xff") +
               text(b"caf\xc3\xa9 \x01\x02", odd=True) + bytes([2]) + blob(b"payload bytes"))
    unknown_enum = bytes([0] * 6) + bytes([1]) + edge(13) + bytes([0]) + ms(192) + bytes([0, 0, 3]) + text("blue") + bytes([0])
    too_long = bytes([0] * 7) + blob(b"") + long_text(40000) + bytes([1, 0])
    seeds = {
        "headers": (1, headers),
        "headers-unknown-enum": (1, unknown_enum),
        "headers-string-too-long": (1, too_long),
        "text": (2, text("plain text \u00e9") + text("t-1")),
        "struct": (3, bytes([1]) + inner("n", tags=("a", "b"))),
        "struct-odd-utf8": (3, bytes([1]) + bytes([1]) + text(b"\x01\x02\x05 ok", odd=True) + bytes([0, 0, 0])),
        "body": (4, text("m") + bytes([1]) + edge(7) + bytes([1]) + inner("d", big=18) + text("b-1")),
        "ping": (5, b""),
        "fault": (6, text("too fast") + text("r")),
        "many": (7, struct.pack(">HHHB", 40, 12, 20, 3)),
        "many-over-limit": (7, struct.pack(">HHHB", 1050, 2, 0, 0)),
    }
    for codec in range(5):
        for name, (variant, body) in seeds.items():
            write("event_encode", f"{name}-codec{codec}", bytes([codec, variant]) + body)


def cbor_seeds():
    for k, v in enumerate(CBOR):
        write("cbor", f"doc{k}", cbor(v))
    # indefinite lengths and a half float: {_ "strs": [_ (_ "a" "b")], "f": 1.5 (half)}
    write("cbor", "indefinite", b"\xbf\x64strs\x9f\x7f\x61a\x61b\xff\xff\x61f\xf9\x3e\x00\xff")


def write(harness, name, data):
    d = os.path.join(HERE, "corpus", harness)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        f.write(data if isinstance(data, bytes) else data.encode())


def main():
    for i, op in enumerate(OPS):
        for k, body in enumerate(OUTPUTS[op]):
            hdr = "Content-Type: application/json\nx-amzn-requestid: abc\n"
            write("rest_response", f"{op}-ok-{k}", bytes([i, 0]) + struct.pack(">H", 100) + (hdr + "\n" + body).encode())
        for k, (status, hdr, body) in enumerate(ERRORS):
            write("rest_response", f"{op}-err-{k}", bytes([i, 1]) + struct.pack(">H", status - 100) + (hdr + "\n" + body).encode())
        for k, text in enumerate(INPUTS[op]):
            write("cli_input", f"{op}-{k}", bytes([i]) + text.encode())
    for k, text in enumerate(JSON):
        for mode in range(3):
            write("json", f"doc{k}-mode{mode}", bytes([mode]) + text.encode())
    for k, (flags, method, path, query, headers, payload) in enumerate(SIGV4):
        text = "\n".join([method, path, query] + headers + ["", ""]).encode() + payload
        write("sigv4", f"req{k}", bytes([flags]) + text)
    for k, d in enumerate(URI):
        write("uri", f"seed{k}", d)
    for k, d in enumerate(B64):
        write("base64", f"seed{k}", d)
    for k, (flag, text) in enumerate(PROFILES):
        write("profile", f"file{k}", bytes([flag]) + text.encode())
    for k, (kind, text) in enumerate(CRED_JSON):
        write("cred_json", f"doc{k}", bytes([kind]) + text.encode())
    for k, d in enumerate(TIMES):
        write("timefmt", f"seed{k}", d)
    for k, d in enumerate(XML):
        write("xml", f"doc{k}", d)
    for k, frame in enumerate(EVENTSTREAM):
        write("eventstream", f"msg{k}", bytes([0]) + frame)
        write("eventstream", f"msg{k}-chunked", bytes([3]) + frame + EVENTSTREAM[0])
    for k, expr in enumerate(JMESPATH):
        write("jmespath", f"expr{k}", expr.encode() + b"\0" + JMESPATH_DOC.encode())
    write("jmespath", "no-document", b"a[?@ != `1`] | [0]")
    hdr = "Content-Type: text/xml\nx-amzn-requestid: abc\n"
    for k, (op, body) in enumerate(STS_OUTPUTS):
        write("sts_response", f"ok-{k}", bytes([op, 0]) + struct.pack(">H", 100) + (hdr + "\n" + body).encode())
    for k, (status, body) in enumerate(STS_ERRORS):
        for op in range(3):
            write("sts_response", f"err-{k}-op{op}",
                  bytes([op, 1]) + struct.pack(">H", status - 100) + (hdr + "\n" + body).encode())
    cbor_seeds()
    event_decode_seeds()
    event_encode_seeds()


if __name__ == "__main__":
    main()
