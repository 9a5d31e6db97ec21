#!/bin/sh
# Install every Debian 12 package the build and the tests need (as root).
# Each area of the project lists its own packages here.
set -eu
build="autoconf automake libtool pkgconf make gcc libc6-dev libcmocka-dev libyaml-dev"
integration="iproute2 util-linux curl iputils-ping dnsmasq-base python3 strace gdb"
# nss-podip inject (tests/inject.sh): its output read back by PyYAML
inject="python3 python3-yaml"
sanitizers="clang libclang-rt-14-dev"
# configuration tests: man -l renders the pages (man-db, groff-base); strace -c
configuration="man-db groff-base strace util-linux"
# reload tests (tests/reload.sh): seccomp in conf_probe, a clock moved by libfaketime,
# an ext4 with 1 s timestamps on a loop device
reload="libseccomp-dev faketime e2fsprogs mount"
# robustness (tests/valgrind.sh): memcheck; libFuzzer and ThreadSanitizer come with clang
robustness="valgrind"
# benchmark (bench/run.sh): callgrind and memcheck, dnsmasq in a netns
benchmark="valgrind dnsmasq-base iproute2 util-linux"
# style (tests/run-all.sh): the C code follows .clang-format, the scripts pass shellcheck
style="clang-format shellcheck git"
# Debian package (tests/package.sh): dpkg-buildpackage with debian/control's
# Build-Depends, lintian, Debian roots built by mmdebstrap (bookworm and
# trixie keys), the tree copied with git ls-files, a web server in python3
package="build-essential dpkg-dev debhelper dh-nss libcmocka-dev pkgconf lintian mmdebstrap debian-archive-keyring git python3 iproute2"
# Debian's way of building (tests/sbuild.sh): sbuild's unshare mode, which
# maps ids with newuidmap (uidmap), on a buildd chroot made by mmdebstrap;
# setpriv (util-linux) runs it as the ordinary user
sbuild="sbuild uidmap mmdebstrap util-linux dpkg-dev lintian"
# other architectures (tests/arch.sh): the Build-Depends of each host
# architecture (libcmocka-dev, pkgconf), its cross compilers, qemu-user-static
# for its tests under binfmt_misc, arch-test for mmdebstrap's foreign root
cross_arches="arm64 armhf i386 s390x ppc64el"
cross="qemu-user-static arch-test"
for a in $cross_arches; do
    # the C library for the cross compiler is only a Recommends of it
    cross="$cross crossbuild-essential-$a libc6-dev-$a-cross libcmocka-dev:$a libyaml-dev:$a pkgconf:$a"
done
# image recipes (tests/containers.sh): podman with runc (crun refuses this
# machine's mixed cgroup hierarchy) and CNI's plugins, base images made by
# mmdebstrap and dpkg-deb, a C program built for amd64 and i386, a logging
# dnsmasq
containers="podman runc containernetworking-plugins mmdebstrap dpkg-dev gcc crossbuild-essential-i386 dnsmasq-base util-linux iproute2"
# the portable build (contrib/portable.sh, tests/portable.sh): a bullseye
# root by mmdebstrap, arm64 run by qemu-user, readelf (binutils), python3's
# getaddrinfo
portable="mmdebstrap qemu-user-static binutils python3 util-linux dpkg-dev"
# real pods (tests/pods.sh): trixie's podman runs from a root mmdebstrap
# makes (as do the images), entered with nsenter; findmnt lists the cgroup
# hierarchies, setcap gives the images' ping cap_net_raw, gcc builds the
# distroless image's program, python3-yaml compares injected manifests
pods="mmdebstrap debian-archive-keyring util-linux libcap2-bin gcc python3 python3-yaml"
# Real programs (tests/clients.sh, run by package.sh): their packages go into
# package.sh's roots (tests/clients.sh mmdebstrap-args); on this machine it
# needs only unshare, ip and chroot, listed above.
packages="$build $style $integration $inject $reload $sanitizers $configuration $robustness $benchmark $package $sbuild $containers $portable $pods $cross"
# `install-deps.sh build` installs only what building the module needs (tests/demo.sh)
if [ "${1:-}" = build ]; then
    packages="$build"
else
    for a in $cross_arches; do
        dpkg --print-foreign-architectures | grep -qx "$a" || dpkg --add-architecture "$a"
    done
fi
missing=""
for p in $packages; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing="$missing $p"
done
if [ -n "$missing" ]; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -q
    # shellcheck disable=SC2086
    apt-get install -y -q --no-install-recommends $missing
fi
