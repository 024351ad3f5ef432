"""Command line: python3 -m emulator --port 0 --credentials AKID:SECRET[:TOKEN]

`awsc-local` (emulator/local.py) is the same service for a person at a shell:
credentials default to a fixed local pair, and it prints `export` lines instead
of the one ready line the tests read.
"""

import argparse
import signal
import sys
import threading

from . import faults as faultlib
from .server import EmulatorServer
from .presign import Presigner
from .store import Store, SystemClock


def parse_credentials(text):
    parts = text.split(":", 2)
    if len(parts) < 2 or not parts[0] or not parts[1]:
        raise argparse.ArgumentTypeError(
            "expected AKID:SECRET or AKID:SECRET:TOKEN, got %r" % text)
    return parts[0], (parts[1], parts[2] if len(parts) == 3 else None)


def main(argv=None, prog="python3 -m emulator", announce=None,
         default_credentials=None, description=None):
    """Parse argv, serve until SIGTERM/SIGINT, return the exit status.

    announce(url, args) prints what a caller needs once the port is bound
    (default: the one ready line); default_credentials, when given, makes
    --credentials optional.
    """
    ap = argparse.ArgumentParser(
        prog=prog,
        description=description or "Local AWS IoT Jobs service (data plane "
                    "and a control-plane subset) with SigV4 checking.")
    ap.add_argument("--port", type=int, default=0,
                    help="TCP port on 127.0.0.1 (0 picks a free one)")
    ap.add_argument("--credentials", type=parse_credentials, action="append",
                    required=default_credentials is None,
                    metavar="AKID:SECRET[:TOKEN]",
                    help="accepted credentials; repeat for more" +
                    (" (default %s)" % default_credentials
                     if default_credentials else ""))
    ap.add_argument("--region", default="us-east-1")
    ap.add_argument("--account", default="123456789012")
    ap.add_argument("--state", metavar="FILE",
                    help="load state from FILE and save it after every change")
    ap.add_argument("--verbose", action="store_true",
                    help="log requests and signature mismatch details")
    ap.add_argument("--faults", metavar="SPEC",
                    help="inject faults into data-plane requests, e.g. "
                         "rate=0.2,seed=7,kinds=429+503+close or "
                         "script=503,503,ok (see emulator/faults.py); also "
                         "serves GET/POST /_faults")
    ap.add_argument("--timeout", type=float, default=60.0, metavar="SECONDS",
                    help="close a connection that makes no progress for "
                         "this long (half-sent request or idle keep-alive)")
    ap.add_argument("--max-connections", type=int, default=256, metavar="N",
                    help="connections served at once; more are answered "
                         "503 and closed")
    ap.add_argument("--minute-seconds", type=float, default=60.0,
                    metavar="SECONDS",
                    help="length of a timer minute (stepTimeoutInMinutes, "
                         "inProgressTimeoutInMinutes); tests shorten it")
    ap.add_argument("--s3-endpoint", metavar="URL",
                    help="a local S3 (e.g. moto) against which "
                         "${aws:iot:s3-presigned-url:...} placeholders in job "
                         "documents are presigned when delivered")
    ap.add_argument("--s3-credentials", type=parse_credentials,
                    metavar="AKID:SECRET",
                    help="keys that sign those URLs (default: the first "
                         "--credentials)")
    args = ap.parse_args(argv)
    if not args.credentials:
        args.credentials = [parse_credentials(default_credentials)]
    if not 0 <= args.port <= 65535:
        ap.error("--port must be 0-65535")
    if args.minute_seconds <= 0:
        ap.error("--minute-seconds must be positive")
    if args.timeout <= 0 or args.max_connections < 1:
        ap.error("--timeout and --max-connections must be positive")
    faults = None
    if args.faults is not None:
        try:
            faults = faultlib.Faults(args.faults)
        except faultlib.SpecError as e:
            ap.error("--faults: %s" % e)
    if not (len(args.account) == 12 and args.account.isdigit()):
        ap.error("--account must be 12 digits")

    try:
        presigner = None
        if args.s3_endpoint:
            akid, (secret, _token) = args.s3_credentials or args.credentials[0]
            presigner = Presigner(args.s3_endpoint, akid, secret, args.region,
                                  SystemClock())
        store = Store(region=args.region, account=args.account,
                      state_file=args.state,
                      minute_seconds=args.minute_seconds,
                      presigner=presigner)
    except (OSError, ValueError) as e:
        print("awsc-jobs-emulator: cannot load state: %s" % e,
              file=sys.stderr)
        return 1
    try:
        server = EmulatorServer(args.port, dict(args.credentials), store,
                                verbose=args.verbose, faults=faults,
                                connection_timeout=args.timeout,
                                max_connections=args.max_connections)
    except OSError as e:
        print("%s: cannot listen on 127.0.0.1:%d: %s"
              % (prog, args.port, e.strerror or e), file=sys.stderr)
        return 1

    def stop(signum, frame):
        # shutdown() blocks until serve_forever returns: call it elsewhere.
        threading.Thread(target=server.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    if announce is None:
        print("awsc-jobs-emulator listening on %s" % server.url, flush=True)
    else:
        announce(server.url, args)
    try:
        server.serve_forever()
    finally:
        server.server_close()
        # A request thread half way through a change finishes (and saves it)
        # before the process exits: every change holds the store's lock.
        with store.lock:
            pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
