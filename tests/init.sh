#!/bin/bash
# nss-podip-init (SPEC §8): `copy` fills the pod's volume with the portable
# files; `setup` runs nss-podip setup with the image's glibc, and where the
# image has none for this machine (musl as in Alpine, another architecture,
# no C library) says so in one line and exits 1, so that the pod does not
# start. The images without glibc are folders holding only the static
# program and a stand-in loader, run with chroot (root).
set -u
. "${top_srcdir:-.}/tests/lib.sh"
need_root
isolate

init=$build/nss-podip-init
[ -x "$init" ] || { echo "FAIL: $init not built"; exit 1; }
export LD_LIBRARY_PATH=$libs # the module nss-podip setup loads: the build tree's
# its configuration: none, and a resolv.conf that detects no zone
conf_dir=${sysconfdir:?sysconfdir not set: run through make check}
mkdir -p "$conf_dir"
mount -t tmpfs -o mode=755 podip-conf "$conf_dir" || { echo "FAIL: cannot mount a tmpfs on $conf_dir"; exit 1; }
etc_file resolv.conf "nameserver 127.0.0.1"

echo "# copy, in the injector image"
mkdir -p "$tmp/image/podip" "$tmp/volume"
cp "$init" "$build/nss-podip" "$libs/libnss_podip.so.2" "$tmp/image/podip/"
check "copy DIR: one line" 0 \
    "nss-podip-init: copied nss-podip-init, nss-podip and libnss_podip.so.2 to $tmp/volume" \
    "$tmp/image/podip/nss-podip-init" copy "$tmp/volume"
# shellcheck disable=SC2016 # for find
check "copy DIR: the three files, their modes, no temporary file left" 0 \
    "644 libnss_podip.so.2
755 nss-podip
755 nss-podip-init" sh -c 'cd "$1" && find . -type f -printf "%m %P\n" | sort' _ "$tmp/volume"
check "copy DIR: the same bytes" 0 "" \
    sh -c "for f in nss-podip-init nss-podip libnss_podip.so.2; do cmp '$tmp/image/podip/'\$f '$tmp/volume/'\$f || exit 1; done"
check "copy DIR: a folder that is not there: one line on standard error, exit 1" 1 \
    "nss-podip-init: cannot copy $tmp/image/podip/nss-podip-init to $tmp/none: No such file or directory" \
    sh -c "'$tmp/image/podip/nss-podip-init' copy '$tmp/none' 2>&1 >/dev/null"
check "no command: usage, exit 2" 2 "" "$init"
check "a command without its path: usage, exit 2" 2 "" sh -c "cd '$build' && PATH=. exec nss-podip-init copy '$tmp/volume'"

echo "# setup, in an image with glibc"
etc_file nsswitch.conf $'passwd: files\nhosts: files dns'
glibc=$(getconf GNU_LIBC_VERSION | cut -d' ' -f2)
check "setup DIR: nss-podip setup --output DIR/nsswitch.conf" 0 \
    "nss-podip setup: $tmp/volume/1/nsswitch.conf: hosts: files podip [NOTFOUND=return] dns; glibc $glibc loads libnss_podip.so.2, and through it answers 10-0-0-1.default.pod.cluster.local with 10.0.0.1" \
    "$tmp/volume/nss-podip-init" setup "$tmp/volume/1"
check "setup DIR: the image's file with podip placed, DIR made for every user" 0 \
    "755 passwd: files
hosts: files podip [NOTFOUND=return] dns" sh -c "stat -c '%a ' '$tmp/volume/1' | tr -d '\n'; cat '$tmp/volume/1/nsswitch.conf'"
mkdir "$tmp/broken" && : >"$tmp/broken/libnss_podip.so.2" # found first, and no module
check "setup DIR: where glibc cannot load the module, nss-podip setup's line, exit 1" 1 \
    "nss-podip setup: glibc $glibc cannot load libnss_podip.so.2: $tmp/broken/libnss_podip.so.2: file too short" \
    sh -c "LD_LIBRARY_PATH='$tmp/broken' '$tmp/volume/nss-podip-init' setup '$tmp/volume/2' 2>&1 >/dev/null"

echo "# setup, in images without glibc for this machine: one line, exit 1"
loader=$(readelf -l "$build/nss-podip" | sed -n 's/.*Requesting program interpreter: \(.*\)]/\1/p')
# image NAME FILE...: a folder holding the volume and stand-ins for FILE
image() {
    local root=$tmp/$1 f
    shift
    mkdir -p "$root/vol"
    cp "$tmp/volume/nss-podip-init" "$tmp/volume/nss-podip" "$root/vol/"
    for f; do mkdir -p "$root${f%/*}" && : >"$root$f"; done
}
# in_image NAME: nss-podip-init setup in that image; its standard error
in_image() { chroot "$tmp/$1" /vol/nss-podip-init setup /vol/1 2>&1; }
image musl /lib/ld-musl-x86_64.so.1
check "musl (Alpine)" 1 \
    "nss-podip-init: this image has no glibc: its C library is musl (/lib/ld-musl-x86_64.so.1, as in Alpine), which never loads NSS modules such as podip" \
    in_image musl
other=/lib/ld-linux-aarch64.so.1
[ "$loader" != "$other" ] || other=/lib64/ld-linux-x86-64.so.2
image foreign "$other"
check "glibc of another architecture" 1 \
    "nss-podip-init: this image's glibc is for another architecture than this node (it has $other, not $loader)" \
    in_image foreign
image none
check "no C library at all" 1 \
    "nss-podip-init: this image has no glibc (no $loader), so no program in it loads NSS modules such as podip" \
    in_image none
rm "$tmp/none/vol/nss-podip"
check "nss-podip missing from the volume" 1 "nss-podip-init: cannot run /vol/nss-podip: No such file or directory" \
    in_image none

finish
