#!/bin/sh
# SPEC §5: with `hosts: files podip [NOTFOUND=return] dns` and a pod's
# resolv.conf (search list, ndots:5), no DNS query leaves for a name the
# module owns (valid, NXDOMAIN or NODATA; absolute or relative), whoever asks:
# getent, getaddrinfo, curl. Every other name still reaches DNS. The only
# nameserver is a dnsmasq that this test starts in a network namespace of its
# own and that logs every query it receives; a link that carries no traffic
# holds an IPv4 and an IPv6 address, so getaddrinfo's AI_ADDRCONFIG asks for
# both families, as on a dual-stack host.
set -u
. "${top_srcdir:-.}/tests/lib.sh"
need_root
need_cmd unshare ip dnsmasq curl
isolate -n
export LD_LIBRARY_PATH="$libs"

ip link set lo up
{ add_link podip0 192.0.2.1/24 && ip addr add 2001:db8::1/64 dev podip0 nodad; } ||
    { echo "FAIL: cannot add a link"; exit 1; }
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

gent() { getent "$@"; }
res() { "$resolve" "$@"; }
seen_families
# Every way glibc asks for each name, through the hosts line, answered
# with no DNS query: pods, absolute and relative, a name with no address,
# names that cannot exist.
lookup_rows quiet <<'EOT'
10-42-2-46.default.pod.cluster.local 10.42.2.46 NODATA
10-42-2-46.default.pod.cluster.local. 10.42.2.46 NODATA
10-42-2-46.default.pod 10.42.2.46 NODATA
fd00-10-244--5.default.pod.cluster.local NODATA fd00:10:244::5
fd00-10-244--5.default.pod NODATA fd00:10:244::5
default.pod.cluster.local NODATA NODATA
010-0-0-1.default.pod.cluster.local NXDOMAIN NXDOMAIN
010-0-0-1.default.pod NXDOMAIN NXDOMAIN
x.default.pod.cluster.local. NXDOMAIN NXDOMAIN
EOT

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
