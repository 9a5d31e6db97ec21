#!/bin/bash
# shellcheck disable=SC2016 # commands in single quotes expand when they run (eval, sh -c)
# Runs tests/stress (8 threads x 200,000 lookups, every answer checked): once
# under the defaults (the build's own configuration files, absent), then
# while a thread rewrites the configuration file, inside a private mount
# namespace with a tmpfs over the file's directory. tests/run-all.sh runs
# this again with tests/stress built with ThreadSanitizer.
set -uo pipefail
build=${top_builddir:-.}
bin="$build/tests/stress"
args=("${STRESS_THREADS:-8}" "${STRESS_LOOKUPS:-200000}")
fails=0

run() { # what CMD...
    local what=$1
    shift
    timeout 600 "$@"
    local rc=$?
    [ $rc -eq 124 ] && echo "FAIL: stress $what: no end within 600 s"
    [ $rc -eq 0 ] || { echo "FAIL: stress $what: exit $rc"; fails=$((fails + 1)); }
}

run "" "$bin" "${args[@]}"

# root: a mount namespace; otherwise a user namespace mapping us to root,
# whom the module requires to own its configuration file
conf=$("$bin" --conf-path) # in the build tree: tests/stress is built for the tests
dir=$(dirname "$conf")
mkdir -p "$dir"
if [ "$(id -u)" -eq 0 ]; then
    ns=(unshare --mount --propagation private)
else
    ns=(unshare --map-root-user --mount --propagation private)
fi
if ! "${ns[@]}" true 2>/dev/null; then
    if [ "${CI:-}" = true ]; then
        echo "FAIL: cannot make a private mount namespace (${ns[*]})"
        exit 1
    fi
    echo "SKIP: configuration rewriting: cannot make a private mount namespace here"
    [ $fails -eq 0 ] || exit 1
    exit 0
fi
run "-c (configuration rewritten)" "${ns[@]}" sh -c \
    'mount -t tmpfs -o mode=0755 stress-conf "$1" && mkdir -p "$(dirname "$2")" && shift 2 &&
     exec "$@"' sh "$dir" "$conf" "$bin" -c "${args[@]}" "${STRESS_CYCLES:-2}"
[ $fails -eq 0 ] || exit 1
