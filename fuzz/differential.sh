#!/bin/bash
# The classifier of this tree against the one of commit REV (the one before
# a rewrite), on NAMES mutated names under ten configurations
# (fuzz/differential.c): no answer may differ, nor anything else for a name
# without a backslash. Each side is its tree's parser and classifier behind
# fuzz/differential_side.c, built against that tree's own headers.
#
#   bash fuzz/differential.sh [REV [NAMES]]
#
# REV: 990418f by default, the tree before each rule was given one home (the
# classifier, the parser and the file rules rewritten); NAMES: 10,000,000.
#
# Against a tree older than the rule that a name is in the longest zone it
# is in (as CoreDNS picks it), configuration 2, zones inside each other's
# pod subtree, differs by design; the other nine answer the same.
set -euo pipefail
src=$(cd "$(dirname "$0")/.." && pwd)
rev=${1:-990418f}
names=${2:-10000000}
cc=${CC:-cc}
flags=(-std=gnu11 -O2 -D_GNU_SOURCE -D_FILE_OFFSET_BITS=64 -D_TIME_BITS=64)
work=$(mktemp -d /tmp/podip-differential.XXXXXX)
trap 'rm -rf "$work"' EXIT

# side DIR: the side object of the tree in DIR, one relocatable file
side() {
    local objs=()
    for f in "$1"/podip_lex.c "$1"/podip_name.c "$1"/podip_conf.c "$src/fuzz/differential_side.c"; do
        [ -f "$f" ] || continue
        "$cc" "${flags[@]}" -I"$1" -I"$src/fuzz" -c "$f" -o "$1/${f##*/}.o"
        objs+=("$1/${f##*/}.o")
    done
    ld -r -o "$1/side.o" "${objs[@]}"
}

mkdir "$work/old"
git -C "$src" archive "$rev" | tar -x -C "$work/old"
side "$work/old"
syms=$(nm -g --defined-only "$work/old/side.o" | awk '$3 ~ /^(podip_|side_)/ { print "--redefine-sym " $3 "=old_" $3 }')
# shellcheck disable=SC2086
objcopy $syms "$work/old/side.o"

mkdir "$work/new"
cp "$src"/podip_*.[ch] "$work/new/"
side "$work/new"
"$cc" "${flags[@]}" -o "$work/differential" "$src/fuzz/differential.c" "$work/new/side.o" \
    "$work/old/side.o"
echo "# this tree's classifier against the one of $(git -C "$src" log -1 --format='%h %s' "$rev")"
"$work/differential" "$names"
