#!/bin/bash
# SPEC §6 on 32-bit builds too: the configuration and resolv.conf are read
# when their inode numbers are over 2^32, as on overlayfs with xino (how
# container runtimes mount a container's root), XFS inode64 or NFS. A build
# without large-file stat gets EOVERFLOW there and loses the configuration:
# it answers 1-1-1-1.default.pod.cluster.local despite `allow`, and detects
# no zone. Meant for a 32-bit build tree (tests/arch.sh runs it on the i386
# one); on a 64-bit build it checks the same answers.
#
# Root, in a private mount namespace: an overlay (xino=on, layers on three
# file systems) over $(sysconfdir) puts nss-podip.conf and resolv.conf on
# inodes over 2^32; /etc/resolv.conf is bound to the overlay's. The host's
# files are never touched.
set -u
. "${top_srcdir:-.}/tests/lib.sh"
need_root
need_cmd unshare stat od
isolate

conf_dir=${sysconfdir:?sysconfdir not set: run through make check}
tool=$build/nss-podip
if [ ! -x "$resolve" ] || [ ! -x "$tool" ]; then echo "FAIL: $resolve or $tool not built"; exit 1; fi
export LD_LIBRARY_PATH=$libs

# The module's ELF class (1: 32-bit, 2: 64-bit), to say what was tested.
class=$(od -An -tu1 -j4 -N1 "$libs/libnss_podip.so.2" | tr -d ' ')
echo "# module: $([ "$class" = 1 ] && echo 32 || echo 64)-bit ($libs/libnss_podip.so.2)"

# The layers: a tmpfs holding the two files, over $(sysconfdir) itself, with
# a tmpfs as the upper layer. Files of a lower layer on another file system
# than the upper one get its index in the inode number's high bits.
[ -d "$conf_dir" ] || mkdir -p "$conf_dir"
mkdir "$tmp/lower" "$tmp/upper"
if ! { mount -t tmpfs -o mode=755 podip-lower "$tmp/lower" &&
    mount -t tmpfs -o mode=755 podip-upper "$tmp/upper" &&
    mkdir "$tmp/upper/data" "$tmp/upper/work"; }; then
    echo "FAIL: cannot mount the tmpfs layers"
    exit 1
fi
# The overlay over $(sysconfdir) still holds them at exit: detach, so that
# $tmp can be removed.
at_exit "umount -l '$tmp/upper' '$tmp/lower'"
printf 'allow 10.42.0.0/16\n' >"$tmp/lower/nss-podip.conf"
printf 'nameserver 127.0.0.1\nsearch default.svc.k8s.example.com svc.k8s.example.com k8s.example.com\n' \
    >"$tmp/lower/resolv.conf"
chmod 644 "$tmp/lower/nss-podip.conf" "$tmp/lower/resolv.conf"
mount -t overlay podip-xino \
    -o "lowerdir=$tmp/lower:$conf_dir,upperdir=$tmp/upper/data,workdir=$tmp/upper/work,xino=on" \
    "$conf_dir" || { echo "FAIL: cannot mount an overlay with xino=on over $conf_dir"; exit 1; }
mount --bind "$conf_dir/resolv.conf" /etc/resolv.conf ||
    { echo "FAIL: cannot bind /etc/resolv.conf"; exit 1; }

# The setup itself: without inode numbers over 2^32 this test proves nothing.
# (By length first: test's integers are signed 64-bit, xino's may not fit.)
over_2_32() { [ "${#1}" -gt 10 ] || { [ "${#1}" -eq 10 ] && [ "$1" -ge 4294967296 ]; }; }
for f in "$conf_dir/nss-podip.conf" /etc/resolv.conf; do
    ino=$(stat -c %i "$f")
    assert "$f: inode number $ino is 2^32 or more" over_2_32 "$ino"
done

check "allow refuses 1-1-1-1.default.pod.cluster.local (gethostbyname2)" 1 HOST_NOT_FOUND \
    "$resolve" -s podip ghbn2 inet 1-1-1-1.default.pod.cluster.local
check "allow refuses 1-1-1-1.default.pod.cluster.local (getaddrinfo)" 1 EAI_NONAME \
    "$resolve" -s podip gai unspec - 1-1-1-1.default.pod.cluster.local
check "10-42-2-46.default.pod.cluster.local, inside allow" 0 \
    "10.42.2.46 name=10-42-2-46.default.pod.cluster.local" \
    "$resolve" -s podip ghbn2 inet 10-42-2-46.default.pod.cluster.local
check "zone k8s.example.com detected in resolv.conf" 0 \
    "10.42.2.46 name=10-42-2-46.default.pod.k8s.example.com" \
    "$resolve" -s podip ghbn2 inet 10-42-2-46.default.pod.k8s.example.com
check "nss-podip check reads the file" 0 "$conf_dir/nss-podip.conf: OK" "$tool" check

finish
