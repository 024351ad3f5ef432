"""python3 -m codegen.event_stream_tests --model PATH --service ID --protocol restJson1 --name NAME [--skips FILE] --out FILE.c

Turns a service's Smithy event-stream compliance tests (the smithy.test#eventStreamTests
trait on its operations, ../shared/specs/additional-specs/event-stream-protocol-compliance-tests.rst)
into static C data run by tests/protocol/eventstream_harness.c, all in one Criterion test:

  events              request events are encoded from `params` and compared with the
                      case's message (bytes, headers by value, body); response events
                      are decoded from `bytes` and compared with `params`, or with the
                      expected failure (`errorId`: that modeled error)
  initialRequest      an httpRequestTests-like case of harness.c (awsc_pt_run_request)
  initialResponse     an httpResponseTests-like case (awsc_pt_run_response), or with an
                      expected failure the protocol error that replaces the stream

Cases for servers only are left out; a skip list says why a client case cannot apply.
Output is deterministic: the same model and skip list give the same bytes.
"""

import argparse
import base64
import datetime
import os
import sys

from .errors import GenerationError
from .model import Model
from .protocol_tests import (_json, check_case_id, _pair_array, _string_array, _text_field, c_identifier_of,
                             protocol_id, read_skips, request_test, response_test)
from .writer import ServiceWriter, c_string

EVENT_STREAM_TESTS = "smithy.test#eventStreamTests"

# smithy.test#EventHeaderValue members as awsc_es_type values (booleans: AWSC_ES_TRUE / AWSC_ES_FALSE)
_HEADER_TYPES = {"byte": 2, "short": 3, "integer": 4, "long": 5, "blob": 6, "string": 7, "timestamp": 8, "uuid": 9}


def collect(model, service, protocol):
    """[(operation name, case)] of the cases that apply to clients, operations in name order."""
    protocol = protocol_id(protocol)
    out, seen = [], set()
    for op in model.operations(service):
        for case in op.traits.get(EVENT_STREAM_TESTS, []):
            if case.get("protocol") != protocol or case.get("appliesTo", "client") != "client":
                continue
            check_case_id(op.name, case, seen, "event stream test")
            out.append((op.name, case))
    return out


def c_bytes(data):
    """A C string literal holding `data` exactly (3-digit octal escapes outside plain characters)."""
    plain = set(b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 _-+=/.,:;{}[]()<>!@#$%^&*|~")
    return '"' + "".join(chr(b) if b in plain else f"\\{b:03o}" for b in data) + '"'


def _timestamp_ms(value):
    if isinstance(value, (int, float)) or not isinstance(value, str):
        return int(float(value) * 1000)
    text = value.replace("Z", "+00:00")
    t = datetime.datetime.fromisoformat(text)
    return int(round(t.timestamp() * 1000))


def header_value(name, value):
    """(type, i, bytes) of one smithy.test#EventHeaderValue."""
    if len(value) != 1:
        raise GenerationError(f"event header {name}: expected one member, got {sorted(value)}")
    (kind, v), = value.items()
    if kind == "boolean":
        return (0 if v else 1), 0, None
    if kind not in _HEADER_TYPES:
        raise GenerationError(f"event header {name}: unknown type {kind}")
    t = _HEADER_TYPES[kind]
    if kind == "blob":
        return t, 0, base64.b64decode(v)
    if kind == "string":
        return t, 0, str(v).encode("utf-8")
    if kind == "uuid":
        return t, 0, bytes.fromhex(str(v).replace("-", ""))
    if kind == "timestamp":
        return t, _timestamp_ms(v), None
    return t, int(v), None


def _event(lines, n, ev):
    """The initializer of event number `n`, its arrays declared into `lines`."""
    hdrs = ev.get("headers") or {}
    hvar = "NULL"
    if hdrs:
        items = []
        for name, value in hdrs.items():
            t, i, data = header_value(name, value)
            b = f"{c_bytes(data)}, {len(data)}" if data is not None else "NULL, 0"
            items.append(f"{{{c_string(name)}, {t}, {i}LL, {b}}}")
        hvar = f"headers_{n}"
        lines.append(f"    static const awsc_est_header {hvar}[] = {{{', '.join(items)}}};")
    fh = _string_array(lines, f"forbid_headers_{n}", ev.get("forbidHeaders"))
    rh = _string_array(lines, f"require_headers_{n}", ev.get("requireHeaders"))
    data = base64.b64decode(ev["bytes"]) if ev.get("bytes") is not None else None
    params = ev.get("params")
    out = [
        "        {",
        f"            .request = {'true' if ev['type'] == 'request' else 'false'},",
        f"            .params = {c_string(_json(params)) if params is not None else 'NULL'},",
        f"            .headers = {hvar}, .header_count = {len(hdrs)},",
        f"            .forbid_headers = {fh[0]}, .forbid_header_count = {fh[1]},",
        f"            .require_headers = {rh[0]}, .require_header_count = {rh[1]},",
    ]
    out += ["    " + x for x in _text_field("body", ev.get("body"))]
    out.append(f"            .body_media_type = {c_string(ev.get('bodyMediaType'))},")
    if data is not None:
        out.append(f"            .bytes = (const uint8_t *){c_bytes(data)}, .bytes_len = {len(data)},")
    out.append("        },")
    return out


def _failure(case):
    """(expects a failure, the error shape's name or None)."""
    failure = (case.get("expectation") or {}).get("failure")
    if failure is None:
        return False, None
    error_id = failure.get("errorId")
    return True, error_id.split("#", 1)[-1] if error_id else None


def event_test(suite, service_fn, op_name, case, skips):
    """One case's C function: events (or a protocol error) through eventstream_harness.c."""
    fn = f"{suite}__{case['id']}"
    lines = [f"static void {fn}(void)", "{"]
    events = []
    for n, ev in enumerate(case.get("events") or []):
        events += _event(lines, n, ev)
    if events:
        lines += ["    static const awsc_est_event events[] = {", *events, "    };"]
    failure, error_id = _failure(case)
    initial = case.get("initialResponse") or {}
    hd = _pair_array(lines, "initial_headers", initial.get("headers"))
    lines.append("    static const awsc_est_case c = {")
    lines += [
        f"        .id = {c_string(case['id'])},",
        f"        .skip = {c_string(skips.get(case['id']))},",
        f"        .operation = {c_string(op_name)},",
        f"        .events = {'events' if events else 'NULL'}, .event_count = {len(case.get('events') or [])},",
        f"        .failure = {'true' if failure else 'false'},",
        f"        .error_id = {c_string(error_id)},",
    ]
    if initial:
        lines += [f"        .initial_code = {int(initial.get('code', 200))},",
                  f"        .initial_headers = {hd[0]}, .initial_header_count = {hd[1]},"]
        body = initial.get("body")
        if body is not None:
            lines += [f"        .initial_body = {c_string(body)},",
                      f"        .initial_body_len = {len(body.encode('utf-8'))},"]
    lines += ["    };", f"    awsc_est_run({service_fn}(), &c);", "}", ""]
    return lines


def case_lines(suite, service_fn, op_name, case, skips):
    """The C function of one case: initial request and response cases reuse harness.c's HTTP cases."""
    failure, _ = _failure(case)
    if case.get("initialRequest") is not None and not case.get("events"):
        req = dict(case["initialRequest"])
        req.update(id=case["id"], params=case.get("initialRequestParams", {}))
        req.setdefault("uri", "/")
        return request_test(suite, service_fn, op_name, req, skips)
    if case.get("initialResponse") is not None and not case.get("events") and not failure:
        resp = dict(case["initialResponse"])
        resp.update(id=case["id"], params=case.get("initialResponseParams", {}))
        resp.setdefault("code", 200)
        return response_test(suite, service_fn, "operation", op_name, resp, skips)
    if case.get("initialRequest") is not None or (case.get("initialResponse") is not None and case.get("events")):
        raise GenerationError(f"{case['id']}: an initial message and events in one case is not supported yet")
    return event_test(suite, service_fn, op_name, case, skips)


def render(model, service, protocol, name, skips=None, source="model", label="eventstream-tests"):
    skips = dict(skips or {})
    short = protocol_id(protocol).split("#", 1)[1]
    writer = ServiceWriter(model, service, name, short)
    service_fn = f"{writer.symbols.prefix}_service"
    cases = collect(model, service, protocol)
    stale = sorted(set(skips) - {c["id"] for _, c in cases})
    if stale:
        raise GenerationError(f"skip list names cases that do not exist: {', '.join(stale)}")
    suite = f"{short}_events"
    body, table = [], []
    for op_name, case in cases:
        body += case_lines(suite, service_fn, op_name, case, skips)
        table.append(case["id"])
    out = [f"/* Generated by python3 -m codegen.event_stream_tests from {source}: do not edit. */",
           f"/* {service.id}, protocol {short}: {len(cases)} event-stream cases for clients. */",
           '#include "eventstream_harness.h"', "", f"#include <{writer.symbols.header_file()}>", "",
           "#include <criterion/criterion.h>", "",
           f"const char awsc_pt_protocol[] = {c_string(short)};", ""]
    # One Criterion test runs every case (Criterion starts each test in a new process).
    run = ["static const awsc_pt_entry cases[] = {",
           *(f"    {{{c_string(suite)}, {c_string(i)}, {suite}__{i}}}," for i in table),
           "};", "",
           f"Test({c_identifier_of(suite)}, cases)", "{",
           f"    awsc_pt_run_suite(cases, sizeof cases / sizeof cases[0], {c_string(label)});", "}", ""]
    if not table:
        run = [f"Test({c_identifier_of(suite)}, cases)", "{", f"    awsc_pt_run_suite(NULL, 0, {c_string(label)});",
               "}", ""]
    return "\n".join(out + body + run)


def _source_name(model):
    """`smithy-aws-protocol-tests/model` for the first of the model's folders: where the cases come from."""
    first = os.path.normpath(model.split(os.pathsep)[0])
    return "/".join(first.split(os.sep)[-2:])


def main(argv=None):
    ap = argparse.ArgumentParser(prog="python3 -m codegen.event_stream_tests", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", required=True, help="model holding the cases (Smithy IDL folders, os.pathsep-joined)")
    ap.add_argument("--service", help="service shape id, when the model has several")
    ap.add_argument("--protocol", required=True, help="protocol of the cases to emit, e.g. restJson1")
    ap.add_argument("--name", required=True, help="service name for C symbols, as given to python3 -m codegen")
    ap.add_argument("--skips", help="skip list: one 'CaseId: reason' per line")
    ap.add_argument("--out", required=True, help="the C file to write")
    args = ap.parse_args(argv)
    try:
        model = Model.load(args.model)
        skips = read_skips(args.skips) if args.skips else {}
        text = render(model, model.service(args.service), args.protocol, args.name, skips,
                      source=_source_name(args.model))
        os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
        with open(args.out, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
    except (GenerationError, OSError, ValueError) as e:
        print(f"codegen.event_stream_tests: error: {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
