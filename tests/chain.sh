#!/bin/sh
# SPEC §5, the module among other sources, through the real glibc: a name
# that is not the module's goes on to `files`, and with [NOTFOUND=return] a
# pod name the module says does not exist (NXDOMAIN) or has no address of the
# family asked (NODATA) never reaches it. The /etc/hosts that `files` reads is
# a private one, in a mount namespace of this test, that lists such names.
set -u
. "${top_srcdir:-.}/tests/lib.sh"
need_root
need_cmd unshare
isolate
export LD_LIBRARY_PATH="$libs"

v4=10-42-2-46.default.pod.cluster.local
nx=010-0-0-1.default.pod.cluster.local
etc_file hosts "127.0.0.1 localhost
192.0.2.7 $nx
2001:db8::7 $v4"

plain='podip files'
ret='podip [NOTFOUND=return] files'

# Not the module's name: `files` answers, whether or not NOTFOUND returns.
for chain in "$plain" "$ret"; do
    check "hosts: $chain: localhost reaches files (getent)" 0 \
        "$(getent_hosts 127.0.0.1 localhost)" getent -s "hosts:$chain" hosts localhost
    check "hosts: $chain: localhost reaches files (getaddrinfo)" 0 127.0.0.1 \
        "$resolve" -s "$chain" gai unspec - localhost
    check "hosts: $chain: localhost reaches files (gethostbyname)" 0 "127.0.0.1 name=localhost" \
        "$resolve" -s "$chain" ghbn localhost
    check "hosts: $chain: a pod name is answered by podip" 0 10.42.2.46 \
        "$resolve" -s "$chain" gai unspec - "$v4"
done

# NXDOMAIN: without [NOTFOUND=return] the lookup goes on to files, which
# lists the name (so the private /etc/hosts is read); with it, it stops.
check "hosts: $plain: NXDOMAIN $nx goes on to files" 0 "$(getent_hosts 192.0.2.7 $nx)" \
    getent -s "hosts:$plain" hosts "$nx"
check "hosts: $ret: NXDOMAIN $nx stops (getent)" 2 "" getent -s "hosts:$ret" hosts "$nx"
check "hosts: $ret: NXDOMAIN $nx stops (getaddrinfo)" 1 EAI_NONAME \
    "$resolve" -s "$ret" gai unspec - "$nx"
check "hosts: $ret: NXDOMAIN $nx stops (gethostbyname)" 1 HOST_NOT_FOUND \
    "$resolve" -s "$ret" ghbn "$nx"

# NODATA: an IPv6 lookup of an IPv4 pod; files lists an IPv6 address for it.
check "hosts: $plain: NODATA AAAA of $v4 goes on to files" 0 2001:db8::7 \
    "$resolve" -s "$plain" gai inet6 - "$v4"
check "hosts: $ret: NODATA AAAA of $v4 stops (getaddrinfo)" 1 EAI_NODATA \
    "$resolve" -s "$ret" gai inet6 - "$v4"
check "hosts: $ret: NODATA AAAA of $v4 stops (gethostbyname2)" 1 NO_DATA \
    "$resolve" -s "$ret" ghbn2 inet6 "$v4"
# getent hosts asks AF_INET6 first, then AF_INET: with NOTFOUND=return the
# IPv6 lookup stops at podip, and the IPv4 one gets the pod's address.
check "hosts: $plain: getent hosts $v4 takes files' IPv6 address" 0 \
    "$(getent_hosts 2001:db8::7 $v4)" getent -s "hosts:$plain" hosts "$v4"
check "hosts: $ret: getent hosts $v4 gets the pod's address" 0 \
    "$(getent_hosts 10.42.2.46 $v4)" getent -s "hosts:$ret" hosts "$v4"

finish
