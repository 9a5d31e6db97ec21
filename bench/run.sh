#!/bin/bash
# The nss-podip benchmark (bench/README.md). As root, from a build tree:
#
#   bash /path/to/src/bench/run.sh [-q] [BUILDDIR]
#
# builds the benchmark (`make bench`) and prints, for this machine:
#  1. getaddrinfo's cost per lookup through each path, and the DNS queries
#     each path sent, in a private mount and network namespace (a hosts file,
#     resolv.conf and dnsmasq of its own; the machine's own are not touched);
#  2. callgrind's instruction count of one call of each entry point, the
#     name starting at each offset past a 64-byte boundary (min, median, max);
#  3. memcheck's heap summary after 1,000 and 100,000 lookups;
#  4. lookups per second from one and from two threads;
#  5. the budget (../shared/STYLE.md: a guard rail the plain code meets, not
#     a target; the limits are set once, below): getaddrinfo of the IPv4 pod
#     name and the first lookup of a fresh process against the constant
#     module's, and the instructions a call for the IPv4, the IPv6 pod name
#     and a name passed on; one line each, PASS or FAIL, then "budget: PASS"
#     or FAIL.
# -q runs it all with small counts (CI: it proves the benchmark still works;
# its times are too rough to judge, so its budget judges the instructions). LOOKUPS and ROUNDS (environment) set the
# getaddrinfo calls per round and the rounds (defaults 20000 and 7), SPAWNS
# the one-lookup processes per path (default 200).
# The budget and the thread ratio print PASS or FAIL but do not change the
# exit status (CI must not fail on a figure); it is 1 when a path did not
# answer what it should, a tool failed, or the heap grew per lookup.
set -euo pipefail

quick=no
if [ "${1:-}" = -q ]; then
    quick=yes
    shift
fi
build=$(cd "${1:-.}" && pwd)
here=$(cd "$(dirname "$0")" && pwd)
self="$here/$(basename "$0")"
bench="$build/bench/bench"
podip="$build/.libs/libnss_podip.so.2"
export LD_LIBRARY_PATH="$build/.libs:$build/bench/.libs${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"

if [ "$quick" = yes ]; then
    LOOKUPS=${LOOKUPS:-2000} ROUNDS=${ROUNDS:-5}
    thread_lookups=20000
else
    LOOKUPS=${LOOKUPS:-20000} ROUNDS=${ROUNDS:-7}
    thread_lookups=5000000
fi
SPAWNS=${SPAWNS:-200}
budget=$(mktemp /tmp/podip-budget.XXXXXX)
trap 'rm -f "$budget"' EXIT
# budget_row ITEM MEASURED LIMIT [time]: one line of the budget, into
# $budget. A time from -q's short rounds is printed, not judged: its noise
# (a tenth or more) is wider than the margin the budget leaves.
budget_row() {
    local verdict=judge
    [ "${4:-}" = time ] && [ "$quick" = yes ] && verdict="not judged (-q: rounds too short)"
    awk -v i="$1" -v m="$2" -v l="$3" -v v="$verdict" 'BEGIN {
        if (v == "judge") v = (m + 0 <= l + 0 ? "PASS" : "FAIL")
        printf "| %s | %s | at most %s | %s |\n", i, m, l, v }' >>"$budget"
}
dns_lookups=$(( LOOKUPS / 10 > 10 ? LOOKUPS / 10 : 10 ))

# The budget: times as a ratio to the constant module's, instructions a call.
budget_gai=1.15 budget_first=1.10 budget_v4=700 budget_v6=1000 budget_pass=160
v4=10-42-2-46.default.pod.cluster.local
v6=fd00-10-244--5.default.pod.cluster.local
failed=0
fail() { echo "FAIL: $*"; failed=1; }

# Table 1, inside `unshare -mn` (this script runs itself there).
gai_table() {
    tmp=$(mktemp -d /tmp/podip-bench.XXXXXX)
    ip link set lo up
    printf '%s\n' '127.0.0.1 localhost' '::1 localhost ip6-localhost ip6-loopback' \
        'ff02::1 ip6-allnodes' 'ff02::2 ip6-allrouters' "10.42.2.46 $v4" >"$tmp/hosts.pod"
    printf 'nameserver 127.0.0.1\n' >"$tmp/resolv.plain"
    printf '%s\n' 'nameserver 127.0.0.1' \
        'search default.svc.cluster.local svc.cluster.local cluster.local' \
        'options ndots:5' >"$tmp/resolv.pod"
    grep -v pod "$tmp/hosts.pod" >"$tmp/hosts.plain"

    # What CoreDNS answers: the pod's A record, NODATA for its AAAA,
    # NXDOMAIN for everything else under cluster.local (the search expansions).
    dns_pid=""
    dns() {
        dnsmasq --conf-file=/dev/null --no-resolv --no-hosts --user=root \
            --listen-address=127.0.0.1 --bind-interfaces --pid-file="$tmp/dnsmasq.pid" \
            --local=/cluster.local/ --host-record="$v4,10.42.2.46" "$@"
        dns_pid=$(cat "$tmp/dnsmasq.pid")
    }
    stop_dns() { # and wait until its socket is closed, for the next one
        kill "$dns_pid"
        for _ in $(seq 50); do
            grep -qs '^State:[[:space:]]*[^Z]' "/proc/$dns_pid/status" || break
            sleep 0.1
        done
        dns_pid=""
    }
    trap '[ -z "$dns_pid" ] || kill "$dns_pid"; rm -rf "$tmp"' EXIT

    # label | services (- for AI_NUMERICHOST) | setup | name | expected answer | ratio to
    # setup: plain (no pod in /etc/hosts, resolv.conf names only the server),
    # hosts (the pod in /etc/hosts), pod (a pod's resolv.conf: search, ndots:5).
    local rows=(
        "numeric address, AI_NUMERICHOST (the floor)|-|plain|10.42.2.46|10.42.2.46|"
        "benchconst: constant module (glibc's dispatch)|benchconst|plain|$v4|10.42.2.46|"
        "podip: IPv4 pod name|podip|plain|$v4|10.42.2.46|benchconst"
        "podip: IPv6 pod name|podip|plain|$v6|fd00:10:244::5|benchconst"
        "podip: relative name 10-42-2-46.default.pod|podip|pod|10-42-2-46.default.pod|10.42.2.46|benchconst"
        "podip passes example.com on to benchconst|podip benchconst|plain|example.com|10.42.2.46|benchconst"
        "files: the pod in /etc/hosts|files|hosts|$v4|10.42.2.46|podip"
        "dns: dnsmasq, absolute name ($v4.)|dns|plain|$v4.|10.42.2.46|podip"
        "dns: as a pod resolves today (search, ndots:5)|dns|pod|$v4|10.42.2.46|podip"
        "README's line: files podip [NOTFOUND=return] dns|files podip [NOTFOUND=return] dns|pod|$v4|10.42.2.46|podip"
    )

    run_row() { # lookups rounds services setup name
        local n=$1 r=$2 services=$3 setup=$4 name=$5 hosts=plain resolv=plain
        [ "$setup" = hosts ] && hosts=pod
        [ "$setup" = pod ] && resolv=pod
        mount --bind "$tmp/hosts.$hosts" /etc/hosts
        mount --bind "$tmp/resolv.$resolv" /etc/resolv.conf
        if [ "$services" = - ]; then
            "$bench" gai -n "$n" -r "$r" -x "$name"
        else
            "$bench" gai -n "$n" -r "$r" -s "$services" "$name"
        fi
        umount /etc/resolv.conf /etc/hosts
    }

    # Queries first, with dnsmasq logging each one it receives.
    local queries=() row label services setup name want to
    dns --log-queries --log-facility="$tmp/queries.log"
    for row in "${rows[@]}"; do
        IFS='|' read -r label services setup name want to <<<"$row"
        local before after
        before=$(grep -c 'query\[' "$tmp/queries.log" || true)
        run_row 10 1 "$services" "$setup" "$name" >/dev/null # 11 lookups: 1 + 10
        sleep 0.1 # let dnsmasq write its log
        after=$(grep -c 'query\[' "$tmp/queries.log" || true)
        queries+=("$(awk -v d=$((after - before)) 'BEGIN { printf "%g", d / 11 }')")
    done
    stop_dns

    # Then the times, with dnsmasq quiet. Rounds are the outer loop, so a
    # burst of load elsewhere on the machine hits every path alike.
    dns
    local i r times=() out answer t count
    for ((r = 0; r < ROUNDS; r++)); do
        i=0
        for row in "${rows[@]}"; do
            IFS='|' read -r label services setup name want to <<<"$row"
            count=$LOOKUPS
            [ "$services" = dns ] && count=$dns_lookups
            out=$(run_row "$count" 1 "$services" "$setup" "$name")
            read -r answer t _ <<<"$out"
            [ "$answer" = "$want" ] || fail "$label: answered $answer, expected $want"
            times[i]="${times[i]:-} $t"
            i=$((i + 1))
        done
    done

    local base_benchconst="" base_podip="" median lo hi ratio
    printf '| path | answer | ns/lookup (median) | min-max | ratio | DNS queries/lookup |\n'
    printf '|---|---|---:|---:|---|---:|\n'
    i=0
    for row in "${rows[@]}"; do
        IFS='|' read -r label services setup name want to <<<"$row"
        # shellcheck disable=SC2086 # the round times, one word each
        read -r median lo hi < <(printf '%s\n' ${times[i]} | sort -g |
            awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)], v[1], v[NR] }')
        case "$label" in
        benchconst:*) base_benchconst=$median ;;
        "podip: IPv4"*) base_podip=$median ;;
        esac
        ratio=""
        case "$to" in
        benchconst) ratio=$(awk -v a="$median" -v b="$base_benchconst" 'BEGIN { printf "%.2f x benchconst", a / b }') ;;
        podip) ratio=$(awk -v a="$median" -v b="$base_podip" 'BEGIN { printf "%.1f x podip", a / b }') ;;
        esac
        printf '| %s | %s | %s | %s-%s | %s | %s |\n' "$label" "$want" "$median" "$lo" "$hi" \
            "$ratio" "${queries[$i]}"
        case "$label" in
        "podip: IPv4"*) budget_row "getaddrinfo, IPv4 pod name, x benchconst" \
            "$(awk -v a="$median" -v b="$base_benchconst" 'BEGIN { printf "%.2f", a / b }')" "$budget_gai" time ;;
        esac
        i=$((i + 1))
    done
    stop_dns

    # The first lookup of a fresh process: SPAWNS processes a path, each one
    # getaddrinfo, the two paths taking turns; the median wall time of each.
    mount --bind "$tmp/hosts.plain" /etc/hosts
    mount --bind "$tmp/resolv.plain" /etc/resolv.conf
    read -r t_const t_podip first < <("$bench" spawn "$SPAWNS" "$v4" benchconst podip)
    umount /etc/resolv.conf /etc/hosts
    echo
    echo "A process that looks one name up ($SPAWNS processes a path, taking turns), median wall time: benchconst $t_const us, podip $t_podip us."
    budget_row "first lookup of a fresh process, x benchconst" "$(printf '%.2f' "$first")" "$budget_first" time
    return "$failed"
}

if [ "${PODIP_BENCH_INSIDE:-}" = 1 ]; then
    budget=$PODIP_BENCH_BUDGET
    gai_table
    exit
fi

if [ "$(id -u)" != 0 ]; then
    echo "bench/run.sh: needs root (it creates mount and network namespaces)" >&2
    exit 1
fi
make -s -C "$build" bench >/dev/null

echo "## Machine"
echo
echo "- CPU: $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1), $(nproc) cores"
echo "- kernel: $(uname -r)"
echo "- glibc: $(getconf GNU_LIBC_VERSION)"
echo "- load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "- module: $podip ($(git -C "$here" describe --always --dirty 2>/dev/null || echo unknown))"
echo
echo "## getaddrinfo(name, AF_UNSPEC, SOCK_STREAM) per lookup"
echo
echo "Median of $ROUNDS rounds of $LOOKUPS lookups ($dns_lookups for dns), one process a round and path, the paths taking turns."
echo
inside=("$build")
[ "$quick" = yes ] && inside=(-q "$build")
PODIP_BENCH_INSIDE=1 PODIP_BENCH_BUDGET=$budget LOOKUPS=$LOOKUPS ROUNDS=$ROUNDS SPAWNS=$SPAWNS \
    unshare -mn -- bash "$self" "${inside[@]}" || failed=1

echo
echo "## Instructions per call (callgrind), configuration already loaded"
echo
cg=$(mktemp -d /tmp/podip-callgrind.XXXXXX)
trap 'rm -rf "$cg" "$budget"' EXIT
# Each name is measured starting at each offset 0-63 past a 64-byte
# boundary (half a second in all): glibc's strlen and memcpy cost more at
# some. The budget is judged on the highest count.
valgrind -q --tool=callgrind --collect-atstart=no \
    --toggle-collect=_nss_podip_gethostbyname2_r --toggle-collect=_nss_podip_gethostbyname4_r \
    --callgrind-out-file="$cg/out.%p" "$bench" calls "$podip" "$v4" "$v6" example.com \
    >"$cg/status"
echo "The name at each start offset 0 to 63 past a 64-byte boundary: 64 calls per row."
echo
printf '| entry point | name | outcome | instructions (median) | min | max | of which the snapshot in force |\n'
printf '|---|---|---|---:|---:|---:|---:|\n'
for f in "$cg"/out.*; do
    label=$(sed -n 's/^desc: Trigger: Client Request: //p' "$f")
    [ -n "$label" ] || continue
    echo "$label $(sed -n 's/^summary: //p' "$f") $f"
done >"$cg/counts"
calls=$(wc -l <"$cg/counts")
[ "$calls" = 384 ] || fail "callgrind measured $calls calls, not 384"
nrows=0
for name in "$v4" "$v6" example.com; do
    worst=0
    for entry in gethostbyname2_r gethostbyname4_r; do
        read -r median lo hi < <(awk -v e="$entry" -v n="$name" '$1 == e && $2 == n { print $4 }' \
            "$cg/counts" | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)], v[1], v[NR] }')
        [ -n "${hi:-}" ] || continue
        outcome=$(awk -v e="$entry" -v n="$name" '$1 == e && $2 == n { print $4 }' "$cg/status" |
            sort -u | paste -sd/)
        [ "$hi" -gt "$worst" ] && worst=$hi
        # what the snapshot in force costs around the classifier (time(),
        # the seqlock, the check of the files if it ran), in the call at
        # offset 0: podip_snapshot_classify less podip_classify, inclusive
        f=$(awk -v e="$entry" -v n="$name" '$1 == e && $2 == n && $3 == 0 { print $5 }' "$cg/counts")
        snap=$(callgrind_annotate --inclusive=yes --auto=no --threshold=100 "$f" 2>/dev/null |
            awk '{ v = $1; gsub(",", "", v) } / [^ ]*:podip_snapshot_classify / { n += v }
                 / [^ ]*:podip_classify / { n -= v } END { print n + 0 }')
        printf '| %s | %s | %s | %s | %s | %s | %s |\n' "$entry" "$name" "$outcome" "$median" \
            "$lo" "$hi" "$snap"
        nrows=$((nrows + 1))
    done
    case "$name" in
    "$v4") budget_row "instructions a call, IPv4 pod name (the higher of 2_r and 4_r, any offset)" "$worst" "$budget_v4" ;;
    "$v6") budget_row "instructions a call, IPv6 pod name" "$worst" "$budget_v6" ;;
    *) budget_row "instructions a call, a name passed on ($name)" "$worst" "$budget_pass" ;;
    esac
done
[ "$nrows" = 6 ] || fail "callgrind table has $nrows rows, not 6"

echo
echo "## Heap (memcheck), gethostbyname4_r and 2_r(AF_INET, AF_INET6) on 3 names"
echo
heap() {
    valgrind --tool=memcheck "$bench" loop "$podip" "$1" "$v4" "$v6" example.com 2>&1 >/dev/null |
        sed -n 's/^==[0-9]*==[[:space:]]*total heap usage: //p'
}
small=$(heap 1000)
large=$(heap 100000)
echo "- 1,000 lookups: $small"
echo "- 100,000 lookups: $large"
if [ -n "$small" ] && [ "$small" = "$large" ]; then
    echo "- PASS: identical, so no allocation per lookup"
else
    echo "- FAIL: the heap summary grows with the lookups"
    failed=1
fi

echo
echo "## Threads: gethostbyname4_r($v4) called directly"
echo
one=() two=() cpu1=() cpu2=()
for _ in 1 2 3 4 5; do
    read -r rate cpu < <("$bench" threads "$podip" 1 "$thread_lookups" "$v4")
    one+=("$rate") cpu1+=("$cpu")
    read -r rate cpu < <("$bench" threads "$podip" 2 "$thread_lookups" "$v4")
    two+=("$rate") cpu2+=("$cpu")
done
median() { printf '%s\n' "$@" | sort -n | sed -n "$(($# / 2 + 1))p"; }
m1=$(median "${one[@]}")
m2=$(median "${two[@]}")
echo "- 1 thread: $m1 lookups/s (median of 5 runs: ${one[*]}; CPU used, % of a core: ${cpu1[*]})"
echo "- 2 threads: $m2 lookups/s (median of 5 runs: ${two[*]}; CPU used, % of a core: ${cpu2[*]})"
awk -v a="$m2" -v b="$m1" 'BEGIN {
    r = a / b
    printf "- ratio: %.2f %s\n", r, (r >= 1.8 ? "PASS (at least 1.8)" : "FAIL (at least 1.8; below 200% CPU the two threads never had two cores to themselves)")
}'
echo "- load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"

echo
echo "## Budget (a guard rail the plain code meets, not a target)"
echo
printf '| item | measured | budget | verdict |\n|---|---:|---|---|\n'
cat "$budget"
lines=$(wc -l <"$budget")
[ "$lines" = 5 ] || fail "the budget has $lines lines, not 5"
if [ "$lines" = 5 ] && ! grep -q ' FAIL |$' "$budget"; then
    if [ "$quick" = yes ]; then
        echo "budget: PASS (the instruction counts; -q judges no time)"
    else
        echo "budget: PASS"
    fi
else
    echo "budget: FAIL"
fi
exit "$failed"
