#!/usr/bin/python3
"""What a JSON-only device links, from the linker's map of bench/src/one_call.c.

    bench/footprint.py [MINSIZEREL_BUILD_DIR]   link one_call from that build (default bench/build/minsize)
                                                and print its per-module footprint as JSON

bench/run imports it. The program is linked as bench/run links it (-Os, --gc-sections, -s) with
-Wl,-Map; every input section the linker kept from a libawsc-*.a archive and that the program
loads with contents (text, rodata, eh_frame, data: what `size` counts as text+data, .bss not)
is charged to its module (runtime/<module>, or `client` for the generated IoT Jobs client).
Every other libawsc-*.a of the build is on the link line too, so that the proof that
--gc-sections (and the archives' extraction) keep them out means something: none of their
members, and nothing of the optional modules, may appear in the map.
"""
import collections
import glob
import json
import os
import re
import subprocess
import sys

BENCH = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(BENCH)
CLIENT_STEM = "iot-jobs-data-plane"
# Modules a JSON-only device must not carry (the optional libraries' sources).
OPTIONAL_MODULES = ("serde/cbor", "serde/xml", "serde/eventstream", "checksums", "compression", "transfer",
                    "sso", "sts", "sigv4a", "waiters", "jmespath")
ARCHIVE_MEMBER = re.compile(r"(?:^|/)(libawsc[-_][^/()]*)\.a\(([^)]+)\)$")


def _sources_by_name():
    """Object basename (client.c.o) -> the runtime modules whose folder has that source."""
    res = collections.defaultdict(list)
    base = os.path.join(ROOT, "runtime")
    for d, _dirs, files in os.walk(base):
        for f in files:
            if f.endswith(".c"):
                res[f + ".o"].append(os.path.relpath(d, base))
    return res


def _lib_stem(lib):
    return lib[len("libawsc-"):]


def module_of(lib, member, sources):
    """runtime/<module>, `client`, or <library>/<member> for what is neither."""
    stem = _lib_stem(lib)
    if stem.replace("_", "-") == CLIENT_STEM:
        return "client"
    mods = sources.get(member, [])
    if len(mods) > 1:  # crc32.c: checksums and serde/eventstream; the library names the one
        mods = [m for m in mods if m.replace("serde/", "") == stem] or mods
    return f"runtime/{mods[0]}" if mods else f"{stem}/{member}"


def loaded_sections(program):
    """Output sections the program loads with contents: allocated and not NOBITS."""
    out = subprocess.run(["readelf", "-SW", program], capture_output=True, text=True, check=True).stdout
    res = set()
    for line in out.splitlines():
        m = re.match(r"\s*\[\s*\d+\]\s+(\S+)\s+(\S+)\s+[0-9a-f]+\s+[0-9a-f]+\s+[0-9a-f]+\s+[0-9a-f]+\s+(\S*)\s", line)
        if m and "A" in m.group(3) and m.group(2) != "NOBITS":
            res.add(m.group(1))
    return res


def kind_of(out_sec):
    if out_sec == ".eh_frame":
        return "eh_frame"
    if out_sec.startswith(".rodata"):
        return "rodata"
    if out_sec in (".text", ".init", ".fini"):
        return "text"
    return "data"


def parse_map(map_text):
    """(members the archives gave up, [(output section, input section, size, lib, member)])."""
    extracted = []
    head, sep, memory = map_text.partition("Linker script and memory map")
    if not sep:
        raise RuntimeError("no memory map in the linker's map file")
    for line in head.split("Discarded input sections")[0].splitlines():
        m = ARCHIVE_MEMBER.search(line.strip()) if line and not line[0].isspace() else None
        if m:
            extracted.append((m.group(1), m.group(2)))
    kept, out_sec, pending = [], None, None
    for line in memory.splitlines():
        if not line.strip():
            continue
        if not line[0].isspace():
            out_sec, pending = line.split()[0], None
            continue
        m = re.match(r"^ (\S+)\s+0x[0-9a-f]+\s+0x([0-9a-f]+)\s+(\S.*)$", line)
        if m:
            name, size, where = m.groups()
        else:
            m2 = re.match(r"^ (\S+)$", line)
            if m2:
                pending = m2.group(1)
                continue
            m3 = re.match(r"^\s+0x[0-9a-f]+\s+0x([0-9a-f]+)\s+(\S.*)$", line)
            if not (m3 and pending):
                pending = None
                continue
            name, size, where = pending, m3.group(1), m3.group(2)
        pending = None
        if name.startswith("*"):  # *fill*, *(patterns)
            continue
        a = ARCHIVE_MEMBER.search(where.strip())
        if a:
            kept.append((out_sec, name, int(size, 16), a.group(1), a.group(2)))
    return extracted, kept


def footprint_from_map(map_path, program, linked_archives):
    sources = _sources_by_name()
    with open(map_path) as f:
        extracted, kept = parse_map(f.read())
    loaded = loaded_sections(program)
    modules = collections.defaultdict(lambda: {"text": 0, "rodata": 0, "eh_frame": 0, "data": 0})
    objects = collections.Counter()
    for out_sec, _name, size, lib, member in kept:
        if out_sec not in loaded or size == 0:
            continue
        mod = module_of(lib, member, sources)
        modules[mod][kind_of(out_sec)] += size
        objects[f"{mod}/{member[:-2] if member.endswith('.c.o') else member}"] += size
    total = sum(sum(v.values()) for v in modules.values())
    per_module = {}
    for mod, v in sorted(modules.items(), key=lambda kv: -sum(kv[1].values())):
        per_module[mod] = dict(v, kib=round(sum(v.values()) / 1024, 1))
    allowed = {"libawsc-runtime", f"libawsc-{CLIENT_STEM}", f"libawsc_{CLIENT_STEM.replace('-', '_')}"}
    bad_members = sorted({f"{lib}.a({member})" for lib, member in extracted if lib not in allowed} |
                         {f"{lib}.a({member})" for _o, _n, _s, lib, member in kept if lib not in allowed})
    bad_modules = sorted({m for lib, member in extracted for m in [module_of(lib, member, sources)]
                          if any(m == f"runtime/{o}" or m.startswith(f"runtime/{o}/") for o in OPTIONAL_MODULES)})
    proof = {
        "linked_archives": sorted(os.path.basename(a) for a in linked_archives),
        "optional_modules": list(OPTIONAL_MODULES),
        "optional_members_in_map": bad_members,
        "optional_modules_in_map": bad_modules,
        "pass": not bad_members and not bad_modules,
    }
    return {
        "kib": round(total / 1024, 1),
        "bytes": total,
        "what": "input sections kept from libawsc-*.a in one_call's link map (text, rodata, eh_frame, data)",
        "modules": per_module,
        "objects_kib": {k: round(v / 1024, 1) for k, v in objects.most_common()},
        "gc_sections_proof": proof,
    }


def link_one_call(small, out_dir, cc=None):
    """bench/run's one_call link (the client, then every optional library, then the runtime)."""
    cc = cc or os.environ.get("CC", "cc")
    archives = sorted(glob.glob(os.path.join(small, "**", "libawsc*.a"), recursive=True))
    runtime = [a for a in archives if re.search(r"libawsc[-_]runtime\.a$", a)]
    client = [a for a in archives if re.search(r"libawsc[-_]iot[-_]jobs[-_]data[-_]plane\.a$", a)]
    optional = [a for a in archives if a not in runtime and a not in client]
    if len(runtime) != 1 or len(client) != 1:
        raise RuntimeError(f"no single runtime and IoT Jobs client library under {small}")
    inc = ["-I", f"{ROOT}/runtime/include", "-I", f"{ROOT}/runtime",
           "-I", f"{ROOT}/generated/{CLIENT_STEM}/include"]
    prog, map_path = os.path.join(out_dir, "one_call"), os.path.join(out_dir, "one_call.map")
    cmd = ([cc, "-std=gnu11", "-Os", "-ffunction-sections", "-fdata-sections", "-Wl,--gc-sections", "-s",
            f"-Wl,-Map,{map_path}"] + inc + ["-o", prog, os.path.join(BENCH, "src", "one_call.c")] +
           client + optional + runtime + ["-lcurl", "-lcrypto", "-lpthread", "-lm", "-ldl"])
    p = subprocess.run(cmd, capture_output=True, text=True)
    if p.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed:\n{p.stderr[-3000:]}")
    return prog, map_path, client + optional + runtime


def main():
    small = sys.argv[1] if len(sys.argv) > 1 else os.path.join(BENCH, "build", "minsize")
    import tempfile
    d = tempfile.mkdtemp(prefix="awsc-footprint-")
    prog, map_path, archives = link_one_call(small, d)
    res = footprint_from_map(map_path, prog, archives)
    res["map"] = map_path
    json.dump(res, sys.stdout, indent=1)
    print()
    return 0 if res["gc_sections_proof"]["pass"] else 1


if __name__ == "__main__":
    sys.exit(main())
