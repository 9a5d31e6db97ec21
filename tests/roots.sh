# Helpers of the scripts that build packages, check Debian roots and run
# containers (tests/package.sh, tests/arch.sh, tests/sbuild.sh,
# tests/containers.sh), with tests/check.sh's check. Source it after setting
# src, the source tree; the root helpers use $root, the folder of the root
# being checked, and the background jobs $work, the script's work folder.
# shellcheck shell=bash disable=SC2154 # src, root, port and work: the caller's

# shellcheck source=tests/check.sh
. "$src/tests/check.sh"

# inroot CMD...: CMD in the root, with a clean environment.
inroot() {
    chroot "$root" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root \
        LC_ALL=C.UTF-8 DEBIAN_FRONTEND=noninteractive "$@"
}
hosts_line() { grep '^hosts:' "$root/etc/nsswitch.conf" | tr -s ' \t' ' '; }
# files: every path of the root but those dpkg and the kernel keep changing
files() {
    (cd "$root" && find . \( -path ./proc -o -path ./tmp -o -path ./run -o \
        -path ./var/lib/dpkg -o -path ./var/log -o -path ./var/cache \) -prune \
        -o -print | sort)
}

# reach_by_name PREFIX PAGE SECONDS: curl fetches PAGE, served on
# 127.0.0.1:$port, and ping reaches it, both by pod name, within SECONDS.
reach_by_name() {
    check "${1}curl by pod name" 0 "$2" \
        inroot curl -sS --max-time "$3" "http://127-0-0-1.default.pod.cluster.local:$port/"
    check "${1}ping by pod name" 0 "1 packets transmitted, 1 received" ping_summary "$3"
}
# ping_summary SECONDS: ping by pod name, and what its summary line counts
ping_summary() {
    inroot ping -c1 -W"$1" 127-0-0-1.default.pod.cluster.local |
        sed -n 's/^\(1 packets transmitted, [0-9]* received\),.*/\1/p'
}

# copy_tree DIR: a clean copy of the source tree into DIR: the files git
# knows (committed or not), no build output.
copy_tree() {
    mkdir -p "$1"
    if git -C "$src" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
        (cd "$src" && git ls-files -co --exclude-standard -z | tar -cf - --null -T -)
    else
        tar -C "$src" --exclude=./build -cf - .
    fi | tar -xf - -C "$1"
}

# build_tests DESC_PREFIX LOG TREE: a check that the package build in LOG
# ran the build-time tests of debian/rules ($(UNIT_TESTS), tests/symbols.sh,
# tests/glibc.sh) and every one passed. TREE is a tree of this source,
# configured with the unit tests, whose Makefile lists them.
build_tests() {
    local n
    n=$(unit_tests "$3" | wc -w)
    assert "${1}the unit tests are built ($n; make print-unit-tests in $3)" test "$n" -gt 0
    n=$((n + 2))
    check "${1}the build ran its $n tests and all passed" 0 \
        "# TOTAL: $n # PASS: $n # SKIP: 0 # XFAIL: 0 # FAIL: 0 # XPASS: 0 # ERROR: 0" tests_summary "$2"
}
# tests_summary LOG: automake's summary of the tests in LOG, on one line
tests_summary() {
    grep -E '^# (TOTAL|PASS|SKIP|XFAIL|FAIL|XPASS|ERROR):' "$1" | head -n 7 | tr -s ' ' | paste -sd' '
}

# lintian_check [RUNNER...] -- FILE...: lintian on FILE (.changes, .dsc),
# run through RUNNER if any (sbuild.sh's as_user): no error and no warning
# is a PASS that shows the info and pedantic lines, anything else a FAIL.
lintian_check() {
    local runner=() rc=0 t0 out
    while [ "$1" != -- ]; do
        runner+=("$1")
        shift
    done
    shift
    t0=$(now)
    # TMPDIR: lintian leaves files in it (mldbm-elf-*); $work goes on exit.
    mkdir -p "$work/lintian-tmp" && chmod 1777 "$work/lintian-tmp"
    "${runner[@]}" env TMPDIR="$work/lintian-tmp" lintian --fail-on error,warning -I --pedantic "$@" \
        >"$work/lintian.log" 2>&1 || rc=$?
    out=$(grep -v 'running with root privileges' "$work/lintian.log" || true)
    if [ "$rc" = 0 ]; then
        pass "lintian: no error, no warning ($(since "$t0") s)${out:+ (info and pedantic:$'\n'$out)}"
    else
        fail "lintian:"$'\n'"$out"
    fi
}

# arches DIR: the architectures DIR holds both packages of, one a line.
arches() {
    local f a
    for f in "$1"/libnss-podip_*.deb; do
        [ -e "$f" ] || continue
        a=${f##*_} && a=${a%.deb}
        compgen -G "$1/nss-podip_*_$a.deb" >/dev/null && echo "$a"
    done
}

# debs_there DIR ARCH...: whether DIR holds both packages of each ARCH.
# (the list taken whole first: grep -q leaving a pipe early would kill
# arches with SIGPIPE, a failure under pipefail)
debs_there() {
    local list a
    list=$(arches "$1")
    shift
    for a; do grep -qx "$a" <<<"$list" || return 1; done
}
# await_debs DIR SECONDS ARCH...: wait up to SECONDS for DIR to hold both
# packages of each ARCH, as publish_debs puts them there (tests/run-all.sh
# runs the tests that build them beside those that use them); a file
# DIR/builds-finished ends the wait. A FAIL line when they are not there.
await_debs() {
    local dir=$1 seconds=$2 t0=$SECONDS
    shift 2
    until debs_there "$dir" "$@" || [ -e "$dir/builds-finished" ] ||
        [ $((SECONDS - t0)) -ge "$seconds" ]; do
        sleep 1
    done
    debs_there "$dir" "$@" && return 0
    echo "FAIL: $dir does not hold libnss-podip and nss-podip for $*:"
    ls -l "$dir"
    return 1
}

# mutated_names COUNT: pod names and names a character or three away from
# them (inserted, deleted, replaced), the same list every run.
mutated_names() {
    awk -v count="$1" 'BEGIN {
        srand(10)
        n = split("10-42-2-46.default.pod.cluster.local fd00-10-244--5.default.pod.cluster.local " \
            "10-42-2-46.default.pod _http._tcp.10-1-2-3.kube-system.pod.cluster.local " \
            "--ffff-a00-1.default.pod.cluster.local 10--0-1.default.pod.cluster.local " \
            "default.pod.cluster.local my-svc.default.svc.cluster.local " \
            "2001-db8-0-0-0-0-0-1.ns-1.pod.cluster.local 255-255-255-255.a.pod.CLUSTER.LOCAL.", seed, " ")
        alpha = "0123456789abcdefABCDEFxz-.:_"
        for (i = 0; i < count; i++) {
            s = seed[int(rand() * n) + 1]
            for (e = int(rand() * 4); e > 0; e--) {
                p = int(rand() * rand() * (length(s) + 1)) # most often in the address
                c = substr(alpha, int(rand() * length(alpha)) + 1, 1)
                k = int(rand() * 3)
                if (k == 0) s = substr(s, 1, p) c substr(s, p + 1)
                else if (k == 1) s = substr(s, 1, p - 1) substr(s, p + 1)
                else s = substr(s, 1, p - 1) c substr(s, p + 1)
            }
            print s
        }
    }'
}
# publish_debs DEB...: with DEBS_OUT set (tests/run-all.sh), copy each DEB
# there, renamed into place whole: tests/containers.sh builds from them.
publish_debs() {
    [ -n "${DEBS_OUT:-}" ] || return 0
    local f
    for f; do
        cp "$f" "$DEBS_OUT/.${f##*/}" && mv "$DEBS_OUT/.${f##*/}" "$DEBS_OUT/${f##*/}" || return 1
    done
}

# --- background jobs ---------------------------------------------------------

declare -A groups=() statuses=() # a spawned command's process group: what it does, its status file

# spawn NAME CMD...: CMD in the background, in a process group of its own (so
# that kill_spawned ends it with all its children); sets $pid. Its exit status
# goes to a file: bash forgets a finished job's status once another process
# gets its PID, which a busy machine (pid_max 32768) does within minutes, and
# `wait` then says "not a child of this shell".
spawn() {
    local name=$1 status
    shift
    mkdir -p "$work/.jobs"
    status=$(mktemp "$work/.jobs/XXXXXX")
    # shellcheck disable=SC2016 # expanded by the bash that runs CMD
    setsid bash -c '"$@"; echo $? >"$0"' "$status" "$@" &
    pid=$!
    groups[$pid]=$name
    statuses[$pid]=$status
}
# reap PID: wait for a spawned command; its exit status (1 if it was killed
# before it could say). While bash waits here a signal runs the trap at once.
reap() {
    local rc
    wait "$1" 2>/dev/null || true
    rc=$(cat "${statuses[$1]}")
    unset 'groups[$1]' 'statuses[$1]'
    return "${rc:-1}"
}
run() { spawn "$1" "${@:2}"; reap "$pid"; }
kill_spawned() {
    local g
    for g in "${!groups[@]}"; do kill -KILL -- "-$g" 2>/dev/null || true; done
    wait || true
}

now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }
