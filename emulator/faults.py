"""Fault injection for data-plane requests (`--faults SPEC`).

SPEC is a comma-separated list of settings:

    rate=0.2            fault this fraction of data-plane requests at random
    seed=7              seed of that random choice (default 0: reproducible)
    kinds=429+503+close kinds picked at random (default: all but lostreply)
    script=503,503,ok   faults for successive data-plane requests, one each
                        (`ok` = no fault); after the script runs out, `rate`
                        applies. Tokens without `=` continue the script.
    delay=2             seconds the `slow` kind stalls (default 3)
    off                 no faults (the debug endpoint is still served)

Kinds: 429 (ThrottlingException), 500 (InternalServerException), 502, 503
(ServiceUnavailableException), 504, close (drop the connection without a
reply), truncate (headers with a Content-Length larger than the body sent,
then close), garbage (200 with a body that is not JSON), slow (stall `delay`
seconds, then 503), lostreply (apply the request, then close without a
reply). Every kind but lostreply answers before the request reaches the
store, so a faulted request never changes state. Control-plane requests are
never faulted.

Debug endpoint (unsigned, served only when --faults is given):
    GET  /_faults  -> {"spec", "requests": [...], "succeeded": {...}}
    POST /_faults  body = a new SPEC: replaces the faults and clears the log
`requests` lists every data-plane request in arrival order: operation,
labels, the `amz-sdk-invocation-id` and `amz-sdk-request` headers, the
clientToken of the body (if any) and the fault applied (`ok` for none).
`succeeded` maps "thing/jobId" to how many times that execution moved to
SUCCEEDED (a correct client and service keep it at 1).
"""

import json
import random
import threading

# kind -> (HTTP status, x-amzn-errortype or None) for plain error replies
ERRORS = {
    "429": (429, "ThrottlingException"),
    "500": (500, "InternalServerException"),
    "502": (502, None),
    "503": (503, "ServiceUnavailableException"),
    "504": (504, None),
}
ACTIONS = ("close", "truncate", "garbage", "slow", "lostreply")
KINDS = tuple(ERRORS) + ACTIONS
OK = "ok"


class SpecError(ValueError):
    pass


class FaultSpec:
    def __init__(self, rate=0.0, seed=0, kinds=None, script=(), delay=3.0):
        self.rate, self.seed, self.delay = rate, seed, delay
        self.kinds = tuple(kinds) if kinds else tuple(
            k for k in KINDS if k != "lostreply")
        self.script = tuple(script)


def _kind(token):
    if token not in KINDS and token != OK:
        raise SpecError("unknown fault kind %r (expected one of %s or ok)"
                        % (token, ", ".join(KINDS)))
    return token


def parse_spec(text):
    """Parse a SPEC string into a FaultSpec; raise SpecError if malformed."""
    settings = {"script": []}
    in_script = False
    for token in (t.strip() for t in (text or "").split(",")):
        if not token or token == "off":
            in_script = False
            continue
        key, eq, value = token.partition("=")
        if not eq:
            if not in_script:
                raise SpecError("%r is not KEY=VALUE" % token)
            settings["script"].append(_kind(token))
            continue
        in_script = key == "script"
        if key in settings and key != "script":
            raise SpecError("%s given twice" % key)
        try:
            if key == "rate":
                settings["rate"] = float(value)
                if not 0.0 <= settings["rate"] <= 1.0:
                    raise SpecError("rate must be between 0 and 1")
            elif key == "seed":
                settings["seed"] = int(value)
            elif key == "delay":
                settings["delay"] = float(value)
                if not 0.0 <= settings["delay"] <= 3600:
                    raise SpecError("delay must be 0-3600 seconds")
            elif key == "kinds":
                settings["kinds"] = [_kind(k) for k in value.split("+")]
                if OK in settings["kinds"]:
                    raise SpecError("kinds lists faults; ok is not one")
            elif key == "script":
                if value:
                    settings["script"].append(_kind(value))
            else:
                raise SpecError("unknown setting %r" % key)
        except ValueError as e:
            if isinstance(e, SpecError):
                raise
            raise SpecError("bad value for %s: %r" % (key, value))
    return FaultSpec(**settings)


def _header(headers, name):
    for k, v in headers:
        if k.lower() == name:
            return v
    return None


class Faults:
    """The fault plan plus the request log and SUCCEEDED counts (thread-safe)."""

    def __init__(self, spec):
        self._lock = threading.Lock()
        self.succeeded = {}
        self.reset(spec)

    def reset(self, spec):
        """Install a new spec (text or FaultSpec) and clear the request log."""
        if not isinstance(spec, FaultSpec):
            text, spec = spec, parse_spec(spec)
        else:
            text = None
        with self._lock:
            self.text = text
            self.spec = spec
            self._script = list(spec.script)
            self._random = random.Random(spec.seed)
            self.requests = []

    def next_kind(self):
        """The fault for the next data-plane request (OK for none)."""
        with self._lock:
            return self._next_locked()

    def _next_locked(self):
        if self._script:
            return self._script.pop(0)
        if self.spec.rate > 0 and self._random.random() < self.spec.rate:
            return self._random.choice(self.spec.kinds)
        return OK

    def on_request(self, operation, labels, req):
        """Pick the fault for a data-plane request and log the request."""
        token = None
        if req.body:
            try:
                body = json.loads(req.body)
                if isinstance(body, dict):
                    token = body.get("clientToken")
            except (ValueError, RecursionError):
                pass
        with self._lock:
            kind = self._next_locked()
            self.requests.append({
                "operation": operation,
                "labels": list(labels),
                "invocationId": _header(req.headers,
                                        "amz-sdk-invocation-id"),
                "sdkRequest": _header(req.headers, "amz-sdk-request"),
                "clientToken": token,
                "fault": kind,
            })
        return kind

    def note_succeeded(self, thing, job_id):
        with self._lock:
            key = "%s/%s" % (thing, job_id)
            self.succeeded[key] = self.succeeded.get(key, 0) + 1

    def snapshot(self):
        with self._lock:
            return {"spec": self.text, "requests": list(self.requests),
                    "succeeded": dict(self.succeeded)}
