#!/bin/sh
# SPEC §1-§4 through the real glibc, as an ordinary user: getent and
# tests/resolve load libnss_podip.so.2 from the build tree (LD_LIBRARY_PATH)
# and select it with `getent -s hosts:podip` or __nss_configure_lookup, so
# neither root nor /etc is involved. Each name is looked up with
# gethostbyname2 (getent hosts), getaddrinfo (getent ahosts*, tests/resolve
# gai), gethostbyname and gethostbyname2 (tests/resolve ghbn, ghbn2).
set -u
. "${top_srcdir:-.}/tests/lib.sh"
export LD_LIBRARY_PATH="$libs"
[ -f "$libs/libnss_podip.so.2" ] || { echo "FAIL: $libs/libnss_podip.so.2 not built"; exit 1; }

gent() { getent -s hosts:podip "$@"; }
res() { "$resolve" -s podip "$@"; }

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

ahosts_checks() { # FAMILY ADDR NAME ASKED
    for db in ahosts ahostsv4 ahostsv6; do
        want_ahosts "$db" "$1" "$2" "$3"
        check "getent $db $4" "$want_rc" "$want" gent "$db" -- "$4"
    done
}

# An IPv4 pod: NAME as asked, ADDR, and the answer's name (no trailing dot).
ipv4_pod() {
    name=$1 addr=$2 canon=$3
    check "getent hosts $name" 0 "$(getent_hosts "$addr" "$canon")" gent hosts -- "$name"
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
    check "getent hosts $name" 0 "$(getent_hosts "$addr" "$canon")" gent hosts -- "$name"
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
    check "getent hosts $name" 2 "" gent hosts -- "$name"
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
pass() {
    name=$1
    check "getent hosts $name: passed on" 2 "" gent hosts -- "$name"
    check "getent ahosts $name: passed on" 2 "" gent ahosts -- "$name"
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
    pass "$name"
done

finish
