#!/bin/bash
# valgrind memcheck over every unit test, over getent resolving through the
# module, and over the hostile-name program: no invalid access, no
# uninitialised read, nothing definitely or indirectly leaked.
set -u
. "${top_srcdir:-.}/tests/lib.sh"
need_cmd valgrind getent
# the module built for the tests: the defaults, whatever the machine's files say
[ -f "$test_libs/libnss_podip.so.2" ] || { echo "FAIL: $test_libs/libnss_podip.so.2 not built"; exit 1; }
units=${UNIT_TESTS:-$(unit_tests "$build" 2>/dev/null)}
[ -n "$units" ] || { echo "FAIL: make print-unit-tests lists no unit test"; exit 1; }
log=$tmp/valgrind.log

# clean WANT_EXIT CMD...: CMD exits WANT_EXIT under memcheck, which finds
# nothing (its exit 99 means it did)
clean() {
    local want=$1 rc=0
    shift
    valgrind -q --tool=memcheck --error-exitcode=99 --leak-check=full \
        --errors-for-leak-kinds=definite,indirect "$@" >"$log" 2>&1 || rc=$?
    if [ "$rc" = 99 ] || grep -q '^==[0-9]*==' "$log"; then
        echo "  valgrind reports errors:"
        grep '^==' "$log" | head -40
        return 1
    fi
    [ "$rc" = "$want" ] && return 0
    echo "  exit status $rc, want $want:"
    tail -20 "$log"
    return 1
}

for t in $units; do
    assert "$t: clean under memcheck" clean 0 "$build/$t"
done

export LD_LIBRARY_PATH="$test_libs${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
for name in 10-42-2-46.default.pod.cluster.local fd00-10-244--5.default.pod.cluster.local \
    10-42-2-46.default.pod; do
    assert "getent ahosts $name: clean under memcheck" clean 0 getent -s hosts:podip ahosts "$name"
done
assert "getent hosts (gethostbyname2): clean under memcheck" \
    clean 0 getent -s hosts:podip hosts 10-42-2-46.default.pod
for name in default.pod.cluster.local 010-0-0-1.default.pod.cluster.local example.com \
    "$(printf 'a%.0s' $(seq 5000)).default.pod.cluster.local"; do
    assert "getent ahosts ${name:0:60}, not found: clean under memcheck" \
        clean 2 getent -s hosts:podip ahosts "$name"
done

for group in mib dots bytes utf8 labels label64; do
    assert "tests/hostile $group: clean under memcheck" clean 0 "$build/tests/hostile" "$group"
done
finish
