#!/bin/sh
# The man pages nss-podip(8) and nss-podip.conf(5): `man -l` renders them
# with groff's warnings on and says nothing on stderr; `make install` puts
# them, the command and the commented example configuration in place.
set -u
. "${top_srcdir:-.}/tests/lib.sh"
need_cmd man groff
src=${top_srcdir:-.}

for page in nss-podip.8 nss-podip.conf.5; do
    LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -l "$src/$page" >"$tmp/out" 2>"$tmp/err"
    assert "man -l $page renders" grep -q '^NAME' "$tmp/out"
    assert "man -l $page: no warning" test ! -s "$tmp/err" || cat "$tmp/err"
    groff -man -ww -z "$src/$page" 2>"$tmp/err"
    assert "groff -ww $page: no warning" test ! -s "$tmp/err" || cat "$tmp/err"
done
LC_ALL=C.UTF-8 MANWIDTH=80 man -l "$src/nss-podip.conf.5" >"$tmp/out" 2>&1
for directive in zone detect-zones relative namespace allow ttl wildcard; do
    assert "nss-podip.conf(5) describes $directive" grep -q "^       $directive" "$tmp/out"
done

# installed where man and the administrator look
env -u MAKEFLAGS -u MFLAGS make -s -C "$build" install DESTDIR="$tmp/inst" >"$tmp/install.log" 2>&1 ||
    { cat "$tmp/install.log"; echo "FAIL: make install"; exit 1; }
for f in man8/nss-podip.8 man5/nss-podip.conf.5 sbin/nss-podip etc/nss-podip.conf; do
    assert "make install puts $f in place" test -n "$(find "$tmp/inst" -path "*/$f")"
done
finish
