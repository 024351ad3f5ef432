"""HTTP front end: SigV4 check, routing, input validation, JSON replies.

The data plane (signing name iot-jobs-data) and the control-plane subset
(signing name iot) share one port. GET /things/{thingName}/jobs and
GET /things/{thingName}/jobs/{jobId} exist in both APIs (the real endpoints
are different hosts), so the signing name in the credential scope picks
the API.
"""

import base64
import datetime
import http.server
import json
import re
import sys
import threading
import time
import unicodedata
import urllib.parse
import uuid

from . import faults as faultlib
from . import sigv4
from . import presign
from . import templates
from .store import ApiError, STATUSES, STEP_TIMEOUT_MAX, Store

DATA, CONTROL = "iot-jobs-data", "iot"
MAX_SKEW = 15 * 60
MAX_BODY = 1 << 20

THING_RE = re.compile(r"^[a-zA-Z0-9:_-]{1,128}$")
JOB_ID_RE = re.compile(r"^[a-zA-Z0-9_-]{1,64}$")
DETAILS_KEY_RE = re.compile(r"^[a-zA-Z0-9:_-]{1,128}$")
CLIENT_TOKEN_RE = re.compile(r"^[\x21-\x7E]{1,64}$")
PARAM_NAME_RE = re.compile(r"^[.$a-zA-Z0-9_-]{1,192}$")
INT64 = (-(1 << 63), (1 << 63) - 1)

SIGNATURE_MISMATCH = (
    "The request signature we calculated does not match the signature you "
    "provided. Check your AWS Secret Access Key and signing method. Consult "
    "the service documentation for details.")
BAD_TOKEN = "The security token included in the request is invalid."


# ---- validation helpers -------------------------------------------------

class Invalid(Exception):
    """Input that fails validation; mapped to the API's validation error."""


def _is_int(v):
    return isinstance(v, int) and not isinstance(v, bool) and \
        INT64[0] <= v <= INT64[1]


def check_thing(name):
    if not THING_RE.match(name):
        raise Invalid("thingName %r must be 1-128 characters of "
                      "[a-zA-Z0-9:_-]." % name)
    return name


def check_job_id(job_id, allow_next=False):
    if allow_next and job_id == "$next":
        return job_id
    if not JOB_ID_RE.match(job_id):
        raise Invalid("jobId %r must be 1-64 characters of [a-zA-Z0-9_-]."
                      % job_id)
    return job_id


def check_details(details):
    if details is None:
        return None
    if not isinstance(details, dict):
        raise Invalid("statusDetails must be an object of strings.")
    for k, v in details.items():
        if not DETAILS_KEY_RE.match(k):
            raise Invalid("statusDetails key %r must be 1-128 characters of "
                          "[a-zA-Z0-9:_-]." % k)
        if not isinstance(v, str) or not 1 <= len(v) <= 1024 or any(
                unicodedata.category(c).startswith("C") for c in v):
            raise Invalid("statusDetails value for %r must be a string of "
                          "1-1024 characters without control characters." % k)
    return details


def check_step_timeout(v):
    if v is None:
        return None
    if not _is_int(v) or not (v == -1 or 1 <= v <= STEP_TIMEOUT_MAX):
        raise Invalid("stepTimeoutInMinutes must be -1 or 1-%d."
                      % STEP_TIMEOUT_MAX)
    return v


def opt(body, name, kind):
    """Optional body member of a type: 'int', 'bool', 'str'."""
    v = body.get(name)
    if v is None:
        return None
    ok = {"int": _is_int(v), "bool": isinstance(v, bool),
          "str": isinstance(v, str)}[kind]
    if not ok:
        raise Invalid("%s must be %s." % (name, {
            "int": "an integer", "bool": "a boolean",
            "str": "a string"}[kind]))
    return v


def query_bool(query, name):
    values = query.get(name)
    if not values:
        return None
    if values[-1] not in ("true", "false"):
        raise Invalid("%s must be true or false." % name)
    return values[-1] == "true"


def query_int(query, name, lo=INT64[0], hi=INT64[1]):
    values = query.get(name)
    if not values:
        return None
    try:
        v = int(values[-1], 10)
    except ValueError:
        raise Invalid("%s must be an integer." % name)
    if not lo <= v <= hi:
        raise Invalid("%s must be between %d and %d." % (name, lo, hi))
    return v


def check_command_parameters(params):
    if params is None:
        return None
    if not isinstance(params, dict) or not params:
        raise Invalid("parameters must be a non-empty object.")
    for name, value in params.items():
        if not PARAM_NAME_RE.match(name):
            raise Invalid("parameter name %r is invalid." % name)
        if not isinstance(value, dict) or len(value) != 1:
            raise Invalid("parameter %r must set exactly one value field."
                          % name)
        (kind, v), = value.items()
        ok = {
            "S": lambda: isinstance(v, str) and len(v) >= 1,
            "B": lambda: isinstance(v, bool),
            "I": lambda: _is_int(v) and -(1 << 31) <= v < (1 << 31),
            "L": lambda: _is_int(v),
            "D": lambda: isinstance(v, (int, float)) and
            not isinstance(v, bool),
            "BIN": lambda: isinstance(v, str) and _b64_nonempty(v),
            "UL": lambda: isinstance(v, str) and
            re.match(r"^[0-9]{1,20}$", v) is not None and
            int(v) < (1 << 64),
        }.get(kind)
        if ok is None or not ok():
            raise Invalid("parameter %r has an invalid %s value." %
                          (name, kind))
    return params


def _b64_nonempty(v):
    try:
        return len(base64.b64decode(v, validate=True)) >= 1
    except ValueError:
        return False


def arn_parts(arn):
    """(region, account, resource) of an arn:aws:iot ARN, or None."""
    m = re.match(r"^arn:aws[a-z-]*:iot:([a-z0-9-]+):(\d{12}):(.+)$", arn or "")
    return m.groups() if m else None


# ---- operations ---------------------------------------------------------

def _json_body(req):
    if not req.body:
        return {}
    try:
        body = json.loads(req.body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        # RecursionError: nesting deeper than Python's parser goes is bad input.
        raise Invalid("The request body is not valid JSON.")
    if not isinstance(body, dict):
        raise Invalid("The request body must be a JSON object.")
    return body


def op_describe_job_execution(store, req, thing, job_id):
    check_thing(thing)
    check_job_id(job_id, allow_next=True)
    include = query_bool(req.query, "includeJobDocument")
    return store.describe_job_execution(
        thing, job_id, include_document=include is not False,
        execution_number=query_int(req.query, "executionNumber"))


def op_get_pending(store, req, thing):
    return store.get_pending_job_executions(check_thing(thing))


def op_start_next(store, req, thing):
    check_thing(thing)
    body = _json_body(req)
    return store.start_next_pending_job_execution(
        thing, status_details=check_details(body.get("statusDetails")),
        step_timeout=check_step_timeout(opt(body, "stepTimeoutInMinutes",
                                            "int")))


def op_update(store, req, thing, job_id):
    check_thing(thing)
    check_job_id(job_id)
    body = _json_body(req)
    status = body.get("status")
    if status not in STATUSES:
        raise Invalid("status must be one of %s." % ", ".join(STATUSES))
    return store.update_job_execution(
        thing, job_id, status,
        status_details=check_details(body.get("statusDetails")),
        step_timeout=check_step_timeout(opt(body, "stepTimeoutInMinutes",
                                            "int")),
        expected_version=opt(body, "expectedVersion", "int"),
        include_state=bool(opt(body, "includeJobExecutionState", "bool")),
        include_document=bool(opt(body, "includeJobDocument", "bool")),
        execution_number=opt(body, "executionNumber", "int"))


def op_start_command(store, req):
    body = _json_body(req)
    target = opt(body, "targetArn", "str")
    command = opt(body, "commandArn", "str")
    if target is None or command is None:
        raise Invalid("targetArn and commandArn are required.")
    t = arn_parts(target)
    if not t or not re.match(r"^(thing|client)/[^/]+$", t[2]) or \
            len(target) > 2048:
        raise Invalid("targetArn must be a thing or client ARN.")
    c = arn_parts(command)
    if not c or not re.match(r"^command/[a-zA-Z0-9_-]{1,64}$", c[2]):
        raise Invalid("commandArn must be an IoT command ARN.")
    timeout = opt(body, "executionTimeoutSeconds", "int")
    if timeout is not None and timeout < 1:
        raise Invalid("executionTimeoutSeconds must be at least 1.")
    token = opt(body, "clientToken", "str")
    if token is not None and not CLIENT_TOKEN_RE.match(token):
        raise Invalid("clientToken must be 1-64 printable ASCII characters.")
    return store.start_command_execution(
        target, command, check_command_parameters(body.get("parameters")),
        timeout, token)


def _things_from_targets(store, targets):
    if not isinstance(targets, list) or not targets or \
            not all(isinstance(t, str) for t in targets):
        raise Invalid("targets must be a non-empty list of thing ARNs.")
    things = []
    for arn in targets:
        parts = arn_parts(arn)
        m = parts and re.match(r"^thing/(.+)$", parts[2])
        if not m or parts[0] != store.region or parts[1] != store.account:
            raise Invalid("Target %s is not a thing ARN of this region "
                          "and account (thing groups are not supported)."
                          % arn)
        check_thing(m.group(1))
        if m.group(1) not in things:
            things.append(m.group(1))
    return things


def op_create_job(store, req, job_id):
    check_job_id(job_id)
    body = _json_body(req)
    things = _things_from_targets(store, body.get("targets"))
    document = opt(body, "document", "str")
    template = opt(body, "jobTemplateArn", "str")
    if template is not None:
        if document is not None:
            raise Invalid("Give document or jobTemplateArn, not both.")
        try:
            document = templates.render(template, body.get("documentParameters"),
                                        store.region)
        except templates.TemplateError as e:
            raise ApiError(e.name, e.status, e.message)
    elif body.get("documentParameters") is not None:
        raise Invalid("documentParameters can only be used with an AWS "
                      "managed template (jobTemplateArn).")
    if document is None:
        raise Invalid("document or jobTemplateArn is required (documentSource "
                      "is not supported by the emulator).")
    if len(document) > 32768:
        raise Invalid("document must be at most 32768 characters.")
    try:
        json.loads(document)
    except (ValueError, RecursionError):
        raise Invalid("document must be a JSON document.")
    description = opt(body, "description", "str")
    if description is not None and len(description) > 2028:
        raise Invalid("description must be at most 2028 characters.")
    selection = opt(body, "targetSelection", "str") or "SNAPSHOT"
    if selection not in ("SNAPSHOT", "CONTINUOUS"):
        raise Invalid("targetSelection must be SNAPSHOT or CONTINUOUS.")
    timeout = body.get("timeoutConfig")
    if timeout is not None:
        if not isinstance(timeout, dict):
            raise Invalid("timeoutConfig must be an object.")
        minutes = opt(timeout, "inProgressTimeoutInMinutes", "int")
        if minutes is not None and not 1 <= minutes <= STEP_TIMEOUT_MAX:
            raise Invalid("inProgressTimeoutInMinutes must be 1-%d."
                          % STEP_TIMEOUT_MAX)
        timeout = {"inProgressTimeoutInMinutes": minutes} \
            if minutes is not None else None
    presigned = body.get("presignedUrlConfig")
    if presigned is not None:
        if not isinstance(presigned, dict) or \
                not isinstance(presigned.get("roleArn"), str) or \
                not re.match(r"^arn:aws[a-z-]*:iam::\d{12}:role/[\w+=,.@/-]{1,512}$",
                             presigned["roleArn"]):
            raise Invalid("presignedUrlConfig needs a roleArn.")
        expires = opt(presigned, "expiresInSec", "int")
        if expires is not None and not 60 <= expires <= 3600:
            raise Invalid("presignedUrlConfig.expiresInSec must be 60-3600.")
        presigned = {"roleArn": presigned["roleArn"],
                     "expiresInSec": expires or 3600}
    for url in presign.PLACEHOLDER.findall(document):
        if presigned is None:
            raise Invalid("The document has presigned-URL placeholders: "
                          "presignedUrlConfig is required.")
        try:
            presign.bucket_and_key(url)
        except ValueError as e:
            raise Invalid(str(e))
    return store.create_job(job_id, things, document, description, timeout,
                            selection, body.get("targets"), presigned,
                            template, body.get("documentParameters"))


def op_describe_job(store, req, job_id):
    return store.describe_job(check_job_id(job_id))


def op_get_job_document(store, req, job_id):
    return store.get_job_document(check_job_id(job_id))


def op_cancel_job(store, req, job_id):
    check_job_id(job_id)
    body = _json_body(req)
    reason = opt(body, "reasonCode", "str")
    comment = opt(body, "comment", "str")
    if reason is not None and not re.match(r"^[A-Z0-9_]{1,128}$", reason):
        raise Invalid("reasonCode must be up to 128 of [A-Z0-9_].")
    if comment is not None and len(comment) > 2028:
        raise Invalid("comment must be at most 2028 characters.")
    return store.cancel_job(job_id, force=bool(query_bool(req.query, "force")),
                            reason_code=reason, comment=comment)


def op_delete_job(store, req, job_id):
    check_job_id(job_id)
    return store.delete_job(job_id, force=bool(query_bool(req.query, "force")))


def op_cancel_job_execution(store, req, thing, job_id):
    check_thing(thing)
    check_job_id(job_id)
    body = _json_body(req)
    return store.cancel_job_execution(
        thing, job_id, force=bool(query_bool(req.query, "force")),
        expected_version=opt(body, "expectedVersion", "int"),
        status_details=check_details(body.get("statusDetails")))


def op_describe_job_execution_control(store, req, thing, job_id):
    check_thing(thing)
    check_job_id(job_id)
    return store.describe_job_execution_control(
        thing, job_id, query_int(req.query, "executionNumber"))


def op_list_for_thing(store, req, thing):
    check_thing(thing)
    status = (req.query.get("status") or [None])[-1]
    if status is not None and status not in STATUSES:
        raise Invalid("status must be one of %s." % ", ".join(STATUSES))
    job_id = (req.query.get("jobId") or [None])[-1]
    if job_id is not None:
        check_job_id(job_id)
    return store.list_job_executions_for_thing(
        thing, status=status, job_id=job_id,
        max_results=query_int(req.query, "maxResults", 1, 250),
        next_token=(req.query.get("nextToken") or [None])[-1])


ATTRIBUTE_NAME_RE = re.compile(r"^[a-zA-Z0-9_.,@/:#-]{1,128}$")
ATTRIBUTE_VALUE_RE = re.compile(r"^[a-zA-Z0-9_.,@/:#=\[\]-]{0,800}$")


def op_create_thing(store, req, thing):
    check_thing(thing)
    body = _json_body(req)
    for unsupported in ("thingTypeName", "billingGroupName"):
        if body.get(unsupported) is not None:
            raise Invalid("%s is not supported by the emulator (it has no "
                          "thing types or billing groups)." % unsupported)
    payload = body.get("attributePayload")
    attributes = {}
    if payload is not None:
        if not isinstance(payload, dict):
            raise Invalid("attributePayload must be an object.")
        attributes = payload.get("attributes") or {}
        if not isinstance(attributes, dict) or len(attributes) > 50:
            raise Invalid("attributePayload.attributes must be an object of "
                          "at most 50 strings.")
        for k, v in attributes.items():
            if not ATTRIBUTE_NAME_RE.match(k) or not isinstance(v, str) or \
                    not ATTRIBUTE_VALUE_RE.match(v):
                raise Invalid("attribute %r: names are 1-128 and values 0-800 "
                              "characters of [a-zA-Z0-9_.,@/:#=[]-]." % k)
    return store.create_thing(thing, attributes)


def op_describe_thing(store, req, thing):
    return store.describe_thing(check_thing(thing))


def op_list_things(store, req):
    for unsupported in ("attributeName", "attributeValue", "thingTypeName"):
        if req.query.get(unsupported):
            raise Invalid("%s is not supported by the emulator." % unsupported)
    return store.list_things(
        max_results=query_int(req.query, "maxResults", 1, 250),
        next_token=(req.query.get("nextToken") or [None])[-1])


def op_delete_thing(store, req, thing):
    return store.delete_thing(check_thing(thing),
                              query_int(req.query, "expectedVersion"))


# (method, path pattern) -> (operation name, handler, validation error name)
# '{}' segments are labels passed to the handler in order.
ROUTES = {
    DATA: [
        ("GET", "things/{}/jobs/{}", "DescribeJobExecution",
         op_describe_job_execution),
        ("GET", "things/{}/jobs", "GetPendingJobExecutions", op_get_pending),
        ("PUT", "things/{}/jobs/$next", "StartNextPendingJobExecution",
         op_start_next),
        ("POST", "things/{}/jobs/{}", "UpdateJobExecution", op_update),
        ("POST", "command-executions", "StartCommandExecution",
         op_start_command),
    ],
    CONTROL: [
        ("PUT", "jobs/{}", "CreateJob", op_create_job),
        ("GET", "jobs/{}", "DescribeJob", op_describe_job),
        ("GET", "jobs/{}/job-document", "GetJobDocument",
         op_get_job_document),
        ("PUT", "jobs/{}/cancel", "CancelJob", op_cancel_job),
        ("DELETE", "jobs/{}", "DeleteJob", op_delete_job),
        ("PUT", "things/{}/jobs/{}/cancel", "CancelJobExecution",
         op_cancel_job_execution),
        ("GET", "things/{}/jobs/{}", "DescribeJobExecution",
         op_describe_job_execution_control),
        ("GET", "things/{}/jobs", "ListJobExecutionsForThing",
         op_list_for_thing),
        ("POST", "things/{}", "CreateThing", op_create_thing),
        ("GET", "things/{}", "DescribeThing", op_describe_thing),
        ("DELETE", "things/{}", "DeleteThing", op_delete_thing),
        ("GET", "things", "ListThings", op_list_things),
    ],
}


def match_route(plane, method, segments):
    """Find (name, handler, labels) for decoded path segments, or None."""
    for m, pattern, name, handler in ROUTES[plane]:
        parts = pattern.split("/")
        if m != method or len(parts) != len(segments):
            continue
        labels = []
        for p, s in zip(parts, segments):
            if p == "{}":
                labels.append(s)
            elif p != s:
                break
        else:
            # The literal $next route wins over the {jobId} label.
            return name, handler, labels
    return None


# ---- authentication -----------------------------------------------------

def _amz(ts):
    return datetime.datetime.fromtimestamp(
        ts, datetime.timezone.utc).strftime("%Y%m%dT%H%M%SZ")


def authenticate(req, credentials, region, now):
    """Check SigV4; return the signing name or raise ApiError."""
    auths = [v for k, v in req.headers if k.lower() == "authorization"]
    if not auths:
        raise ApiError("MissingAuthenticationTokenException", 403,
                       "Missing Authentication Token")
    if len(auths) > 1:
        raise ApiError("IncompleteSignatureException", 400,
                       "Only one Authorization header is allowed.")
    try:
        auth = sigv4.parse_authorization(auths[0])
    except ValueError as e:
        raise ApiError("IncompleteSignatureException", 400, str(e))
    dates = [v for k, v in req.headers if k.lower() == "x-amz-date"]
    if len(dates) != 1 or not sigv4.AMZ_DATE_RE.match(dates[0]):
        raise ApiError("IncompleteSignatureException", 400,
                       "Authorization header requires a valid 'X-Amz-Date' "
                       "header.")
    amz_date = dates[0]
    cred = credentials.get(auth["akid"])
    if cred is None:
        raise ApiError("UnrecognizedClientException", 403, BAD_TOKEN)
    secret, token = cred
    tokens = [v for k, v in req.headers if k.lower() == "x-amz-security-token"]
    if tokens != ([token] if token is not None else []):
        raise ApiError("UnrecognizedClientException", 403, BAD_TOKEN)
    if auth["date"] != amz_date[:8]:
        raise ApiError(
            "InvalidSignatureException", 403,
            "Date in Credential scope does not match YYYYMMDD from ISO-8601 "
            "version of date from HTTP: '%s' != '%s', from '%s'."
            % (auth["date"], amz_date[:8], amz_date))
    if auth["region"] != region:
        raise ApiError("InvalidSignatureException", 403,
                       "Credential should be scoped to a valid region. ")
    try:
        signed_at = datetime.datetime.strptime(
            amz_date, "%Y%m%dT%H%M%SZ").replace(
                tzinfo=datetime.timezone.utc).timestamp()
    except ValueError:
        raise ApiError("IncompleteSignatureException", 400,
                       "X-Amz-Date %r is not a valid date." % amz_date)
    if signed_at < now - MAX_SKEW:
        raise ApiError("InvalidSignatureException", 403,
                       "Signature expired: %s is now earlier than %s "
                       "(%s - 15 min.)" % (amz_date, _amz(now - MAX_SKEW),
                                           _amz(now)))
    if signed_at > now + MAX_SKEW:
        raise ApiError("InvalidSignatureException", 403,
                       "Signature not yet current: %s is still later than "
                       "%s (%s + 15 min.)" % (amz_date, _amz(now + MAX_SKEW),
                                              _amz(now)))
    result = sigv4.check_signature(req.method, req.raw_path, req.raw_query,
                                   req.headers, req.body, secret, auth,
                                   amz_date)
    if not result:
        raise ApiError("InvalidSignatureException", 403, SIGNATURE_MISMATCH,
                       debug=result.reason)
    return auth["service"]


# ---- HTTP ---------------------------------------------------------------

class Request:
    def __init__(self, method, raw_target, headers, body):
        self.method = method
        self.raw_path, _, self.raw_query = raw_target.partition("?")
        self.headers = headers
        self.body = body
        self.query = urllib.parse.parse_qs(self.raw_query,
                                           keep_blank_values=True)


class FaultReply(Exception):
    """Answer with an injected fault (faults.py) instead of a result."""

    def __init__(self, kind):
        super().__init__(kind)
        self.kind = kind


def dispatch(store, credentials, req, faults=None):
    """Handle one request; return (status, headers dict, JSON-able body)."""
    service = authenticate(req, credentials, store.region, store.clock.now())
    if not req.raw_path.startswith("/"):
        raise ApiError("UnknownOperationException", 404, "Unknown path.")
    segments = [urllib.parse.unquote(s) for s in req.raw_path[1:].split("/")]
    if service not in ROUTES:
        raise ApiError("InvalidSignatureException", 403,
                       "Credential should be scoped to correct service: "
                       "'%s'. " % (DATA if match_route(DATA, req.method,
                                                       segments)
                                   else CONTROL))
    route = match_route(service, req.method, segments)
    if route is None:
        other = CONTROL if service == DATA else DATA
        if match_route(other, req.method, segments):
            raise ApiError("InvalidSignatureException", 403,
                           "Credential should be scoped to correct service: "
                           "'%s'. " % other)
        raise ApiError("UnknownOperationException", 404,
                       "No operation matches %s %s."
                       % (req.method, req.raw_path))
    name, handler, labels = route
    kind = faultlib.OK
    if faults is not None and service == DATA:
        # Faults answer before the store sees the request, except lostreply.
        kind = faults.on_request(name, labels, req)
        if kind not in (faultlib.OK, "lostreply"):
            raise FaultReply(kind)
    try:
        result = handler(store, req, *labels)
        if faults is not None and name == "UpdateJobExecution" and \
                _json_body(req).get("status") == "SUCCEEDED":
            # Only a real transition gets here: SUCCEEDED again is a 409.
            faults.note_succeeded(labels[0], labels[1])
        return result
    except Invalid as e:
        # StartCommandExecution models ValidationException; every other
        # operation (both planes) models InvalidRequestException.
        raise ApiError("ValidationException"
                       if name == "StartCommandExecution"
                       else "InvalidRequestException", 400, str(e))
    finally:
        if kind == "lostreply":
            raise FaultReply("close")  # the work is done; the reply is lost


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "awsc-jobs-emulator"
    # Headers and body go out in separate writes; without TCP_NODELAY each
    # keep-alive reply waits for a delayed ACK (~40 ms).
    disable_nagle_algorithm = True

    def log_message(self, fmt, *args):
        if self.server.verbose:
            super().log_message(fmt, *args)

    def setup(self):
        # Every read and write on the connection, idle keep-alive included.
        self.timeout = self.server.connection_timeout
        super().setup()

    def _handle(self):
        request_id = str(uuid.uuid4())
        try:
            if self.headers.get("Transfer-Encoding"):
                # Only Content-Length bodies are supported.
                self.close_connection = True
                raise ApiError("InvalidRequestException", 411,
                               "Content-Length is required.")
            length = int(self.headers.get("Content-Length") or 0)
            if length < 0 or length > MAX_BODY:
                self.close_connection = True
                raise ApiError("InvalidRequestException", 413,
                               "Request body too large.")
            body = self.rfile.read(length) if length else b""
            if len(body) < length:  # the client hung up half way
                self.close_connection = True
                return
            req = Request(self.command, self.path, self.headers.items(), body)
            if self.server.faults is not None and \
                    req.raw_path == "/_faults":
                # It rewrites what the service answers: signed like any call.
                authenticate(req, self.server.credentials,
                             self.server.store.region,
                             self.server.store.clock.now())
                return self._faults_endpoint(req)
            status, payload, headers = 200, dispatch(
                self.server.store, self.server.credentials, req,
                self.server.faults), {}
        except FaultReply as e:
            return self._fault_reply(e.kind, request_id)
        except ApiError as e:
            status = e.status
            payload = {"message": e.message}
            payload.update({k: v for k, v in e.extra.items()
                            if k != "debug"})
            headers = {"x-amzn-errortype": e.name}
            if "debug" in e.extra and self.server.verbose:
                self.log_message("%s: %s", e.name, e.extra["debug"])
        except TimeoutError:
            # A client that stopped half way through its request: hang up.
            self.close_connection = True
            return
        except ValueError:
            self.close_connection = True
            status, payload = 400, {"message": "Bad Content-Length."}
            headers = {"x-amzn-errortype": "InvalidRequestException"}
        except Exception as e:  # keep serving; report as the model's 500
            status, payload = 500, {"message": "Internal error: %s" % e}
            headers = {"x-amzn-errortype": "InternalServerException"}
        data = json.dumps(payload).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("x-amzn-requestid", request_id)
        for k, v in headers.items():
            self.send_header(k, v)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    def _fault_reply(self, kind, request_id):
        if kind == "slow":
            time.sleep(self.server.faults.spec.delay)
            kind = "503"
        if kind in faultlib.ERRORS:
            status, name = faultlib.ERRORS[kind]
            data = json.dumps({"message": "Injected fault %s" % kind}).encode()
        elif kind == "garbage":
            status, name = 200, None
            data = b"<html>injected garbage, not JSON</html>"
        elif kind == "truncate":
            # Promise more bytes than are sent, then hang up.
            self.close_connection = True
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", "4096")
            self.send_header("x-amzn-requestid", request_id)
            self.end_headers()
            self.wfile.write(b'{"execution": {"jobId": "trunc')
            self.wfile.flush()
            return
        else:  # close, lostreply: no reply at all
            self.close_connection = True
            return
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("x-amzn-requestid", request_id)
        if name:
            self.send_header("x-amzn-errortype", name)
        self.end_headers()
        self.wfile.write(data)

    def _faults_endpoint(self, req):
        status = 200
        if req.method == "POST":
            try:
                self.server.faults.reset(req.body.decode("utf-8"))
            except (ValueError, UnicodeDecodeError) as e:
                status = 400
                data = json.dumps({"message": str(e)}).encode()
        elif req.method != "GET":
            status = 405
            data = json.dumps({"message": "GET or POST"}).encode()
        if status == 200:
            data = json.dumps(self.server.faults.snapshot()).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    do_GET = do_PUT = do_POST = do_DELETE = do_PATCH = do_HEAD = _handle


BUSY_REPLY = json.dumps({"message": "Too many connections."}).encode()


class EmulatorServer(http.server.ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    # The default listen backlog (5) resets bursts of parallel clients.
    request_queue_size = 128

    def __init__(self, port=0, credentials=None, store=None, verbose=False,
                 host="127.0.0.1", faults=None, connection_timeout=60.0,
                 max_connections=256):
        self.store = store or Store()
        # faults.Faults or None (no injection, no /_faults endpoint)
        self.faults = faults
        # access key id -> (secret, session token or None)
        self.credentials = dict(credentials or {})
        self.verbose = verbose
        # Seconds a connection may sit without progress (half-sent or idle).
        self.connection_timeout = connection_timeout
        # One thread per connection, at most this many at once.
        self.max_connections = max_connections
        self._slots = threading.BoundedSemaphore(max_connections)
        super().__init__((host, port), Handler)

    @property
    def url(self):
        return "http://%s:%d" % self.server_address[:2]

    def process_request(self, request, client_address):
        if not self._slots.acquire(blocking=False):
            self._refuse(request)
            return
        try:
            super().process_request(request, client_address)
        except BaseException:
            self._slots.release()
            raise

    def process_request_thread(self, request, client_address):
        try:
            super().process_request_thread(request, client_address)
        finally:
            self._slots.release()

    def handle_error(self, request, client_address):
        # A client that hangs up is not the service's error; others are.
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)

    def _refuse(self, request):
        """Answer 503 on the accepting thread, briefly, and hang up."""
        try:
            request.settimeout(1)
            request.sendall(
                b"HTTP/1.1 503 Service Unavailable\r\n"
                b"Content-Type: application/json\r\n"
                b"x-amzn-errortype: ServiceUnavailableException\r\n"
                b"Connection: close\r\n"
                b"Content-Length: %d\r\n\r\n" % len(BUSY_REPLY) + BUSY_REPLY)
        except OSError:
            pass
        self.shutdown_request(request)

    def start_background(self):
        """Serve on a daemon thread (for tests); returns the thread."""
        t = threading.Thread(target=self.serve_forever, args=(0.05,),
                             daemon=True)
        t.start()
        return t

    def stop(self):
        self.shutdown()
        self.server_close()
