#!/bin/bash
# valgrind memcheck (issue 6) over every unit test, over getent resolving
# through the module, and over the hostile-name program: no invalid access,
# no uninitialised read, nothing definitely or indirectly leaked.
set -uo pipefail
build=${top_builddir:-.}
if ! command -v valgrind >/dev/null; then
    [ "${CI:-}" = true ] && { echo "FAIL: valgrind is not installed"; exit 1; }
    echo "SKIP: valgrind is not installed"
    exit 77
fi
lib="$build/tests/.libs" # the module built for the tests: the defaults, whatever the machine's files say
[ -f "$lib/libnss_podip.so.2" ] || { echo "FAIL: $lib/libnss_podip.so.2 not built"; exit 1; }
units=${UNIT_TESTS:-$(env -u MAKEFLAGS -u MAKELEVEL make -s --no-print-directory -C "$build" \
    print-unit-tests 2>/dev/null)}
log=$(mktemp)
trap 'rm -f "$log"' EXIT
fails=0

# memcheck CMD...: pass if valgrind finds nothing (its exit 99 means it did)
memcheck() {
    local what=$1
    shift
    valgrind -q --tool=memcheck --error-exitcode=99 --leak-check=full \
        --errors-for-leak-kinds=definite,indirect "$@" >"$log" 2>&1
    local rc=$?
    if [ $rc -eq 99 ] || grep -q '^==[0-9]*==' "$log"; then
        echo "FAIL: $what: valgrind reports errors"
        grep '^==' "$log" | head -40
        fails=$((fails + 1))
    elif [ $rc -ne "${want:-0}" ]; then
        echo "FAIL: $what: exit $rc, want ${want:-0}"
        tail -20 "$log"
        fails=$((fails + 1))
    else
        echo "PASS: $what: clean under memcheck"
    fi
}

for t in $units; do
    [ -x "$build/$t" ] || { echo "FAIL: $build/$t not built"; fails=$((fails + 1)); continue; }
    memcheck "$t" "$build/$t"
done

export LD_LIBRARY_PATH="$lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
for name in 10-42-2-46.default.pod.cluster.local fd00-10-244--5.default.pod.cluster.local \
    10-42-2-46.default.pod; do
    want=0 memcheck "getent ahosts $name" getent -s hosts:podip ahosts "$name"
done
want=0 memcheck "getent hosts (gethostbyname2)" getent -s hosts:podip hosts 10-42-2-46.default.pod
for name in default.pod.cluster.local 010-0-0-1.default.pod.cluster.local example.com \
    "$(printf 'a%.0s' $(seq 5000)).default.pod.cluster.local"; do
    want=2 memcheck "getent ahosts ${name:0:60}" getent -s hosts:podip ahosts "$name"
done

for group in mib dots bytes utf8 labels label64; do
    memcheck "tests/hostile $group" "$build/tests/hostile" "$group"
done

[ $fails -eq 0 ] || { echo "FAIL: $fails memcheck runs failed"; exit 1; }
echo "PASS: memcheck clean"
