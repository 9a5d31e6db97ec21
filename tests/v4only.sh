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
seen_families
# Every way glibc asks, the SPEC's answers still: IPv4 pods, absolute,
# relative and IPv4-mapped; an IPv6 pod, which AI_ADDRCONFIG narrows to an
# IPv4 lookup (NODATA) while gethostbyname2(AF_INET6) still gets it; NODATA,
# NXDOMAIN, and a name that is not the module's (which `files` then gets:
# tests/chain.sh).
lookup_rows check <<'EOT'
10-42-2-46.default.pod.cluster.local 10.42.2.46 NODATA
10-42-2-46.default.pod 10.42.2.46 NODATA
--ffff-a00-1.default.pod.cluster.local 10.0.0.1 NODATA
fd00-10-244--5.default.pod.cluster.local NODATA fd00:10:244::5
default.pod.cluster.local NODATA NODATA
010-0-0-1.default.pod.cluster.local NXDOMAIN NXDOMAIN
010-0-0-1.default.pod NXDOMAIN NXDOMAIN
example.com PASS PASS
EOT

finish
