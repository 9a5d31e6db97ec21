#!/bin/sh
# SPEC §5: with `hosts: files podip [NOTFOUND=return] dns` and a pod's
# resolv.conf (search list, ndots:5), no DNS query leaves for a name the
# module owns (valid, NXDOMAIN or NODATA; absolute or relative), whoever asks:
# getent, getaddrinfo, curl. Every other name still reaches DNS. The only
# nameserver is a dnsmasq that this test starts in a network namespace of its
# own and that logs every query it receives.
set -u
. "${top_srcdir:-.}/tests/lib.sh"
need_root
need_cmd unshare ip dnsmasq curl
isolate -n
export LD_LIBRARY_PATH="$libs"

ip link set lo up
etc_file nsswitch.conf "hosts: files podip [NOTFOUND=return] dns"
etc_file resolv.conf "nameserver 127.0.0.1
search default.svc.cluster.local svc.cluster.local cluster.local
options ndots:5"
etc_file hosts "127.0.0.1 localhost"
log=$tmp/dnsmasq.log
# www.example.test has an address (a documentation one); every other name
# under cluster.local is NXDOMAIN, so the search list is walked quickly.
start_dnsmasq "$log" --address=/www.example.test/192.0.2.80 --local=/cluster.local/

# quiet DESC WANT_EXIT WANT_STDOUT CMD...: check the answer, and that the DNS
# server received no query meanwhile.
quiet() {
    _n=$(dns_queries "$log")
    check "$@"
    _n=$(($(dns_queries "$log") - _n))
    assert "$1: $_n DNS queries" test "$_n" -eq 0
}

# loud DESC WANT_EXIT WANT_STDOUT CMD...: check the answer, and that it took
# DNS queries.
loud() {
    _n=$(dns_queries "$log")
    check "$@"
    _n=$(($(dns_queries "$log") - _n))
    assert "$1: $_n DNS queries (some wanted)" test "$_n" -gt 0
}

# fetch URL: curl's exit status; 7 (cannot connect: nothing listens) means
# the name resolved, 6 that it did not.
fetch() {
    curl -sS --max-time 5 -o /dev/null "$1" 2>/dev/null
}

v4=10-42-2-46.default.pod.cluster.local
# name, its IPv4 answer (or - for NODATA), its IPv6 answer (or -)
for spec in "$v4 10.42.2.46 -" "$v4. 10.42.2.46 -" "10-42-2-46.default.pod 10.42.2.46 -" \
    "fd00-10-244--5.default.pod.cluster.local - fd00:10:244::5" \
    "fd00-10-244--5.default.pod - fd00:10:244::5"; do
    # shellcheck disable=SC2086 # the fields of the row
    set -- $spec
    name=$1 a=$2 aaaa=$3
    canon=${name%.}
    if [ "$a" != - ]; then
        quiet "getent hosts $name" 0 "$(getent_hosts "$a" "$canon")" getent hosts "$name"
        quiet "getent ahosts $name" 0 "$(getent_ahosts "$a" "$canon")" getent ahosts "$name"
        quiet "getaddrinfo AF_UNSPEC $name" 0 "$a" "$resolve" gai unspec - "$name"
        quiet "getaddrinfo AF_INET $name" 0 "$a" "$resolve" gai inet - "$name"
        quiet "getaddrinfo AF_INET6 $name: NODATA" 1 EAI_NODATA "$resolve" gai inet6 - "$name"
        quiet "gethostbyname2 AF_INET6 $name: NODATA" 1 NO_DATA "$resolve" ghbn2 inet6 "$name"
    else
        quiet "getent hosts $name" 0 "$(getent_hosts "$aaaa" "$canon")" getent hosts "$name"
        quiet "getent ahosts $name" 0 "$(getent_ahosts "$aaaa" "$canon")" getent ahosts "$name"
        quiet "getaddrinfo AF_UNSPEC $name" 0 "$aaaa" "$resolve" gai unspec - "$name"
        quiet "getaddrinfo AF_INET $name: NODATA" 1 EAI_NODATA "$resolve" gai inet - "$name"
        quiet "getaddrinfo AF_INET6 $name" 0 "$aaaa" "$resolve" gai inet6 - "$name"
        quiet "gethostbyname $name: NODATA" 1 NO_DATA "$resolve" ghbn "$name"
    fi
done

# NODATA and NXDOMAIN for every family.
for spec in "default.pod.cluster.local EAI_NODATA NO_DATA" \
    "010-0-0-1.default.pod.cluster.local EAI_NONAME HOST_NOT_FOUND" \
    "010-0-0-1.default.pod EAI_NONAME HOST_NOT_FOUND" \
    "x.default.pod.cluster.local. EAI_NONAME HOST_NOT_FOUND"; do
    # shellcheck disable=SC2086 # the fields of the row
    set -- $spec
    quiet "getent hosts $1" 2 "" getent hosts "$1"
    quiet "getent ahosts $1" 2 "" getent ahosts "$1"
    for fam in unspec inet inet6; do
        quiet "getaddrinfo $fam $1: $2" 1 "$2" "$resolve" gai "$fam" - "$1"
    done
    quiet "gethostbyname $1: $3" 1 "$3" "$resolve" ghbn "$1"
done

# curl: a pod name resolves (and the connection is refused: nothing listens),
# an invalid one does not; neither is asked of DNS.
for host in 127-0-0-1.default.pod.cluster.local 127-0-0-1.default.pod --1.default.pod.cluster.local; do
    quiet "curl http://$host:9/ resolves" 7 "" fetch "http://$host:9/"
done
for host in 010-0-0-1.default.pod.cluster.local 010-0-0-1.default.pod; do
    quiet "curl http://$host:9/ cannot resolve" 6 "" fetch "http://$host:9/"
done

# Names that are not the module's reach the DNS server.
loud "getent hosts www.example.test" 0 "$(getent_hosts 192.0.2.80 www.example.test)" \
    getent hosts www.example.test
loud "getaddrinfo AF_UNSPEC www.example.test" 0 192.0.2.80 "$resolve" gai unspec - www.example.test
loud "getaddrinfo AF_INET my-svc.default.svc.cluster.local: NXDOMAIN from DNS" 1 EAI_NONAME \
    "$resolve" gai inet - my-svc.default.svc.cluster.local
loud "getent hosts 10-42-2-46.my-svc.default.svc.cluster.local: NXDOMAIN from DNS" 2 "" \
    getent hosts 10-42-2-46.my-svc.default.svc.cluster.local

echo "# dnsmasq received $(dns_queries "$log") queries in all"
finish
