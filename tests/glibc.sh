#!/bin/sh
# SPEC §1-§4 through the real glibc, as an ordinary user: getent and
# tests/resolve load libnss_podip.so.2 from the build tree (LD_LIBRARY_PATH)
# and select it with `getent -s hosts:podip` or __nss_configure_lookup, so
# neither root nor /etc is involved. It is the module built for the tests,
# whose configuration files are in the build tree (absent: the defaults),
# so that the machine's own nss-podip.conf and resolv.conf change nothing. Each name is looked up with
# gethostbyname2 (getent hosts), getaddrinfo (getent ahosts*, tests/resolve
# gai), gethostbyname and gethostbyname2 (tests/resolve ghbn, ghbn2).
#
# getent is $GETENT if set, else the one on PATH. A getent of another
# architecture than the module's skips it without a word, so in a cross
# build the getent checks need the target's getent (tests/arch.sh extracts
# libc-bin:ARCH and runs it under qemu-user); without one they are reported
# as skipped, and the test as a whole is not a pass. Every getent check that
# expects "not found" first asks, in the same getent call, a name the module
# answers: exit status 2 alone is also what a getent that never loaded the
# module says.
set -u
. "${top_srcdir:-.}/tests/lib.sh"
export LD_LIBRARY_PATH="$test_libs"
module=$test_libs/libnss_podip.so.2
for f in "$test_etc/nss-podip.conf" "$test_etc/resolv.conf"; do
    [ ! -e "$f" ] || { echo "FAIL: $f is there: this test wants the defaults"; exit 1; }
done
[ -f "$module" ] || { echo "FAIL: $module not built"; exit 1; }
"$resolve" gai inet numerichost 192.0.2.9 >/dev/null 2>&1 ||
    { echo "FAIL: cannot run $resolve (a cross build runs its tests under qemu-user: binfmt_misc and qemu-user-static)"; exit 1; }

getent=${GETENT:-getent}
gent() { "$getent" -s hosts:podip "$@"; }
res() { "$resolve" -s podip "$@"; }

# elf FILE: the ELF class, byte order and machine, and the machine's name.
elf() {
    _k=$(od -An -tx1 -j4 -N2 "$1" | tr -d ' ')$(od -An -tx1 -j18 -N2 "$1" | tr -d ' ')
    case $_k in
    02013e00) echo "$_k (x86-64)" ;;
    0201b700) echo "$_k (aarch64)" ;;
    01010300) echo "$_k (i386)" ;;
    01012800) echo "$_k (arm)" ;;
    02020016) echo "$_k (s390x)" ;;
    02011500) echo "$_k (ppc64le)" ;;
    *) echo "$_k" ;;
    esac
}
getent_path=$(command -v "$getent") || { echo "FAIL: no $getent"; exit 1; }
skip_getent=""
if [ "$(elf "$getent_path")" != "$(elf "$module")" ]; then
    skip_getent="$getent_path is ELF $(elf "$getent_path"), the module ELF $(elf "$module"): \
a getent of another architecture does not load the module (set GETENT to the target's getent)"
    echo "SKIP: every getent check: $skip_getent"
fi
skipped=0
# gcheck: check, for a getent command; counted as skipped when getent cannot
# load the module.
gcheck() {
    if [ -n "$skip_getent" ]; then
        skipped=$((skipped + 1))
        echo "SKIP: $1"
        return 0
    fi
    check "$@"
}

# getent ahosts* ask getaddrinfo with AI_ADDRCONFIG, so their answers depend
# on the address families this host has. Ask glibc which ones it sees: a
# numeric address of a family it does not see gives EAI_NONAME.
seen4=no seen6=no
"$resolve" gai inet addrconfig 192.0.2.9 >/dev/null && seen4=yes
"$resolve" gai inet6 addrconfig 2001:db8::9 >/dev/null && seen6=yes
echo "# glibc sees on this host: IPv4 $seen4, IPv6 $seen6 (AI_ADDRCONFIG)"

# want_ahosts DB FAMILY ADDR NAME: sets want_rc and want for `getent DB` of a
# pod name whose address ADDR is of FAMILY (4 or 6). getent asks with
# AI_ADDRCONFIG|AI_V4MAPPED|AI_CANONNAME.
want_ahosts() {
    want_rc=2 want=""
    case "$1/$2/$seen4$seen6" in
    ahosts/4/noyes) want_rc=0 want=$(getent_ahosts "::ffff:$3" "$4") ;; # narrowed to AF_INET6
    ahosts/4/*) want_rc=0 want=$(getent_ahosts "$3" "$4") ;;
    ahosts/6/yesno) ;;                                                 # narrowed to AF_INET: NODATA
    ahosts/6/*) want_rc=0 want=$(getent_ahosts "$3" "$4") ;;
    ahostsv4/4/yes*) want_rc=0 want=$(getent_ahosts "$3" "$4") ;;
    ahostsv6/4/?*yes) want_rc=0 want=$(getent_ahosts "::ffff:$3" "$4") ;;
    ahostsv6/6/?*yes) want_rc=0 want=$(getent_ahosts "$3" "$4") ;;
    esac
}

# The names the module answers, asked before a name expected not to be found.
sentinel4=10-42-2-46.default.pod.cluster.local
sentinel6=fd00-10-244--5.default.pod.cluster.local

# not_answered DESC DB NAME: `getent DB` of the sentinel, then NAME, prints
# only the sentinel's answer and exits 2 (a key not found).
not_answered() {
    if [ "$2" = hosts ]; then
        s=$sentinel4 s_out=$(getent_hosts 10.42.2.46 "$sentinel4")
    else
        s=$sentinel4
        want_ahosts "$2" 4 10.42.2.46 "$s"
        if [ "$want_rc" != 0 ]; then
            s=$sentinel6
            want_ahosts "$2" 6 fd00:10:244::5 "$s"
        fi
        if [ "$want_rc" != 0 ]; then
            # No family of this database reaches a module on this host: glibc
            # says "not found" without asking, and a check would prove nothing.
            echo "# not checked: $1 (getent $2 asks no module here, AI_ADDRCONFIG)"
            return 0
        fi
        s_out=$want
    fi
    gcheck "$1" 2 "$s_out" gent "$2" -- "$s" "$3"
}

ahosts_checks() { # FAMILY ADDR NAME ASKED
    for db in ahosts ahostsv4 ahostsv6; do
        want_ahosts "$db" "$1" "$2" "$3"
        if [ "$want_rc" = 2 ]; then
            not_answered "getent $db $4: not found" "$db" "$4"
        else
            gcheck "getent $db $4" "$want_rc" "$want" gent "$db" -- "$4"
        fi
    done
}

# An IPv4 pod: NAME as asked, ADDR, and the answer's name (no trailing dot).
ipv4_pod() {
    name=$1 addr=$2 canon=$3
    gcheck "getent hosts $name" 0 "$(getent_hosts "$addr" "$canon")" gent hosts -- "$name"
    ahosts_checks 4 "$addr" "$canon" "$name"
    check "getaddrinfo AF_UNSPEC $name" 0 "$addr" res gai unspec - "$name"
    check "getaddrinfo AF_INET $name" 0 "$addr" res gai inet - "$name"
    check "getaddrinfo AF_INET6 $name: NODATA" 1 EAI_NODATA res gai inet6 - "$name"
    check "getaddrinfo AF_INET6 V4MAPPED $name" 0 "::ffff:$addr" res gai inet6 v4mapped "$name"
    check "getaddrinfo AF_INET6 V4MAPPED|ALL $name" 0 "::ffff:$addr" res gai inet6 v4mapped,all "$name"
    check "getaddrinfo CANONNAME $name" 0 "$addr canon=$canon" res gai unspec canonname "$name"
    check "gethostbyname $name" 0 "$addr name=$canon" res ghbn "$name"
    check "gethostbyname2 AF_INET $name" 0 "$addr name=$canon" res ghbn2 inet "$name"
    check "gethostbyname2 AF_INET6 $name: NODATA" 1 NO_DATA res ghbn2 inet6 "$name"
}

ipv6_pod() {
    name=$1 addr=$2 canon=$3
    gcheck "getent hosts $name" 0 "$(getent_hosts "$addr" "$canon")" gent hosts -- "$name"
    ahosts_checks 6 "$addr" "$canon" "$name"
    check "getaddrinfo AF_UNSPEC $name" 0 "$addr" res gai unspec - "$name"
    check "getaddrinfo AF_INET $name: NODATA" 1 EAI_NODATA res gai inet - "$name"
    check "getaddrinfo AF_INET6 $name" 0 "$addr" res gai inet6 - "$name"
    check "getaddrinfo AF_INET6 V4MAPPED $name" 0 "$addr" res gai inet6 v4mapped "$name"
    check "getaddrinfo CANONNAME $name" 0 "$addr canon=$canon" res gai unspec canonname "$name"
    check "gethostbyname $name: NODATA" 1 NO_DATA res ghbn "$name"
    check "gethostbyname2 AF_INET $name: NODATA" 1 NO_DATA res ghbn2 inet "$name"
    check "gethostbyname2 AF_INET6 $name" 0 "$addr name=$canon" res ghbn2 inet6 "$name"
}

# Not found: NODATA (EAI_NODATA, NO_DATA) or NXDOMAIN (EAI_NONAME,
# HOST_NOT_FOUND), the same for every family; getent says 2 (not found).
not_found() {
    name=$1 gai=$2 herr=$3
    not_answered "getent hosts $name: not found" hosts "$name"
    ahosts_checks 0 - - "$name"
    check "getaddrinfo AF_UNSPEC $name: $gai" 1 "$gai" res gai unspec - "$name"
    check "getaddrinfo AF_INET $name: $gai" 1 "$gai" res gai inet - "$name"
    check "getaddrinfo AF_INET6 $name: $gai" 1 "$gai" res gai inet6 - "$name"
    check "getaddrinfo AF_INET6 V4MAPPED $name: $gai" 1 "$gai" res gai inet6 v4mapped "$name"
    check "gethostbyname $name: $herr" 1 "$herr" res ghbn "$name"
    check "gethostbyname2 AF_INET $name: $herr" 1 "$herr" res ghbn2 inet "$name"
    check "gethostbyname2 AF_INET6 $name: $herr" 1 "$herr" res ghbn2 inet6 "$name"
}

# Not a pod name: podip says UNAVAIL (h_errno NO_RECOVERY), so with podip
# the only source nothing answers. That the next source then runs is shown by
# tests/chain.sh.
passed_on() {
    name=$1
    not_answered "getent hosts $name: passed on" hosts "$name"
    not_answered "getent ahosts $name: passed on" ahosts "$name"
    check "getaddrinfo AF_UNSPEC $name: passed on" 1 EAI_NONAME res gai unspec - "$name"
    check "gethostbyname $name: passed on" 1 NO_RECOVERY res ghbn "$name"
    check "gethostbyname2 AF_INET6 $name: passed on" 1 NO_RECOVERY res ghbn2 inet6 "$name"
}

ipv4_pod 10-42-2-46.default.pod.cluster.local 10.42.2.46 10-42-2-46.default.pod.cluster.local
ipv4_pod 10-42-2-46.default.pod.cluster.local. 10.42.2.46 10-42-2-46.default.pod.cluster.local
ipv4_pod 10-42-2-46.Default.POD.Cluster.Local 10.42.2.46 10-42-2-46.Default.POD.Cluster.Local
ipv4_pod _http._tcp.10-1-2-3.kube-system.pod.cluster.local 10.1.2.3 \
    _http._tcp.10-1-2-3.kube-system.pod.cluster.local
ipv4_pod 10-42-2-46.default.pod 10.42.2.46 10-42-2-46.default.pod # relative (SPEC §1)
ipv4_pod --ffff-a00-1.default.pod.cluster.local 10.0.0.1 --ffff-a00-1.default.pod.cluster.local
ipv6_pod fd00-10-244--5.default.pod.cluster.local fd00:10:244::5 \
    fd00-10-244--5.default.pod.cluster.local
ipv6_pod 10--0-1.default.pod.cluster.local 10::1 10--0-1.default.pod.cluster.local
ipv6_pod --1.default.pod ::1 --1.default.pod

for name in default.pod.cluster.local pod.cluster.local; do
    not_found "$name" EAI_NODATA NO_DATA
done
for name in 010-0-0-1.default.pod.cluster.local 10-0-0-256.default.pod.cluster.local \
    x.default.pod.cluster.local a.b.c.10-42-2-46.default.pod.cluster.local \
    10-42-2-46.-bad.pod.cluster.local 010-0-0-1.default.pod; do
    not_found "$name" EAI_NONAME HOST_NOT_FOUND
done
for name in example.com my-svc.default.svc.cluster.local 10-42-2-46.my-svc.default.svc.cluster.local \
    localhost default.pod; do
    passed_on "$name"
done

if [ "$skipped" -ne 0 ]; then
    echo "$skipped getent checks SKIPPED: $skip_getent"
    [ "$failures" -ne 0 ] && finish
    skip_or_fail "tests/glibc.sh: $skipped of $((checks + skipped)) checks skipped, $checks passed"
fi
finish
