#!/bin/bash
# shellcheck disable=SC2016 # commands in single quotes expand when they run (eval, sh -c)
# SPEC §6 "Fail closed" and "No edit is missed": the reload of the
# configuration under hostile but ordinary conditions, in one running
# process (tests/conf_probe steps) that calls the module directly. The
# module is the one built for the tests (tests/libnss_podip.la): it traps on
# undefined behaviour, so an overflow is a crash, not a wrong answer, and
# reads its files in $build/tests/etc.
#
# Runs as root in private mount and network namespaces: a tmpfs (or a loop
# ext4 with 1 s timestamps) over $build/tests/etc, resolv.conf bound into it.
set -u
. "${top_srcdir:-.}/tests/lib.sh"
need_root
need_cmd unshare mkfs.ext4 losetup python3 timeout
isolate -n

conf_dir=$test_etc
conf=$conf_dir/nss-podip.conf
mkdir -p "$conf_dir"
trap_module=$test_libs/libnss_podip.so.2
[ -f "$trap_module" ] || { echo "FAIL: $trap_module not built"; exit 1; }
probe=$build/tests/conf_probe
for faketime_lib in /usr/lib/*/faketime/libfaketime.so.1; do break; done
[ -f "$faketime_lib" ] || skip_or_fail "$0 needs libfaketime (package faketime)"
"$probe" "$trap_module" steps seccomp >/dev/null 2>&1 ||
    skip_or_fail "$0 needs tests/conf_probe built with libseccomp (libseccomp-dev)"

# resolv.conf on a tmpfs of its own: it accepts any timestamp, and stays
# while file systems come and go over $conf_dir, bound where the module
# reads it
mkdir "$tmp/etc" && mount -t tmpfs -o mode=755 podip-etc "$tmp/etc"
at_exit "umount -l '$tmp/etc'"
resolv=$tmp/etc/resolv.conf
pod_resolv="nameserver 127.0.0.1
search default.svc.cluster.local svc.cluster.local cluster.local
options ndots:5"
printf '%s\n' "$pod_resolv" >"$resolv"
# mount_conf_dir MOUNT-ARG...: a fresh file system over $conf_dir, and resolv.conf in it
mount_conf_dir() {
    mount "$@" "$conf_dir" && touch "$conf_dir/resolv.conf" &&
        mount --bind "$resolv" "$conf_dir/resolv.conf"
}
umount_conf_dir() { umount "$conf_dir/resolv.conf" "$conf_dir"; }
mount_tmpfs() { mount_conf_dir -t tmpfs -o mode=755 podip-conf; }
mount_tmpfs || { echo "FAIL: cannot mount a tmpfs on $conf_dir"; exit 1; }

# The answers, as conf_probe prints them (the module's gethostbyname3_r, AF_INET).
a=10-1-2-3.default.pod.a.test b=10-1-2-3.default.pod.b.test
outside=1-1-1-1.default.pod.cluster.local inside=10-1-2-3.default.pod.cluster.local
ans() { echo "10.1.2.3 ttl=${1:-5}"; }

# set_conf TEXT: the configuration, renamed into place, old enough to be used.
set_conf() {
    printf '%s\n' "$1" >"$conf.new" && chmod 644 "$conf.new" && old_enough "$conf.new" &&
        mv "$conf.new" "$conf"
}

# show_failure: the files as they were just after.
show_failure() {
    for f in "$conf" "$conf_dir/resolv.conf"; do
        echo "  $f, just after:"
        sed 's/^/    /' "$f" 2>&1 | head -5
    done
}
# probe DESC STEP...: conf_probe's steps in one process; PASS if all held.
probe() {
    _d=$1
    shift
    timeout 60 "$probe" "$trap_module" steps "$@" >"$tmp/probe.out" 2>&1
    assert "$_d" test $? = 0 || show_failure
    sed 's/^/  /' "$tmp/probe.out"
}

# background STEP...: the same in the background (pid in $bg); the script
# acts when the probe says "ready" (wait_ready N: the Nth time), then calls
# verdict DESC to collect the result.
background() {
    # emptied here, not by the child's redirection: wait_ready could read the
    # last probe's "ready" lines before the child ran
    : >"$tmp/probe.out"
    timeout 60 "$probe" "$trap_module" steps "$@" >>"$tmp/probe.out" 2>&1 &
    bg=$!
}
ready_count() { [ "$(grep -c '^ready$' "$tmp/probe.out")" -ge "$1" ]; }
wait_ready() {
    wait_for 10 ready_count "${1:-1}" || { echo "# probe never got ready:"; cat "$tmp/probe.out"; }
}
verdict() {
    wait "$bg"
    assert "$1" test $? = 0 || show_failure
    sed 's/^/  /' "$tmp/probe.out"
}

# repeat CMD: the shell command CMD, again and again in the background, until
# stop_repeat, which lets the round under way end whole (a kill could leave a
# child writing a file after the test went on).
repeat() {
    rm -f "$tmp/stop"
    (while [ ! -e "$tmp/stop" ]; do eval "$1"; done) &
    repeater=$!
    at_exit "touch '$tmp/stop'; wait $repeater 2>/dev/null"
}
stop_repeat() {
    touch "$tmp/stop"
    wait "$repeater"
}

echo "# no file descriptor free (a busy server at its RLIMIT_NOFILE)"
set_conf "allow 10.0.0.0/8"
background lookup "$outside" NXDOMAIN nofd ready hold 3000 "$outside" NXDOMAIN \
    freefd until 3000 "$inside" "$(ans 7)"
wait_ready
set_conf "allow 10.0.0.0/8
ttl 7"
verdict "no descriptor at a check: allow stays in force, then the edit applies"
probe "no descriptor at the first lookup: every name passed on, then the file applies" \
    nofd lookup "$outside" PASS lookup "$inside" PASS freefd until 3000 "$outside" NXDOMAIN

echo "# a sandbox refusing open and stat (seccomp, EPERM)"
probe "refused before the first lookup: every name passed on" \
    seccomp lookup "$outside" PASS lookup "$inside" PASS
background lookup "$outside" NXDOMAIN seccomp ready hold 3000 "$outside" NXDOMAIN
wait_ready
set_conf "ttl 9"
verdict "refused after the first load: the configuration read stays in force"

echo "# an edit in the same timestamp tick as the read (racy-git)"
rewrite_same_tick() { # DESC: $conf exists; the probe writes, looks up, rewrites at once
    probe "$1" write "$conf" "zone a.test" lookup "$a" "$(ans)|PASS" \
        write "$conf" "zone b.test" until 4000 "$b" "$(ans)" lookup "$a" PASS
}
set_conf "zone a.test"
rewrite_same_tick "nanosecond timestamps (tmpfs): a same-size rewrite just after the first read is seen"
umount_conf_dir
truncate -s 16M "$tmp/ext4.img"
mkfs.ext4 -q -I 128 -O ^has_journal "$tmp/ext4.img"
mount_conf_dir -o loop "$tmp/ext4.img" || { echo "FAIL: cannot mount the ext4 image"; exit 1; }
at_exit "mountpoint -q '$conf_dir' && umount -R -l '$conf_dir'"
set_conf "zone a.test"
touch "$conf"
nsec=$(python3 -c 'import os, sys; print(os.stat(sys.argv[1]).st_mtime_ns % 10**9)' "$conf")
assert "the ext4 with 128-byte inodes keeps whole seconds (nanoseconds: $nsec)" test "$nsec" = 0
rewrite_same_tick "1 s timestamps (ext4, 128-byte inodes): a same-size rewrite in the same second is seen"
umount_conf_dir
mount_tmpfs

echo "# a writer that pauses in the middle of an in-place rewrite"
set_conf "zone a.test
allow 10.0.0.0/8"
background lookup 1-1-1-1.default.pod.a.test NXDOMAIN ready \
    hold 7000 1-1-1-1.default.pod.a.test NXDOMAIN
wait_ready
for pause in 0.9 0.9 0.4 0.4 0.4; do
    { printf 'zone a.test\n' && sleep "$pause" && printf 'allow 10.0.0.0/8\n'; } >"$conf"
    sleep 0.3
done
verdict "a half-written file (no allow line yet) is never served"
# a running process keeps what is in force while a new file is written
# slowly, then switches to it about 2 s after the last write
background lookup "$a" "$(ans)" ready hold 1500 "$a" "$(ans)" until 2500 "$b" "$(ans)"
wait_ready
{ printf 'zone b.test\n' && sleep 1 && printf 'allow 10.0.0.0/8\n'; } >"$conf"
verdict "a running process during a slow write: the old configuration, then the new one"

echo "# resolv.conf that never stops changing"
set_conf "zone a.test"
repeat 'printf "%s\n# %s\n" "$pod_resolv" "$RANDOM" >"$resolv"; sleep 0.05'
background lookup "$a" "$(ans)" ready until 4000 "$b" "$(ans)"
wait_ready
set_conf "zone b.test"
verdict "resolv.conf rewritten every 50 ms: an edit of nss-podip.conf still applies"
stop_repeat
mount --bind /proc/version "$conf_dir/resolv.conf"
set_conf "zone a.test"
background lookup "$a" "$(ans)" ready until 4000 "$b" "$(ans)"
wait_ready
set_conf "zone b.test"
verdict "resolv.conf a size-0 /proc file: an edit of nss-podip.conf still applies"
umount "$conf_dir/resolv.conf"

echo "# timestamps no expression may overflow (the module traps on undefined behaviour)"
set_conf "zone a.test"
for t in 9000000000000000000 -9000000000000000000; do
    background lookup "$a" "$(ans)" ready hold 2500 "$a" "$(ans)"
    wait_ready
    python3 -c "import os, sys; os.utime(sys.argv[1], ns=($t * 10**9, $t * 10**9))" "$resolv"
    verdict "resolv.conf stamped at $t s: lookups go on"
    printf '%s\n' "$pod_resolv" >"$resolv"
done
background lookup "$a" "$(ans)" ready until 4000 "$b" "$(ans)"
wait_ready
printf 'zone b.test\n' >"$conf.new" && chmod 644 "$conf.new" &&
    python3 -c "import os, sys; os.utime(sys.argv[1], ns=(9 * 10**27, 9 * 10**27))" "$conf.new" &&
    mv "$conf.new" "$conf"
verdict "nss-podip.conf stamped at 9e18 s: lookups go on, and it applies"

echo "# a clock at 0, going back, jumping (libfaketime; file timestamps left real)"
set_conf "allow 10.0.0.0/8"
ft() { env LD_PRELOAD="$faketime_lib" NO_FAKE_STAT=1 TZ=UTC "$@"; }
for clock in "1970-01-01 00:00:00" "@1970-01-01 00:00:00"; do
    ft FAKETIME="$clock" timeout 60 "$probe" "$trap_module" steps lookup "$outside" NXDOMAIN >"$tmp/probe.out" 2>&1
    assert "clock reading 0 ($clock): the file is read, allow applies" test $? = 0
    sed 's/^/  /' "$tmp/probe.out"
done
echo "+0" >"$tmp/faketime"
: >"$tmp/probe.out" # emptied before the probe starts (see background)
ft FAKETIME_TIMESTAMP_FILE="$tmp/faketime" FAKETIME_NO_CACHE=1 \
    timeout 60 "$probe" "$trap_module" steps lookup "$inside" "$(ans)" \
    ready until 4000 "$inside" "$(ans 11)" ready until 4000 "$inside" "$(ans 12)" \
    ready until 4000 "$inside" "$(ans 13)" >>"$tmp/probe.out" 2>&1 &
bg=$!
wait_ready 1
echo "-3600" >"$tmp/faketime"
set_conf "ttl 11"
wait_ready 2
echo "+86400" >"$tmp/faketime"
set_conf "ttl 12"
wait_ready 3
echo "@1970-01-01 00:00:00" >"$tmp/faketime"
set_conf "ttl 13"
verdict "the clock set back an hour, a day ahead, then to 0: each edit applies"

echo "# lookups abandoned in the middle of a reload"
# A 4 MB file takes a while to read, so the timer and the cancellations
# strike while a reload is under way.
big() { # TTL: a large configuration, renamed into place (each made once: a copy is quick)
    [ -f "$tmp/big-$1" ] ||
        { echo "zone a.test"; echo "ttl $1"; head -c 4000000 /dev/zero | tr '\0' '#' | fold -w 100; } >"$tmp/big-$1"
    cp "$tmp/big-$1" "$conf.new" && chmod 644 "$conf.new" && old_enough "$conf.new" && mv "$conf.new" "$conf"
}
big 10
# shellcheck disable=SC2034 # counted in the repeat's eval
i=0
repeat 'i=$((i + 1)); big $((10 + i % 2 * 10)); sleep 0.2'
background jump 4000 "$a" "$(ans 10)|$(ans 20)" cancel 4000 "$a" "$(ans 10)|$(ans 20)" \
    ready until 4000 "$a" "$(ans 30)"
wait_ready
stop_repeat
big 30
verdict "siglongjmp out of lookups and asynchronous cancellation: later reloads still happen"
# each configuration in force about 1.2 s: a child that checks once a second
# sees both within its 5 s, whatever the phase
repeat 'i=$((i + 1)); big $((10 + i % 2 * 10)); sleep 1.2'
probe "children forked while another thread reloads: each reloads on its own" \
    fork 5000 "$a" "$(ans 10)" "$(ans 20)"
stop_repeat

echo "# a ConfigMap volume: nss-podip.conf -> ..data/nss-podip.conf, ..data -> a timestamped folder"
rm -f "$conf"
configmap "$conf_dir" ..2026_11_01_a "zone a.test"
old_enough "$conf_dir/..2026_11_01_a/nss-podip.conf"
ln -s ..data/nss-podip.conf "$conf"
background lookup "$a" "$(ans)" ready until 3000 "$b" "$(ans)" ready until 3000 "$a" "$(ans 8)"
wait_ready 1
configmap "$conf_dir" ..2026_11_01_b "zone b.test"
rm -rf "$conf_dir/..2026_11_01_a"
wait_ready 2
configmap "$conf_dir" ..2026_11_01_c "zone a.test
ttl 8"
rm -rf "$conf_dir/..2026_11_01_b"
verdict "each swap of ..data is in force within 3 s (SPEC: about 2 s), the files written just before"
rm -rf "$conf" "$conf_dir"/..data "$conf_dir"/..2026_*

echo "# 8 threads looking names up while all of the above happens to the files"
# Three configurations, and the answers each gives; a half-written file
# ("zone a.test" or "zone b.test" alone) would answer with ttl=5, and a
# file refused passes every name on. resolv.conf switches between two
# detected zones every 50 ms.
c1="zone a.test
allow 10.0.0.0/8
ttl 10"
c2="zone a.test
namespace default
allow 10.0.0.0/8
ttl 20"
c3="zone b.test
detect-zones no
allow 192.168.0.0/16
ttl 30"
configmap "$conf_dir" ..stress_0 "$c1"
old_enough "$conf_dir/..stress_0/nss-podip.conf"
ln -s ..data/nss-podip.conf "$conf"
printf '%s\n' "$pod_resolv" >"$resolv"
# shellcheck disable=SC2034 # switched in the repeat's eval
r=1
repeat 'r=$((3 - r)); printf "search default.svc.r%s.test svc.r%s.test\n" $r $r >"$resolv"; sleep 0.05'
timeout 60 "$probe" "$trap_module" threads 8 12000 \
    "10-0-0-1.default.pod.a.test=10.0.0.1 ttl=10|10.0.0.1 ttl=20|PASS" \
    "1-1-1-1.default.pod.a.test=NXDOMAIN|PASS" \
    "10-0-0-1.other.pod.a.test=10.0.0.1 ttl=10|NXDOMAIN|PASS" \
    "10-0-0-1.default.pod.r1.test=10.0.0.1 ttl=10|10.0.0.1 ttl=20|PASS" \
    "192-168-0-1.default.pod.b.test=192.168.0.1 ttl=30|PASS" \
    "1-1-1-1.default.pod.b.test=NXDOMAIN|PASS" >"$tmp/threads.out" 2>&1 &
bg=$!
configs=("$c1" "$c2" "$c3")
end=$((SECONDS + 11))
n=0
while [ "$SECONDS" -lt "$end" ]; do
    n=$((n + 1))
    text=${configs[n % 3]}
    target=$(readlink -f "$conf")
    case $((n % 5)) in
    0) configmap "$conf_dir" "..stress_$n" "$text" && old_enough "$conf_dir/..stress_$n/nss-podip.conf" ;;
    1) configmap "$conf_dir" "..stress_$n" "$text" ;; # fresh: used once 2 s old
    2) { printf '%s\n' "${text%%$'\n'*}" && sleep 0.3 && printf '%s\n' "${text#*$'\n'}"; } >"$target" ;;
    3) chmod 664 "$target" && sleep 0.5 && chmod 644 "$target" ;;
    4) printf '%s\n' "$text" >"$target.new" && old_enough "$target.new" && mv "$target.new" "$target" ;;
    esac
    sleep 0.3
done
wait "$bg"
rc=$?
stop_repeat
sed 's/^/  /' "$tmp/threads.out"
assert "every answer one of a configuration on disk, or none ($n changes)" test "$rc" = 0
seen=$(sed -n 's/^distinct answers seen: //p' "$tmp/threads.out")
assert "the answers of every configuration were seen ($seen distinct)" test "${seen:-0}" -ge 10

finish
