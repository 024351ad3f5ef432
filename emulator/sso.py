"""A loopback IAM Identity Center for tests, stdlib only: the SSO portal
(GetRoleCredentials) and SSO-OIDC (CreateToken with grant_type refresh_token),
each on its own port, both restJson1.

What it checks is what the real services check that matters to a credentials
provider: GetRoleCredentials is GET /federation/credentials with role_name and
account_id in the query, unsigned, and the access token in the
x-amz-sso_bearer_token header, one it issued (or was started with) and that
has not expired; CreateToken is POST /token with a JSON body naming a client it
knows (id and secret), grant_type refresh_token and a refresh token it issued,
also unsigned. A refresh rotates the refresh token (the old one stops working).
Errors come back as the services send them (x-amzn-ErrorType and a JSON body).

    python3 -m emulator.sso --access-token TOKEN --role 111122223333:admin
    SSO(access_tokens={"TOKEN"}, roles={("111122223333", "admin")}).start()

Test hooks: `fail_next_token` / `fail_next_portal` (lists of (code, message,
http_status) answered before anything else), `token_lifetime` (expiresIn of a
refreshed token), `credentials_lifetime`, `requests` (every request: service,
method, path, query, headers, body), `issued` (access key -> (secret, session
token, role ARN) of every credentials set handed out).
"""

import argparse
import json
import secrets
import sys
import threading
import time
import urllib.parse
import http.server


class SsoError(Exception):
    def __init__(self, code, message, status=400, oidc=False):
        super().__init__(message)
        self.code, self.message, self.status, self.oidc = code, message, status, oidc


class SSO:
    def __init__(self, access_tokens=(), roles=(), clients=None, refresh_tokens=(), token_lifetime=28800,
                 credentials_lifetime=3600):
        self.access_tokens = {t: None for t in access_tokens}  # token -> expiry (epoch seconds) or None
        self.roles = set(roles)                                # (account id, role name)
        self.clients = dict(clients or {})                     # client id -> client secret
        self.refresh_tokens = set(refresh_tokens)
        self.token_lifetime = token_lifetime
        self.credentials_lifetime = credentials_lifetime
        self.fail_next_token = []
        self.fail_next_portal = []
        self.requests = []
        self.issued = {}
        self.lock = threading.Lock()
        self.servers = {}

    # ---- lifecycle ----

    def _serve(self, kind):
        sso = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, fmt, *args):
                pass

            def _answer(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                status, headers, payload = sso.handle(kind, self.command, self.path, list(self.headers.items()),
                                                      body)
                data = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.send_header("x-amzn-RequestId", secrets.token_hex(16))
                for k, v in headers:
                    self.send_header(k, v)
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_POST = do_PUT = do_DELETE = _answer

        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        server.daemon_threads = True
        threading.Thread(target=server.serve_forever, daemon=True).start()
        self.servers[kind] = server

    def start(self):
        self._serve("portal")
        self._serve("oidc")
        return self

    @property
    def portal_url(self):
        return f"http://127.0.0.1:{self.servers['portal'].server_address[1]}"

    @property
    def oidc_url(self):
        return f"http://127.0.0.1:{self.servers['oidc'].server_address[1]}"

    def stop(self):
        for server in self.servers.values():
            server.shutdown()
            server.server_close()
        self.servers = {}

    # ---- requests ----

    def handle(self, kind, method, raw_path, headers, body):
        parts = urllib.parse.urlsplit(raw_path)
        rec = {"service": kind, "method": method, "path": parts.path,
               "query": dict(urllib.parse.parse_qsl(parts.query, keep_blank_values=True)),
               "headers": {k.lower(): v for k, v in headers}, "body": body.decode("utf-8", "replace")}
        with self.lock:
            self.requests.append(rec)
        try:
            if "authorization" in rec["headers"]:
                raise SsoError("InvalidRequestException", "this operation is not signed", 400, kind == "oidc")
            if kind == "portal":
                return 200, [], self.get_role_credentials(method, rec)
            return 200, [], self.create_token(method, rec)
        except SsoError as e:
            payload = ({"error": e.code.replace("Exception", "").lower(), "error_description": e.message}
                       if e.oidc else {"message": e.message})
            return e.status, [("x-amzn-ErrorType", e.code)], payload

    def get_role_credentials(self, method, rec):
        with self.lock:
            if self.fail_next_portal:
                code, message, status = self.fail_next_portal.pop(0)
                raise SsoError(code, message, status)
        if method != "GET" or rec["path"] != "/federation/credentials":
            raise SsoError("InvalidRequestException", "GetRoleCredentials is GET /federation/credentials")
        token = rec["headers"].get("x-amz-sso_bearer_token")
        with self.lock:
            known = token in self.access_tokens
            expiry = self.access_tokens.get(token)
        if not token or not known or (expiry is not None and expiry <= time.time()):
            raise SsoError("UnauthorizedException", "Session token not found or invalid", 401)
        account, role = rec["query"].get("account_id"), rec["query"].get("role_name")
        if not account or not role:
            raise SsoError("InvalidRequestException", "role_name and account_id are required")
        if (account, role) not in self.roles:
            raise SsoError("ForbiddenException", "No access", 403)
        akid = "ASIA" + secrets.token_hex(8).upper()
        secret = secrets.token_urlsafe(30)
        session = "IQoJ" + secrets.token_urlsafe(60)
        with self.lock:
            self.issued[akid] = (secret, session, f"arn:aws:sts::{account}:assumed-role/{role}/sso-user")
        return {"roleCredentials": {"accessKeyId": akid, "secretAccessKey": secret, "sessionToken": session,
                                    "expiration": int((time.time() + self.credentials_lifetime) * 1000)}}

    def create_token(self, method, rec):
        with self.lock:
            if self.fail_next_token:
                code, message, status = self.fail_next_token.pop(0)
                raise SsoError(code, message, status, True)
        if method != "POST" or rec["path"] != "/token":
            raise SsoError("InvalidRequestException", "CreateToken is POST /token", 400, True)
        if not rec["headers"].get("content-type", "").startswith("application/json"):
            raise SsoError("InvalidRequestException", "the body must be JSON", 400, True)
        try:
            req = json.loads(rec["body"])
        except ValueError:
            raise SsoError("InvalidRequestException", "the body is not JSON", 400, True)
        rec["json"] = req
        client, secret = req.get("clientId"), req.get("clientSecret")
        if not client or self.clients.get(client) != secret:
            raise SsoError("InvalidClientException", "unknown client or wrong secret", 401, True)
        if req.get("grantType") != "refresh_token":
            raise SsoError("UnsupportedGrantTypeException", "only refresh_token here", 400, True)
        with self.lock:
            if req.get("refreshToken") not in self.refresh_tokens:
                raise SsoError("InvalidGrantException", "the refresh token is invalid or expired", 400, True)
            self.refresh_tokens.discard(req["refreshToken"])
            access = "aoa" + secrets.token_urlsafe(40)
            refresh = "aor" + secrets.token_urlsafe(40)
            self.access_tokens[access] = time.time() + self.token_lifetime
            self.refresh_tokens.add(refresh)
        return {"accessToken": access, "tokenType": "Bearer", "expiresIn": self.token_lifetime,
                "refreshToken": refresh}


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--access-token", action="append", default=[])
    ap.add_argument("--role", action="append", default=[], help="ACCOUNT:ROLE the portal grants")
    ap.add_argument("--client", action="append", default=[], help="CLIENT_ID:CLIENT_SECRET SSO-OIDC knows")
    ap.add_argument("--refresh-token", action="append", default=[])
    args = ap.parse_args(argv)
    sso = SSO(args.access_token, [tuple(r.split(":", 1)) for r in args.role],
              dict(c.split(":", 1) for c in args.client), args.refresh_token).start()
    print(f"loopback SSO portal on {sso.portal_url}, SSO-OIDC on {sso.oidc_url}", flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        sso.stop()


if __name__ == "__main__":
    sys.exit(main())
