#!/bin/bash
# SPEC §6: the configuration is reloaded "without a system call on every
# lookup". Count the system calls of one process making 10 lookups, then
# 10,000, then 10,000,000 (a few seconds, so the once-a-second check of the
# files shows), with strace -c. The lookups call the module's
# _nss_podip_gethostbyname3_r directly, so only the module's calls count.
# Prints strace's tables; fails if the lookups add more than the
# once-a-second check of the files (a stat of each, and the signal mask
# blocked and restored around the check).
set -u
. "${top_srcdir:-.}/tests/lib.sh"
need_cmd strace
probe=$build/tests/conf_probe
module=$libs/libnss_podip.so.2
name=10-42-2-46.default.pod.cluster.local

# calls N: the total system calls of a process making N lookups; the table
# goes to $tmp/strace-N.
calls() {
    strace -f -c -o "$tmp/strace-$1" "$probe" "$module" count "$1" "$name" >/dev/null
    awk '$NF == "total" {print $4}' "$tmp/strace-$1"
}

declare -A calls_of ms_of
for n in 10 10000 10000000; do
    start=$(date +%s%N)
    calls_of[$n]=$(calls $n)
    ms_of[$n]=$((($(date +%s%N) - start) / 1000000))
    echo "# $n lookups in one process: ${calls_of[$n]} system calls in all, ${ms_of[$n]} ms under strace"
    sed 's/^/#   /' "$tmp/strace-$n"
done

assert "10,000 lookups make no more system calls than 10 (${calls_of[10000]} vs ${calls_of[10]})" \
    test "${calls_of[10000]}" -le $((calls_of[10] + 4))
# once a second at most: a stat of each file, the signal mask set and restored
allowed=$((calls_of[10] + 4 + 4 * (ms_of[10000000] / 1000 + 1)))
assert "10,000,000 lookups in ${ms_of[10000000]} ms: only the once-a-second stats (${calls_of[10000000]}, at most $allowed)" \
    test "${calls_of[10000000]}" -le "$allowed"
finish
