#!/bin/bash
# Hostile names through the real glibc (issue 6): a 1 MiB name, every byte
# value 1-255, invalid UTF-8, 10,000 labels, 64-character labels, names made
# of dots. Each must get its SPEC answer, within a time limit, never a crash.
set -uo pipefail
build=${top_builddir:-.}
lib="$build/tests/.libs" # the module built for the tests: the defaults, whatever the machine's files say
[ -f "$lib/libnss_podip.so.2" ] || { echo "FAIL: $lib/libnss_podip.so.2 not built"; exit 1; }
export LD_LIBRARY_PATH="$lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
fails=0

# tests/hostile: gethostbyname2 and getaddrinfo, the module as only source
for group in mib dots bytes utf8 labels label64; do
    timeout 20 "$build/tests/hostile" "$group"
    rc=$?
    if [ $rc -ne 0 ]; then
        [ $rc -eq 124 ] && echo "FAIL: $group: no answer within 20 s"
        [ $rc -gt 128 ] && echo "FAIL: $group: killed by signal $((rc - 128))"
        fails=$((fails + 1))
    fi
done

# getent, as an administrator would type it: exit 0 answered, 2 not found
check_getent() {
    local what=$1 want=$2 name=$3
    timeout 10 getent -s hosts:podip ahosts "$name" >/dev/null
    local rc=$?
    if [ $rc -eq "$want" ]; then
        echo "PASS: getent ahosts $what: exit $rc"
    else
        echo "FAIL: getent ahosts $what: exit $rc, want $want"
        fails=$((fails + 1))
    fi
}
rep() { printf "$1%.0s" $(seq "$2"); } # UNIT COUNT: COUNT copies of UNIT
l64=$(rep a 64)
check_getent "a pod name (the module is loaded)" 0 10-42-2-46.default.pod.cluster.local
check_getent "100 KiB name under the pod zone" 2 "$(rep a 102400).default.pod.cluster.local"
check_getent "10,000 labels" 2 "$(rep a. 10000)example.com"
check_getent "10,000 labels under the pod zone" 2 "$(rep a. 9998)10-0-0-1.default.pod.cluster.local"
check_getent "64-character address label" 2 "$l64.default.pod.cluster.local"
check_getent "64-character namespace" 2 "10-0-0-1.$l64.pod.cluster.local"
check_getent "64-character ignored label" 2 "$l64.10-0-0-1.default.pod.cluster.local"
check_getent "only dots" 2 "$(rep . 300)"
check_getent "dots before the zone" 2 "....pod.cluster.local"
check_getent "invalid UTF-8 namespace" 2 $'10-0-0-1.\xc3\x28.pod.cluster.local'
check_getent "byte 0xff in the address" 2 $'10-0-0-1\xff.default.pod.cluster.local'
check_getent "control bytes" 2 $'10-0-0-1.default\x01\x7f\x1b.pod.cluster.local'

[ $fails -eq 0 ] || { echo "FAIL: $fails hostile-name checks failed"; exit 1; }
echo "PASS: hostile names"
