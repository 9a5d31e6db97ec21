#!/bin/bash
# Every architecture Kubernetes nodes run (docs/architectures.md): the
# packages cross-built with dpkg-buildpackage -a ARCH for arm64, i386, s390x
# (big-endian), armhf and ppc64el, each running its build-time tests, the
# foreign ones under qemu-user through binfmt_misc, glibc.sh with the target's
# own getent (libc-bin:ARCH, extracted); tests/largefile.sh on the i386
# build; an arm64 Debian root where the arm64 package installs and getent,
# curl and ping reach pod names; and an amd64 root with libnss-podip:amd64
# and :i386 installed together, a 32-bit program resolving a pod name
# through nsswitch.conf, removal of one keeping the hosts line for the
# other, purge of the last restoring it byte for byte.
#
# Needs root, Debian's mirror, and tests/install-deps.sh's foreign
# architectures and cross compilers. The roots download while the packages
# build. binfmt_misc entries this script registers are removed on exit, and
# so is its work folder, pass or fail. ARCH_BUILDS picks the architectures
# (default: arm64 i386 s390x armhf ppc64el); ARCH_ROOTS=no skips the two roots.
set -euo pipefail
src=$(cd "$(dirname "$0")/.." && pwd)
port=8080

. "$src/tests/roots.sh" # pass, fail, check, finish, inroot, hosts_line, first_field, files, publish_debs
# elf_class FILE: 1 for a 32-bit ELF file, 2 for a 64-bit one.
elf_class() { od -An -tu1 -j4 -N1 "$1" | tr -d ' '; }

# --- inside the namespaces: check one root --------------------------------

if [ "${1:-}" = in-root ]; then
    what=$2 root=$3
    set +e # every check runs, and a step that fails says so
    same_as() { # DESCRIPTION FILE: nsswitch.conf is byte for byte FILE
        check "$1" 0 "" diff "$2" "$root/etc/nsswitch.conf"
    }
    podips() { grep '^hosts:' "$root/etc/nsswitch.conf" | grep -o podip | wc -l; }
    ip link set lo up
    mount -t proc proc "$root/proc"
    cp "$root/etc/nsswitch.conf" "$root/tmp/nsswitch.conf.orig"
    files >"$root/tmp/files.orig"
    line="hosts: files podip [NOTFOUND=return] dns"
    pod=10-42-2-46.default.pod.cluster.local

    case $what in
    foreign) # a root of another architecture, run under qemu-user
        arch=$(inroot dpkg --print-architecture)
        explain_ipv4() { inroot nss-podip explain "$1" | grep IPv4:; }
        echo "--- $arch root: dpkg -i libnss-podip nss-podip"
        inroot sh -c 'dpkg -i /tmp/debs/*.deb' >/dev/null || fail "$arch: dpkg -i"
        check "$arch: hosts line after install" 0 "$line" hosts_line
        check "$arch: getent hosts IPv4 pod" 0 10.42.2.46 first_field inroot getent hosts $pod
        check "$arch: getent ahosts IPv6 pod" 0 fd00:10:244::5 \
            first_field inroot getent ahosts fd00-10-244--5.default.pod.cluster.local
        check "$arch: getent hosts of an invalid pod name: not found" 2 "" \
            inroot getent hosts 10-0-0-256.default.pod.cluster.local
        mkdir -p "$root/tmp/www" && echo "hello from $arch" >"$root/tmp/www/index.html"
        python3 -m http.server "$port" --bind 127.0.0.1 --directory "$root/tmp/www" \
            >/dev/null 2>&1 &
        for _ in $(seq 50); do (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break; sleep 0.1; done
        reach_by_name "$arch: " "hello from $arch" 10
        check "$arch: nss-podip explain" 0 "  IPv4: 10.42.2.46" explain_ipv4 $pod
        echo "--- $arch root: dpkg --purge"
        inroot dpkg --purge nss-podip libnss-podip >/dev/null || fail "$arch: dpkg --purge"
        same_as "$arch: dpkg --purge restores nsswitch.conf byte for byte" "$root/tmp/nsswitch.conf.orig"
        ;;
    multiarch) # amd64 and i386 side by side
        deb() { (cd "$root" && echo "tmp/debs/libnss-podip_"*"_$1.deb"); }
        status() { inroot dpkg-query -W -f="\${db:Status-Abbrev}\n" "libnss-podip:$1" 2>/dev/null | tr -d ' '; }
        # statuses ARCH...: dpkg's status of libnss-podip:ARCH for each
        statuses() { for a; do status "$a"; done | paste -sd' '; }
        # resolve32 ARG...: tests/resolve of the i386 build, through nsswitch.conf.
        resolve32() { inroot /tmp/resolve "$@"; }
        answer="10.42.2.46 name=$pod"
        check "tests/resolve of the i386 build is a 32-bit program" 0 1 elf_class "$root/tmp/resolve"
        echo "--- dpkg -i libnss-podip:amd64 libnss-podip:i386 (one command)"
        inroot dpkg -i "/$(deb amd64)" "/$(deb i386)" >/dev/null || fail "dpkg -i amd64 and i386"
        check "both installed" 0 "ii ii" statuses amd64 i386
        check "hosts line after install" 0 "$line" hosts_line
        cp "$root/etc/nsswitch.conf" "$root/tmp/nsswitch.conf.installed"
        check "64-bit getent hosts" 0 10.42.2.46 first_field inroot getent hosts $pod
        check "32-bit gethostbyname2 through nsswitch.conf" 0 "$answer" resolve32 ghbn2 inet $pod
        check "32-bit getaddrinfo through nsswitch.conf" 0 fd00:10:244::5 \
            resolve32 gai unspec - fd00-10-244--5.default.pod.cluster.local

        echo "--- dpkg -r libnss-podip:i386, :amd64 stays"
        inroot dpkg -r libnss-podip:i386 >/dev/null || fail "dpkg -r libnss-podip:i386"
        check "i386 removed, amd64 installed" 0 "rc ii" statuses i386 amd64
        same_as "hosts line kept for libnss-podip:amd64" "$root/tmp/nsswitch.conf.installed"
        check "64-bit getent hosts still answers" 0 10.42.2.46 first_field inroot getent hosts $pod
        # With the i386 module gone, podip is unavailable to 32-bit programs
        # and the name goes on to dns, which has no server here.
        assert "32-bit program: no answer without the i386 module" \
            test "$(resolve32 ghbn2 inet $pod)" != "$answer"

        echo "--- dpkg -i libnss-podip:i386 again, dpkg -r libnss-podip:amd64, :i386 stays"
        inroot dpkg -i "/$(deb i386)" >/dev/null || fail "dpkg -i libnss-podip:i386 again"
        check "podip named once after installing i386 again" 0 1 podips
        inroot dpkg -r libnss-podip:amd64 >/dev/null || fail "dpkg -r libnss-podip:amd64"
        check "amd64 removed, i386 installed" 0 "rc ii" statuses amd64 i386
        same_as "hosts line kept for libnss-podip:i386" "$root/tmp/nsswitch.conf.installed"
        check "32-bit gethostbyname2 with only the i386 module" 0 "$answer" resolve32 ghbn2 inet $pod

        echo "--- dpkg --purge libnss-podip:i386 (the last one installed), then :amd64"
        inroot dpkg --purge libnss-podip:i386 >/dev/null || fail "dpkg --purge libnss-podip:i386"
        same_as "purge of the last one restores nsswitch.conf byte for byte" "$root/tmp/nsswitch.conf.orig"
        inroot dpkg --purge libnss-podip:amd64 >/dev/null || fail "dpkg --purge libnss-podip:amd64"
        same_as "nsswitch.conf still the original after both purges" "$root/tmp/nsswitch.conf.orig"
        check "both purged: no file left behind" 0 "" diff "$root/tmp/files.orig" <(files)
        ;;
    esac
    finish
fi

# --- outside: build the packages and the roots -----------------------------

need_root
arches=${ARCH_BUILDS:-arm64 i386 s390x armhf ppc64el}
build_arch=$(dpkg --print-architecture)

work=$(mktemp -d /tmp/nss-podip-arch.XXXXXX)
binfmt_added=""       # qemu entries registered here, removed on exit
binfmt_mounted=""
cleanup() {
    kill_spawned
    for e in $binfmt_added; do echo -1 >"/proc/sys/fs/binfmt_misc/$e" || true; done
    [ -z "$binfmt_mounted" ] || umount /proc/sys/fs/binfmt_misc || true
    rm -rf --one-file-system "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP


# qemu-user for the foreign architectures, registered from qemu-user-static's
# binfmt.d files ("F": the interpreter is opened now, so it works in chroots).
qemu_of() {
    case $1 in
    arm64) echo aarch64 ;; armhf | armel) echo arm ;; s390x) echo s390x ;;
    ppc64el) echo ppc64le ;; riscv64) echo riscv64 ;; *) echo "" ;;
    esac
}
if ! mountpoint -q /proc/sys/fs/binfmt_misc; then
    mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc
    binfmt_mounted=yes
fi
for a in $arches arm64; do
    q=$(qemu_of "$a")
    if [ -z "$q" ] || [ -e "/proc/sys/fs/binfmt_misc/qemu-$q" ]; then continue; fi
    conf=/usr/lib/binfmt.d/qemu-$q.conf
    [ -f "$conf" ] || { fail "$conf missing: install qemu-user-static"; exit 1; }
    cat "$conf" >/proc/sys/fs/binfmt_misc/register
    binfmt_added="$binfmt_added qemu-$q"
done
echo "--- binfmt_misc: $(cd /proc/sys/fs/binfmt_misc && for e in qemu-*; do [ ! -e "$e" ] || echo "$e"; done | paste -sd' ')"
set +e # from here every check runs, and a step that fails says so

# The roots download while the packages build (mmdebstrap in its own mount
# and PID namespaces, so nothing it mounts outlives it).
declare -A roots=() root_start=()
if [ "${ARCH_ROOTS:-yes}" != no ]; then
    root_start[arm64]=$(now)
    spawn "mmdebstrap arm64" unshare --mount --pid --fork --kill-child -- \
        mmdebstrap --variant=essential --architectures=arm64 \
        --include=curl,iputils-ping,netbase bookworm "$work/root-arm64" >"$work/root-arm64.log" 2>&1
    roots[arm64]=$pid
    root_start[multiarch]=$(now)
    spawn "mmdebstrap amd64+i386" unshare --mount --pid --fork --kill-child -- \
        mmdebstrap --variant=essential --architectures="$build_arch,i386" \
        --include=libc6:i386,netbase bookworm "$work/root-multiarch" >"$work/root-multiarch.log" 2>&1
    roots[multiarch]=$pid
fi

declare -A report=()
# build ARCH: dpkg-buildpackage -a ARCH with its tests; the target's getent
# (libc-bin of the same version as the libc6 the tests load) for glibc.sh.
build() {
    local a=$1 t0 dir=$work/$1 glibc units
    t0=$(now)
    echo "--- $a: dpkg-buildpackage -us -uc -b -a $a"
    mkdir -p "$dir/getent"
    local v
    v=$(dpkg-query -W -f='${Version}' "libc6:$a" 2>/dev/null) ||
        { fail "$a: libc6:$a not installed (tests/install-deps.sh)"; return; }
    if ! (cd "$dir/getent" && apt-get download -q "libc-bin:$a=$v" >../download.log 2>&1 &&
        dpkg-deb -x libc-bin_*.deb root); then
        cat "$dir/download.log"; fail "$a: cannot fetch libc-bin:$a $v"; return
    fi
    copy_tree "$dir/src"
    if ! GETENT=$dir/getent/root/usr/bin/getent DEB_BUILD_OPTIONS=crossbuildcanrunhostbinaries \
        run "dpkg-buildpackage $a" env -C "$dir/src" dpkg-buildpackage -us -uc -b -a "$a" \
        >"$dir/build.log" 2>&1; then
        tail -60 "$dir/build.log"; fail "$a: dpkg-buildpackage -a $a"; return
    fi
    publish_debs "$dir"/libnss-podip_*.deb "$dir"/nss-podip_*.deb || fail "$a: copy the packages to DEBS_OUT"
    build_tests "$a: " "$dir/build.log" "$dir/src"
    glibc=$(grep -E '^all [0-9]+ checks passed$' "$dir/src/tests/glibc.sh.log" || true)
    assert "$a: glibc.sh ran every check with the $a getent" test -n "$glibc"
    units=$(cd "$dir/src" && for t in $(unit_tests .); do
        printf '%s %s, ' "${t#tests/}" "$(grep -cE '^\[       OK \]' "$t.log")"; done)
    report[$a]="$(since "$t0") s: cmocka tests (${units%, }), symbols.sh, glibc.sh ($glibc)"
    echo "--- $a: built and tested in ${report[$a]%%:*}"
}

# The package of this machine's architecture, the reference the others are
# compared with and half of the multiarch root (its tests run in
# tests/package.sh).
echo "--- $build_arch: dpkg-buildpackage -b (nocheck)"
copy_tree "$work/$build_arch/src"
DEB_BUILD_OPTIONS=nocheck run "dpkg-buildpackage $build_arch" env -C "$work/$build_arch/src" \
    dpkg-buildpackage -us -uc -b >"$work/$build_arch/build.log" 2>&1 ||
    { tail -40 "$work/$build_arch/build.log"; fail "dpkg-buildpackage $build_arch"; exit 1; }

for a in $arches; do build "$a"; done

# Every build classifies as this machine's does: the same bytes out of
# nss-podip explain (the module's own classifier) for each name, so a load
# that depends on byte order or word size shows here (s390x is big-endian).
explain() { xargs -d '\n' "$work/$1/src/nss-podip" explain <"$work/names" >"$work/explain-$1"; }
mutated_names 20000 >"$work/names"
explain "$build_arch"
outcomes=$(grep '^  IPv4: ' "$work/explain-$build_arch" | sed 's/ (.*//; s/^  IPv4: //' |
    sed 's/^[0-9.]*$/an address/' | sort | uniq -c | sort -rn | awk '{ c = $1; $1 = ""; printf "%s%s%s", sep, c, $0; sep = ", " }')
echo "--- $(wc -l <"$work/names") names, $(sort -u "$work/names" | wc -l) different; IPv4 outcomes on $build_arch: $outcomes"
for a in $arches; do
    [ -x "$work/$a/src/nss-podip" ] || continue
    t0=$(now)
    explain "$a"
    if cmp -s "$work/explain-$build_arch" "$work/explain-$a"; then
        pass "$a: nss-podip explain of the mutated names: byte for byte $build_arch's ($(since "$t0") s)"
    else
        fail "$a: nss-podip explain differs from $build_arch's:"$'\n'"$(diff "$work/explain-$build_arch" "$work/explain-$a" | head -20)"
    fi
done

echo "--- lintian of the cross-built packages"
changes=""
for c in "$work"/*/*.changes; do
    if [ -e "$c" ] && [ "${c%_"$build_arch".changes}" = "$c" ]; then changes="$changes $c"; fi
done
if [ -n "$changes" ]; then
    # shellcheck disable=SC2086 # $changes: one argument a file
    lintian_check -- $changes
fi

# The large-file test where it matters: the i386 module (runs natively).
if [ -d "$work/i386/src" ]; then
    check "the i386 module is 32-bit" 0 1 elf_class "$work/i386/src/.libs/libnss_podip.so.2"
    t0=$(now)
    if top_builddir=$work/i386/src top_srcdir=$work/i386/src sysconfdir=/etc \
        bash "$work/i386/src/tests/largefile.sh" >"$work/largefile.log" 2>&1; then
        pass "i386: tests/largefile.sh ($(tail -n 1 "$work/largefile.log"), $(since "$t0") s)"
    else
        cat "$work/largefile.log"; fail "i386: tests/largefile.sh"
    fi
fi

for r in arm64 multiarch; do
    [ -n "${roots[$r]:-}" ] || continue
    if ! reap "${roots[$r]}"; then
        cat "$work/root-$r.log"; fail "mmdebstrap $r"; continue
    fi
    root=$work/root-$r
    echo "--- $r root ready in $(since "${root_start[$r]}") s (since its start)"
    mkdir "$root/tmp/debs"
    if [ "$r" = arm64 ]; then
        [ -d "$work/arm64" ] || { fail "arm64 root: no arm64 package built"; continue; }
        cp "$work"/arm64/libnss-podip_*_arm64.deb "$work"/arm64/nss-podip_*_arm64.deb "$root/tmp/debs/"
        mode=foreign
    else
        [ -d "$work/i386" ] || { fail "multiarch root: no i386 package built"; continue; }
        cp "$work/$build_arch"/libnss-podip_*.deb "$work"/i386/libnss-podip_*_i386.deb "$root/tmp/debs/"
        cp "$work/i386/src/tests/resolve" "$root/tmp/resolve"
        mode=multiarch
    fi
    t0=$(now)
    run "checks in $r" unshare --mount --net --pid --fork --kill-child -- \
        bash "$0" in-root "$mode" "$root" || fail "checks in the $r root"
    report[root-$r]="checks $(since "$t0") s"
done

echo "--- per architecture"
for k in "${!report[@]}"; do echo "$k: ${report[$k]}"; done | sort
echo "--- done ($SECONDS s)"
finish
