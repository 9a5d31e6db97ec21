#!/bin/bash
# The portable build (SPEC §8, docs/kubernetes.md): the module, the command
# and nss-podip-init, built from this source in the oldest Debian root the
# archive still serves (bullseye, glibc 2.31), so that they load on every
# glibc from 2.17 on, and the Containerfile of the injector image:
#
#   contrib/portable.sh [--arch amd64|arm64] DIR
#   podman build -t nss-podip-injector:VERSION DIR      (or docker build)
#
# DIR gets Containerfile and podip/{nss-podip-init,nss-podip,libnss_podip.so.2}.
# --arch: the architecture of the files (default: this machine's); another
# one is cross-compiled. Needs root, mmdebstrap and Debian's mirror. The
# root is made once (about a minute) and kept in $PODIP_CACHE (default
# ~/.cache/nss-podip), one for each pair of architectures.
set -euo pipefail
src=$(cd "$(dirname "$0")/.." && pwd)
usage() { echo "usage: $0 [--arch amd64|arm64] DIR" >&2; exit 2; }

machine=$(dpkg --print-architecture)
arch=$machine
if [ "${1:-}" = --arch ]; then
    [ $# -ge 2 ] || usage
    arch=$2
    shift 2
fi
[ $# = 1 ] || usage
case $arch in
amd64) triplet=x86_64-linux-gnu ;;
arm64) triplet=aarch64-linux-gnu ;;
*) echo "$0: --arch: amd64 or arm64" >&2; exit 2 ;;
esac
[ "$(id -u)" = 0 ] || { echo "$0: needs root (mmdebstrap, chroot)" >&2; exit 1; }
mkdir -p "$1"
out=$(cd "$1" && pwd)

# The root: what the build needs; a cross compiler for another architecture.
packages=gcc,libc6-dev,make,autoconf,automake,libtool,pkgconf,libyaml-dev
arches=$machine
if [ "$arch" != "$machine" ]; then
    packages=$packages,crossbuild-essential-$arch,libyaml-dev:$arch
    arches=$machine,$arch
fi
cache=${PODIP_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/nss-podip}
# (named for its contents, so a changed list makes a new root)
root=$cache/bullseye-${arches/,/-}-$(printf %s "$packages" | md5sum | cut -c1-8)
mkdir -p "$cache"
exec 9>"$root.lock"
flock 9 # one build makes the root, the others wait for it
if [ ! -d "$root" ]; then
    echo "--- making $root (once)"
    rm -rf "$root.new"
    # security.debian.org is left out: the build needs nothing of it, and its
    # mirror need not carry every architecture
    mmdebstrap --variant=minbase --architectures="$arches" --include="$packages" \
        bullseye "$root.new" "deb http://deb.debian.org/debian bullseye main" >"$root.log" 2>&1 ||
        { tail -20 "$root.log"; echo "$0: mmdebstrap failed (log: $root.log)" >&2; exit 1; }
    mv "$root.new" "$root"
fi
flock -u 9

# The tree as git knows it (committed or not), or as it is, into the root.
work=$(mktemp -d "$root/build.XXXXXX")
trap 'rm -rf "$work"' EXIT
mkdir "$work/src" "$work/build"
if git -C "$src" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
    (cd "$src" && git ls-files -co --exclude-standard -z | tar -cf - --null -T -)
else
    tar -C "$src" --exclude=./build -cf - .
fi | tar -xf - -C "$work/src"

echo "--- building for $arch in $root"
inside=/${work#"$root"/}
# shellcheck disable=SC2016 # expanded inside the root
unshare --mount --pid --fork --kill-child -- sh -c '
    mount --rbind /dev "$1/dev" && mount -t proc proc "$1/proc" &&
    chroot "$1" env -i PATH=/usr/bin:/bin LC_ALL=C.UTF-8 sh -ec "
        cd $2/src && autoreconf -fi >/dev/null 2>&1
        cd $2/build && ../src/configure -q --host=$3 --prefix=/usr --sysconfdir=/etc --disable-tests
        make -j$4 portable >/dev/null"' \
    _ "$root" "$inside" "$triplet" "$(nproc)"

mkdir -p "$out/podip"
for f in .libs/libnss_podip.so.2 nss-podip nss-podip-init; do
    chroot "$root" "$triplet-strip" -o "$inside/${f##*/}" "$inside/build/$f"
    cp "$work/${f##*/}" "$out/podip/"
done
version=$(sed -n 's/^#define PACKAGE_VERSION "\(.*\)"/\1/p' "$work/build/config.h")
cat >"$out/Containerfile" <<EOF
# The nss-podip injector image (docs/kubernetes.md): the portable files and
# nothing else (no shell, no C library). Written by contrib/portable.sh for
# $arch; build it here: podman build -t nss-podip-injector:$version .
FROM scratch
LABEL org.opencontainers.image.title="nss-podip injector" org.opencontainers.image.version="$version"
COPY podip/ /podip/
USER 65534:65534
ENTRYPOINT ["/podip/nss-podip-init"]
CMD ["copy", "/nss-podip"]
EOF
newest() { readelf -V --wide "$1" | grep -o 'Name: GLIBC_[0-9.]*' | cut -d' ' -f2 | sort -uV | tail -1; }
echo "--- $out (nss-podip $version, $arch):"
for f in libnss_podip.so.2 nss-podip; do
    echo "    podip/$f: $(stat -c %s "$out/podip/$f") bytes, newest glibc symbol version $(newest "$out/podip/$f")"
done
echo "    podip/nss-podip-init: $(stat -c %s "$out/podip/nss-podip-init") bytes, static"
