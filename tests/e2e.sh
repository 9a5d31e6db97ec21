#!/bin/sh
# SPEC §5 end to end, with real clients and the line the README recommends,
# `hosts: files podip [NOTFOUND=return] dns`: curl fetches a page by pod name
# (absolute and relative, IPv4 and IPv6) from web servers on loopback, and
# ping reaches a pod name. All of it runs in mount and network namespaces of
# this test, with private /etc files; nothing on the host changes.
set -u
. "${top_srcdir:-.}/tests/lib.sh"
need_root
need_cmd unshare ip curl ping python3 setpriv ldconfig
isolate -n
module=$libs/libnss_podip.so.2

ip link set lo up
etc_file nsswitch.conf "hosts: files podip [NOTFOUND=return] dns"
etc_file hosts "127.0.0.1 localhost
::1 localhost"
# Nothing listens on port 53 here: a name podip leaves to dns fails at once.
etc_file resolv.conf "nameserver 127.0.0.1
options attempts:1 timeout:1"

mkdir "$tmp/www"
page="nss-podip end to end $$"
printf '%s' "$page" >"$tmp/www/page.txt"
start_http 127.0.0.1 8080 "$tmp/www"
start_http ::1 8081 "$tmp/www"

# curl loads the module from the build tree.
fetch() {
    LD_LIBRARY_PATH="$libs" curl -sS --max-time 5 -w ' from %{remote_ip}' "$1"
}
for host in 127-0-0-1.default.pod.cluster.local 127-0-0-1.default.pod \
    127-0-0-1.default.pod.cluster.local.; do
    check "curl http://$host:8080/" 0 "$page from 127.0.0.1" fetch "http://$host:8080/page.txt"
done
check "curl http://--1.default.pod.cluster.local:8081/ (IPv6)" 0 "$page from ::1" \
    fetch "http://--1.default.pod.cluster.local:8081/page.txt"
check "curl http://--1.default.pod:8081/ (IPv6, relative)" 0 "$page from ::1" \
    fetch "http://--1.default.pod:8081/page.txt"
check "curl http://010-0-0-1.default.pod.cluster.local/: cannot resolve (NXDOMAIN)" 6 \
    " from " fetch "http://010-0-0-1.default.pod.cluster.local:8080/page.txt"

# pinged NAME [RUNNER...]: ping NAME once (through RUNNER); print the first
# line, which shows the address NAME resolved to, and whether a reply came.
pinged() {
    _name=$1
    shift
    _out=$("$@" ping -n -c1 -W2 -- "$_name")
    _rc=$?
    printf '%s\n' "$_out" | sed -n -e 1p -e 's/^\(1 packets transmitted, 1 received\),.*/\1/p'
    return "$_rc"
}
with_stderr() {
    "$@" 2>&1
}
as_nobody() {
    setpriv --reuid=65534 --regid=65534 --clear-groups "$@"
}
# ping is privileged (file capabilities or setuid), so for a user other than
# root the loader runs it in secure-execution mode and ignores LD_LIBRARY_PATH.
# A private /etc/ld.so.cache that lists a copy of the module works in every
# mode.
caps=$(getcap "$(command -v ping)" 2>/dev/null)
echo "# $(command -v ping): ${caps:-no file capabilities}$([ -u "$(command -v ping)" ] && echo ', setuid')"
if [ -n "$caps" ] || [ -u "$(command -v ping)" ]; then
    mkdir "$tmp/pub" && cp "$module" "$tmp/pub/" && chmod 755 "$tmp" "$tmp/pub"
    check "ping as nobody ignores LD_LIBRARY_PATH (secure execution): the name goes to dns" 2 \
        "ping: 127-0-0-1.default.pod.cluster.local: Temporary failure in name resolution" \
        with_stderr as_nobody env LD_LIBRARY_PATH="$tmp/pub" ping -n -c1 -W2 \
        127-0-0-1.default.pod.cluster.local
fi
ldcache_add "$module" || { echo "FAIL: cannot build a private ld.so.cache"; exit 1; }
v4_ping="PING 127-0-0-1.default.pod.cluster.local (127.0.0.1) 56(84) bytes of data.
1 packets transmitted, 1 received"
v6_ping="PING --1.default.pod.cluster.local(::1) 56 data bytes
1 packets transmitted, 1 received"
check "ping 127-0-0-1.default.pod.cluster.local (root)" 0 "$v4_ping" \
    pinged 127-0-0-1.default.pod.cluster.local
check "ping 127-0-0-1.default.pod.cluster.local (nobody, secure execution)" 0 "$v4_ping" \
    pinged 127-0-0-1.default.pod.cluster.local as_nobody
check "ping --1.default.pod.cluster.local (IPv6)" 0 "$v6_ping" pinged --1.default.pod.cluster.local

finish
