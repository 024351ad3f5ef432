"""Loopback HTTP server that records every request it receives.

Used by the interop tests: two clients send the same logical call here and
the test compares what arrived on the wire. Stdlib only.
"""

import http.server
import json
import threading

# Canned 200 bodies: each is a valid output for its operation, so a client
# that parses the response does not fail for a reason unrelated to the request.
_CANNED = {
    "StartCommandExecution": {"executionId": "interop-exec-1"},
    "GetPendingJobExecutions": {"inProgressJobs": [], "queuedJobs": []},
    "UpdateJobExecution": {},
    "DescribeJobExecution": {},
    "StartNextPendingJobExecution": {},
}


def guess_operation(method, path):
    """Map method + path to the IoT Jobs operation it addresses (best effort)."""
    path = path.split("?", 1)[0]
    parts = path.strip("/").split("/")
    if method == "POST" and path == "/command-executions":
        return "StartCommandExecution"
    if len(parts) >= 3 and parts[0] == "things" and parts[2] == "jobs":
        if len(parts) == 3 and method == "GET":
            return "GetPendingJobExecutions"
        if len(parts) == 4:
            if method == "PUT" and parts[3] == "$next":
                return "StartNextPendingJobExecution"
            if method == "GET":
                return "DescribeJobExecution"
            if method == "POST":
                return "UpdateJobExecution"
    return None


class RecordedRequest:
    """One request as received: raw target, headers in order, body bytes."""

    def __init__(self, method, target, headers, body):
        self.method = method
        self.target = target  # path + '?' + query exactly as on the wire
        self.headers = headers  # list of (name, value), as received
        self.body = body

    @property
    def path(self):
        return self.target.split("?", 1)[0]

    @property
    def query(self):
        return self.target.split("?", 1)[1] if "?" in self.target else ""

    @property
    def has_query(self):
        return "?" in self.target

    def header(self, name):
        """First value of a header (case-insensitive), or None."""
        name = name.lower()
        for k, v in self.headers:
            if k.lower() == name:
                return v
        return None

    def __repr__(self):
        return "RecordedRequest(%s %s, %d body bytes)" % (
            self.method, self.target, len(self.body))


class _Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive

    def _handle(self):
        length = self.headers.get("Content-Length")
        if length is not None:
            body = self.rfile.read(int(length))
        elif self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            body = self._read_chunked()
        else:
            body = b""
        # The target as sent: self.path has had a leading '//' collapsed
        # (http.server does that since Python 3.11), which S3 keys can hold.
        target = self.raw_requestline.decode("latin-1").split(" ")[1]
        rec = RecordedRequest(self.command, target,
                              list(self.headers.items()), body)
        # Queued answers (answer()) first, then respond_with()'s list, else the JSON defaults.
        canned = self.server.recorder._add(rec)
        if canned is None:
            canned = self.server.recorder._next_response()
        if canned is not None and any(k.lower() == "content-length" for k, _ in canned[1]):
            self._send_canned(*canned)
            return
        if canned is None:
            op = guess_operation(self.command, self.path)
            canned = (200, [("Content-Type", "application/json")],
                      json.dumps(_CANNED.get(op, {})).encode())
        status, headers, out = canned
        self.send_response(status)
        for k, v in headers:
            self.send_header(k, v)
        if not any(k.lower() == "x-amzn-requestid" for k, _ in headers):
            self.send_header("x-amzn-RequestId", "interop-request-id")
        self.send_header("Content-Length", str(len(out)))
        self.end_headers()
        self.wfile.write(out)

    def _send_canned(self, status, headers, body):
        self.send_response(status)
        names = {k.lower() for k, _ in headers}
        for k, v in headers:
            self.send_header(k, v)
        if "content-length" not in names:
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _read_chunked(self):
        data = b""
        while True:
            size = int(self.rfile.readline().split(b";")[0].strip(), 16)
            if size == 0:
                # trailers up to the empty line
                while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                    pass
                return data
            data += self.rfile.read(size)
            self.rfile.readline()

    do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = do_HEAD = _handle

    def log_message(self, fmt, *args):  # keep test output clean
        pass


class Recorder:
    """Context manager: `with Recorder() as rec: ... rec.url, rec.take()`."""

    def __init__(self):
        self._lock = threading.Lock()
        self._requests = []
        self._responses = []
        self._default = None
        self._answers = []  # canned (status, headers, body), one per request, in order
        self._server = http.server.ThreadingHTTPServer(("127.0.0.1", 0),
                                                       _Handler)
        self._server.daemon_threads = True
        self._server.recorder = self
        self._thread = None

    @property
    def url(self):
        return "http://127.0.0.1:%d" % self._server.server_address[1]

    @property
    def host(self):
        return "127.0.0.1:%d" % self._server.server_address[1]

    def _add(self, rec):
        """Records a request; returns the next queued answer, or None."""
        with self._lock:
            self._requests.append(rec)
            return self._answers.pop(0) if self._answers else None

    def answer(self, status, headers, body):
        """Queues the answer to one request (in order); unqueued requests get the IoT Jobs default."""
        with self._lock:
            self._answers.append((status, list(headers), body))

    def clear_answers(self):
        with self._lock:
            self._answers = []

    def respond_with(self, responses, default=None):
        """Answer the next requests with `responses` in order, then `default`.

        Each is (status, [(header, value), ...], body bytes); a Content-Length
        is added when absent. With neither, the JSON answers above are used.
        """
        with self._lock:
            self._responses = list(responses)
            self._default = default

    def _next_response(self):
        with self._lock:
            if self._responses:
                return self._responses.pop(0)
            return self._default

    def take(self):
        """Return and forget the requests recorded so far."""
        with self._lock:
            out, self._requests = self._requests, []
        return out

    def start(self):
        self._thread = threading.Thread(target=self._server.serve_forever,
                                        kwargs={"poll_interval": 0.05},
                                        daemon=True)
        self._thread.start()
        return self

    def stop(self):
        self._server.shutdown()
        self._server.server_close()
        if self._thread:
            self._thread.join(5)

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()
