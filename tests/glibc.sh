#!/bin/sh
# SPEC §1-§4 through the real glibc, as an ordinary user: getent and
# tests/resolve load libnss_podip.so.2 from the build tree (LD_LIBRARY_PATH)
# and select it with `getent -s hosts:podip` or __nss_configure_lookup, so
# neither root nor /etc is involved. It is the module built for the tests,
# whose configuration files are in the build tree (absent: the defaults),
# so that the machine's own nss-podip.conf and resolv.conf change nothing. Each name is looked up with
# gethostbyname2 (getent hosts), getaddrinfo (getent ahosts*, tests/resolve
# gai), gethostbyname and gethostbyname2 (tests/resolve ghbn, ghbn2).
#
# getent is $GETENT if set, else the one on PATH. A getent of another
# architecture than the module's skips it without a word, so in a cross
# build the getent checks need the target's getent (tests/arch.sh extracts
# libc-bin:ARCH and runs it under qemu-user); without one they are reported
# as skipped, and the test as a whole is not a pass. Every getent check that
# expects "not found" first asks, in the same getent call, a name the module
# answers: exit status 2 alone is also what a getent that never loaded the
# module says.
set -u
. "${top_srcdir:-.}/tests/lib.sh"
export LD_LIBRARY_PATH="$test_libs"
module=$test_libs/libnss_podip.so.2
for f in "$test_etc/nss-podip.conf" "$test_etc/resolv.conf"; do
    [ ! -e "$f" ] || { echo "FAIL: $f is there: this test wants the defaults"; exit 1; }
done
[ -f "$module" ] || { echo "FAIL: $module not built"; exit 1; }
"$resolve" gai inet numerichost 192.0.2.9 >/dev/null 2>&1 ||
    { echo "FAIL: cannot run $resolve (a cross build runs its tests under qemu-user: binfmt_misc and qemu-user-static)"; exit 1; }

getent=${GETENT:-getent}
gent() { "$getent" -s hosts:podip "$@"; }
res() { "$resolve" -s podip "$@"; }

# elf FILE: the ELF class, byte order and machine, and the machine's name.
elf() {
    _k=$(od -An -tx1 -j4 -N2 "$1" | tr -d ' ')$(od -An -tx1 -j18 -N2 "$1" | tr -d ' ')
    case $_k in
    02013e00) echo "$_k (x86-64)" ;;
    0201b700) echo "$_k (aarch64)" ;;
    01010300) echo "$_k (i386)" ;;
    01012800) echo "$_k (arm)" ;;
    02020016) echo "$_k (s390x)" ;;
    02011500) echo "$_k (ppc64le)" ;;
    *) echo "$_k" ;;
    esac
}
getent_path=$(command -v "$getent") || { echo "FAIL: no $getent"; exit 1; }
skip_getent=""
if [ "$(elf "$getent_path")" != "$(elf "$module")" ]; then
    skip_getent="$getent_path is ELF $(elf "$getent_path"), the module ELF $(elf "$module"): \
a getent of another architecture does not load the module (set GETENT to the target's getent)"
    echo "SKIP: every getent check: $skip_getent"
fi
# look: check, but a getent check is skipped when getent cannot load the module
look() {
    if [ "$4" = gent ] && [ -n "$skip_getent" ]; then
        skip "$1 ($skip_getent)"
        return 0
    fi
    check "$@"
}
seen_families

# Each name and its answers to an IPv4 and an IPv6 lookup (SPEC §3): pods,
# absolute, with a trailing dot, in capitals, with ignored labels, relative,
# IPv4-mapped; names that exist with no address; names under the pod zone
# that cannot exist; names that are not the module's, which with podip the
# only source nothing answers (tests/chain.sh shows the next source runs).
lookup_rows look <<'EOT'
10-42-2-46.default.pod.cluster.local 10.42.2.46 NODATA
10-42-2-46.default.pod.cluster.local. 10.42.2.46 NODATA
10-42-2-46.Default.POD.Cluster.Local 10.42.2.46 NODATA
_http._tcp.10-1-2-3.kube-system.pod.cluster.local 10.1.2.3 NODATA
10-42-2-46.default.pod 10.42.2.46 NODATA
--ffff-a00-1.default.pod.cluster.local 10.0.0.1 NODATA
fd00-10-244--5.default.pod.cluster.local NODATA fd00:10:244::5
10--0-1.default.pod.cluster.local NODATA 10::1
--1.default.pod NODATA ::1
default.pod.cluster.local NODATA NODATA
pod.cluster.local NODATA NODATA
010-0-0-1.default.pod.cluster.local NXDOMAIN NXDOMAIN
10-0-0-256.default.pod.cluster.local NXDOMAIN NXDOMAIN
x.default.pod.cluster.local NXDOMAIN NXDOMAIN
a.b.c.10-42-2-46.default.pod.cluster.local NXDOMAIN NXDOMAIN
10-42-2-46.-bad.pod.cluster.local NXDOMAIN NXDOMAIN
010-0-0-1.default.pod NXDOMAIN NXDOMAIN
example.com PASS PASS
my-svc.default.svc.cluster.local PASS PASS
10-42-2-46.my-svc.default.svc.cluster.local PASS PASS
localhost PASS PASS
default.pod PASS PASS
EOT

[ -z "$skip_getent" ] ||
    skip_or_fail "tests/glibc.sh: every getent check skipped: $skip_getent"
finish
