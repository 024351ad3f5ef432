"""Presigned S3 URLs for job documents: `${aws:iot:s3-presigned-url:URL}` placeholders.

AWS IoT replaces each placeholder with a presigned URL when it delivers the document to a
device (CreateJob's presignedUrlConfig gives the role and the lifetime). The emulator does
the same against a local S3 (`--s3-endpoint`, e.g. a moto server): the placeholder's
bucket and key (virtual-hosted `https://BUCKET.s3[.REGION].amazonaws.com/KEY` or path-style
`https://s3[.REGION].amazonaws.com/BUCKET/KEY`) become a path-style URL on that endpoint,
presigned with SigV4 query parameters (service `s3`, `UNSIGNED-PAYLOAD`).
"""

import datetime
import hashlib
import hmac
import re
import urllib.parse

from .sigv4 import signing_key, uri_encode

PLACEHOLDER = re.compile(r"\$\{aws:iot:s3-presigned-url:(https://[^}\s\"]+)\}")
_VIRTUAL = re.compile(r"^([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])\.s3(?:[.-][a-z0-9-]+)?\.amazonaws\.com$")
_PATH = re.compile(r"^s3(?:[.-][a-z0-9-]+)?\.amazonaws\.com$")


def bucket_and_key(url):
    """(bucket, key) of an S3 URL, key decoded; ValueError when it is not one."""
    u = urllib.parse.urlsplit(url)
    host, path = u.hostname or "", urllib.parse.unquote(u.path)
    m = _VIRTUAL.match(host)
    if m and len(path) > 1:
        return m.group(1), path[1:]
    if _PATH.match(host):
        bucket, _, key = path[1:].partition("/")
        if bucket and key:
            return bucket, key
    raise ValueError("%s is not an S3 object URL" % url)


def presign(method, url, access_key, secret, region, service, amz_date, expires,
            payload_hash="UNSIGNED-PAYLOAD", session_token=None):
    """`url` with SigV4 query authentication (host the only signed header)."""
    u = urllib.parse.urlsplit(url)
    scope = "%s/%s/%s/aws4_request" % (amz_date[:8], region, service)
    params = urllib.parse.parse_qsl(u.query, keep_blank_values=True)
    params += [("X-Amz-Algorithm", "AWS4-HMAC-SHA256"), ("X-Amz-Credential", "%s/%s" % (access_key, scope)),
               ("X-Amz-Date", amz_date), ("X-Amz-Expires", str(expires)), ("X-Amz-SignedHeaders", "host")]
    if session_token:
        params.append(("X-Amz-Security-Token", session_token))
    query = "&".join("%s=%s" % (uri_encode(k), uri_encode(v)) for k, v in sorted(params))
    # S3 rule: the path is encoded once (each segment of the decoded path)
    path = "/".join(uri_encode(s) for s in urllib.parse.unquote(u.path or "/").split("/"))
    creq = "\n".join([method, path, query, "host:%s\n" % u.netloc, "host", payload_hash])
    sts = "\n".join(["AWS4-HMAC-SHA256", amz_date, scope, hashlib.sha256(creq.encode()).hexdigest()])
    sig = hmac.new(signing_key(secret, amz_date[:8], region, service), sts.encode(), hashlib.sha256).hexdigest()
    return "%s://%s%s?%s&X-Amz-Signature=%s" % (u.scheme, u.netloc, path, query, sig)


class Presigner:
    """Resolves placeholders in a document against the local S3 endpoint."""

    def __init__(self, endpoint, access_key, secret, region, clock):
        self.endpoint = endpoint.rstrip("/")
        self.access_key, self.secret, self.region, self.clock = access_key, secret, region, clock

    def resolve(self, document, expires):
        def one(m):
            bucket, key = bucket_and_key(m.group(1))
            local = "%s/%s/%s" % (self.endpoint, bucket, urllib.parse.quote(key, safe="/-_.~"))
            amz = datetime.datetime.fromtimestamp(self.clock.now(), datetime.timezone.utc).strftime("%Y%m%dT%H%M%SZ")
            return presign("GET", local, self.access_key, self.secret, self.region, "s3", amz, expires)
        return PLACEHOLDER.sub(one, document)
