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

# --- every lookup of a name through glibc (SPEC §3-§4) ----------------------

# seen_families: $seen4 and $seen6, yes or no: the address families glibc
# sees on this host, to which getaddrinfo's AI_ADDRCONFIG narrows (it gives
# EAI_NONAME for a numeric address of a family it does not see).
seen_families() {
    seen4=no seen6=no
    "$resolve" gai inet addrconfig 192.0.2.9 >/dev/null 2>&1 && seen4=yes
    "$resolve" gai inet6 addrconfig 2001:db8::9 >/dev/null 2>&1 && seen6=yes
    echo "# glibc sees on this host: IPv4 $seen4, IPv6 $seen6 (AI_ADDRCONFIG)"
}

# The words of tests/cases.h's columns: an address, or NODATA, NXDOMAIN,
# PASS; as getaddrinfo and gethostbyname say the three.
is_address() { case $1 in NODATA | NXDOMAIN | PASS) return 1 ;; esac }
gai_error() { case $1 in NODATA) echo EAI_NODATA ;; *) echo EAI_NONAME ;; esac }
h_error() { case $1 in NODATA) echo NO_DATA ;; NXDOMAIN) echo HOST_NOT_FOUND ;; *) echo NO_RECOVERY ;; esac }

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

# want_gai FAMILY FLAGS: sets want_rc and want for `res gai FAMILY FLAGS` of
# the name of lookups (its answers $_a and $_aaaa, its name $_canon).
want_gai() {
    _fam=$1 _mapped="" _word=$_a _addr=""
    case ",$2," in
    *,addrconfig,*)
        case $_fam/$seen4$seen6 in
        inet/no* | inet6/*no) want_rc=1 want=EAI_NONAME && return ;;
        unspec/yesno) _fam=inet ;;
        unspec/noyes) _fam=inet6 ;;
        esac
        ;;
    esac
    case ",$2," in *,v4mapped,*) _mapped=yes ;; esac
    case $_fam in
    unspec) if is_address "$_a"; then _addr=$_a; elif is_address "$_aaaa"; then _addr=$_aaaa; fi ;;
    inet) if is_address "$_a"; then _addr=$_a; fi ;;
    inet6)
        _word=$_aaaa
        if is_address "$_aaaa"; then
            _addr=$_aaaa
        elif [ -n "$_mapped" ] && is_address "$_a"; then
            _addr=::ffff:$_a
        fi
        ;;
    esac
    if [ -z "$_addr" ]; then
        want_rc=1 want=$(gai_error "$_word")
        return
    fi
    want_rc=0 want=$_addr
    case ",$2," in *,canonname,*) want="$_addr canon=$_canon" ;; esac
}

# want_hostent FAMILY: sets want_rc and want for gethostbyname2 (inet,
# inet6) of the name of lookups.
want_hostent() {
    _word=$_a
    [ "$1" = inet ] || _word=$_aaaa
    if is_address "$_word"; then
        want_rc=0 want="$_word name=$_canon"
    else
        want_rc=1 want=$(h_error "$_word")
    fi
}

# The names the module answers, asked before a name expected not to be found.
sentinel4=10-42-2-46.default.pod.cluster.local
sentinel6=fd00-10-244--5.default.pod.cluster.local

# not_answered CHECK DESC DB NAME: `getent DB` of a sentinel, then NAME,
# prints only the sentinel's answer and exits 2 (a key not found): exit
# status 2 alone is also what a getent that never loaded the module says.
# Skipped where no family of DB reaches a module on this host (AI_ADDRCONFIG).
not_answered() {
    if [ "$3" = hosts ]; then
        _s=$sentinel4 want=$(getent_hosts 10.42.2.46 "$sentinel4")
    else
        _s=$sentinel4
        want_ahosts "$3" 4 10.42.2.46 "$_s"
        if [ "$want_rc" != 0 ]; then
            _s=$sentinel6
            want_ahosts "$3" 6 fd00:10:244::5 "$_s"
        fi
        if [ "$want_rc" != 0 ]; then
            skip "$2 (getent $3 asks no module on this host: AI_ADDRCONFIG)"
            return 0
        fi
    fi
    "$1" "$2" 2 "$want" gent "$3" -- "$_s" "$4"
}

# lookups CHECK NAME A AAAA: NAME asked every way glibc asks for it: getent
# hosts and ahosts*, getaddrinfo for each family and flag, gethostbyname and
# gethostbyname2. Each through CHECK (check, or a test's own that takes
# check's arguments), with what SPEC §3-§4 answers: A and AAAA are NAME's
# answers to an IPv4 and an IPv6 lookup, in the words of tests/cases.h. The
# test defines `gent` and `res`, getent and tests/resolve as it wants them
# (the module alone, or the hosts line), and calls seen_families first.
lookups() {
    _check=$1 _name=$2 _a=$3 _aaaa=$4
    _canon=${_name%.}
    # getent hosts asks gethostbyname2 for IPv6, then IPv4
    if is_address "$_aaaa" || is_address "$_a"; then
        _addr=$_aaaa
        is_address "$_addr" || _addr=$_a
        "$_check" "getent hosts $_name" 0 "$(getent_hosts "$_addr" "$_canon")" gent hosts -- "$_name"
    else
        not_answered "$_check" "getent hosts $_name: not found" hosts "$_name"
    fi
    for _db in ahosts ahostsv4 ahostsv6; do
        want_rc=2
        if is_address "$_a"; then
            want_ahosts "$_db" 4 "$_a" "$_canon"
        elif is_address "$_aaaa"; then
            want_ahosts "$_db" 6 "$_aaaa" "$_canon"
        fi
        if [ "$want_rc" = 0 ]; then
            "$_check" "getent $_db $_name" 0 "$want" gent "$_db" -- "$_name"
        else
            not_answered "$_check" "getent $_db $_name: not found" "$_db" "$_name"
        fi
    done
    # shellcheck disable=SC2086 # _ask: FAMILY FLAGS
    for _ask in "unspec -" "inet -" "inet6 -" "inet6 v4mapped" "inet6 v4mapped,all" \
        "unspec canonname" "unspec addrconfig" "unspec addrconfig,canonname" "inet addrconfig" \
        "inet6 addrconfig,v4mapped"; do
        # what getaddrinfo says of a name no source answers depends on the
        # family and flags in glibc's own ways (AF_INET: EAI_NODATA, but
        # EAI_NONAME with AI_CANONNAME): a name passed on, AF_UNSPEC only
        [ "$_a" != PASS ] || [ "$_ask" = "unspec -" ] || continue
        want_gai $_ask
        "$_check" "getaddrinfo $_ask $_name" "$want_rc" "$want" res gai $_ask "$_name"
    done
    want_hostent inet
    "$_check" "gethostbyname $_name" "$want_rc" "$want" res ghbn "$_name"
    for _fam in inet inet6; do
        want_hostent "$_fam"
        "$_check" "gethostbyname2 $_fam $_name" "$want_rc" "$want" res ghbn2 "$_fam" "$_name"
    done
}

# lookup_rows CHECK: lookups CHECK of each line NAME A AAAA of the input.
lookup_rows() {
    while read -r _row_name _row_a _row_aaaa; do
        lookups "$1" "$_row_name" "$_row_a" "$_row_aaaa" </dev/null
    done
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
