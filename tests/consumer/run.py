"""Uses awsc the way another project does: from an installed tree.

  run.py install --build B --prefix P   cmake --install B into P, check the layout,
                                        SONAMEs and that the shared libraries export
                                        exactly the AWSC_API functions
  run.py cmake   --prefix P --work W    project/ with find_package, shared and static,
                                        each run against a loopback server
  run.py pkgconfig --prefix P --work W  project/main.c with pkg-config and plain cc
  run.py cross   --work W               runtime + service (+ consumer) for aarch64; with
                                        no arm64 libcurl/libssl (or AWSC_CROSS_MODE=objects)
                                        compiles and links the libraries only

Each prints one line per check and ends with 'N passed, N failed'; a check that
cannot run here prints 'skipped: <why>' (ctest reports the test as skipped).
"""
import argparse
import glob
import http.server
import os
import re
import shutil
import subprocess
import sys
import threading

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
SERVICE = "iot-jobs-data-plane"
PASSED, FAILED = [], []
MODE = ["consumer"]


def check(name, ok, detail=""):
    (PASSED if ok else FAILED).append(name)
    print(("ok    " if ok else "FAIL  ") + name + ("" if ok or not detail else "\n" + detail.rstrip()))
    return ok


def run(cmd, **kw):
    return subprocess.run(cmd, capture_output=True, text=True, **kw)


def must(cmd, what, **kw):
    r = run(cmd, **kw)
    if not check(what, r.returncode == 0, " ".join(cmd) + "\n" + r.stdout[-3000:] + r.stderr[-3000:]):
        raise SystemExit(finish())
    return r


def finish():
    print(f"{MODE[0]}: {len(PASSED)} passed, {len(FAILED)} failed")
    return 1 if FAILED else 0


def skip(why):
    print(f"skipped: {why}")
    return 0


def api_functions(include_dir, header):
    """Names declared AWSC_API in an installed header: functions and `extern` data (codec tables)."""
    with open(os.path.join(include_dir, "awsc", header)) as fh:
        text = fh.read()
    return (set(re.findall(r"AWSC_API\b[^;{]*?\b(awsc_\w+)\s*\(", text))
            | set(re.findall(r"AWSC_API\s+extern\b[^;(]*?\b(awsc_\w+)\s*;", text)))


def exported(lib):
    """Defined dynamic symbols of a shared library: {name: version}."""
    out = run(["nm", "-D", "--defined-only", lib]).stdout
    syms = {}
    for line in out.splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[1] != "A":
            name, _, version = parts[2].partition("@@")
            syms[name] = version
    return syms


# ---- install -----------------------------------------------------------------

def cmd_install(a):
    shutil.rmtree(a.prefix, ignore_errors=True)
    must(["cmake", "--install", a.build, "--prefix", a.prefix], "cmake --install")
    inc, lib = os.path.join(a.prefix, "include"), os.path.join(a.prefix, "lib")
    headers = sorted(os.listdir(os.path.join(inc, "awsc")))
    check("headers installed", {"awsc.h", "schema.h", "iot_jobs_data.h"} <= set(headers), str(headers))
    check("no internal header installed", not set(headers) & {"buf.h", "error.h", "arena.h", "http.h"}, str(headers))
    libs = ["runtime", "xml", "checksums", "compression", "eventstream", "jmespath", "waiters", "cbor", SERVICE]
    for name in libs:
        check(f"libawsc-{name}.a", os.path.isfile(os.path.join(lib, f"libawsc-{name}.a")))
        check(f"awsc-{name}.pc", os.path.isfile(os.path.join(lib, "pkgconfig", f"awsc-{name}.pc")))
    for f in ("awsc-config.cmake", "awsc-config-version.cmake", "awsc-static-targets.cmake"):
        check(f"lib/cmake/awsc/{f}", os.path.isfile(os.path.join(lib, "cmake", "awsc", f)))
    xml_pc = open(os.path.join(lib, "pkgconfig", "awsc-xml.pc")).read()
    check("awsc-xml.pc requires awsc-runtime and expat",
          re.search(r"^Requires: awsc-runtime", xml_pc, re.M) is not None
          and re.search(r"^Requires(\.private)?: .*\bexpat\b", xml_pc, re.M) is not None, xml_pc)
    checksums_pc = open(os.path.join(lib, "pkgconfig", "awsc-checksums.pc")).read()
    check("awsc-checksums.pc requires awsc-runtime and zlib",
          re.search(r"^Requires: awsc-runtime", checksums_pc, re.M) is not None
          and re.search(r"^Requires(\.private)?: .*\bzlib\b", checksums_pc, re.M) is not None, checksums_pc)
    compression_pc = open(os.path.join(lib, "pkgconfig", "awsc-compression.pc")).read()
    check("awsc-compression.pc requires awsc-runtime and zlib",
          re.search(r"^Requires: awsc-runtime", compression_pc, re.M) is not None
          and re.search(r"^Requires(\.private)?: .*\bzlib\b", compression_pc, re.M) is not None, compression_pc)
    pc = open(os.path.join(lib, "pkgconfig", "awsc-runtime.pc")).read()
    check("awsc-runtime.pc prefix is the install prefix", f"prefix={a.prefix}\n" in pc, pc)
    check("awsc-runtime.pc requires libcurl and libcrypto",
          re.search(r"^Requires(\.private)?: libcurl libcrypto$", pc, re.M) is not None, pc)
    if a.shared != "ON":
        return finish()

    # Shared: a SONAME with the ABI version, and only AWSC_API functions exported, versioned.
    # awsc/xml.h declares libawsc-xml's codecs, awsc/checksums.h libawsc-checksums' engine,
    # awsc/compression.h libawsc-compression's, awsc/eventstream.h libawsc-eventstream's framing,
    # signer and engine, awsc/jmespath.h libawsc-jmespath's evaluator, awsc/waiters.h libawsc-waiters'
    # engine, awsc/cbor.h libawsc-cbor's codec; every other runtime header is libawsc-runtime's.
    runtime_headers = [os.path.basename(h) for h in glob.glob(os.path.join(ROOT, "runtime", "include", "awsc", "*.h"))
                       if os.path.basename(h) not in ("xml.h", "checksums.h", "compression.h", "eventstream.h",
                                                      "jmespath.h", "waiters.h", "cbor.h")]
    api = {"runtime": set().union(*(api_functions(inc, h) for h in runtime_headers)),
           "xml": api_functions(inc, "xml.h"),
           "checksums": api_functions(inc, "checksums.h"),
           "compression": api_functions(inc, "compression.h"),
           "eventstream": api_functions(inc, "eventstream.h"),
           "jmespath": api_functions(inc, "jmespath.h"),
           "waiters": api_functions(inc, "waiters.h"),
           "cbor": api_functions(inc, "cbor.h"),
           SERVICE: api_functions(inc, "iot_jobs_data.h")}
    for name in libs:
        so = os.path.join(lib, f"libawsc-{name}.so")
        if not check(f"libawsc-{name}.so", os.path.islink(so) and os.path.isfile(so)):
            continue
        dyn = run(["readelf", "-d", so]).stdout
        soname = re.search(r"Library soname: \[(.*?)\]", dyn)
        check(f"libawsc-{name}.so SONAME", soname is not None and re.fullmatch(
            rf"libawsc-{name}\.so\.\d+(\.\d+)?", soname.group(1)) is not None
            and os.path.exists(os.path.join(lib, soname.group(1))), dyn)
        syms = exported(so)
        check(f"libawsc-{name}.so exports exactly its AWSC_API functions", set(syms) == api[name],
              f"exported, not AWSC_API: {sorted(set(syms) - api[name])}\n"
              f"AWSC_API, not exported: {sorted(api[name] - set(syms))}")
        check(f"libawsc-{name}.so symbols are versioned AWSC_*",
              all(v.startswith("AWSC_") for v in syms.values()), str(syms))
        if name == "runtime":
            check("libawsc-runtime.so needs libcurl and libcrypto",
                  "libcurl" in dyn and "libcrypto" in dyn, dyn)
            check("libawsc-runtime.so carries no XML parser", "libexpat" not in dyn, dyn)
        if name == "xml":
            check("libawsc-xml.so needs libexpat", "libexpat" in dyn, dyn)
        if name in ("checksums", "compression", "eventstream"):
            check(f"libawsc-{name}.so needs zlib", "libz.so" in dyn, dyn)
        if name == "jmespath":
            check("libawsc-jmespath.so needs no libcurl", "libcurl" not in dyn, dyn)
        if name in ("runtime", SERVICE):
            check(f"libawsc-{name}.so carries no zlib", "libz.so" not in dyn, dyn)
    return finish()


# ---- a loopback Jobs endpoint for the consumer's one call --------------------

class Jobs(http.server.BaseHTTPRequestHandler):
    seen = []

    def do_GET(self):
        Jobs.seen.append((self.path, self.headers.get("Authorization", "")))
        body = b'{"inProgressJobs":[],"queuedJobs":[{"jobId":"job-1","queuedAt":1700000000,' \
               b'"lastUpdatedAt":1700000000,"versionNumber":1,"executionNumber":1}]}'
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def run_consumer(exe, what, env=None):
    """Runs the consumer against a loopback server and checks both of its outputs."""
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Jobs)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    Jobs.seen.clear()
    try:
        r = run([exe, f"http://127.0.0.1:{srv.server_address[1]}"], env=env, timeout=60)
    finally:
        srv.shutdown()
        srv.server_close()
    out = r.stdout + r.stderr
    check(f"{what}: validation error without sending", out.startswith("validation: validation error: thingName"), out)
    check(f"{what}: one signed call", r.returncode == 0 and "call: 0 in progress, 1 queued, first job-1" in out
          and len(Jobs.seen) == 1 and Jobs.seen[0][0] == "/things/consumer-01/jobs"
          and Jobs.seen[0][1].startswith("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/"), f"{out}\nrequests: {Jobs.seen}")


def needed(exe):
    return re.findall(r"\(NEEDED\).*\[(.*?)\]", run(["readelf", "-d", exe]).stdout)


# ---- CMake find_package ------------------------------------------------------

def cmd_cmake(a):
    kinds = [("shared", "OFF"), ("static", "ON")] if a.shared == "ON" else [("static", "ON")]
    for kind, static in kinds:
        b = os.path.join(a.work, f"cmake-{kind}")
        shutil.rmtree(b, ignore_errors=True)
        r = must(["cmake", "-S", os.path.join(HERE, "project"), "-B", b, f"-DCMAKE_PREFIX_PATH={a.prefix}",
                  f"-DAWSC_USE_STATIC_LIBS={static}", "-DCMAKE_BUILD_TYPE=Debug"],
                 f"find_package(awsc COMPONENTS {SERVICE}) [{kind}]")
        check(f"find_package picked the {kind} libraries", f"awsc 0.1.0: {kind} libraries" in r.stdout, r.stdout)
        must(["cmake", "--build", b], f"build consumer [{kind}]")
        exe = os.path.join(b, "consumer")
        libs = needed(exe)
        awsc_libs = [n for n in libs if n.startswith("libawsc-")]
        check(f"consumer [{kind}] links libawsc-*.so" if kind == "shared" else "consumer [static] needs no libawsc-*.so",
              (awsc_libs != []) == (kind == "shared"), str(libs))
        run_consumer(exe, f"cmake [{kind}]")

    # A component that is not installed fails find_package with a clear message.
    b = os.path.join(a.work, "cmake-missing")
    shutil.rmtree(b, ignore_errors=True)
    os.makedirs(b)
    with open(os.path.join(b, "CMakeLists.txt"), "w") as fh:
        fh.write("cmake_minimum_required(VERSION 3.18)\nproject(m LANGUAGES C)\n"
                 "find_package(awsc CONFIG REQUIRED COMPONENTS no-such-service)\n")
    r = run(["cmake", "-S", b, "-B", os.path.join(b, "build"), f"-DCMAKE_PREFIX_PATH={a.prefix}"])
    check("find_package fails for a service not installed",
          r.returncode != 0 and "not installed: no-such-service" in r.stderr, r.stdout + r.stderr)
    return finish()


# ---- pkg-config + cc ---------------------------------------------------------

def cmd_pkgconfig(a):
    pkg = shutil.which("pkg-config")
    if not pkg:
        return skip("pkg-config not found")
    env = dict(os.environ, PKG_CONFIG_PATH=os.path.join(a.prefix, "lib", "pkgconfig"))
    mod = f"awsc-{SERVICE}"
    flags = must([pkg, "--cflags", "--libs", mod], f"pkg-config --cflags --libs {mod}", env=env).stdout.split()
    check("pkg-config gives -lawsc-iot-jobs-data-plane -lawsc-runtime",
          "-lawsc-iot-jobs-data-plane" in flags and "-lawsc-runtime" in flags, str(flags))
    os.makedirs(a.work, exist_ok=True)
    exe = os.path.join(a.work, "consumer-pkgconfig")
    cc = os.environ.get("CC", "cc")
    must([cc, "-std=c11", "-Wall", "-Wextra", "-Werror", "-o", exe, os.path.join(HERE, "project", "main.c")] + flags,
         f"{cc} main.c $(pkg-config --cflags --libs {mod})")
    run_env = dict(os.environ, LD_LIBRARY_PATH=os.path.join(a.prefix, "lib"))
    run_consumer(exe, "pkg-config", env=run_env)
    return finish()


# ---- cross-compilation for aarch64 --------------------------------------------

def elf_machine(path):
    return re.search(r"Machine:\s*(.*)", run(["readelf", "-h", path]).stdout).group(1).strip()


def cmd_cross(a):
    gcc = shutil.which("aarch64-linux-gnu-gcc")
    if not gcc:
        return skip("aarch64-linux-gnu-gcc not found (apt-get install gcc-aarch64-linux-gnu)")
    shutil.rmtree(a.work, ignore_errors=True)
    os.makedirs(a.work)
    have_libs = os.path.exists("/usr/lib/aarch64-linux-gnu/libcurl.so") and \
        os.path.exists("/usr/lib/aarch64-linux-gnu/libcrypto.so")
    if have_libs and os.environ.get("AWSC_CROSS_MODE") != "objects":
        return cross_full(a)
    print("no arm64 libcurl/libssl dev packages (or AWSC_CROSS_MODE=objects) (dpkg --add-architecture arm64; "
          "apt-get install libcurl4-openssl-dev:arm64 libssl-dev:arm64): compiling and linking the "
          "libraries only, with the host's libcurl/OpenSSL headers")
    return cross_objects(a, gcc)


def cross_full(a):
    """The whole build with the toolchain file, installed, and the consumer linked against it."""
    tc = os.path.join(ROOT, "cmake", "toolchain-aarch64-linux-gnu.cmake")
    b, prefix = os.path.join(a.work, "build"), os.path.join(a.work, "prefix")
    must(["cmake", "-S", ROOT, "-B", b, f"-DCMAKE_TOOLCHAIN_FILE={tc}", "-DCMAKE_BUILD_TYPE=Debug",
          "-DAWSC_BUILD_TESTS=OFF", "-DAWSC_BUILD_EXAMPLES=OFF", "-DAWSC_BUILD_CLI=OFF"], "configure for aarch64")
    must(["cmake", "--build", b, "-j", str(os.cpu_count() or 2)], "build runtime and services for aarch64")
    must(["cmake", "--install", b, "--prefix", prefix], "install the aarch64 tree")
    for name in ("runtime", SERVICE):
        so = os.path.join(prefix, "lib", f"libawsc-{name}.so")
        check(f"libawsc-{name}.so is AArch64", elf_machine(so) == "AArch64", elf_machine(so))
    cb = os.path.join(a.work, "consumer")
    must(["cmake", "-S", os.path.join(HERE, "project"), "-B", cb, f"-DCMAKE_TOOLCHAIN_FILE={tc}",
          f"-DCMAKE_PREFIX_PATH={prefix}"], "find_package(awsc) for aarch64")
    must(["cmake", "--build", cb], "build the consumer for aarch64")
    exe = os.path.join(cb, "consumer")
    check("consumer is an AArch64 executable", elf_machine(exe) == "AArch64", elf_machine(exe))
    return finish()


def cross_objects(a, gcc):
    """Without arm64 libraries: every source compiled with the cross compiler, and the
    two shared libraries linked (libcurl and OpenSSL left undefined)."""
    flags = ["-std=c11", "-Wall", "-Wextra", "-Werror", "-fPIC", "-fvisibility=hidden",
             "-D_POSIX_C_SOURCE=200809L", "-D_DEFAULT_SOURCE", "-I" + os.path.join(ROOT, "runtime", "include"),
             # Host headers for libcurl/OpenSSL, searched after the cross compiler's own libc.
             "-idirafter", "/usr/include/x86_64-linux-gnu", "-idirafter", "/usr/include"]
    svc = os.path.join(ROOT, "generated", SERVICE)
    # The core runtime: every module folder but the optional libraries (cmake/Library.cmake's
    # AWSC_RUNTIME_LIBRARIES and the credential plug-ins).
    core = [c for c in glob.glob(os.path.join(ROOT, "runtime", "**", "*.c"), recursive=True)
            if not os.path.relpath(c, ROOT).startswith(("runtime/serde/xml/", "runtime/sts/", "runtime/sso/",
                                                         "runtime/checksums/", "runtime/compression/",
                                                         "runtime/sigv4a/", "runtime/serde/eventstream/",
                                                         "runtime/jmespath/", "runtime/serde/cbor/",
                                                         "runtime/waiters/", "runtime/transfer/"))]
    units = {"runtime": sorted(core),
             # compiled only (no arm64 zlib to link): its ARMv8 CRC and PMULL paths build for aarch64
             "checksums": sorted(glob.glob(os.path.join(ROOT, "runtime", "checksums", "*.c"))),
             SERVICE: sorted(glob.glob(os.path.join(svc, "src", "*.c"))),
             "consumer": [os.path.join(HERE, "project", "main.c")]}
    extra = {"runtime": ["-I" + os.path.join(ROOT, "runtime")], "checksums": ["-I" + os.path.join(ROOT, "runtime")],
             SERVICE: ["-I" + os.path.join(svc, "include")],
             "consumer": ["-I" + os.path.join(svc, "include")]}
    objs = {}
    for name, srcs in units.items():
        objs[name] = []
        for src in srcs:
            o = os.path.join(a.work, name + "-" + os.path.basename(src) + ".o")
            r = run([gcc] + flags + extra[name] + ["-c", src, "-o", o])
            if not check(f"aarch64 cc -c {os.path.relpath(src, ROOT)}", r.returncode == 0, r.stderr):
                continue
            objs[name].append(o)
    bad = [o for os_ in objs.values() for o in os_ if elf_machine(o) != "AArch64"]
    check("every object is AArch64", not bad, str(bad))
    version_script = "-Wl,--version-script=" + os.path.join(ROOT, "cmake", "awsc.map")
    so_rt = os.path.join(a.work, "libawsc-runtime.so")
    must([gcc, "-shared", "-o", so_rt, "-Wl,-soname,libawsc-runtime.so.0", version_script] + objs["runtime"],
         "aarch64 link libawsc-runtime.so")
    so_svc = os.path.join(a.work, f"libawsc-{SERVICE}.so")
    must([gcc, "-shared", "-o", so_svc, version_script, "-Wl,--no-undefined"] + objs[SERVICE] + [so_rt],
         f"aarch64 link libawsc-{SERVICE}.so against the runtime, nothing undefined")
    check("aarch64 libraries export awsc_* only",
          all(n.startswith("awsc_") for so in (so_rt, so_svc) for n in exported(so)),
          str([n for so in (so_rt, so_svc) for n in exported(so) if not n.startswith("awsc_")]))
    return finish()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("mode", choices=["install", "cmake", "pkgconfig", "cross"])
    ap.add_argument("--build")
    ap.add_argument("--prefix")
    ap.add_argument("--work")
    ap.add_argument("--shared", default="ON")
    a = ap.parse_args()
    for k in ("prefix", "work", "build"):
        if getattr(a, k):
            setattr(a, k, os.path.abspath(getattr(a, k)))
    MODE[0] = f"consumer-{a.mode}"
    try:
        return {"install": cmd_install, "cmake": cmd_cmake, "pkgconfig": cmd_pkgconfig, "cross": cmd_cross}[a.mode](a)
    except SystemExit as e:
        return e.code


if __name__ == "__main__":
    sys.exit(main())
