#!/bin/bash
# shellcheck disable=SC2016 # commands in single quotes expand when they run (sh -c)
# Runs tests/stress (8 threads x 200,000 lookups, every answer checked): once
# under the defaults (the build's own configuration files, absent), then
# while a thread rewrites the configuration file, inside a private mount
# namespace with a tmpfs over the file's directory. tests/run-all.sh runs
# this again with tests/stress built with ThreadSanitizer.
set -u
. "${top_srcdir:-.}/tests/lib.sh"
need_cmd timeout
bin=$build/tests/stress
args=("${STRESS_THREADS:-8}" "${STRESS_LOOKUPS:-200000}")

# stress DESC CMD...: tests/stress, run by CMD, ends within 600 s and finds
# every answer right
stress() {
    local desc=$1 rc=0
    shift
    timeout 600 "$@" || rc=$?
    [ "$rc" != 124 ] || echo "  no end within 600 s"
    assert "$desc (exit status $rc)" test "$rc" = 0
}

stress "tests/stress under the defaults" "$bin" "${args[@]}"

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
"${ns[@]}" true 2>/dev/null ||
    skip_or_fail "tests/stress -c (the configuration rewritten) needs a private mount namespace (${ns[*]})"
stress "tests/stress -c: the configuration rewritten meanwhile" "${ns[@]}" sh -c \
    'mount -t tmpfs -o mode=0755 stress-conf "$1" && mkdir -p "$(dirname "$2")" && shift 2 &&
     exec "$@"' sh "$dir" "$conf" "$bin" -c "${args[@]}" "${STRESS_CYCLES:-2}"
finish
