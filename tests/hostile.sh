#!/bin/bash
# Hostile names through the real glibc: a 1 MiB name, every byte value
# 1-255, invalid UTF-8, 10,000 labels, 64-character labels, names made of
# dots. Each must get its SPEC answer, within a time limit, never a crash.
set -u
. "${top_srcdir:-.}/tests/lib.sh"
need_cmd timeout getent
# the module built for the tests: the defaults, whatever the machine's files say
[ -f "$test_libs/libnss_podip.so.2" ] || { echo "FAIL: $test_libs/libnss_podip.so.2 not built"; exit 1; }
export LD_LIBRARY_PATH="$test_libs${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"

# within SECONDS CMD...: CMD's exit status, said in words when it ran out
# of time (124) or was killed by a signal
within() {
    local rc=0
    timeout "$@" || rc=$?
    [ "$rc" != 124 ] || echo "  no end within $1 s"
    [ "$rc" -le 128 ] || [ "$rc" = 124 ] || echo "  killed by signal $((rc - 128))"
    return "$rc"
}

# tests/hostile: gethostbyname2 and getaddrinfo, the module as only source
for group in mib dots bytes utf8 labels label64; do
    assert "tests/hostile $group: every name its SPEC answer, within 20 s" \
        within 20 "$build/tests/hostile" "$group"
done

# getent, as an administrator would type it: exit 0 answered, 2 not found
ahosts() { within 10 getent -s hosts:podip ahosts "$1" >/dev/null; }
rep() { printf "$1%.0s" $(seq "$2"); } # UNIT COUNT: COUNT copies of UNIT
l64=$(rep a 64)
check "getent ahosts a pod name (the module is loaded)" 0 "" ahosts 10-42-2-46.default.pod.cluster.local
not_found() { check "getent ahosts $1: not found" 2 "" ahosts "$2"; } # DESC NAME
not_found "a 100 KiB name under the pod zone" "$(rep a 102400).default.pod.cluster.local"
not_found "10,000 labels" "$(rep a. 10000)example.com"
not_found "10,000 labels under the pod zone" "$(rep a. 9998)10-0-0-1.default.pod.cluster.local"
not_found "a 64-character address label" "$l64.default.pod.cluster.local"
not_found "a 64-character namespace" "10-0-0-1.$l64.pod.cluster.local"
not_found "a 64-character ignored label" "$l64.10-0-0-1.default.pod.cluster.local"
not_found "only dots" "$(rep . 300)"
not_found "dots before the zone" "....pod.cluster.local"
not_found "an invalid UTF-8 namespace" $'10-0-0-1.\xc3\x28.pod.cluster.local'
not_found "byte 0xff in the address" $'10-0-0-1\xff.default.pod.cluster.local'
not_found "control bytes" $'10-0-0-1.default\x01\x7f\x1b.pod.cluster.local'
finish
