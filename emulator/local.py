"""awsc-local: the local IoT Jobs service for a person at a shell.

    awsc-local [--port N] [--state FILE] [--faults SPEC] [--region R] ...

The same service as `python3 -m emulator` (every option of it is accepted),
with credentials that default to a fixed local pair, and, once it listens,
the endpoint and those credentials printed as lines a shell can paste or
eval:

    export AWS_ENDPOINT_URL=http://127.0.0.1:40123
    export AWS_REGION=us-east-1
    export AWS_ACCESS_KEY_ID=AKIDAWSCLOCAL
    export AWS_SECRET_ACCESS_KEY=awsc-local-secret
    unset AWS_SESSION_TOKEN

Every other line it prints starts with `#`, so the whole output can be
sourced. Ctrl-C (SIGINT) or SIGTERM stops it; with --state the jobs are in
FILE (saved after every change) for the next start.
"""

import shlex
import sys

from . import __main__ as cli

ACCESS_KEY, SECRET = "AKIDAWSCLOCAL", "awsc-local-secret"
PROG = "awsc-local"


def export_lines(url, region, credentials):
    """The shell lines that point awsc (and the AWS SDKs) at the service."""
    akid, (secret, token) = credentials
    lines = ["export AWS_ENDPOINT_URL=%s" % url,
             "export AWS_REGION=%s" % shlex.quote(region),
             "export AWS_ACCESS_KEY_ID=%s" % shlex.quote(akid),
             "export AWS_SECRET_ACCESS_KEY=%s" % shlex.quote(secret)]
    lines.append("export AWS_SESSION_TOKEN=%s" % shlex.quote(token)
                 if token is not None else "unset AWS_SESSION_TOKEN")
    return lines


def main(argv=None):
    seen = {}

    def announce(url, args):
        seen["args"] = args
        print("# %s: the local AWS IoT Jobs service is listening "
              "(awsc iot, awsc iot-jobs-data)." % PROG)
        print("# Paste these lines into the shell you run awsc from:")
        for line in export_lines(url, args.region, args.credentials[0]):
            print(line)
        print("# Thing ARNs: arn:aws:iot:%s:%s:thing/NAME" % (args.region, args.account))
        print("# State: %s. Ctrl-C stops the service." %
              ("%s (saved after every change)" % args.state
               if args.state else "in memory only (--state FILE keeps it)"))
        sys.stdout.flush()

    rc = cli.main(argv, prog=PROG, announce=announce,
                  default_credentials="%s:%s" % (ACCESS_KEY, SECRET),
                  description="The local AWS IoT Jobs service (the IoT "
                  "control plane's jobs and the devices' Jobs data plane), "
                  "on 127.0.0.1, for trying awsc by hand.")
    args = seen.get("args")
    if rc == 0 and args is not None:
        print("# %s: stopped%s." % (PROG, "; the jobs are saved in %s" % args.state
                                    if args.state else ""), file=sys.stderr, flush=True)
    return rc


if __name__ == "__main__":
    sys.exit(main())
