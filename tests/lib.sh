# shellcheck shell=sh
# Shared helpers for the shell integration tests. Source it first thing:
#
#   . "${top_srcdir:-.}/tests/lib.sh"
#
# It sets $build (the build tree), $libs (where libnss_podip.so.2 is built:
# it reads $(sysconfdir)/nss-podip.conf and /etc/resolv.conf, as installed),
# $test_libs (the same module built for the tests: it reads
# $build/tests/etc/nss-podip.conf and resolv.conf, absent unless a test mounts
# its own there, and traps on undefined behaviour), $resolve (tests/resolve)
# and $tmp (a scratch directory removed on exit), and defines the functions
# below and tests/check.sh's. A test ends with `finish`, which exits 1 if any
# check failed. Helpers that need root say so; call need_root before them.

build=${top_builddir:-.}
# shellcheck disable=SC2034 # for the tests that source this file
libs=$build/.libs
# shellcheck disable=SC2034
test_libs=$build/tests/.libs
# shellcheck disable=SC2034
test_etc=$build/tests/etc
# shellcheck disable=SC2034
resolve=$build/tests/resolve
lib_at_exit=""

# check, assert, pass, fail and finish
# shellcheck source=tests/check.sh
. "${top_srcdir:-.}/tests/check.sh"

# --- reporting -------------------------------------------------------------

# --- cleanup -----------------------------------------------------------------

# at_exit CMD: run the shell command CMD when the test exits, last added first.
at_exit() {
    lib_at_exit="$1; $lib_at_exit"
}

lib_cleanup() {
    eval "$lib_at_exit"
    lib_at_exit=""
    rm -rf "$tmp"
}

# wait_for SECONDS CMD [ARG...]: poll CMD every 0.1 s until it succeeds;
# returns 1 if it never did.
wait_for() {
    _tries=$(($1 * 10))
    shift
    while [ "$_tries" -gt 0 ]; do
        "$@" 2>/dev/null && return 0
        sleep 0.1
        _tries=$((_tries - 1))
    done
    return 1
}

# --- namespaces (root) -------------------------------------------------------

# isolate [UNSHARE-OPTION...]: re-run this test in a new mount namespace (and
# whatever the options add: -n for a network namespace of its own). Call it
# before anything else: the mounts, links and daemons the test makes then
# vanish with it, and nothing on the host changes.
isolate() {
    [ -n "${LIB_ISOLATED:-}" ] && return 0
    lib_cleanup
    LIB_ISOLATED=1 exec unshare -m --propagation private "$@" -- "$0"
}

# etc_file NAME CONTENT: in this private mount namespace, /etc/NAME reads
# CONTENT (a bind mount; the host's file is untouched).
etc_file() {
    printf '%s\n' "$2" >"$tmp/etc-$1"
    mount --bind "$tmp/etc-$1" "/etc/$1" || { echo "FAIL: cannot bind-mount /etc/$1"; exit 1; }
}

# ldcache_add LIB...: make LIB loadable by name by every program in this mount
# namespace, including secure-execution ones (setuid or file capabilities,
# like ping for a non-root user) whose loader ignores LD_LIBRARY_PATH: LIB is
# copied to a world-readable directory listed in a private /etc/ld.so.cache.
ldcache_add() {
    mkdir -p "$tmp/ld/lib" "$tmp/ld/aux"
    chmod 755 "$tmp" "$tmp/ld" "$tmp/ld/lib"
    cp "$@" "$tmp/ld/lib/"
    printf 'include /etc/ld.so.conf\n%s\n' "$tmp/ld/lib" >"$tmp/ld/ld.so.conf"
    # ldconfig also rewrites its aux-cache, even with -i: keep the host's.
    [ -d /var/cache/ldconfig ] && mount --bind "$tmp/ld/aux" /var/cache/ldconfig
    ldconfig -X -C "$tmp/ld/ld.so.cache" -f "$tmp/ld/ld.so.conf" &&
        mount --bind "$tmp/ld/ld.so.cache" /etc/ld.so.cache
}

# netns_ipv4_only: in this (new) network namespace, switch IPv6 off, so no
# interface, lo included, holds an IPv6 address. Call before adding links.
netns_ipv4_only() {
    [ -d /proc/sys/net/ipv6 ] || return 0
    sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1 \
        net.ipv6.conf.lo.disable_ipv6=1
}

# add_link NAME CIDR: in this network namespace, an up link holding CIDR that
# never carries traffic: a dummy, or an ifb where the kernel has no dummy
# driver. Use only documentation addresses (192.0.2.0/24).
add_link() {
    ip link add "$1" type dummy 2>/dev/null || ip link add "$1" type ifb || return 1
    ip addr add "$2" dev "$1" && ip link set "$1" up
}

# --- expected outputs ------------------------------------------------------

# The exact output of `getent hosts` for one address (its "%-15s %s" format).
getent_hosts() {
    printf '%-15s %s' "$1" "$2"
}

# The exact output of `getent ahosts*` for one address: one line a socket
# type, the canonical name on the first.
getent_ahosts() {
    printf '%-15s %-6s %s\n%-15s %-6s \n%-15s %-6s ' "$1" STREAM "$2" "$1" DGRAM "$1" RAW
}

# old_enough FILE...: each FILE's mtime 10 s back. A process that already
# has a configuration in force switches to an nss-podip.conf changed in the
# last 2 s only once it is that old (it may still be being written), so a
# test that means such a running process to use a file at once dates it back
# first. A new process uses the file it finds (SPEC §6): no dating back.
old_enough() {
    touch -d "@$(($(date +%s) - 10))" "$@"
}

# configmap DIR VERSION TEXT: update DIR as the kubelet updates a ConfigMap
# volume: a new folder DIR/VERSION holding nss-podip.conf, then DIR/..data
# swapped to it by a rename. DIR/nss-podip.conf -> ..data/nss-podip.conf is
# the caller's symlink.
configmap() {
    mkdir "$1/$2" && printf '%s\n' "$3" >"$1/$2/nss-podip.conf" &&
        ln -s "$2" "$1/..data_tmp" && mv -T "$1/..data_tmp" "$1/..data"
}

# --- daemons -----------------------------------------------------------------

# start_dnsmasq LOG [OPTION...]: a DNS server on 127.0.0.1:53 of this network
# namespace (never the host's: call isolate -n first) that answers only from
# its options and logs every query it receives to LOG; stopped on exit.
# Count the queries with dns_queries LOG.
start_dnsmasq() {
    _log=$1
    shift
    dnsmasq --keep-in-foreground --conf-file=/dev/null --no-resolv --no-hosts \
        --listen-address=127.0.0.1 --bind-interfaces --port=53 --user=root \
        --pid-file="$tmp/dnsmasq.pid" --log-queries --log-facility="$_log" "$@" \
        2>"$tmp/dnsmasq.err" &
    _pid=$!
    at_exit "kill $_pid 2>/dev/null; wait $_pid 2>/dev/null"
    wait_for 5 grep -q ' started, ' "$_log" ||
        { echo "FAIL: dnsmasq did not start"; cat "$tmp/dnsmasq.err" "$_log"; exit 1; }
}

dns_queries() {
    grep -c ': query\[' "$1"
}

# start_http ADDR PORT DIR: a web server for DIR on ADDR:PORT, stopped on exit.
start_http() {
    python3 -u -m http.server --bind "$1" --directory "$3" "$2" >"$tmp/http-$2.log" 2>&1 &
    _pid=$!
    at_exit "kill $_pid 2>/dev/null; wait $_pid 2>/dev/null"
    wait_for 5 grep -q '^Serving HTTP' "$tmp/http-$2.log" ||
        { echo "FAIL: web server did not start"; cat "$tmp/http-$2.log"; exit 1; }
}

tmp=$(mktemp -d "${TMPDIR:-/tmp}/podip-test.XXXXXX")
trap lib_cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
