#!/bin/bash
# Build the module and show it resolving pod names through the real glibc,
# from the build tree: the machine's own /etc/nsswitch.conf is not touched.
set -euo pipefail
src=$(cd "$(dirname "$0")/.." && pwd)
out=${BUILD_ROOT:-$src/build}/demo
bash "$src/tests/install-deps.sh" build
(cd "$src" && autoreconf -fi >/dev/null 2>&1)
mkdir -p "$out"
cd "$out"
[ -f Makefile ] || "$src/configure" -q
make -s -j"$(nproc)" >/dev/null
for name in 10-42-2-46.default.pod.cluster.local fd00-10-244--5.default.pod.cluster.local \
    10-42-2-46.default.pod _http._tcp.10-1-2-3.kube-system.pod.cluster.local \
    010-0-0-1.default.pod.cluster.local example.com; do
    printf '$ getent -s hosts:podip ahosts %s\n' "$name"
    LD_LIBRARY_PATH="$out/.libs" getent -s hosts:podip ahosts "$name" | head -1 ||
        echo "(exit $?: $( [ "$name" = example.com ] && echo 'not a pod name: passed on to the next source' || echo 'NXDOMAIN: no such pod name'))"
done
printf '\n$ nss-podip explain 010-0-0-1.default.pod.cluster.local\n'
./nss-podip explain 010-0-0-1.default.pod.cluster.local || true
