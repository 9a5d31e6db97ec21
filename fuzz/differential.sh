#!/bin/bash
# The classifier of this tree against the one of commit REV (the one before
# a rewrite), on NAMES mutated names under ten configurations
# (fuzz/differential.c). Only names holding a backslash may differ since
# issue 9 (SPEC §1); any other difference fails.
#
#   bash fuzz/differential.sh [REV [NAMES]]     REV: 38a6d13, NAMES: 10,000,000
set -euo pipefail
src=$(cd "$(dirname "$0")/.." && pwd)
rev=${1:-38a6d13}
names=${2:-10000000}
cc=${CC:-cc}
work=$(mktemp -d /tmp/podip-differential.XXXXXX)
trap 'rm -rf "$work"' EXIT

mkdir "$work/old"
for f in podip_name.c podip_name.h podip_conf.h; do
    git -C "$src" show "$rev:$f" >"$work/old/$f"
done
"$cc" -std=gnu11 -O2 -D_GNU_SOURCE -c "$work/old/podip_name.c" -o "$work/old.o"
syms=$(nm -g --defined-only "$work/old.o" | awk '$3 ~ /^podip_/ { print "--redefine-sym " $3 "=old_" $3 }')
# shellcheck disable=SC2086
objcopy $syms "$work/old.o"
"$cc" -std=gnu11 -O2 -D_GNU_SOURCE -I"$src" -o "$work/differential" "$src/fuzz/differential.c" \
    "$src/podip_name.c" "$src/podip_conf.c" "$work/old.o"
echo "# this tree's classifier against the one of $(git -C "$src" log -1 --format='%h %s' "$rev")"
"$work/differential" "$names"
