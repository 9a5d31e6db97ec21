#!/bin/bash
# The portable build (SPEC §8): contrib/portable.sh for amd64 and for arm64
# (cross-compiled), and what it ships:
# - no symbol version newer than GLIBC_2.17 and no library but glibc's in
#   the module and the command; nss-podip-init static;
# - the same answers as the packaged module: nss-podip explain of 20,000
#   mutated names byte for byte the packaged command's (arm64 under
#   qemu-user), and getaddrinfo through the module (amd64) byte for byte
#   the packaged module's;
# - on glibc 2.31 (a bullseye root; arm64 under qemu-user): the module loads
#   and answers (nss-podip-init copy and setup, as in a pod; getent), while
#   nss-podip status names the packaged module's failure to load there.
#
#   tests/portable.sh DEBS   DEBS holds libnss-podip_*_amd64.deb and nss-podip_*_amd64.deb
#
# PORTABLE_WAIT=SECONDS: wait that long for DEBS to fill (tests/run-all.sh
# starts this test while tests/package.sh builds them). Needs root,
# Debian's mirror and qemu-user-static; nothing is left on the machine but
# contrib/portable.sh's cached build roots.
set -uo pipefail
src=$(cd "$(dirname "$0")/.." && pwd)
top_srcdir=$src
# shellcheck source=tests/lib.sh
. "$src/tests/lib.sh" # check, assert, finish, at_exit, getent_hosts
# shellcheck source=tests/roots.sh
. "$src/tests/roots.sh" # spawn, reap, kill_spawned, await_debs, mutated_names

[ $# = 1 ] || { echo "usage: $0 DEBS" >&2; exit 2; }
debs=$(cd "$1" && pwd) || exit 2
need_root
need_cmd mmdebstrap qemu-aarch64-static readelf dpkg-deb python3 unshare
[ "$(dpkg --print-architecture)" = amd64 ] || skip_or_fail "$0 needs an amd64 machine"
work=$tmp
at_exit kill_spawned
t0=$(now)
# fixed CMD...: CMD in a mount namespace where the files the module and
# the command read are fixed, so that every run compares alike
echo "nameserver 127.0.0.1" >"$work/resolv.conf"
echo "# the defaults" >"$work/nss-podip.conf"
fixed() {
    # shellcheck disable=SC2016 # expanded by sh
    unshare -m sh -c 'mount --bind "$1/resolv.conf" /etc/resolv.conf &&
        { [ ! -e /etc/nss-podip.conf ] || mount --bind "$1/nss-podip.conf" /etc/nss-podip.conf; } &&
        shift && exec "$@"' _ "$work" "$@"
}

echo "--- contrib/portable.sh for amd64 and arm64; meanwhile a bullseye root (glibc 2.31) with arm64's libc"
built=()
for a in amd64 arm64; do
    spawn "portable $a" bash "$src/contrib/portable.sh" --arch $a "$work/$a" >"$work/portable-$a.log" 2>&1
    built[${#built[@]}]=$pid
done
spawn bullseye unshare --mount --pid --fork --kill-child -- \
    mmdebstrap --variant=minbase --architectures=amd64,arm64 --include=libc6:arm64 bullseye "$work/bullseye" \
    "deb http://deb.debian.org/debian bullseye main" >"$work/bullseye.log" 2>&1
bullseye=$pid
for a in amd64 arm64; do
    reap "${built[0]}" || { cat "$work/portable-$a.log"; echo "FAIL: contrib/portable.sh --arch $a"; exit 1; }
    built=("${built[@]:1}")
    sed -n '/^--- .*(nss-podip/,$p' "$work/portable-$a.log"
done
echo "--- built in $(since "$t0") s"

echo "--- what they need"
# needs FILE: the glibc symbol versions FILE needs, the newest; the libraries it needs
newest() { readelf -V --wide "$1" | grep -o 'Name: GLIBC_[0-9.]*' | cut -d' ' -f2 | sort -uV | tail -1; }
needed() { readelf -d "$1" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p' | sort | paste -sd' '; }
# not_glibc FILE: the libraries FILE needs that are not glibc's (arm64's
# stack protector guard lives in its loader)
not_glibc() { needed "$1" | tr ' ' '\n' | grep -vxE 'libc\.so\.6|libdl\.so\.2|libpthread\.so\.0|ld-linux-[a-z0-9-]+\.so\.[0-9]' || true; }
no_later_than() { [ "$(printf '%s\n' "$1" "$2" | sort -V | tail -1)" = "$2" ]; }
for a in amd64 arm64; do
    for f in libnss_podip.so.2 nss-podip; do
        v=$(newest "$work/$a/podip/$f")
        assert "$a: podip/$f needs no symbol version newer than GLIBC_2.17 (newest: $v)" \
            no_later_than "$v" GLIBC_2.17
    done
    for f in libnss_podip.so.2 nss-podip; do
        check "$a: podip/$f needs glibc's libraries alone ($(needed "$work/$a/podip/$f"))" 0 "" not_glibc "$work/$a/podip/$f"
    done
    check "$a: nss-podip-init is static: no loader, no library" 1 "" \
        sh -c "readelf -l '$work/$a/podip/nss-podip-init' | grep -E 'INTERP|DYNAMIC'"
done
check "the Containerfile: FROM scratch, the three files, nss-podip-init copy as its command" 0 \
    'FROM scratch
COPY podip/ /podip/
USER 65534:65534
ENTRYPOINT ["/podip/nss-podip-init"]
CMD ["copy", "/nss-podip"]' grep -v -e '^#' -e '^LABEL' "$work/amd64/Containerfile"

echo "--- the same answers as the packaged module and command"
await_debs "$debs" "${PORTABLE_WAIT:-0}" amd64 || exit 1
mkdir "$work/deb"
for p in libnss-podip nss-podip; do dpkg-deb -x "$debs/${p}_"*_amd64.deb "$work/deb"; done
packaged_libs=$work/deb/usr/lib/x86_64-linux-gnu
mutated_names 20000 >"$work/names"
explain() { fixed xargs -d '\n' "$@" explain <"$work/names"; }
LD_LIBRARY_PATH=$packaged_libs explain "$work/deb/usr/sbin/nss-podip" >"$work/explain-packaged"
check "amd64: nss-podip explain of $(wc -l <"$work/names") mutated names: byte for byte the packaged command's" 0 "" \
    cmp "$work/explain-packaged" <(explain "$work/amd64/podip/nss-podip")
# lookups LIBS: each name through getaddrinfo (any family, IPv4, IPv6:
# gethostbyname4_r and 3_r) with only podip on the hosts line and the
# module of LIBS. (Bytes: Python would refuse names IDNA cannot encode.)
lookups() {
    # shellcheck disable=SC2016 # expanded by sh
    fixed sh -c 'mount --bind "$1" /etc/nsswitch.conf && LD_LIBRARY_PATH="$2" python3 -c "$3" <"$4"' _ \
        "$work/nsswitch.podip" "$1" '
import socket, sys
def gai(name, family):
    try:
        return " ".join(sorted(a[4][0] for a in socket.getaddrinfo(name, None, family, socket.SOCK_STREAM)))
    except OSError as e:
        return "!" + str(e.errno)
for name in sys.stdin.buffer.read().split(b"\n")[:-1]:
    print(name.decode(), gai(name, socket.AF_UNSPEC), gai(name, socket.AF_INET), gai(name, socket.AF_INET6))
' "$work/names"
}
echo "hosts: podip" >"$work/nsswitch.podip"
lookups "$packaged_libs" >"$work/lookups-packaged"
answered=$(grep -vc ' ![-0-9]* ![-0-9]* ![-0-9]*$' "$work/lookups-packaged")
check "amd64: getaddrinfo of the mutated names through the module ($answered with an answer): byte for byte the packaged module's" 0 "" \
    cmp "$work/lookups-packaged" <(lookups "$work/amd64/podip")
assert "... which answers some of them and not others" test "$answered" -gt 1000 -a "$answered" -lt 20000

echo "--- on glibc 2.31: the bullseye root"
reap "$bullseye" || { tail "$work/bullseye.log"; echo "FAIL: mmdebstrap bullseye"; exit 1; }
root=$work/bullseye
cp "$work/resolv.conf" "$root/etc/resolv.conf" # (what qemu-user -L reads, as fixed does)
check "arm64 (qemu-user, the root's arm64 glibc): nss-podip explain of the mutated names: byte for byte the packaged amd64 command's" 0 "" \
    cmp "$work/explain-packaged" <(explain qemu-aarch64-static -L "$root" "$work/arm64/podip/nss-podip")
check "the root's glibc is 2.31" 0 "glibc 2.31" chroot "$root" getconf GNU_LIBC_VERSION
cp /usr/bin/qemu-aarch64-static "$root/"
mkdir -p "$root/image/amd64" "$root/image/arm64" "$root/packaged"
cp "$work/amd64/podip/"* "$root/image/amd64/" && cp "$work/arm64/podip/"* "$root/image/arm64/"
cp "$packaged_libs/libnss_podip.so.2" "$work/deb/usr/sbin/nss-podip" "$root/packaged/"
# in_root MODULE CMD...: CMD in the root, in a mount namespace of its own
# where MODULE is /usr/lib/libnss_podip.so.2, as an injected pod mounts it.
in_root() {
    # shellcheck disable=SC2016 # expanded by sh
    unshare -m --fork sh -c '
        root=$1 module=$2; shift 2
        : >"$root/usr/lib/libnss_podip.so.2" && mount --bind "$module" "$root/usr/lib/libnss_podip.so.2" &&
            mount -t tmpfs tmpfs "$root/tmp" && chroot "$root" "$@"' _ "$root" "$1" "${@:2}"
}
pod=10-42-2-46.default.pod.cluster.local
for a in amd64 arm64; do
    run=() && [ $a = arm64 ] && run=(/qemu-aarch64-static)
    check "$a: nss-podip-init copy, as in a pod" 0 "nss-podip-init: copied nss-podip-init, nss-podip and libnss_podip.so.2 to /tmp" \
        in_root "$root/image/$a/libnss_podip.so.2" "${run[@]}" /image/$a/nss-podip-init copy /tmp
    check "$a: nss-podip setup --output: glibc 2.31 loads the module, which answers" 0 \
        "nss-podip setup: /tmp/nsswitch.conf: hosts: files podip [NOTFOUND=return] dns; glibc 2.31 loads libnss_podip.so.2, and through it answers 10-0-0-1.default.pod.cluster.local with 10.0.0.1" \
        in_root "$root/image/$a/libnss_podip.so.2" "${run[@]}" /image/$a/nss-podip setup --output /tmp/nsswitch.conf
done
check "amd64: nss-podip-init setup, as in a pod" 0 \
    "nss-podip setup: /tmp/1/nsswitch.conf: hosts: files podip [NOTFOUND=return] dns; glibc 2.31 loads libnss_podip.so.2, and through it answers 10-0-0-1.default.pod.cluster.local with 10.0.0.1" \
    in_root "$root/image/amd64/libnss_podip.so.2" /image/amd64/nss-podip-init setup /tmp/1
check "amd64: getent hosts $pod through the portable module" 0 "$(getent_hosts 10.42.2.46 $pod)" \
    in_root "$root/image/amd64/libnss_podip.so.2" getent -s hosts:podip hosts $pod
# the packaged module, built for bookworm, where it does not load
printf '%s\n' "hosts: files podip [NOTFOUND=return] dns" >"$root/etc/nsswitch.conf"
# (whichever version glibc names first, one it lacks)
# shellcheck disable=SC2016 # expanded by sh
check "nss-podip status with the packaged module: glibc 2.31 cannot load it, and why; exit 1" 1 \
    "warning: the hosts line names podip, but glibc 2.31 cannot load libnss_podip.so.2: /lib/x86_64-linux-gnu/libc.so.6: version \`GLIBC_2.3x' not found (required by /usr/lib/libnss_podip.so.2)" \
    in_root "$root/packaged/libnss_podip.so.2" sh -c \
    '/image/amd64/nss-podip status >/tmp/s; rc=$?; sed -n "s/GLIBC_2\.3[2-9]/GLIBC_2.3x/; /^warning/p" /tmp/s; exit $rc'
check "... where getent says nothing and sends the pod name on" 2 "" \
    in_root "$root/packaged/libnss_podip.so.2" getent -s hosts:podip hosts $pod

echo "--- $(since "$t0") s"
finish
