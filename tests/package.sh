#!/bin/bash
# The Debian package end to end: dpkg-buildpackage from a clean copy of the
# tree (the build runs the tests), lintian with no error and no warning, then
# in fresh Debian roots (mmdebstrap) installed with dpkg through chroot: the
# hosts line, pod names through getent, curl and ping, reinstall, remove,
# purge, and an administrator's own podip line.
#
# Needs root and Debian's mirror. Each root is checked inside new mount, PID
# and network namespaces, so its mounts, its web server and its port vanish
# with it; the work folder is removed on exit, pass or fail.
set -euo pipefail
src=$(cd "$(dirname "$0")/.." && pwd)
suites=${PACKAGE_SUITES:-bookworm trixie}
port=8080

. "$src/tests/roots.sh" # pass, fail, check, finish, inroot, hosts_line, first_field, files, publish_debs

# --- inside the namespaces: check one root --------------------------------

if [ "${1:-}" = in-root ]; then
    root=$2 suite=$3
    set +e # every check runs, and a step that fails says so

    ip link set lo up
    mount -t proc proc "$root/proc"
    mkdir -p "$root/tmp/www" && echo "hello from $suite" >"$root/tmp/www/index.html"
    python3 -m http.server "$port" --bind 127.0.0.1 --directory "$root/tmp/www" \
        >/dev/null 2>&1 &
    for _ in $(seq 50); do (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break; sleep 0.1; done

    cp "$root/etc/nsswitch.conf" "$root/tmp/nsswitch.conf.orig"
    files >"$root/tmp/files.orig"
    deb=$(cd "$root" && echo tmp/debs/libnss-podip_*.deb)
    tool=$(cd "$root" && echo tmp/debs/nss-podip_*.deb)
    # the conffiles of libnss-podip; how many times the hosts line names
    # podip; the name getent hosts gives
    conffiles() { inroot dpkg-query -W -f="\${Conffiles}" libnss-podip | awk '{ print $1 }'; }
    podips() { grep '^hosts:' "$root/etc/nsswitch.conf" | grep -o podip | wc -l; }
    name_of() { inroot getent hosts "$1" | awk '{ print $2; exit }'; }
    line="hosts: files podip [NOTFOUND=return] dns"

    echo "--- $suite: dpkg -i libnss-podip"
    inroot dpkg -i "/$deb" >/dev/null || fail "dpkg -i libnss-podip"
    check "hosts line after install" 0 "$line" hosts_line
    check "getent hosts IPv4 pod" 0 10.42.2.46 first_field inroot getent hosts 10-42-2-46.default.pod.cluster.local
    check "getent ahosts IPv6 pod" 0 fd00:10:244::5 first_field inroot getent ahosts fd00-10-244--5.default.pod.cluster.local
    reach_by_name "" "hello from $suite" 5
    check "getent hosts localhost" 0 localhost name_of localhost
    check "/etc/nss-podip.conf is a conffile" 0 /etc/nss-podip.conf conffiles
    check "/etc/nss-podip.conf: every line a comment" 1 "" grep -v '^#\|^[[:space:]]*$' "$root/etc/nss-podip.conf"

    echo "--- $suite: dpkg -i libnss-podip again"
    inroot dpkg -i "/$deb" >/dev/null || fail "dpkg -i libnss-podip again"
    check "podip named once after a second install" 0 1 podips

    echo "--- $suite: dpkg -i nss-podip (the command)"
    inroot dpkg -i "/$tool" >/dev/null || fail "dpkg -i nss-podip"
    check "man page nss-podip(8) installed" 0 "" test -f "$root/usr/share/man/man8/nss-podip.8.gz"

    echo "--- $suite: the autopkgtests, both packages installed"
    # As autopkgtest runs them: from the source tree, and a test fails if it
    # writes to stderr unless it says allow-stderr.
    mkdir -p "$root/tmp/autopkgtest/debian" "$root/tmp/autopkgtest/tests"
    cp -r "$src/debian/tests" "$root/tmp/autopkgtest/debian/"
    cp "$src/tests/check.sh" "$root/tmp/autopkgtest/tests/"
    while read -r name restrictions; do
        rc=0
        out=$(inroot sh -c "cd /tmp/autopkgtest && debian/tests/$name" 2>"$root/tmp/stderr") || rc=$?
        err=$(cat "$root/tmp/stderr")
        case " $restrictions " in *" allow-stderr "*) err="" ;; esac
        if [ "$rc" = 0 ] && [ -z "$err" ]; then
            pass "autopkgtest $name ($(grep -c '^PASS: ' <<<"$out") checks)"
        else
            fail "autopkgtest $name: exit status $rc"$'\n'"$out${err:+$'\n'stderr: $err}"
        fi
    done <"$root/tmp/autopkgtests"

    echo "--- $suite: dpkg -r, dpkg -i, dpkg --purge"
    inroot dpkg -r nss-podip libnss-podip >/dev/null || fail "dpkg -r"
    check "dpkg -r restores nsswitch.conf byte for byte" 0 "" \
        diff "$root/tmp/nsswitch.conf.orig" "$root/etc/nsswitch.conf"
    check "dpkg -r keeps the conffile" 0 "" test -f "$root/etc/nss-podip.conf"
    inroot dpkg -i "/$deb" >/dev/null || fail "dpkg -i libnss-podip after dpkg -r"
    check "hosts line after remove and install" 0 "$line" hosts_line
    inroot dpkg --purge libnss-podip >/dev/null || fail "dpkg --purge"
    check "dpkg --purge restores nsswitch.conf byte for byte" 0 "" \
        diff "$root/tmp/nsswitch.conf.orig" "$root/etc/nsswitch.conf"
    check "dpkg --purge leaves no file behind" 0 "" diff "$root/tmp/files.orig" <(files)

    echo "--- $suite: an administrator's hosts line that names podip"
    sed -i 's/^hosts:.*/hosts: files podip dns myhostname/' "$root/etc/nsswitch.conf"
    cp "$root/etc/nsswitch.conf" "$root/tmp/nsswitch.conf.admin"
    inroot dpkg -i "/$deb" >/dev/null || fail "dpkg -i libnss-podip under the administrator's line"
    check "install leaves the administrator's line alone" 0 "" \
        diff "$root/tmp/nsswitch.conf.admin" "$root/etc/nsswitch.conf"
    check "getent through the administrator's line" 0 10.42.2.46 \
        first_field inroot getent hosts 10-42-2-46.default.pod.cluster.local
    inroot dpkg --purge libnss-podip >/dev/null || fail "dpkg --purge under the administrator's line"
    # As the README says: removal takes podip out of any line (dh-nss).
    check "dpkg --purge takes podip out of the administrator's line" 0 \
        "hosts: files dns myhostname" hosts_line
    finish
fi

# --- outside: build the package and the roots ------------------------------

need_root

work=$(mktemp -d /tmp/nss-podip-package.XXXXXX)
cleanup() {
    kill_spawned
    umount -l "$work" 2>/dev/null || true
    rm -rf --one-file-system "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP
# In memory: the roots hold about 3 GB with tests/clients.sh's programs, and
# writing and then deleting them on this machine's disk took over a minute.
mount -t tmpfs -o size=12g,mode=700 tmpfs "$work"

# The roots download while the package builds. mmdebstrap runs in its own
# mount and PID namespaces, so nothing it mounts outlives it. tests/clients.sh
# adds the programs it runs in them.
mapfile -t clients_args < <(bash "$src/tests/clients.sh" mmdebstrap-args)
declare -A roots=()
for suite in $suites; do
    spawn "mmdebstrap $suite" unshare --mount --pid --fork --kill-child -- \
        mmdebstrap --variant=essential --include=curl,iputils-ping,netbase "${clients_args[@]}" \
        "$suite" "$work/$suite" >"$work/$suite.log" 2>&1
    roots[$suite]=$pid
done

# autopkgtests: each test of debian/tests/control and its restrictions, a line.
autopkgtests() {
    sed '/^#/d' "$src/debian/tests/control" | awk 'BEGIN { RS = "" } {
        gsub(/\n[ \t]+/, " "); gsub(/,/, " ")
        tests = ""; restrictions = ""
        n = split($0, field, "\n")
        for (i = 1; i <= n; i++) {
            colon = index(field[i], ":")
            key = tolower(substr(field[i], 1, colon - 1))
            if (key == "tests") tests = substr(field[i], colon + 1)
            else if (key == "restrictions") restrictions = substr(field[i], colon + 1)
            else if (key == "test-command") print "FAIL: Test-Command is not run by tests/package.sh"
        }
        n = split(tests, test, " ")
        for (i = 1; i <= n; i++) print test[i], restrictions
    }'
}
autopkgtests >"$work/autopkgtests"
if ! grep -q . "$work/autopkgtests" || grep -q '^FAIL' "$work/autopkgtests"; then
    cat "$work/autopkgtests"; fail "no autopkgtest to run in debian/tests/control"; exit 1
fi
echo "--- the autopkgtests of debian/tests/control: $(cut -d' ' -f1 "$work/autopkgtests" | paste -sd' ')"

echo "--- dpkg-buildpackage -us -uc -b"
copy_tree "$work/src"
# The source package too, from the clean tree, so that lintian checks debian/.
run dpkg-source env -C "$work/src" dpkg-source -b . >/dev/null
if run dpkg-buildpackage env -C "$work/src" dpkg-buildpackage -us -uc -b >"$work/build.log" 2>&1; then
    pass "dpkg-buildpackage -us -uc -b"
    publish_debs "$work"/libnss-podip_*.deb "$work"/nss-podip_*.deb || fail "copy the packages to DEBS_OUT"
else
    tail -50 "$work/build.log"; fail "dpkg-buildpackage -us -uc -b"; exit 1
fi
build_tests "" "$work/build.log" "$work/src"

echo "--- lintian ($SECONDS s)"
lintian_check -- "$work"/*.changes "$work"/*.dsc

for suite in $suites; do
    if ! reap "${roots[$suite]}"; then
        cat "$work/$suite.log"; fail "mmdebstrap $suite"; continue
    fi
    mkdir "$work/$suite/tmp/debs" && cp "$work"/*.deb "$work/$suite/tmp/debs/"
    cp "$work/autopkgtests" "$work/$suite/tmp/"
    echo "--- $suite root ready ($SECONDS s)"
    run "checks in $suite" unshare --mount --net --pid --fork --kill-child -- \
        bash "$0" in-root "$work/$suite" "$suite" || fail "checks in $suite"
    run "clients in $suite" bash "$src/tests/clients.sh" "$work/$suite" "$suite" ||
        fail "tests/clients.sh in $suite"
done

echo "--- done ($SECONDS s)"
finish
