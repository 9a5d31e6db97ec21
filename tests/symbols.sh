#!/bin/sh
# The module exports exactly the four entry points of SPEC §4, and carries
# the SONAME glibc looks for.
set -eu
lib="${top_builddir:-.}/.libs/libnss_podip.so.2"
[ -f "$lib" ] || { echo "FAIL: $lib not built"; exit 1; }
want='_nss_podip_gethostbyname2_r
_nss_podip_gethostbyname3_r
_nss_podip_gethostbyname4_r
_nss_podip_gethostbyname_r'
got=$(nm -D --defined-only "$lib" | awk '{print $3}' | sort)
if [ "$got" != "$want" ]; then
    echo "FAIL: exported symbols differ"; echo "got:"; echo "$got"; exit 1
fi
soname=$(objdump -p "$lib" | awk '$1 == "SONAME" {print $2}')
[ "$soname" = libnss_podip.so.2 ] || { echo "FAIL: SONAME is '$soname'"; exit 1; }
# linked with -z defs: no undefined symbol other than libc's
if nm -D --undefined-only "$lib" | awk '$1 == "U"' | grep -v '@GLIBC_' | grep -q .; then
    echo "FAIL: undefined symbols outside glibc"; nm -D --undefined-only "$lib"; exit 1
fi
echo "PASS: 4 symbols exported, SONAME $soname"
