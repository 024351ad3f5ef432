"""Independent AWS SigV4 (header auth) verifier, stdlib only.

Used by the Jobs emulator (emulator/server.py) and by the interop test
(tests/py/test_interop_js.py).

It recomputes the signature of a request *as received on the wire* and
compares it with the one in the Authorization header. It shares no code with
the C runtime's signer, so agreement is evidence that both are right.

Rules followed (non-S3 services):
- canonical URI: every path segment of the raw wire path is URI-encoded
  again (so '%3A' on the wire becomes '%253A'); no dot-segment handling,
  which is why paths containing '.' or '..' segments are refused.
- canonical query: raw pairs are percent-decoded, re-encoded strictly
  (only A-Z a-z 0-9 - _ . ~ left bare) and sorted by name then value.
- canonical headers: the headers named by SignedHeaders, lower-cased, values
  trimmed with inner runs of spaces collapsed, repeats joined by ','.
- payload hash: SHA-256 of the body bytes actually received.
"""

import hashlib
import hmac
import re
import urllib.parse

ALGORITHM = "AWS4-HMAC-SHA256"
_UNRESERVED = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.~"
_AUTH_RE = re.compile(
    r"^AWS4-HMAC-SHA256 "
    r"Credential=(?P<cred>[^,\s]+),\s*"
    r"SignedHeaders=(?P<signed>[^,\s]+),\s*"
    r"Signature=(?P<sig>[0-9a-f]{64})$")
AMZ_DATE_RE = re.compile(r"^\d{8}T\d{6}Z$")


class Result:
    """Outcome of a verification; truthy when the signature is valid."""

    def __init__(self, ok, reason, canonical_request=None, string_to_sign=None):
        self.ok = ok
        self.reason = reason
        self.canonical_request = canonical_request
        self.string_to_sign = string_to_sign

    def __bool__(self):
        return self.ok

    def __repr__(self):
        return "Result(ok=%r, reason=%r)" % (self.ok, self.reason)


def uri_encode(text):
    """Strict SigV4 URI encoding of a str (UTF-8) or bytes."""
    return urllib.parse.quote(text, safe="", encoding="utf-8") \
        if isinstance(text, str) else urllib.parse.quote_from_bytes(text, safe="")


def canonical_uri(raw_path):
    """Encode each segment of the raw wire path once more (non-S3 rule)."""
    if not raw_path.startswith("/"):
        raise ValueError("path must start with '/': %r" % raw_path)
    segments = raw_path.split("/")
    if any(s in (".", "..") for s in segments):
        raise ValueError("dot segments are not supported: %r" % raw_path)
    return "/".join(uri_encode(s) for s in segments)


def s3_canonical_uri(raw_path):
    """S3's rule: the wire path as sent, already encoded once by the client."""
    if not raw_path.startswith("/"):
        raise ValueError("path must start with '/': %r" % raw_path)
    return raw_path


def canonical_query(raw_query):
    """Decode the raw query pairs, strictly re-encode them, sort."""
    if not raw_query:
        return ""
    pairs = []
    for item in raw_query.split("&"):
        if item == "":
            continue
        name, _, value = item.partition("=")
        # '+' is kept literally: SigV4 clients encode a space as %20.
        name = urllib.parse.unquote_to_bytes(name)
        value = urllib.parse.unquote_to_bytes(value)
        pairs.append((uri_encode(name), uri_encode(value)))
    pairs.sort()
    return "&".join("%s=%s" % p for p in pairs)


def _trim(value):
    return " ".join(value.strip().split())


def canonical_headers(headers, signed_names):
    """Build the canonical header block; raise KeyError if one is missing."""
    lines = []
    for name in signed_names:
        values = [_trim(v) for k, v in headers if k.lower() == name]
        if not values:
            raise KeyError(name)
        lines.append("%s:%s\n" % (name, ",".join(values)))
    return "".join(lines)


def _hmac(key, msg):
    return hmac.new(key, msg.encode("utf-8"), hashlib.sha256).digest()


def signing_key(secret, date, region, service):
    k = _hmac(("AWS4" + secret).encode("utf-8"), date)
    k = _hmac(k, region)
    k = _hmac(k, service)
    return _hmac(k, "aws4_request")


def parse_authorization(value):
    """Split an Authorization header into its parts; ValueError if malformed.

    Returns a dict with akid, date, region, service, signed (list of header
    names) and signature.
    """
    m = _AUTH_RE.match(value.strip())
    if not m:
        raise ValueError("malformed Authorization header: %r" % value)
    cred = m.group("cred").split("/")
    if len(cred) != 5 or cred[4] != "aws4_request":
        raise ValueError("malformed Credential: %r" % m.group("cred"))
    signed = m.group("signed").split(";")
    if signed != sorted(set(signed)) or any(s != s.lower() for s in signed):
        raise ValueError("SignedHeaders not sorted, unique and lower-case: %r"
                         % m.group("signed"))
    return {"akid": cred[0], "date": cred[1], "region": cred[2],
            "service": cred[3], "signed": signed,
            "signature": m.group("sig")}


def check_signature(method, raw_path, raw_query, headers, body, secret, auth,
                    amz_date, s3=False):
    """Recompute the signature for parsed `auth`; return a Result.

    Only the cryptographic part: scope, key and date policy are the
    caller's business. s3=True applies S3's rules: the path is signed
    exactly as sent (no second encoding, dot segments kept), and the
    payload hash is the X-Amz-Content-Sha256 header, which must be the
    body's SHA-256 unless it says UNSIGNED-PAYLOAD.
    """
    for required in ("host", "x-amz-date"):
        if required not in auth["signed"]:
            return Result(False, "%s is not signed" % required)
    payload_hash = hashlib.sha256(body).hexdigest()
    declared = [v for k, v in headers if k.lower() == "x-amz-content-sha256"]
    if s3 and not declared:
        return Result(False, "X-Amz-Content-Sha256 is missing (S3 requires it)")
    if s3 and declared == ["UNSIGNED-PAYLOAD"]:
        payload_hash = declared[0]
    elif declared and declared != [payload_hash]:
        return Result(False, "X-Amz-Content-Sha256 %r != sha256(body) %s"
                      % (declared, payload_hash))
    try:
        creq = "\n".join([
            method,
            s3_canonical_uri(raw_path) if s3 else canonical_uri(raw_path),
            canonical_query(raw_query),
            canonical_headers(headers, auth["signed"]),
            ";".join(auth["signed"]),
            payload_hash,
        ])
    except KeyError as e:
        return Result(False, "signed header %s is missing" % e)
    except ValueError as e:
        return Result(False, str(e))
    scope = "/".join([auth["date"], auth["region"], auth["service"],
                      "aws4_request"])
    sts = "\n".join([ALGORITHM, amz_date, scope,
                     hashlib.sha256(creq.encode("utf-8", "surrogateescape")).hexdigest()])
    key = signing_key(secret, auth["date"], auth["region"], auth["service"])
    expected = hmac.new(key, sts.encode("utf-8"), hashlib.sha256).hexdigest()
    if not hmac.compare_digest(expected, auth["signature"]):
        return Result(False, "signature mismatch: expected %s, got %s"
                      % (expected, auth["signature"]), creq, sts)
    return Result(True, "ok", creq, sts)


def verify(method, raw_path, raw_query, headers, body, access_key, secret,
           session_token=None, region=None, service=None, s3=False):
    """Verify a received request.

    headers: list of (name, value) pairs as received (order kept, repeats
    allowed). body: bytes. region/service: when given, the credential scope
    must name them. session_token: when given, X-Amz-Security-Token must be
    present, equal to it and signed.
    """
    auths = [v for k, v in headers if k.lower() == "authorization"]
    if len(auths) != 1:
        return Result(False, "expected exactly one Authorization header, "
                      "got %d" % len(auths))
    try:
        auth = parse_authorization(auths[0])
    except ValueError as e:
        return Result(False, str(e))
    if auth["akid"] != access_key:
        return Result(False, "access key %r != %r" % (auth["akid"], access_key))
    if region is not None and auth["region"] != region:
        return Result(False, "scope region %r != %r" % (auth["region"], region))
    if service is not None and auth["service"] != service:
        return Result(False, "scope service %r != %r"
                      % (auth["service"], service))

    amz_dates = [v for k, v in headers if k.lower() == "x-amz-date"]
    if len(amz_dates) != 1 or not AMZ_DATE_RE.match(amz_dates[0]):
        return Result(False, "bad X-Amz-Date: %r" % amz_dates)
    amz_date = amz_dates[0]
    if amz_date[:8] != auth["date"]:
        return Result(False, "scope date %s != X-Amz-Date %s"
                      % (auth["date"], amz_date))

    tokens = [v for k, v in headers if k.lower() == "x-amz-security-token"]
    if session_token is not None:
        if tokens != [session_token]:
            return Result(False, "X-Amz-Security-Token %r != %r"
                          % (tokens, session_token))
        if "x-amz-security-token" not in auth["signed"]:
            return Result(False, "x-amz-security-token is not signed")
    elif tokens:
        return Result(False, "unexpected X-Amz-Security-Token")

    return check_signature(method, raw_path, raw_query, headers, body, secret,
                           auth, amz_date, s3=s3)
