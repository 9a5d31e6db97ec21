#!/bin/bash
# The nss-podip command (nss-podip(8)): the output and exit status of check,
# explain, status and setup. Runs as root in a private mount namespace, with a
# tmpfs over $(sysconfdir) and private /etc/resolv.conf and
# /etc/nsswitch.conf; the host's files are untouched. The module status and
# setup load is the build tree's (LD_LIBRARY_PATH), which reads the same
# $(sysconfdir)/nss-podip.conf as the command.
set -u
. "${top_srcdir:-.}/tests/lib.sh"
need_root
need_cmd python3
isolate

conf_dir=${sysconfdir:?sysconfdir not set: run through make check}
conf=$conf_dir/nss-podip.conf
tool=$build/nss-podip
src=${top_srcdir:-.}
export LD_LIBRARY_PATH=$libs
[ -d "$conf_dir" ] || mkdir -p "$conf_dir"
mount -t tmpfs -o mode=755 podip-conf "$conf_dir" || { echo "FAIL: cannot mount a tmpfs on $conf_dir"; exit 1; }
etc_file resolv.conf "search default.svc.corp.test svc.corp.test corp.test"
etc_file nsswitch.conf "hosts: files podip [NOTFOUND=return] dns"
for f in resolv.conf nsswitch.conf; do
    mountpoint -q "/etc/$f" || { echo "FAIL: /etc/$f is not private"; exit 1; }
done
# write through the private bind mounts from here on
set_nsswitch() { printf '%s\n' "$1" >/etc/nsswitch.conf; }
set_conf() { printf '%s\n' "$1" >"$conf"; }
# settled_conf TEXT: the file as it stands once it has not changed for 2 s,
# for the status checks whose wording is not about a file changed just now
settled_conf() { set_conf "$1" && old_enough "$conf"; }

echo "# usage"
check "no command: exit 2" 2 "" "$tool"
check "unknown command: exit 2" 2 "" "$tool" frobnicate
check "--help: exit 0" 0 "$("$tool" --help)" "$tool" --help
check "explain needs a name: exit 2" 2 "" "$tool" explain

echo "# check"
rm -f "$conf"
check "check, no file: the defaults" 0 "$conf: not found; the module uses its defaults" "$tool" check
check "check FILE, no such file: exit 2" 2 "$tmp/none: no such file" "$tool" check "$tmp/none"
cp "$src/nss-podip.conf" "$conf" && chmod 644 "$conf"
check "check of the installed example: OK" 0 "$conf: OK" "$tool" check
check "the installed example sets nothing" 0 "$("$tool" explain 10-1-2-3.default.pod.corp.test)" \
    sh -c "rm '$conf' && '$tool' explain 10-1-2-3.default.pod.corp.test"
sed 's/^#\([a-z]\)/\1/' "$src/nss-podip.conf" >"$tmp/all.conf"
check "every directive of the example, uncommented, parses" 0 "$tmp/all.conf: OK" \
    "$tool" check "$tmp/all.conf"

printf '%s\n' "zone k8s.example.com" "frobnicate yes" "ttl 9000" "allow 10.0.0.0/33" \
    "namespace Bad_NS" "relative maybe" "zone a b" "# fine" "wildcard" >"$conf"
printf 'ttl \001\377\n' >>"$conf"
check "check: each bad line, its number and the reason; exit 1" 1 "\
$conf:2: unknown directive: \"frobnicate yes\"
$conf:3: ttl: expected a number of seconds from 0 to 3600: \"ttl 9000\"
$conf:4: allow: an IPv4 prefix length is 0 to 32: \"allow 10.0.0.0/33\"
$conf:5: namespace: not a name Kubernetes could create (1-63 letters, digits or '-', starting and ending with a letter or digit): \"namespace Bad_NS\"
$conf:6: relative: expected yes or no: \"relative maybe\"
$conf:7: one value a line, then nothing but a # comment: \"zone a b\"
$conf:9: wildcard: missing the DOMAIN: \"wildcard\"
$conf:10: a control character or NUL byte in the line (not a text file?): \"ttl \\x01\\xff\"
$conf: 8 problems; lines with problems are skipped, the rest applies" "$tool" check
check "check FILE: the same" 1 "$("$tool" check | sed "s|$conf|$tmp/c|")" \
    sh -c "cp '$conf' '$tmp/c' && '$tool' check '$tmp/c'"
{ echo "zone a.test"; head -c 2000 /dev/zero | tr '\0' y; echo; } >"$conf"
check "check: a long line" 1 "$conf:2: line longer than 1024 bytes: \"$(head -c 60 /dev/zero | tr '\0' y)\"...
$conf: 1 problem; lines with problems are skipped, the rest applies" "$tool" check

set_conf "zone k8s.test"
chmod 664 "$conf"
check "check: a file writable by its group is refused; exit 1" 1 \
    "$conf: is writable by its group or by others, so the module refuses it and passes every name on (whoever can write it could redirect pod names)
$conf: 1 problem; lines with problems are skipped, the rest applies" "$tool" check
chmod 644 "$conf"
chown 65534 "$conf"
check "check: a file not owned by root is refused; exit 1" 1 \
    "$conf: is not owned by root, so the module refuses it and passes every name on (whoever can write it could redirect pod names)
$conf: 1 problem; lines with problems are skipped, the rest applies" "$tool" check
cp "$conf" "$tmp/draft"
chown 65534 "$tmp/draft"
check "check FILE: a draft of another owner gets a note only" 0 \
    "$tmp/draft: note: is not owned by root; installed like this, the module would refuse it
$tmp/draft: OK" "$tool" check "$tmp/draft"
rm -f "$conf"
mkdir "$conf"
check "check: a directory; exit 1" 1 \
    "$conf: not a regular file; the module refuses it and passes every name on" "$tool" check
rmdir "$conf"
mkfifo -m 644 "$conf"
check "check: a FIFO, without blocking; exit 1" 1 \
    "$conf: not a regular file; the module refuses it and passes every name on" timeout 5 "$tool" check
rm -f "$conf"
python3 -c 'import socket, sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])' "$conf"
chmod 644 "$conf"
check "check: a Unix socket, which open() refuses (ENXIO); exit 1" 1 \
    "$conf: not a regular file; the module refuses it and passes every name on" "$tool" check
rm -f "$conf"
set_conf "zone k8s.test"
chmod 600 "$conf"
check "check: a file only root can read; exit 1" 1 \
    "$conf: readable by root only, so programs of other users cannot read it and pass every name on
$conf: 1 problem; lines with problems are skipped, the rest applies" "$tool" check
rm -f "$conf"

echo "# explain"
set_conf "zone k8s.example.com
allow 10.42.0.0/16
allow fd00:10:244::/48
namespace default
namespace web
wildcard nip.io"
nx="NXDOMAIN (no such name; with [NOTFOUND=return] DNS is not asked)"
pass="PASS (not the module's name: the next source, such as dns, answers)"
check "explain: an IPv4 pod in a configured zone" 0 "\"10-42-2-46.default.pod.k8s.example.com\"
  IPv4: 10.42.2.46
  IPv6: NODATA (the name holds an IPv4 address)
  why: a name under pod.k8s.example.com (zone k8s.example.com); the label \"10-42-2-46\" in namespace \"default\" reads as the IPv4 address 10.42.2.46" \
    "$tool" explain 10-42-2-46.default.pod.k8s.example.com
check "explain: an IPv6 pod in a detected zone, and a relative name" 0 "\"fd00-10-244--5.web.pod.corp.test\"
  IPv4: NODATA (the name holds an IPv6 address)
  IPv6: fd00:10:244::5
  why: a name under pod.corp.test (zone corp.test); the label \"fd00-10-244--5\" in namespace \"web\" reads as the IPv6 address fd00:10:244::5
\"10-42-0-1.web.pod\"
  IPv4: 10.42.0.1
  IPv6: NODATA (the name holds an IPv4 address)
  why: a relative pod name, completed with zone k8s.example.com as a pod's search list would; the label \"10-42-0-1\" in namespace \"web\" reads as the IPv4 address 10.42.0.1" \
    "$tool" explain fd00-10-244--5.web.pod.corp.test 10-42-0-1.web.pod
check "explain: a leading zero" 0 "\"010-42-0-1.default.pod.k8s.example.com\"
  IPv4: $nx
  IPv6: $nx
  why: a name under pod.k8s.example.com (zone k8s.example.com); the label \"010-42-0-1\" is no address: it has three single dashes, so it is read as an IPv4 address, but it is not four decimal numbers from 0 to 255 without a leading zero (CoreDNS refuses 010: it could be read as octal)" \
    "$tool" explain 010-42-0-1.default.pod.k8s.example.com
check "explain: a namespace Kubernetes could not create" 0 "\"10-42-0-1.my_ns.pod.corp.test\"
  IPv4: $nx
  IPv6: $nx
  why: a name under pod.corp.test (zone corp.test); the namespace label \"my_ns\" is not one Kubernetes could create (1-63 letters, digits or '-', starting and ending with a letter or digit)" \
    "$tool" explain 10-42-0-1.my_ns.pod.corp.test
why() { "$tool" explain "$1" | sed -n 's/^  why: //p'; }
check "explain: outside allow" 0 \
    "a name under pod.corp.test (zone corp.test); the address 1.1.1.1 is outside every \`allow\` range of the configuration" \
    why 1-1-1-1.default.pod.corp.test
check "explain: a namespace not listed" 0 \
    "a name under pod.corp.test (zone corp.test); namespace \"other\" is not among the \`namespace\` lines of the configuration" \
    why 10-42-0-1.other.pod.corp.test
check "explain: an IPv6 label with two --" 0 \
    "a name under pod.corp.test (zone corp.test); the label \"fd00--1--2\" is no address: it does not have exactly three single dashes, so its dashes are read as the colons of an IPv6 address, but it is not groups of 1 to 4 hexadecimal digits, 8 of them or fewer around one \"--\" (\"::\")" \
    why fd00--1--2.default.pod.corp.test
for label in --ffff-a2a-1 0-0-0-0-0-ffff-a2a-1; do
    check "explain: the IPv4-mapped $label" 0 \
        "a name under pod.corp.test (zone corp.test); the label \"$label\" in namespace \"default\" reads as an IPv4-mapped IPv6 address, answered as the IPv4 address 10.42.0.1" \
        why "$label.default.pod.corp.test"
done
check "explain: a wildcard name" 0 "\"app.10.0.0.1.nip.io\"
  IPv4: 10.0.0.1
  IPv6: NODATA (the name holds an IPv4 address)
  why: it is under the wildcard domain nip.io, and holds the address 10.0.0.1 (a dashed label, or four dotted labels, just left of the domain)" \
    "$tool" explain app.10.0.0.1.nip.io
check "explain: a wildcard name without an address" 0 "\"www.nip.io\"
  IPv4: $pass
  IPv6: $pass
  why: it is under the wildcard domain nip.io, but holds no address just left of it, so it is passed on and the domain's own records come from DNS" \
    "$tool" explain www.nip.io
check "explain: a backslash, passed on" 0 \
    "it holds a backslash: glibc's dns source reads \\DDD and \\. as DNS text escapes, so only DNS can answer it as CoreDNS would; it is passed on" \
    why 'x.\045-ffff-a00-1.default.pod.corp.test'
check "explain: a service, passed on" 0 \
    "it is no pod name: not under pod.ZONE for any zone, nor LABEL.NAMESPACE.pod, nor under a wildcard domain" \
    why my-svc.default.svc.corp.test
check "explain: the old default zone is replaced" 0 \
    "it is no pod name: not under pod.ZONE for any zone, nor LABEL.NAMESPACE.pod, nor under a wildcard domain" \
    why 10-42-0-1.default.pod.cluster.local

set_conf "zone cluster.local
zone pod.cluster.local"
check "explain: zones inside each other: the longest the name is in, as CoreDNS picks it" 0 \
    "a name under pod.pod.cluster.local (zone pod.cluster.local); the label \"10-1-2-3\" in namespace \"default\" reads as the IPv4 address 10.1.2.3" \
    why 10-1-2-3.default.pod.pod.cluster.local

echo "# status"
settled_conf "zone k8s.example.com
allow 10.42.0.0/16
allow fd00:10:244::/48
ttl 30
wildcard nip.io"
settings="configuration file: $conf: read, in force
zones: k8s.example.com (configured) corp.test (detected in /etc/resolv.conf)
detect-zones: yes (/etc/resolv.conf read)
relative: yes
namespaces: all
allow: 10.42.0.0/16 fd00:10:244::/48
ttl: 30
wildcards: nip.io"
check "status: all is well; exit 0" 0 "$settings
/etc/nsswitch.conf: hosts: files podip [NOTFOUND=return] dns" "$tool" status
settled_conf "frobnicate
relative no
detect-zones no"
check "status: defaults, a skipped line; exit 1" 1 "configuration file: $conf: read, in force
zones: cluster.local (default)
detect-zones: no
relative: no
namespaces: all
allow: all addresses
ttl: 5
wildcards: none
/etc/nsswitch.conf: hosts: files podip [NOTFOUND=return] dns
warning: 1 line of the configuration file skipped (nss-podip check shows which and why)" \
    "$tool" status
nsswitch="/etc/nsswitch.conf: hosts: files podip [NOTFOUND=return] dns"
chmod 666 "$conf"
check "status: a refused file: the module steps aside; exit 1" 1 \
    "configuration file: $conf: writable by its group or by others: refused, so the module steps aside and passes every name on to the next source, for as long as it stays so
zones: none (the module answers no name now)
$nsswitch
warning: the configuration file is refused (writable by its group or by others): the module passes every name on" \
    "$tool" status
chmod 644 "$conf"
printf 'zone k8s.test\n' >"$conf" # an edit, just now
# status_lines SED_SCRIPT: what `sed -n SED_SCRIPT` keeps of nss-podip
# status; status's own exit status
status_lines() {
    "$tool" status >"$tmp/status"
    rc=$?
    sed -n "$1" "$tmp/status"
    return "$rc"
}
check "status: a file changed just now: in force for a new program, a running one waits 2 s" 0 \
    "configuration file: $conf: read, in force for programs that start now; changed in the last 2 seconds, so programs already running keep what they read until it has not changed for 2 seconds
zones: k8s.test (configured) corp.test (detected in /etc/resolv.conf)" status_lines 1,2p
old_enough "$conf" # settled, as the rest of this test wants it
chmod 600 "$conf"
check "status: a file only root can read; exit 1" 1 "configuration file: $conf: read, in force
warning: the configuration file is readable by root only: programs of other users cannot read it and pass every name on" \
    sh -c "'$tool' status >'$tmp/status'; rc=\$?; head -1 '$tmp/status'; grep ^warning '$tmp/status'; exit \$rc"
check "status as another user: it cannot be read now; exit 1" 1 \
    "configuration file: $conf: cannot be read now (Permission denied): a program that read it before keeps what it read, and one that has not passes every name on, until it can be read
zones: none (the module answers no name now)
$nsswitch
warning: the configuration file cannot be read now: programs that have not read it pass every name on" \
    setpriv --reuid=65534 --regid=65534 --clear-groups "$tool" status
chmod 644 "$conf"
mkfifo -m 644 "$tmp/fifo"
mount --bind "$tmp/fifo" /etc/resolv.conf
check "status: resolv.conf refused: no zone detected" 0 \
    "zones: k8s.test (configured)
detect-zones: yes (/etc/resolv.conf not a regular file: refused, no zone detected)" \
    status_lines 2,3p
umount /etc/resolv.conf
rm -f "$conf"

# hosts_status LINE: the hosts line as status shows it, and its warnings
hosts_status() {
    set_nsswitch "$1"
    # shellcheck disable=SC2016 # sed's $: the last line
    status_lines '/^\/etc\/nsswitch.conf/,$p'
}
check "status: a good line with [!UNAVAIL=return] instead" 0 \
    "/etc/nsswitch.conf: hosts: files podip [!UNAVAIL=return] dns" \
    hosts_status "hosts: files podip [!UNAVAIL=return] dns"
check "status: podip missing; exit 1" 1 "/etc/nsswitch.conf: hosts: files dns
warning: podip is not on the hosts line, so the module is never asked; add it before dns: hosts: files podip [NOTFOUND=return] dns" \
    hosts_status "hosts: files dns"
check "status: podip after dns; exit 1" 1 "/etc/nsswitch.conf: hosts: files dns podip [NOTFOUND=return]
warning: podip sits after dns: pod names are sent to the network first; move podip before it" \
    hosts_status "hosts: files dns podip [NOTFOUND=return]"
check "status: podip without [NOTFOUND=return]; exit 1" 1 "/etc/nsswitch.conf: hosts: files podip dns
warning: podip lacks [NOTFOUND=return]: names it knows do not exist still go on to DNS (as several queries, with ndots:5)" \
    hosts_status "hosts:  files podip dns  # comment"
check "status: podip behind resolve [!UNAVAIL=return]; exit 1" 1 "/etc/nsswitch.conf: hosts: mymachines resolve [!UNAVAIL=return] files podip [NOTFOUND=return] dns
warning: podip sits behind resolve, which returns unless it is unavailable: podip is never reached while resolve works; move podip before it" \
    hosts_status "hosts: mymachines resolve [!UNAVAIL=return] files podip [NOTFOUND=return] dns"
check "status: podip returning on UNAVAIL; exit 1" 1 "/etc/nsswitch.conf: hosts: files podip [UNAVAIL=return] dns
warning: podip lacks [NOTFOUND=return]: names it knows do not exist still go on to DNS (as several queries, with ndots:5)
warning: podip returns on UNAVAIL: every name that is not a pod name stops there and is never looked up in DNS" \
    hosts_status "hosts: files podip [UNAVAIL=return] dns"
check "status: no hosts line; exit 1" 1 "/etc/nsswitch.conf: no hosts line (glibc then uses \"dns [!UNAVAIL=return] files\")
warning: podip is not on the hosts line, so the module is never asked; add it before dns: hosts: files podip [NOTFOUND=return] dns" \
    hosts_status "passwd: files"
fill=$(seq -f 's%g' 31 | paste -sd' ')
check "status: podip the 32nd service; the 34th's actions are not podip's" 0 \
    "/etc/nsswitch.conf: hosts: $fill podip [NOTFOUND=return] x y [UNAVAIL=return] dns" \
    hosts_status "hosts: $fill podip [NOTFOUND=return] x y [UNAVAIL=return] dns"
# broken CMD...: CMD where the module found first is one this glibc cannot
# load, an empty file
mkdir "$tmp/broken" && : >"$tmp/broken/libnss_podip.so.2"
broken() { LD_LIBRARY_PATH=$tmp/broken "$@"; }
check "status: podip named, but glibc cannot load the module: why; exit 1" 1 \
    "/etc/nsswitch.conf: hosts: files podip [NOTFOUND=return] dns
warning: the hosts line names podip, but glibc $(getconf GNU_LIBC_VERSION | cut -d' ' -f2) cannot load libnss_podip.so.2: $tmp/broken/libnss_podip.so.2: file too short" \
    broken hosts_status "hosts: files podip [NOTFOUND=return] dns"

echo "# setup"
glibc=$(getconf GNU_LIBC_VERSION | cut -d' ' -f2)
probe=10-0-0-1.default.pod.cluster.local
# setup_run IMAGE_NSSWITCH ARG...: setup with /etc/nsswitch.conf reading
# IMAGE_NSSWITCH; its standard output, then what it wrote (FILE: the
# --output, else /etc/nsswitch.conf). Its standard error goes to
# $tmp/setup.err.
setup_run() {
    set_nsswitch "$1"
    shift
    rc=0
    (umask 077 && "$tool" setup "$@") 2>"$tmp/setup.err" || rc=$?
    cat "${2:-/etc/nsswitch.conf}"
    return "$rc"
}
rm -f "$conf"
check "setup --output FILE: the image's file with podip placed, every other line kept" 0 \
    "nss-podip setup: $tmp/ns: hosts: files podip [NOTFOUND=return] dns myhostname; glibc $glibc loads libnss_podip.so.2, and through it answers $probe with 10.0.0.1
passwd: files
hosts: files podip [NOTFOUND=return] dns myhostname # Red Hat's
group: files" \
    setup_run $'passwd: files\nhosts: files dns myhostname # Red Hat\'s\ngroup: files' --output "$tmp/ns"
check "setup --output FILE: mode 0644 whatever the umask" 0 "644" stat -c %a "$tmp/ns"
check "setup --output FILE: the image's own file is untouched" 0 \
    $'passwd: files\nhosts: files dns myhostname # Red Hat\'s\ngroup: files' cat /etc/nsswitch.conf
check "setup: /etc/nsswitch.conf in place (a Dockerfile's RUN line)" 0 \
    "nss-podip setup: /etc/nsswitch.conf: hosts: podip [NOTFOUND=return] dns [!UNAVAIL=return] files; glibc $glibc loads libnss_podip.so.2, and through it answers $probe with 10.0.0.1
passwd: files
hosts: podip [NOTFOUND=return] dns [!UNAVAIL=return] files" setup_run "passwd: files"
check "setup: a file already set up is kept byte for byte" 0 \
    "nss-podip setup: /etc/nsswitch.conf: hosts: podip [NOTFOUND=return] dns [!UNAVAIL=return] files; glibc $glibc loads libnss_podip.so.2, and through it answers $probe with 10.0.0.1
passwd: files
hosts: podip [NOTFOUND=return] dns [!UNAVAIL=return] files" setup_run "$(cat /etc/nsswitch.conf)"
check "setup: an administrator's line naming podip is kept; where it is not SPEC 5's, exit 1" 1 \
    "hosts: files dns podip" setup_run "hosts: files dns podip"
check "... with one line: why" 0 \
    "nss-podip setup: /etc/nsswitch.conf: hosts: files dns podip: podip sits after dns: pod names are sent to the network first; move podip before it" \
    cat "$tmp/setup.err"
check "setup: a module this glibc cannot load: exit 1" 1 "hosts: files podip [NOTFOUND=return] dns" \
    broken setup_run "hosts: files dns"
check "... with one line: why" 0 \
    "nss-podip setup: glibc $glibc cannot load libnss_podip.so.2: $tmp/broken/libnss_podip.so.2: file too short" \
    cat "$tmp/setup.err"
settled_conf "allow 10.42.0.0/16"
check "setup: the configuration's allow refuses the probe: its NXDOMAIN is an answer too" 0 \
    "nss-podip setup: /etc/nsswitch.conf: hosts: files podip [NOTFOUND=return] dns; glibc $glibc loads libnss_podip.so.2, and through it answers $probe with no such name" \
    "$tool" setup
chmod 666 "$conf"
check "setup: a refused configuration: the module answers nothing; exit 1" 1 \
    "hosts: files podip [NOTFOUND=return] dns" setup_run "$(cat /etc/nsswitch.conf)"
check "... with one line: why" 0 \
    "nss-podip setup: $conf is writable by its group or by others: the module answers no name" \
    cat "$tmp/setup.err"
rm -f "$conf"
check "setup --output with no FILE: usage, exit 2" 2 "" "$tool" setup --output
check "setup --output FILE in a folder that is not there: exit 1" 1 "" "$tool" setup --output "$tmp/none/ns"

finish
