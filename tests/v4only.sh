#!/bin/sh
# SPEC §4 on an IPv4-only host, as most pods are: in a network namespace of
# this test with IPv6 switched off and one IPv4 address (192.0.2.1, a
# documentation address on a link that carries no traffic), getaddrinfo with
# AI_ADDRCONFIG narrows AF_UNSPEC to AF_INET and stops calling
# _nss_podip_gethostbyname4_r. gdb counts the module's entry points as glibc
# calls them, and the answers must still be the SPEC's.
set -u
. "${top_srcdir:-.}/tests/lib.sh"
need_root
need_cmd unshare ip sysctl gdb
isolate -n
export LD_LIBRARY_PATH="$libs"

ip link set lo up
netns_ipv4_only
add_link podip0 192.0.2.1/24 || { echo "FAIL: cannot add a link"; exit 1; }
check "the namespace has no IPv6 address" 0 "" ip -6 -o addr show
check "glibc sees IPv4 (AI_ADDRCONFIG)" 0 192.0.2.9 "$resolve" gai inet addrconfig 192.0.2.9
check "glibc sees no IPv6 (AI_ADDRCONFIG)" 1 EAI_NONAME "$resolve" gai inet6 addrconfig 2001:db8::9

# calls CMD...: run CMD under gdb and print one line per call of a module
# entry point: "4_r", or "3_r af=N" / "2_r af=N" / "_r" (2 = AF_INET,
# 10 = AF_INET6); 2_r calls 3_r inside the module, so its line comes with a
# 3_r one. The module's debug information (the default -g) gives af.
cat >"$tmp/calls.gdb" <<'EOF'
set pagination off
set confirm off
set breakpoint pending on
set disable-randomization off
break _nss_podip_gethostbyname4_r
commands
silent
printf "podip-call 4_r\n"
continue
end
break _nss_podip_gethostbyname3_r
commands
silent
printf "podip-call 3_r af=%d\n", af
continue
end
break _nss_podip_gethostbyname2_r
commands
silent
printf "podip-call 2_r af=%d\n", af
continue
end
break _nss_podip_gethostbyname_r
commands
silent
printf "podip-call _r\n"
continue
end
run
EOF
calls() {
    gdb -q -batch -nx -x "$tmp/calls.gdb" --args "$@" 2>&1 | tee "$tmp/gdb.out" |
        sed -n 's/^podip-call //p'
}

# narrowed FILE: the calls in FILE went to the module, only for AF_INET,
# never to gethostbyname4_r.
narrowed() {
    grep -q . "$1" && ! grep -qv -e '^[23]_r af=2$' -e '^_r$' "$1"
}

v4=10-42-2-46.default.pod.cluster.local
v6=fd00-10-244--5.default.pod.cluster.local
calls "$resolve" -s podip gai unspec addrconfig "$v4" >"$tmp/calls"
assert "getaddrinfo(AF_UNSPEC, AI_ADDRCONFIG) $v4 calls podip for AF_INET only, never gethostbyname4_r: $(tr '\n' ' ' <"$tmp/calls")" \
    narrowed "$tmp/calls"
calls getent -s hosts:podip ahosts "$v6" >"$tmp/calls"
assert "getent ahosts (AI_ADDRCONFIG) $v6 calls podip for AF_INET only, never gethostbyname4_r: $(tr '\n' ' ' <"$tmp/calls")" \
    narrowed "$tmp/calls"
# The same counter sees gethostbyname4_r when glibc does call it.
check "getaddrinfo(AF_UNSPEC) without AI_ADDRCONFIG calls gethostbyname4_r once" 0 "4_r" \
    calls "$resolve" -s podip gai unspec - "$v4"

gent() { getent -s hosts:podip "$@"; }
res() { "$resolve" -s podip "$@"; }

# IPv4 pods, absolute, relative and IPv4-mapped: answered as always.
for spec in "$v4 10.42.2.46" "10-42-2-46.default.pod 10.42.2.46" \
    "--ffff-a00-1.default.pod.cluster.local 10.0.0.1"; do
    # shellcheck disable=SC2086 # the fields of the row
    set -- $spec
    check "getent hosts $1" 0 "$(getent_hosts "$2" "$1")" gent hosts -- "$1"
    check "getent ahosts $1" 0 "$(getent_ahosts "$2" "$1")" gent ahosts -- "$1"
    check "getent ahostsv4 $1" 0 "$(getent_ahosts "$2" "$1")" gent ahostsv4 -- "$1"
    check "getent ahostsv6 $1: no IPv6 here" 2 "" gent ahostsv6 -- "$1"
    check "getaddrinfo AF_UNSPEC AI_ADDRCONFIG $1" 0 "$2" res gai unspec addrconfig "$1"
    check "getaddrinfo AF_UNSPEC AI_ADDRCONFIG|AI_CANONNAME $1" 0 "$2 canon=$1" \
        res gai unspec addrconfig,canonname "$1"
    check "getaddrinfo AF_INET AI_ADDRCONFIG $1" 0 "$2" res gai inet addrconfig "$1"
    check "getaddrinfo AF_INET6 AI_ADDRCONFIG|AI_V4MAPPED $1: no IPv6 here" 1 EAI_NONAME \
        res gai inet6 addrconfig,v4mapped "$1"
    check "getaddrinfo AF_UNSPEC $1" 0 "$2" res gai unspec - "$1"
    check "gethostbyname $1" 0 "$2 name=$1" res ghbn "$1"
    check "gethostbyname2 AF_INET6 $1: NODATA" 1 NO_DATA res ghbn2 inet6 "$1"
done

# An IPv6 pod: AI_ADDRCONFIG narrows to AF_INET, which has no data; asked
# without it, or with gethostbyname2(AF_INET6), the address still comes.
check "getent hosts $v6" 0 "$(getent_hosts fd00:10:244::5 $v6)" gent hosts "$v6"
check "getent ahosts $v6: narrowed to IPv4, NODATA" 2 "" gent ahosts "$v6"
check "getaddrinfo AF_UNSPEC AI_ADDRCONFIG $v6: NODATA" 1 EAI_NODATA res gai unspec addrconfig "$v6"
check "getaddrinfo AF_UNSPEC $v6" 0 fd00:10:244::5 res gai unspec - "$v6"
check "gethostbyname2 AF_INET6 $v6" 0 "fd00:10:244::5 name=$v6" res ghbn2 inet6 "$v6"

# NODATA, NXDOMAIN, and a name that is not the module's (which `files` then
# gets: tests/chain.sh).
for spec in "default.pod.cluster.local EAI_NODATA NO_DATA" \
    "010-0-0-1.default.pod.cluster.local EAI_NONAME HOST_NOT_FOUND" \
    "010-0-0-1.default.pod EAI_NONAME HOST_NOT_FOUND"; do
    # shellcheck disable=SC2086 # the fields of the row
    set -- $spec
    check "getent hosts $1: not found" 2 "" gent hosts "$1"
    check "getent ahosts $1: not found" 2 "" gent ahosts "$1"
    check "getaddrinfo AF_UNSPEC AI_ADDRCONFIG $1: $2" 1 "$2" res gai unspec addrconfig "$1"
    check "gethostbyname $1: $3" 1 "$3" res ghbn "$1"
done
check "getent hosts example.com: passed on" 2 "" gent hosts example.com
check "getent ahosts example.com: passed on" 2 "" gent ahosts example.com
check "gethostbyname example.com: passed on" 1 NO_RECOVERY res ghbn example.com

finish
