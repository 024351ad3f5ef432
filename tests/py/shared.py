"""Access to ../shared (public reference data read at run time, never copied)."""
import os
import unittest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SHARED = os.path.join(os.path.dirname(ROOT), "shared")


def skip_or_fail(test, reason):
    """Missing optional tooling: skip `test` visibly, but fail it when CI=true."""
    if os.environ.get("CI") == "true":
        test.fail("%s (CI=true, so this is a failure)" % reason)
    import sys
    print("\nSKIP: %s" % reason, file=sys.stderr)
    test.skipTest(reason)


INTEROP_DIR = os.path.join(ROOT, "tests", "interop")


def require_js_peers(test, packages, what):
    """node and the pinned JS packages (tests/interop's lock) that `what` needs; skip_or_fail without them."""
    import shutil
    if shutil.which("node") is None:
        skip_or_fail(test, "node is not installed; %s needs it" % what)
    missing = sorted(p for p in packages if not os.path.isdir(os.path.join(INTEROP_DIR, "node_modules", p)))
    if missing:
        skip_or_fail(test, "tests/interop/node_modules lacks %s; run `npm ci --prefix tests/interop`"
                     % ", ".join(missing))


def require(path):
    """The path under ../shared; skips visibly when absent, fails when CI=true."""
    full = os.path.join(SHARED, path)
    if not os.path.exists(full):
        msg = f"../shared/{path} is absent"
        if os.environ.get("CI") == "true":
            raise AssertionError(msg + " (required when CI=true)")
        print(f"SKIP: {msg}")
        raise unittest.SkipTest(msg)
    return full


# The official models the end-to-end CLI tests drive (one protocol each: awsJson1_0,
# restXml, awsQuery). They share one build tree, made once: building the CLI is most of
# what these tests cost.
CLI_SERVICES = ("dynamodb", "route-53", "sts")


def shared_models_cli():
    """The `awsc` CLI built with CLI_SERVICES generated from ../shared/models/aws.

    Safe when several test processes ask at once (ctest -j): a lock file serializes the
    configure and build, and a finished tree is only checked by CMake, not rebuilt.
    """
    import fcntl
    import subprocess
    import sys

    models = os.path.dirname(require("models/aws/sts.json"))
    out = os.path.join(os.environ.get("AWSC_BINARY_DIR", os.path.join(ROOT, "build")), "shared-models-cli")
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(out, ".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        r = subprocess.run(["cmake", "-S", ROOT, "-B", out, f"-DAWSC_MODEL_DIRS={models}", "-DAWSC_MODEL_DIRS_REPLACE=ON",
                            f"-DAWSC_SERVICES={';'.join(CLI_SERVICES)}", "-DAWSC_BUILD_TESTS=OFF",
                            "-DAWSC_BUILD_EXAMPLES=OFF", "-DAWSC_INSTALL=OFF", "-DCMAKE_BUILD_TYPE=Debug",
                            f"-DAWSC_PYTHON={os.environ.get('AWSC_PYTHON', sys.executable)}"],
                           capture_output=True, text=True)
        assert r.returncode == 0, r.stdout[-4000:] + r.stderr[-4000:]
        r = subprocess.run(["cmake", "--build", out, "--target", "awsc", "-j", "2"], capture_output=True, text=True)
        assert r.returncode == 0, r.stdout[-4000:] + r.stderr[-4000:]
    return os.path.join(out, "bin", "awsc")


def extract_fleet(dest, stems=None):
    """Extracts ../shared/models/aws-fleet.tar.xz (the official models) into `dest`: all of
    them, or those named in `stems` ("s3", "glacier").

    Returns the model files, sorted; skips visibly when the archive is absent (fails when
    CI=true). The models are read at run time only, never copied into the project. Python's
    own lzma reads the archive: no xz program is needed.
    """
    import tarfile

    archive = require("models/aws-fleet.tar.xz")
    with tarfile.open(archive) as tar:
        members = [m for m in tar.getmembers() if m.isfile() and m.name.endswith(".json")
                   and not m.name.startswith("/") and ".." not in m.name.split("/")
                   and (stems is None or os.path.basename(m.name)[:-len(".json")] in stems)]
        tar.extractall(dest, members=members)
    return sorted(os.path.join(dest, m.name) for m in members)
