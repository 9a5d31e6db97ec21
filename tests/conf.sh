#!/bin/bash
# shellcheck disable=SC2016 # commands in single quotes expand when they run (eval, sh -c)
# SPEC §6 through the real glibc: each directive of nss-podip.conf,
# detect-zones from resolv.conf, bad files of every kind, and reloading in
# one long-running process (also while many threads look names up).
# Runs as root in private mount and network namespaces: a tmpfs over
# $(sysconfdir) holds the configuration, and /etc/resolv.conf and /etc/hosts
# are private copies, so the host's files are never touched, and no name can
# reach a DNS server ("offline").
set -u
. "${top_srcdir:-.}/tests/lib.sh"
need_root
need_cmd unshare getent setpriv timeout
isolate -n

conf_dir=${sysconfdir:?sysconfdir not set: run through make check}
conf=$conf_dir/nss-podip.conf
probe=$build/tests/conf_probe
# a build whose prefix is not installed yet (make distcheck) has no $(sysconfdir)
[ -d "$conf_dir" ] || mkdir -p "$conf_dir"
mount -t tmpfs -o mode=755 podip-conf "$conf_dir" || { echo "FAIL: cannot mount a tmpfs on $conf_dir"; exit 1; }

# The module where every user can load it (the unreadable-file check runs
# as nobody).
chmod 755 "$tmp"
mkdir -m 755 "$tmp/lib"
cp "$libs/libnss_podip.so.2" "$resolve" "$tmp/lib/"
module=$tmp/lib/libnss_podip.so.2
export LD_LIBRARY_PATH=$tmp/lib

# A name podip passes on reaches `files`, which knows every name used here as
# 192.0.2.1; a name podip answers, or says NOTFOUND for, never gets there.
names="10-1-2-3.default.pod.k8s.example.com 10-1-2-3.default.pod.cluster.local
10-1-2-3.default.pod my-svc.default.svc.k8s.example.com 10-1-2-3.default.pod.corp.test
10-1-2-3.kube-system.pod.cluster.local 10-1-2-3.other.pod.cluster.local
1-1-1-1.default.pod.cluster.local 10-42-2-46.default.pod.cluster.local
fd00-10-244--5.default.pod.cluster.local fd00-10-245--5.default.pod.cluster.local
app.10-0-0-1.nip.io 10.0.0.1.nip.io app.10.0.0.1.nip.io www.nip.io nip.io
10-1-2-3.default.pod.k8s.test 10-1-2-3.default.pod.a.test 10-1-2-3.default.pod.b.test"
etc_file hosts "127.0.0.1 localhost
192.0.2.1 $(printf '%s\n' "$names" | tr '\n' ' ')"
pod_resolv="nameserver 127.0.0.1
search default.svc.k8s.example.com svc.k8s.example.com k8s.example.com
options ndots:5"
etc_file resolv.conf "$pod_resolv"
# from here on, write through the private bind mount (never the host's file)
mountpoint -q /etc/resolv.conf || { echo "FAIL: /etc/resolv.conf is not private"; exit 1; }
set_resolv() {
    printf '%s\n' "$1" >/etc/resolv.conf
}

# q NAME: what `getent hosts` shows with podip first: the address, NOTFOUND
# (podip said NXDOMAIN or NODATA), or PASS (passed on, and files answered).
svc='hosts:podip [NOTFOUND=return] files'
q() {
    out=$(timeout 10 getent -s "$svc" hosts "$1")
    case $? in
    0) out=${out%% *}; [ "$out" = 192.0.2.1 ] && echo PASS || echo "$out" ;;
    2) echo NOTFOUND ;;
    124) echo "getent blocked" ;;
    *) echo "getent failed" ;;
    esac
}
# x NAME: the IPv4 outcome through glibc's gethostbyname2_r: the address,
# NODATA, NXDOMAIN or PASS.
x() {
    out=$("$resolve" -s podip ghbn2 inet "$1")
    case $out in
    HOST_NOT_FOUND) echo NXDOMAIN ;;
    NO_DATA) echo NODATA ;;
    NO_RECOVERY) echo PASS ;;
    *) echo "${out%% *}" ;;
    esac
}
# ttl NAME: the TTL the module reports (gethostbyname3_r's ttlp).
ttl() {
    out=$("$probe" "$module" count 1 "$1")
    echo "${out#* ttl=}"
}
# set_conf TEXT: the file rewritten in place, as an editor does, just before
# the lookups: each getent is a new process, which uses the file it finds.
set_conf() {
    printf '%s\n' "$1" >"$conf"
}

echo "# no configuration file, in a pod of a cluster whose domain is k8s.example.com"
rm -f "$conf"
check "detected zone answers" 0 10.1.2.3 q 10-1-2-3.default.pod.k8s.example.com
check "relative name answers" 0 10.1.2.3 q 10-1-2-3.default.pod
check "default zone cluster.local answers" 0 10.1.2.3 q 10-1-2-3.default.pod.cluster.local
check "a service name is passed on" 0 PASS q my-svc.default.svc.k8s.example.com
check "default ttl 5" 0 5 ttl 10-1-2-3.default.pod.cluster.local

echo "# zone"
set_conf "zone k8s.example.com
detect-zones no"
check "zone k8s.example.com answers" 0 10.1.2.3 q 10-1-2-3.default.pod.k8s.example.com
check "a zone line replaces cluster.local" 0 PASS q 10-1-2-3.default.pod.cluster.local
check "relative names use the configured zone" 0 10.1.2.3 q 10-1-2-3.default.pod
set_conf "zone k8s.example.com
zone cluster.local"
check "two zones: the second answers" 0 10.1.2.3 q 10-1-2-3.default.pod.cluster.local

echo "# detect-zones"
set_conf "detect-zones no"
check "detect-zones no: the resolv.conf zone is passed on" 0 PASS q 10-1-2-3.default.pod.k8s.example.com
check "detect-zones no: cluster.local still answers" 0 10.1.2.3 q 10-1-2-3.default.pod.cluster.local
set_conf "detect-zones yes"
set_resolv "search team-a.svc.corp.test example.com"
check "NAMESPACE.svc.DOMAIN gives zone DOMAIN" 0 10.1.2.3 q 10-1-2-3.default.pod.corp.test
check "zones of an earlier resolv.conf are gone" 0 PASS q 10-1-2-3.default.pod.k8s.example.com
set_resolv "$pod_resolv"

echo "# relative"
set_conf "relative no"
check "relative no: LABEL.NAMESPACE.pod is passed on" 0 PASS q 10-1-2-3.default.pod
check "relative no: the full name answers" 0 10.1.2.3 q 10-1-2-3.default.pod.cluster.local
set_conf "relative yes"
check "relative yes" 0 10.1.2.3 q 10-1-2-3.default.pod

echo "# namespace"
set_conf "namespace default
namespace kube-system"
check "a listed namespace answers" 0 10.1.2.3 q 10-1-2-3.kube-system.pod.cluster.local
check "another namespace is NOTFOUND" 0 NOTFOUND q 10-1-2-3.other.pod.cluster.local
check "another namespace is NXDOMAIN" 0 NXDOMAIN x 10-1-2-3.other.pod.cluster.local
check "a listed namespace holds no address: NODATA" 0 NODATA x default.pod.cluster.local

echo "# allow"
set_conf "allow 10.42.0.0/16
allow fd00:10:244::/48"
check "1-1-1-1 is NOTFOUND" 0 NOTFOUND q 1-1-1-1.default.pod.cluster.local
check "1-1-1-1 is NXDOMAIN" 0 NXDOMAIN x 1-1-1-1.default.pod.cluster.local
check "10-42-2-46 answers" 0 10.42.2.46 q 10-42-2-46.default.pod.cluster.local
check "fd00-10-244--5 answers" 0 fd00:10:244::5 q fd00-10-244--5.default.pod.cluster.local
check "fd00-10-245--5 is NOTFOUND" 0 NOTFOUND q fd00-10-245--5.default.pod.cluster.local

echo "# ttl"
set_conf "ttl 30"
check "ttl 30" 0 30 ttl 10-1-2-3.default.pod.cluster.local
set_conf "ttl 0"
check "ttl 0" 0 0 ttl 10-1-2-3.default.pod.cluster.local

echo "# wildcard (offline: this network namespace has no network at all)"
set_conf "wildcard nip.io"
check "app.10-0-0-1.nip.io" 0 10.0.0.1 q app.10-0-0-1.nip.io
check "10.0.0.1.nip.io" 0 10.0.0.1 q 10.0.0.1.nip.io
check "app.10.0.0.1.nip.io" 0 10.0.0.1 q app.10.0.0.1.nip.io
check "www.nip.io is passed on" 0 PASS q www.nip.io
check "nip.io is passed on" 0 PASS q nip.io

echo "# bad configuration: the defaults plus whatever lines parse"
set_conf "frobnicate yes
zone k8s.test
ttl banana
allow 300.0.0.0/8
namespace -bad-"
check "unknown and malformed lines: the good line applies" 0 10.1.2.3 q 10-1-2-3.default.pod.k8s.test
check "unknown and malformed lines: the bad allow is skipped" 0 1.1.1.1 x 1-1-1-1.default.pod.k8s.test
check "unknown and malformed lines: the bad ttl is skipped" 0 5 ttl 10-1-2-3.default.pod.k8s.test

{ echo "zone a.test"; head -c 10000000 /dev/zero | tr '\0' x; printf '\nzone b.test\n'; } >"$conf"
start=$(date +%s%N)
check "a 10 MB line: the line before it applies" 0 10.1.2.3 q 10-1-2-3.default.pod.a.test
check "a 10 MB line: the line after it applies" 0 10.1.2.3 q 10-1-2-3.default.pod.b.test
echo "# two lookups with a 10 MB line took $((($(date +%s%N) - start) / 1000000)) ms"

{ head -c 65536 /dev/urandom | tr -d '\n'; printf '\nzone k8s.test\n'; head -c 4096 /dev/urandom; } >"$conf"
check "binary junk: the good line applies" 0 10.1.2.3 q 10-1-2-3.default.pod.k8s.test

# A missing file: the defaults. A file that is there but refused (SPEC §6,
# "Fail closed"): the module steps aside, every name passed on, since the
# lines it would skip may be the `allow` and `namespace` that restrict it.
rm -rf "$conf"
check "a missing file: the defaults, cluster.local answers" 0 10.1.2.3 q 10-1-2-3.default.pod.cluster.local
check "a missing file: the defaults, k8s.test is passed on" 0 PASS q 10-1-2-3.default.pod.k8s.test
bad_file() { # DESC: $conf is set up, holding a zone line; the module must refuse it
    check "$1: refused, cluster.local passed on" 0 PASS q 10-1-2-3.default.pod.cluster.local
    check "$1: refused, its zone passed on" 0 PASS q 10-1-2-3.default.pod.k8s.test
}
mkdir "$conf"
bad_file "a directory"
rmdir "$conf"
mkfifo -m 644 "$conf"
bad_file "a FIFO (and it does not block)"
rm -f "$conf"
set_conf "zone k8s.test"
chmod 664 "$conf"
bad_file "a file writable by its group"
chmod 646 "$conf"
bad_file "a file writable by others"
chmod 644 "$conf"
chown 65534 "$conf"
bad_file "a file owned by a user other than root"
chown 0 "$conf"
check "the same file, root's again, applies" 0 10.1.2.3 q 10-1-2-3.default.pod.k8s.test
chmod 600 "$conf"
as_nobody() { setpriv --reuid=65534 --regid=65534 --clear-groups "$@"; }
check "unreadable for the user: cluster.local passed on (never the defaults)" 1 NO_RECOVERY \
    as_nobody "$tmp/lib/resolve" -s podip ghbn2 inet 10-1-2-3.default.pod.cluster.local
check "unreadable for the user: its zone passed on" 1 NO_RECOVERY \
    as_nobody "$tmp/lib/resolve" -s podip ghbn2 inet 10-1-2-3.default.pod.k8s.test
chmod 644 "$conf"

echo "# a new process uses the file it finds, written a moment before (SPEC §6)"
# As the kubelet writes a ConfigMap volume and then starts a container, a
# Dockerfile RUN line writes the file and then resolves, or an operator
# edits it and runs getent: each getent below is a new process.
# fresh DESC: the lookups just made came within a second of the last write
fresh() {
    age=$(($(date +%s) - $(stat -L -c %Y "$conf")))
    assert "$1: the file was at most 1 s old at the lookups ($age s)" test "$age" -le 1
}
rm -f "$conf"
set_conf "allow 10.42.0.0/16"
check "written in place: allow refuses 1-1-1-1" 0 NXDOMAIN x 1-1-1-1.default.pod.cluster.local
check "written in place: 10-42-2-46 answers" 0 10.42.2.46 q 10-42-2-46.default.pod.cluster.local
fresh "written in place"
printf 'zone a.test\nallow 10.0.0.0/8\n' >"$conf.new" && mv "$conf.new" "$conf"
check "renamed into place: its zone answers" 0 10.1.2.3 q 10-1-2-3.default.pod.a.test
check "renamed into place: allow refuses 1-1-1-1" 0 NXDOMAIN x 1-1-1-1.default.pod.a.test
fresh "renamed into place"
rm -f "$conf"
configmap "$conf_dir" ..2026_12_01_a "zone a.test"
ln -s ..data/nss-podip.conf "$conf"
check "a ConfigMap volume written just before: its zone answers" 0 10.1.2.3 q 10-1-2-3.default.pod.a.test
configmap "$conf_dir" ..2026_12_01_b "zone b.test
namespace web"
check "..data swapped just before: the new zone answers" 0 10.1.2.3 q 10-1-2-3.web.pod.b.test
check "..data swapped just before: the namespace line applies" 0 NXDOMAIN x 10-1-2-3.default.pod.b.test
fresh "..data swapped"
rm -rf "$conf" "$conf_dir"/..data "$conf_dir"/..2026_*

echo "# reload in one running process, without a restart"
# reload DESC CHANGE NAME WANT: start a process that looks NAME up until it
# gets WANT, make CHANGE, and time how long the process takes to see it. An
# edit gives the file a fresh mtime, and the module waits until it is 2 s
# old (SPEC §6: in force "within about 2 s of the last write").
reload() {
    : >"$tmp/probe.out" # emptied now: the child could start after wait_for reads it
    "$probe" "$module" wait 5000 "$3" "$4" >>"$tmp/probe.out" &
    pid=$!
    wait_for 5 grep -q '^first:' "$tmp/probe.out"
    start=$(date +%s%N)
    eval "$2"
    wait $pid
    rc=$?
    ms=$((($(date +%s%N) - start) / 1000000))
    assert "$1: seen after $ms ms (within 2.5 s), in the same process" \
        test "$rc" = 0 -a "$ms" -le 2500 || cat "$tmp/probe.out"
}
set_conf "zone a.test"
reload "file rewritten in place" 'set_conf "zone b.test"' 10-1-2-3.default.pod.b.test "10.1.2.3 ttl=5"
reload "file replaced by rename" 'printf "zone a.test\nttl 9\n" >"$conf.new" && mv "$conf.new" "$conf"' \
    10-1-2-3.default.pod.a.test "10.1.2.3 ttl=9"
reload "file removed" 'rm "$conf"' 10-1-2-3.default.pod.cluster.local "10.1.2.3 ttl=5"
reload "file created" 'set_conf "ttl 7"' 10-1-2-3.default.pod.cluster.local "10.1.2.3 ttl=7"
reload "resolv.conf changed (detect-zones)" \
    'printf "search default.svc.corp.test svc.corp.test\n" >/etc/resolv.conf' \
    10-1-2-3.default.pod.corp.test "10.1.2.3 ttl=7"
set_resolv "$pod_resolv"
rm -f "$conf"
: >"$tmp/probe.out"
"$probe" glibc wait 5000 10-1-2-3.default.pod.a.test 10.1.2.3 >>"$tmp/probe.out" &
pid=$!
wait_for 5 grep -q '^first:' "$tmp/probe.out"
set_conf "zone a.test"
wait $pid
rc=$?
assert "through glibc's gethostbyname2_r too: $(tail -1 "$tmp/probe.out")" test "$rc" = 0

echo "# lookups in 4 threads while the file is rewritten: the old answer or the new, never a mix"
# Five configurations; a mix of two (one's zone, another's allow or ttl)
# would give an answer listed for none of them.
cfg() { printf 'zone %s\nallow %s\nttl %s\n' "$@"; }
configs=("$(cfg a.test 10.0.0.0/8 10)" "$(cfg b.test 192.168.0.0/16 20)"
    "$(cfg a.test 10.0.0.0/8 30)" "$(cfg b.test 192.168.0.0/16 40)" "$(cfg a.test 10.0.0.0/8 50)")
set_conf "${configs[0]}"
"$probe" "$module" threads 4 7000 \
    "10-0-0-1.default.pod.a.test=10.0.0.1 ttl=10|10.0.0.1 ttl=30|10.0.0.1 ttl=50|PASS" \
    "192-168-0-1.default.pod.b.test=192.168.0.1 ttl=20|192.168.0.1 ttl=40|PASS" \
    "10-0-0-1.default.pod.b.test=PASS|NXDOMAIN" >"$tmp/threads.out" 2>&1 &
pid=$!
end=$(($(date +%s) + 6))
i=0
while [ "$(date +%s)" -lt "$end" ]; do
    i=$((i + 1))
    # each whole file dated back, so each can be used at once: the module
    # must still never mix two (tests/reload.sh has half-written ones)
    if [ $((i % 2)) = 0 ]; then
        set_conf "${configs[i % 5]}" && old_enough "$conf" # in place
    else
        printf '%s\n' "${configs[i % 5]}" >"$conf.new" && old_enough "$conf.new" &&
            mv "$conf.new" "$conf"
    fi
    sleep 0.4
done
wait $pid
rc=$?
sed 's/^/# /' "$tmp/threads.out"
assert "every answer was one configuration's ($i rewrites)" test "$rc" = 0
seen=$(sed -n 's/^distinct answers seen: //p' "$tmp/threads.out")
assert "the answers of several configurations were seen ($seen of 9)" test "${seen:-0}" -ge 5

finish
