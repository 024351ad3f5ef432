"""A small signed client for the emulator's IoT control-plane subset.

This is how the demo and the integration tests create and cancel jobs, the
way `aws iot create-job --endpoint-url ...` would. It signs with the shared
SigV4 building blocks of emulator/sigv4.py.
"""

import datetime
import hashlib
import hmac
import http.client
import json
import urllib.parse

from emulator import sigv4


class ApiError(Exception):
    def __init__(self, status, code, message):
        super().__init__(f"{status} {code}: {message}")
        self.status, self.code, self.message = status, code, message


class ControlPlane:
    def __init__(self, endpoint, access_key, secret, region="us-east-1", account="123456789012", service="iot"):
        u = urllib.parse.urlsplit(endpoint)
        self.host, self.port = u.hostname, u.port or 80
        self.authority = u.netloc
        self.access_key, self.secret = access_key, secret
        self.region, self.account, self.service = region, account, service

    def thing_arn(self, thing):
        return f"arn:aws:iot:{self.region}:{self.account}:thing/{thing}"

    def send(self, method, path, raw=b"", query="", content_type="application/json"):
        """One signed request; returns (status, error type header, body bytes)."""
        amz = datetime.datetime.now(datetime.timezone.utc).strftime("%Y%m%dT%H%M%SZ")
        headers = [("host", self.authority), ("x-amz-date", amz)]
        if raw:
            headers.append(("content-type", content_type))
        names = sorted(n for n, _ in headers)
        creq = "\n".join([method, sigv4.canonical_uri(path), sigv4.canonical_query(query),
                          sigv4.canonical_headers(headers, names), ";".join(names),
                          hashlib.sha256(raw).hexdigest()])
        scope = f"{amz[:8]}/{self.region}/{self.service}/aws4_request"
        sts = "\n".join(["AWS4-HMAC-SHA256", amz, scope, hashlib.sha256(creq.encode()).hexdigest()])
        key = sigv4.signing_key(self.secret, amz[:8], self.region, self.service)
        sig = hmac.new(key, sts.encode(), hashlib.sha256).hexdigest()
        hdrs = dict(headers)
        hdrs["authorization"] = (f"AWS4-HMAC-SHA256 Credential={self.access_key}/{scope}, "
                                 f"SignedHeaders={';'.join(names)}, Signature={sig}")
        conn = http.client.HTTPConnection(self.host, self.port, timeout=10)
        try:
            conn.request(method, path + ("?" + query if query else ""), body=raw, headers=hdrs)
            resp = conn.getresponse()
            data = resp.read()
        finally:
            conn.close()
        return resp.status, resp.getheader("x-amzn-errortype", "?"), data

    def call(self, method, path, body=None, query=""):
        status, error_type, data = self.send(method, path, b"" if body is None else json.dumps(body).encode(), query)
        payload = json.loads(data) if data else {}
        if status >= 300:
            raise ApiError(status, error_type, payload.get("message", ""))
        return payload

    def faults(self, spec=None):
        """The emulator's /_faults (with --faults): POST a new spec (clears the log) or GET the state."""
        status, error_type, data = self.send("POST" if spec is not None else "GET", "/_faults",
                                             (spec or "").encode(), content_type="text/plain")
        payload = json.loads(data) if data else {}
        if status >= 300:
            raise ApiError(status, error_type, payload.get("message", ""))
        return payload

    @staticmethod
    def _label(s):
        return urllib.parse.quote(s, safe="-_.~")

    def create_job(self, job_id, things, document, **extra):
        body = {"targets": [self.thing_arn(t) for t in things], "document": document, **extra}
        return self.call("PUT", "/jobs/" + self._label(job_id), body)

    def create_job_from_template(self, job_id, things, template, parameters=None, **extra):
        """CreateJob with an AWS managed template: `template` is its name (AWS-Reboot) or ARN."""
        arn = template if template.startswith("arn:") else \
            f"arn:aws:iot:{self.region}::jobtemplate/{template}:1.0"
        body = {"targets": [self.thing_arn(t) for t in things], "jobTemplateArn": arn, **extra}
        if parameters is not None:
            body["documentParameters"] = parameters
        return self.call("PUT", "/jobs/" + self._label(job_id), body)

    def describe_job(self, job_id):
        return self.call("GET", "/jobs/" + self._label(job_id))

    def cancel_job(self, job_id, force=False, comment=None):
        body = {"comment": comment} if comment else {}
        return self.call("PUT", f"/jobs/{self._label(job_id)}/cancel", body, "force=true" if force else "")

    def describe_job_execution(self, thing, job_id):
        return self.call("GET", f"/things/{self._label(thing)}/jobs/{self._label(job_id)}")["execution"]

    def list_job_executions_for_thing(self, thing):
        return self.call("GET", f"/things/{self._label(thing)}/jobs")["executionSummaries"]
