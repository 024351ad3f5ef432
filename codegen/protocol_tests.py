"""python3 -m codegen.protocol_tests --model FILE --service ID --protocol restJson1 [--skips FILE] --out FILE.c

Turns a service's Smithy protocol compliance tests (the smithy.test#httpRequestTests
and smithy.test#httpResponseTests traits on its operations and error structures)
into one Criterion test per case that applies to clients. Each test hands the
case's data, as static C data, to the hand-written harness in tests/protocol/.
Output is deterministic: the same model and skip list give the same bytes.
"""

import argparse
import json
from decimal import Decimal
import os
import re
import sys

from .errors import GenerationError
from .model import Model
from .writer import ServiceWriter, c_string

REQUEST_TESTS = "smithy.test#httpRequestTests"
RESPONSE_TESTS = "smithy.test#httpResponseTests"
_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def protocol_id(protocol):
    """'restJson1' -> 'aws.protocols#restJson1', 'rpcv2Cbor' -> 'smithy.protocols#rpcv2Cbor'; absolute ids pass through."""
    if "#" in protocol:
        return protocol
    return f"smithy.protocols#{protocol}" if protocol.startswith("rpcv2") else f"aws.protocols#{protocol}"


def applies(case, protocol):
    return case.get("protocol") == protocol and case.get("appliesTo", "client") == "client"


def read_skips(path):
    """{case id: reason} from lines 'CaseId: reason'; blank lines and '#' comments are ignored."""
    skips = {}
    with open(path, encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            case_id, sep, reason = line.partition(":")
            case_id, reason = case_id.strip(), reason.strip()
            if not sep or not _IDENT.fullmatch(case_id) or not reason:
                raise GenerationError(f"{path}:{n}: expected 'CaseId: reason'")
            if case_id in skips:
                raise GenerationError(f"{path}:{n}: {case_id} is listed twice")
            skips[case_id] = reason
    return skips


def collect(model, service, protocol):
    """(request cases, response cases) that apply to clients, as (owner kind, owner name, case) tuples.

    Operations come in name order, then error structures in name order; cases keep
    their order in the trait. Operations the writer leaves out still contribute
    cases: they fail at run time unless the skip list explains them.
    """
    protocol = protocol_id(protocol)
    requests, responses = [], []
    for op in model.operations(service):
        for case in op.traits.get(REQUEST_TESTS, []):
            if applies(case, protocol):
                requests.append(("operation", op.name, case))
        for case in op.traits.get(RESPONSE_TESTS, []):
            if applies(case, protocol):
                responses.append(("operation", op.name, case))
    for err in errors_of(model, service):
        for case in err.traits.get(RESPONSE_TESTS, []):
            if applies(case, protocol):
                responses.append(("error", err.name, case))
    for kind, cases in (("request", requests), ("response", responses)):
        seen = set()
        for _, owner, case in cases:
            check_case_id(owner, case, seen, "protocol test", f"{kind} test")
    return requests, responses


def check_case_id(owner, case, seen, what, what_twice=None):
    """A case id becomes part of a C function name: it must be an identifier, once per suite."""
    cid = case.get("id", "")
    if not _IDENT.fullmatch(cid):
        raise GenerationError(f"{owner}: {what} id '{cid}' is not a C identifier")
    if cid in seen:
        raise GenerationError(f"{owner}: {what_twice or what} id '{cid}' is used twice")
    seen.add(cid)


def errors_of(model, service):
    """Error structures reachable from the service's operations and its own errors list, by name."""
    roots = []
    for op in model.operations(service):
        roots.extend(model.get(e["target"]) for e in op.node.get("errors", []))
    roots.extend(model.get(e["target"]) for e in service.node.get("errors", []))
    found = {s.id: s for s in model.closure(roots) if "smithy.api#error" in s.traits}
    return sorted(found.values(), key=lambda s: (s.name, s.id))


def _json(value):
    """Compact JSON text, keys in the model's order, non-ASCII kept as UTF-8; a Decimal (a number
    from Smithy IDL that a double cannot hold) keeps every digit."""
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dict):
        return "{" + ",".join(f"{_json(str(k))}:{_json(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ",".join(_json(v) for v in value) + "]"
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False, allow_nan=False)


def _text_field(name, value):
    """A string field and its byte length, so bodies may hold NUL bytes."""
    if value is None:
        return [f"        .{name} = NULL,"]
    return [f"        .{name} = {c_string(value)},", f"        .{name}_len = {len(value.encode('utf-8'))},"]


def _string_array(lines, var, values):
    if values:
        items = ", ".join(c_string(v) for v in values)
        lines.append(f"    static const char *const {var}[] = {{{items}}};")
        return var, len(values)
    return "NULL", 0


def _pair_array(lines, var, mapping):
    if mapping:
        items = ", ".join(f"{{{c_string(k)}, {c_string(v)}}}" for k, v in mapping.items())
        lines.append(f"    static const awsc_pt_pair {var}[] = {{{items}}};")
        return var, len(mapping)
    return "NULL", 0


def _common(case, skips):
    reason = skips.get(case["id"])
    params = case.get("params")
    return [
        f"        .id = {c_string(case['id'])},",
        f"        .params = {c_string(_json(params)) if params is not None else 'NULL'},",
        f"        .skip = {c_string(reason)},",
    ]


def aws_config(case):
    """aws.protocoltests.config#AwsConfig vendorParams as the client's settings: region and S3's
    addressing style, dual-stack and Transfer Acceleration. awsc configures a client, not a call,
    so the operation's scoped settings are applied over the client's (the spec's precedence:
    the one closest to the operation wins)."""
    if case.get("vendorParamsShape") != "aws.protocoltests.config#AwsConfig":
        return {}
    scoped = (case.get("vendorParams") or {}).get("scopedConfig", {})
    client = scoped.get("client", {})
    out = {"region": client.get("region")}
    s3 = dict(client.get("s3", {}))
    s3.update(scoped.get("operation", {}).get("s3", {}))
    out["addressing_style"] = s3.get("addressing_style")
    out["dualstack"] = bool(s3.get("use_dualstack_endpoint"))
    out["accelerate"] = bool(s3.get("use_accelerate_endpoint"))
    return out


def case_function(suite, case_id):
    """The C function that runs one case: `<suite>__<id>` (both are C identifiers)."""
    return f"{suite}__{case_id}"


def request_test(suite, service_fn, owner, case, skips, through_client=False):
    lines = [f"static void {case_function(suite, case['id'])}(void)", "{"]
    qp = _string_array(lines, "query_params", case.get("queryParams"))
    fqp = _string_array(lines, "forbid_query_params", case.get("forbidQueryParams"))
    rqp = _string_array(lines, "require_query_params", case.get("requireQueryParams"))
    hd = _pair_array(lines, "headers", case.get("headers"))
    fh = _string_array(lines, "forbid_headers", case.get("forbidHeaders"))
    rh = _string_array(lines, "require_headers", case.get("requireHeaders"))
    lines.append("    static const awsc_pt_request_case c = {")
    lines += _common(case, skips)
    lines += [
        f"        .operation = {c_string(owner)},",
        f"        .method = {c_string(case['method'])},",
        f"        .uri = {c_string(case['uri'])},",
        f"        .host = {c_string(case.get('host'))},",
        f"        .resolved_host = {c_string(case.get('resolvedHost'))},",
        f"        .query_params = {qp[0]}, .query_param_count = {qp[1]},",
        f"        .forbid_query_params = {fqp[0]}, .forbid_query_param_count = {fqp[1]},",
        f"        .require_query_params = {rqp[0]}, .require_query_param_count = {rqp[1]},",
        f"        .headers = {hd[0]}, .header_count = {hd[1]},",
        f"        .forbid_headers = {fh[0]}, .forbid_header_count = {fh[1]},",
        f"        .require_headers = {rh[0]}, .require_header_count = {rh[1]},",
    ]
    lines += _text_field("body", case.get("body"))
    lines.append(f"        .body_media_type = {c_string(case.get('bodyMediaType'))},")
    if through_client:
        cfg = aws_config(case)
        lines.append("        .through_client = true,")
        lines.append(f"        .region = {c_string(cfg.get('region'))},")
        lines.append(f"        .addressing_style = {c_string(cfg.get('addressing_style'))},")
        if cfg.get("dualstack"):
            lines.append("        .dualstack = true,")
        if cfg.get("accelerate"):
            lines.append("        .accelerate = true,")
    lines += ["    };", f"    awsc_pt_run_request({service_fn}(), &c);", "}", ""]
    return lines


def response_test(suite, service_fn, owner_kind, owner, case, skips):
    lines = [f"static void {case_function(suite, case['id'])}(void)", "{"]
    hd = _pair_array(lines, "headers", case.get("headers"))
    lines.append("    static const awsc_pt_response_case c = {")
    lines += _common(case, skips)
    lines += [
        f"        .operation = {c_string(owner if owner_kind == 'operation' else None)},",
        f"        .error = {c_string(owner if owner_kind == 'error' else None)},",
        f"        .code = {int(case['code'])},",
        f"        .headers = {hd[0]}, .header_count = {hd[1]},",
    ]
    lines += _text_field("body", case.get("body"))
    lines.append(f"        .body_media_type = {c_string(case.get('bodyMediaType'))},")
    # aws.protocoltests.config#ErrorCodeParams: the error code and type a client reports
    # (awsQueryCompatible's x-amzn-query-error), when they differ from the shape's.
    vendor = case.get("vendorParams") or {}
    if case.get("vendorParamsShape") == "aws.protocoltests.config#ErrorCodeParams":
        lines.append(f"        .error_code = {c_string(vendor.get('code'))},")
        lines.append(f"        .error_type = {c_string(vendor.get('type'))},")
    lines += ["    };", f"    awsc_pt_run_response({service_fn}(), &c);", "}", ""]
    return lines


def render(model, service, protocol, skips=None, name=None, source="model", label=None, through_client=False):
    """The C test file as text. `skips` maps case ids to reasons; unknown ids are an error."""
    return render_many(model, [(service, protocol, name)], skips, source, label, through_client)


def render_many(model, suites, skips=None, source="model", label=None, through_client=False):
    """One C test file for the cases of several services, `suites` = [(service, protocol, name)]:
    each service's cases call its client (`name` as given to python3 -m codegen), in Criterion
    suites named after the service and protocol. With `through_client`, request cases run
    through a configured client (endpoint rules, customizations, signing) instead of the bare
    HTTP bindings."""
    skips = dict(skips or {})
    shorts = [protocol_id(p).split("#", 1)[1] for _, p, _ in suites]
    label = label or shorts[0]  # what the summary line calls the suite
    known, headers, body, summary, table = set(), [], [], [], []
    for (service, protocol, name), short in zip(suites, shorts):
        writer = ServiceWriter(model, service, name, short)
        service_fn = f"{writer.symbols.prefix}_service"
        requests, responses = collect(model, service, protocol)
        known |= {c["id"] for _, _, c in requests + responses}
        headers.append(f"#include <{writer.symbols.header_file()}>")
        summary.append(f"/* {service.id}, protocol {short}: {len(requests)} request and {len(responses)} response cases. */")
        suite = short if len(suites) == 1 else f"{writer.symbols.prefix}_{short}"
        for _, owner, case in requests:
            body += request_test(f"{suite}_request", service_fn, owner, case, skips, through_client)
            table.append((f"{suite}_request", case["id"]))
        for owner_kind, owner, case in responses:
            body += response_test(f"{suite}_response", service_fn, owner_kind, owner, case, skips)
            table.append((f"{suite}_response", case["id"]))
    stale = sorted(set(skips) - known)
    if stale:
        raise GenerationError(f"skip list names cases that do not exist: {', '.join(stale)}")
    out = [f"/* Generated by python3 -m codegen.protocol_tests from {source}: do not edit. */", *summary,
           '#include "harness.h"', "", *headers, "", "#include <criterion/criterion.h>", "",
           f"const char awsc_pt_protocol[] = {c_string(label)};", ""]
    # One Criterion test runs every case: Criterion executes each test in a new process,
    # which would cost more than the case itself.
    run = ["static const awsc_pt_entry cases[] = {",
           *(f"    {{{c_string(s)}, {c_string(i)}, {case_function(s, i)}}}," for s, i in table),
           "};", "",
           f"Test({c_identifier_of(label)}, cases)", "{",
           "    awsc_pt_run_all(cases, sizeof cases / sizeof cases[0]);", "}", ""]
    if not table:
        run = [f"Test({c_identifier_of(label)}, cases)", "{", "    awsc_pt_run_all(NULL, 0);", "}", ""]
    return "\n".join(out + body + run)


def c_identifier_of(label):
    """A Criterion suite name for a summary label such as `restXml-xmlns`."""
    return re.sub(r"[^A-Za-z0-9_]", "_", label)


def main(argv=None):
    ap = argparse.ArgumentParser(prog="python3 -m codegen.protocol_tests", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", required=True, help="Smithy JSON AST model holding the protocol tests")
    ap.add_argument("--service", action="append",
                    help="service shape id, when the model has several (repeat, with --protocol and --name each, "
                         "for one file holding several services' cases)")
    ap.add_argument("--protocol", action="append", required=True, help="protocol of the cases to emit, e.g. restJson1")
    ap.add_argument("--name", action="append", help="service name for C symbols, as given to python3 -m codegen")
    ap.add_argument("--through-client", action="store_true",
                    help="run request cases through a configured client (endpoint rules, customizations)")
    ap.add_argument("--skips", help="skip list: one 'CaseId: reason' per line")
    ap.add_argument("--label", help="the suite's name in the summary line (default: the protocol)")
    ap.add_argument("--out", required=True, help="the C file to write")
    args = ap.parse_args(argv)
    try:
        model = Model.load(args.model)
        skips = read_skips(args.skips) if args.skips else {}
        services = args.service or [None]
        names = args.name or [None] * len(services)
        if not (len(services) == len(args.protocol) == len(names)):
            raise GenerationError("--service, --protocol and --name must be given as many times each")
        suites = [(model.service(s), p, n) for s, p, n in zip(services, args.protocol, names)]
        text = render_many(model, suites, skips, source=os.path.basename(args.model), label=args.label,
                           through_client=args.through_client)
        os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
        with open(args.out, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
    except (GenerationError, OSError) as e:
        print(f"codegen.protocol_tests: error: {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
