"""A loopback AWS STS for tests, stdlib only: AssumeRole, AssumeRoleWithWebIdentity
and GetCallerIdentity over awsQuery (form-encoded POST in, XML out).

It checks what a real STS checks that matters to a credentials provider:
the form body (Action, Version, required parameters and their limits), the
SigV4 signature of AssumeRole and GetCallerIdentity (with the independent
verifier in emulator/sigv4.py, against the keys it knows: the ones it was
started with and every session it has issued, so role chains work), and that
AssumeRoleWithWebIdentity arrives unsigned with a token it accepts. Errors
come back as STS sends them (<ErrorResponse><Error><Code>...).

    python3 -m emulator.sts --port 0 --credentials AKID:SECRET --token jwt-1
    STS(credentials={"AKID": ("SECRET", None)}, tokens={"jwt-1"}).start()

Test hooks: `fail_next` (a list of (code, message, http_status) answered
before anything else), `lifetime` (seconds the issued credentials live),
`requests` (every request: action, params, signed, access key).
"""

import argparse
import datetime
import http.server
import re
import secrets
import sys
import threading
import time
import urllib.parse
from xml.sax.saxutils import escape

try:
    from emulator import sigv4
except ImportError:  # run as a script from emulator/
    import sigv4

NS = "https://sts.amazonaws.com/doc/2011-06-15/"
ACCOUNT = "123456789012"
SESSION_NAME_RE = re.compile(r"^[\w+=,.@-]{2,64}$")
ROLE_ARN_RE = re.compile(r"^arn:aws[\w-]*:iam::(\d{12}):role/([\w+=,.@/-]{1,64})$")


class StsError(Exception):
    def __init__(self, code, message, status=400):
        super().__init__(message)
        self.code, self.message, self.status = code, message, status


def _iso(t):
    return datetime.datetime.fromtimestamp(int(t), datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


class STS:
    def __init__(self, credentials=None, tokens=(), region="us-east-1", lifetime=3600, port=0):
        # access key -> (secret, session token or None, caller ARN)
        self.keys = {k: (v[0], v[1], f"arn:aws:iam::{ACCOUNT}:user/{k.lower()}")
                     for k, v in (credentials or {}).items()}
        self.tokens = set(tokens)
        self.region = region
        self.lifetime = lifetime
        self.port = port
        self.fail_next = []
        self.requests = []
        self.external_ids = {}  # role ARN -> the ExternalId its trust policy asks for
        self.lock = threading.Lock()
        self.server = None

    # ---- lifecycle ----

    def start(self):
        sts = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, fmt, *args):
                pass

            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                status, xml = sts.handle(self.command, self.path, list(self.headers.items()), body)
                data = xml.encode()
                self.send_response(status)
                self.send_header("Content-Type", "text/xml")
                self.send_header("Content-Length", str(len(data)))
                self.send_header("x-amzn-RequestId", secrets.token_hex(16))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self):
                self.do_POST()

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    @property
    def url(self):
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def stop(self):
        if self.server:
            self.server.shutdown()
            self.server.server_close()
            self.server = None

    # ---- requests ----

    def handle(self, method, raw_path, headers, body):
        rec = {"action": None, "params": {}, "signed": False, "access_key": None}
        with self.lock:
            self.requests.append(rec)
        try:
            if method != "POST" or urllib.parse.urlsplit(raw_path).path != "/":
                raise StsError("InvalidAction", "STS takes POST /")
            ctype = next((v for k, v in headers if k.lower() == "content-type"), "")
            if not ctype.startswith("application/x-www-form-urlencoded"):
                raise StsError("InvalidParameterValue", f"Content-Type must be a form, not {ctype!r}")
            try:
                pairs = urllib.parse.parse_qsl(body.decode("utf-8"), keep_blank_values=True, strict_parsing=True)
            except (UnicodeDecodeError, ValueError):
                raise StsError("MalformedQueryString", "the body is not a valid form")
            params = {}
            for k, v in pairs:
                if k in params:
                    raise StsError("InvalidParameterValue", f"{k} given twice")
                params[k] = v
            rec["params"] = params
            rec["action"] = action = params.get("Action")
            if params.get("Version") != "2011-06-15":
                raise StsError("InvalidParameterValue", "Version must be 2011-06-15")
            signed = any(k.lower() == "authorization" for k, _ in headers)
            rec["signed"] = signed
            with self.lock:
                if self.fail_next:
                    code, message, status = self.fail_next.pop(0)
                    raise StsError(code, message, status)
            if action == "AssumeRoleWithWebIdentity":
                if signed:
                    raise StsError("InvalidParameterValue", "this loopback STS wants web identity calls unsigned")
                return 200, self.assume_role_with_web_identity(params)
            caller = self.authenticate(method, raw_path, headers, body, rec)
            if action == "AssumeRole":
                return 200, self.assume_role(params, caller)
            if action == "GetCallerIdentity":
                return 200, self.result("GetCallerIdentity",
                                        f"<Arn>{escape(caller[2])}</Arn><UserId>{escape(rec['access_key'])}</UserId>"
                                        f"<Account>{ACCOUNT}</Account>")
            raise StsError("InvalidAction", f"unknown Action {action!r}")
        except StsError as e:
            return e.status, (f'<ErrorResponse xmlns="{NS}"><Error><Type>Sender</Type>'
                              f"<Code>{escape(e.code)}</Code><Message>{escape(e.message)}</Message></Error>"
                              f"<RequestId>{secrets.token_hex(16)}</RequestId></ErrorResponse>")

    def authenticate(self, method, raw_path, headers, body, rec):
        auth = next((v for k, v in headers if k.lower() == "authorization"), None)
        if not auth:
            raise StsError("MissingAuthenticationToken", "Request is missing Authentication Token", 403)
        m = re.search(r"Credential=([^/]+)/", auth)
        akid = m.group(1) if m else None
        rec["access_key"] = akid
        with self.lock:
            known = self.keys.get(akid)
        if not known:
            raise StsError("InvalidClientTokenId", "The security token included in the request is invalid.", 403)
        secret, token, _ = known
        if token and token.startswith("expired:"):
            raise StsError("ExpiredToken", "The security token included in the request is expired", 400)
        split = urllib.parse.urlsplit(raw_path)
        result = sigv4.verify(method, split.path, split.query, headers, body, akid, secret,
                              session_token=token, region=self.region, service="sts")
        if not result:
            raise StsError("SignatureDoesNotMatch", f"signature check failed: {result.reason}", 403)
        return known

    @staticmethod
    def _required(params, name):
        v = params.get(name)
        if not v:
            raise StsError("ValidationError", f"1 validation error detected: Value null at '{name}' failed to "
                                              "satisfy constraint: Member must not be null")
        return v

    def _role(self, params):
        arn = self._required(params, "RoleArn")
        session = self._required(params, "RoleSessionName")
        if not ROLE_ARN_RE.match(arn):
            raise StsError("ValidationError", f"{arn} is not a valid role ARN")
        if not SESSION_NAME_RE.match(session):
            raise StsError("ValidationError", "RoleSessionName must be 2 to 64 of [\\w+=,.@-]")
        duration = self.lifetime
        if "DurationSeconds" in params:
            try:
                duration = int(params["DurationSeconds"])
            except ValueError:
                raise StsError("ValidationError", "DurationSeconds is not a number")
            if not 900 <= duration <= 43200:
                raise StsError("ValidationError", "DurationSeconds must be from 900 to 43200")
        if "denied" in arn:
            raise StsError("AccessDenied", f"User is not authorized to perform: sts:AssumeRole on resource: {arn}",
                           403)
        return arn, session, duration

    def _issue(self, arn, session, duration):
        akid = "ASIA" + secrets.token_hex(8).upper()
        secret = secrets.token_urlsafe(30)
        token = "IQoJ" + secrets.token_urlsafe(60)
        role = ROLE_ARN_RE.match(arn).group(2)
        session_arn = f"arn:aws:sts::{ACCOUNT}:assumed-role/{role}/{session}"
        with self.lock:
            self.keys[akid] = (secret, token, session_arn)
        role_id = "AROA" + secrets.token_hex(8).upper()
        return (f"<Credentials><AccessKeyId>{akid}</AccessKeyId><SecretAccessKey>{secret}</SecretAccessKey>"
                f"<SessionToken>{token}</SessionToken><Expiration>{_iso(time.time() + duration)}</Expiration>"
                f"</Credentials><AssumedRoleUser><AssumedRoleId>{role_id}:{escape(session)}</AssumedRoleId>"
                f"<Arn>{escape(session_arn)}</Arn></AssumedRoleUser>")

    def result(self, action, inner):
        return (f'<{action}Response xmlns="{NS}"><{action}Result>{inner}</{action}Result>'
                f"<ResponseMetadata><RequestId>{secrets.token_hex(16)}</RequestId></ResponseMetadata>"
                f"</{action}Response>")

    def assume_role(self, params, caller):
        arn, session, duration = self._role(params)
        want = self.external_ids.get(arn)
        if want is not None and params.get("ExternalId") != want:
            raise StsError("AccessDenied", f"User {caller[2]} is not authorized to perform: sts:AssumeRole on "
                                           f"resource: {arn}", 403)
        return self.result("AssumeRole", self._issue(arn, session, duration))

    def assume_role_with_web_identity(self, params):
        arn, session, duration = self._role(params)
        token = self._required(params, "WebIdentityToken")
        if token.startswith("expired"):
            raise StsError("ExpiredTokenException", "Token expired: current date/time is after the token's exp")
        if token not in self.tokens:
            raise StsError("InvalidIdentityToken", "Couldn't verify the token's signature with the issuer's keys")
        return self.result("AssumeRoleWithWebIdentity",
                           self._issue(arn, session, duration) +
                           "<SubjectFromWebIdentityToken>system:serviceaccount:default:device</SubjectFromWebIdentityToken>"
                           "<Audience>sts.amazonaws.com</Audience><Provider>oidc.example.test</Provider>")


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--region", default="us-east-1")
    ap.add_argument("--credentials", action="append", default=[], help="AKID:SECRET[:TOKEN] it accepts")
    ap.add_argument("--token", action="append", default=[], help="a web identity token it accepts")
    ap.add_argument("--lifetime", type=int, default=3600)
    args = ap.parse_args(argv)
    creds = {}
    for c in args.credentials:
        parts = c.split(":", 2)
        creds[parts[0]] = (parts[1], parts[2] if len(parts) > 2 else None)
    sts = STS(creds, args.token, args.region, args.lifetime, args.port).start()
    print(f"loopback STS on {sts.url}", flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        sts.stop()


if __name__ == "__main__":
    sys.exit(main())
