"""python3 -m codegen --model FILE [--service SHAPE_ID] [--name NAME] --out DIR

Writes DIR/<model file stem>/include/awsc/<name>.h and src/<name>.c, where
<name> defaults to the AWS CLI's name for the service (e.g. iot-jobs-data ->
iot_jobs_data). Output is deterministic: the same model gives the same bytes.
"""

import argparse
import os
import sys

from .errors import GenerationError
from .model import Model
from .writer import ServiceWriter


def generate(model_path, out_dir, service_id=None, name=None, with_writer=False, protocol=None):
    """Writes the service's files; returns their paths (and the writer, for reports)."""
    model = Model.load(model_path)
    writer = ServiceWriter(model, model.service(service_id), name, protocol)
    stem = os.path.splitext(os.path.basename(model_path.split(os.pathsep)[0]))[0]
    files = writer.render()
    written = []
    for rel, text in sorted(files.items()):
        path = os.path.join(out_dir, stem, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        try:
            with open(path, encoding="utf-8", newline="") as fh:
                unchanged = fh.read() == text
        except (OSError, UnicodeDecodeError):
            unchanged = False
        if not unchanged:  # an unchanged file keeps its mtime: a reconfigure does not rebuild it
            with open(path, "w", encoding="utf-8", newline="\n") as fh:
                fh.write(text)
        written.append(path)
    return (written, writer) if with_writer else written


def main(argv=None):
    ap = argparse.ArgumentParser(prog="python3 -m codegen", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", required=True, help="Smithy JSON AST model file")
    ap.add_argument("--service", help="service shape id, when the model has several")
    ap.add_argument("--name", help="service name for C symbols and the CLI (default: the AWS CLI's name for it)")
    ap.add_argument("--protocol", help="one of the protocols the model offers (default: the first of restJson1, "
                    "restXml, awsJson1_0, awsJson1_1, rpcv2Cbor, awsQuery, ec2Query it offers)")
    ap.add_argument("--out", required=True, help="output folder (e.g. generated)")
    ap.add_argument("--quiet", action="store_true")
    args = ap.parse_args(argv)
    try:
        for path in generate(args.model, args.out, args.service, args.name, protocol=args.protocol):
            if not args.quiet:
                print(f"wrote {path}")
    except GenerationError as e:
        print(f"codegen: error: {args.model}: {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
