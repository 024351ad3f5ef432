# Shared by scripts/test and scripts/demo: install what is missing, find the
# generator's interpreter, build. Source it; it defines functions only.

AWSC_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# What building the SDK, the CLI, the agent and the examples needs, and what the demo and the
# local service (stdlib Python) run on: scripts/demo installs this list only.
AWSC_PACKAGES="cmake make gcc pkg-config libcurl4-openssl-dev libssl-dev zlib1g-dev libcjson-dev libexpat1-dev python3"
# What only the test runs add, in this one list: scripts/test installs it before its first
# check (whether node exists decides `npm ci` for tests/interop), scripts/reliability and
# bench/run install it too when run alone. clang and python3-jinja2 build the test tree (the
# generator runs in the tests), criterion, valgrind, openssl and locales are the tests' own,
# doxygen and the aarch64 cross compiler the API reference and cross-compile tests, nginx and
# botocore the benchmark's peers, node and npm the JS SDK's (interop test and benchmark),
# gcovr and clang's runtime the coverage and sanitizer builds.
AWSC_TEST_PACKAGES="clang python3-jinja2 libcriterion-dev valgrind openssl locales"
AWSC_TEST_PACKAGES="$AWSC_TEST_PACKAGES doxygen gcc-aarch64-linux-gnu libc6-dev-arm64-cross"
AWSC_TEST_PACKAGES="$AWSC_TEST_PACKAGES nginx python3-botocore nodejs npm gcovr libclang-rt-14-dev binutils"

log() { printf '==> %s\n' "$*"; }

# Installs the Debian packages in $AWSC_PACKAGES (plus any given, e.g. $AWSC_TEST_PACKAGES)
# that are not installed yet.
ensure_packages() {
    local missing=()
    for p in $AWSC_PACKAGES "$@"; do
        # node and npm may come from elsewhere than Debian (nodesource, nvm): any on PATH will do.
        case $p in nodejs) command -v node >/dev/null && continue ;; npm) command -v npm >/dev/null && continue ;; esac
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    if [ "$(id -u)" -ne 0 ]; then
        echo "missing Debian packages: ${missing[*]}" >&2
        echo "run as root, or: sudo apt-get install -y ${missing[*]}" >&2
        return 1
    fi
    log "installing ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq && apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# Installs every package the tests need, then the JS SDK interop peer: in this order, so that a
# first run on a fresh machine already has node when it decides on `npm ci`.
prepare_test_tools() {
    ensure_packages $AWSC_TEST_PACKAGES || return 1
    local interop=$AWSC_ROOT/tests/interop
    if command -v node >/dev/null && command -v npm >/dev/null; then
        if [ ! -d "$interop/node_modules" ] || [ "$interop/package-lock.json" -nt "$interop/node_modules" ]; then
            log "installing the JS SDK interop peer (npm ci)"
            (cd "$interop" && npm ci --no-audit --no-fund --loglevel=error)
        fi
    else
        log "node/npm not found: the JS SDK interop test will report itself skipped"
    fi
}

# Prints a Python 3 that can import jinja2 (Debian's lives under /usr/bin/python3).
find_python() {
    local py
    for py in "${AWSC_PYTHON:-}" /usr/bin/python3 "$(command -v python3 2>/dev/null)"; do
        [ -n "$py" ] && [ -x "$py" ] && "$py" -c 'import jinja2' 2>/dev/null && { echo "$py"; return 0; }
    done
    echo "no Python 3 interpreter can 'import jinja2': install python3-jinja2 (apt-get install python3-jinja2)" >&2
    return 1
}

# Prints a Python 3.8+ for the standard-library-only tools (the local service, the demo):
# /usr/bin/python3 first, as bin/awsc-local looks for it.
find_python3() {
    local py
    for py in /usr/bin/python3 "$(command -v python3 2>/dev/null)"; do
        [ -n "$py" ] && [ -x "$py" ] && "$py" -c 'import sys; sys.exit(sys.version_info < (3, 8))' 2>/dev/null \
            && { echo "$py"; return 0; }
    done
    echo "no Python 3.8 or later found: install python3 (apt-get install python3)" >&2
    return 1
}

# build DIR [cmake args...]: configure and build the whole tree. The generator's interpreter is
# passed when there is one; a build without tests and without regenerating needs none (CMake
# says so when it does).
build_tree() {
    local dir=$1 py; shift
    mkdir -p "$dir"
    py=$(find_python 2>/dev/null) || py=
    cmake -S "$AWSC_ROOT" -B "$dir" ${py:+-DAWSC_PYTHON="$py"} "$@" >"$dir/configure.log" 2>&1 \
        || { cat "$dir/configure.log"; return 1; }
    if ! cmake --build "$dir" -j "$(nproc)" >"$dir/build.log" 2>&1; then
        grep -E -A5 "error|Error" "$dir/build.log" | head -80
        return 1
    fi
}
