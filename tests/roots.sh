# Helpers of the scripts that check Debian roots (tests/package.sh,
# tests/arch.sh). Source it after setting failed=0; the root helpers use
# $root, the folder of the root being checked.
# shellcheck shell=bash disable=SC2034,SC2154 # failed, root and port: the caller's

pass() { echo "PASS: $*"; }
fail() { echo "FAIL: $*"; failed=1; }
check() { # DESCRIPTION EXPECTED ACTUAL
    if [ "$2" = "$3" ]; then pass "$1"; else fail "$1: expected '$2', got '$3'"; fi
}

# inroot CMD...: CMD in the root, with a clean environment.
inroot() {
    chroot "$root" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root \
        LC_ALL=C.UTF-8 DEBIAN_FRONTEND=noninteractive "$@"
}
hosts_line() { grep '^hosts:' "$root/etc/nsswitch.conf" | tr -s ' \t' ' '; }
first_field() { inroot getent "$@" | awk '{ print $1; exit }'; }
# files: every path of the root but those dpkg and the kernel keep changing
files() {
    (cd "$root" && find . \( -path ./proc -o -path ./tmp -o -path ./run -o \
        -path ./var/lib/dpkg -o -path ./var/log -o -path ./var/cache \) -prune \
        -o -print | sort)
}

# reach_by_name PREFIX PAGE SECONDS: curl fetches PAGE, served on
# 127.0.0.1:$port, and ping reaches it, both by pod name, within SECONDS.
reach_by_name() {
    check "${1}curl by pod name" "$2" \
        "$(inroot curl -sS --max-time "$3" "http://127-0-0-1.default.pod.cluster.local:$port/" 2>&1)"
    if out=$(inroot ping -c1 -W"$3" 127-0-0-1.default.pod.cluster.local 2>&1) &&
        grep -q '1 received' <<<"$out"; then
        pass "${1}ping by pod name"
    else
        fail "${1}ping by pod name: $out"
    fi
}

# publish_debs DEB...: with DEBS_OUT set (tests/run-all.sh), copy each DEB
# there, renamed into place whole: tests/containers.sh builds from them.
publish_debs() {
    [ -n "${DEBS_OUT:-}" ] || return 0
    local f
    for f; do
        cp "$f" "$DEBS_OUT/.${f##*/}" && mv "$DEBS_OUT/.${f##*/}" "$DEBS_OUT/${f##*/}" || return 1
    done
}
