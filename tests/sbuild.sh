#!/bin/bash
# The package built the way Debian's builders build it: sbuild in its unshare
# mode, as an ordinary user, from the source package, in a fresh bookworm
# chroot (an mmdebstrap buildd tarball) that holds only the Build-Depends,
# with no network during the build and with the build-time tests of
# debian/rules. The build machine's own /etc/nss-podip.conf (allow, namespace,
# relative, ttl) and /etc/resolv.conf (a search line of svc.example.com
# entries) there would change every answer the tests expect, had they read
# them. A second build, in another folder, time zone and umask, must give
# byte-identical .debs, and lintian finds no error and no warning.
#
# Needs root (to make the ordinary user) and Debian's mirror. The user and its
# subordinate ids exist only in a private mount namespace (bind-mounted copies
# of /etc/passwd, group, subuid, subgid), and so does the private resolv.conf:
# nothing on the machine changes. The work folder, where the tarball and
# sbuild's chroots are, is removed on exit, pass or fail (SBUILD_KEEP=1
# keeps it, logs included, for a look).
set -euo pipefail
export LC_ALL=C
src=$(cd "$(dirname "$0")/.." && pwd)
arch=$(dpkg --print-architecture)
user=podipbuild

# shellcheck source=tests/roots.sh
. "$src/tests/roots.sh" # pass, fail, check, finish, spawn, reap, now, since

# --- inside the private mount namespace (root) -----------------------------

if [ "${1:-}" = in-namespace ]; then
    work=$2
    set +e # every check runs
    for f in passwd group subuid subgid resolv.conf; do mount --bind "$work/etc/$f" "/etc/$f"; done
    uid=$(id -u "$user") gid=$(id -g "$user")
    # as_user CMD...: CMD as the ordinary user, with a clean environment.
    as_user() {
        setpriv --reuid="$uid" --regid="$gid" --init-groups \
            env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME="$work/home" USER=$user \
            LOGNAME=$user LC_ALL=C.UTF-8 "$@"
    }
    dsc=$(echo "$work"/src/nss-podip_*.dsc)
    version=$(dpkg-parsechangelog -l "$src/debian/changelog" -S Version)
    # The .changes names the changelog's distribution (lintian wants them
    # the same); the chroot is bookworm's, the tarball.
    dist=$(dpkg-parsechangelog -l "$src/debian/changelog" -S Distribution)

    # build N TZ UMASK BUILD-PATH: sbuild in $work/out-N. The build's own
    # debian/rules is a wrapper (inject-N/rules) that sets UMASK, since
    # dpkg-buildpackage resets it to 0022, and prints what the build sees.
    declare -A took=()
    build() {
        local n=$1 tz=$2 mask=$3 path=$4 out=$work/out-$1 inject=$work/inject-$1 t0 rc=0
        local log=$work/build-$1.log
        mkdir -p "$out" "$inject"
        cp "$work/etc/nss-podip.conf" "$inject/"
        cat >"$inject/rules" <<EOF
#!/bin/sh
umask $mask
for f in /etc/nss-podip.conf /etc/resolv.conf; do
    grep -v '^#\\|^nameserver' "\$f" | sed "s|^|build-view: \$1: \$f: |"
done
echo "build-view: \$1: uid \$(id -u), umask \$(umask), TZ \$TZ, UTC\$(date +%z)"
exec debian/rules "\$@"
EOF
        chmod 755 "$inject/rules"
        # sbuild empties the chroot's resolv.conf for the build (no network),
        # and copies the host's in for the other steps; a file it cannot write
        # (root's outside its user namespace) bound on it stays as it is.
        cat >"$work/sbuild-$n.conf" <<EOF
\$build_environment = { 'TZ' => '$tz' };
\$unshare_tmpdir_template = '$work/chroots/sbuild.XXXXXXXXXX';
\$unshare_bind_mounts = [
    { directory => '$inject', mountpoint => '/podip-inject' },
    { directory => '$work/etc/resolv.conf', mountpoint => '/etc/resolv.conf' },
];
1;
EOF
        chown "$uid:$gid" "$out"
        echo "--- build $n: sbuild as $user (uid $uid), TZ=$tz, umask $mask, in /build/$path"
        t0=$(now)
        (cd "$out" && as_user SBUILD_CONFIG="$work/sbuild-$n.conf" DEB_BUILD_OPTIONS="parallel=$(nproc)" \
            sbuild --nolog --chroot-mode=unshare --chroot="$work/bookworm.tar" --dist="$dist" \
            --arch="$arch" --arch-any --no-arch-all --no-run-lintian --no-run-piuparts \
            --no-run-autopkgtest --build-path="/build/$path" \
            --debbuildopt=--rules-file=/usr/local/bin/podip-rules \
            --chroot-setup-commands='install -m 644 /podip-inject/nss-podip.conf /etc/ && install -m 755 /podip-inject/rules /usr/local/bin/podip-rules' \
            "$dsc" >"$log" 2>&1) || rc=$?
        took[$n]=$(since "$t0")
        if [ "$rc" = 0 ]; then
            pass "build $n: sbuild (${took[$n]} s)"
        else
            # each test's verdict, and why: the cmocka tests that failed, the
            # count of glibc.sh's failed checks (sbuild's log has them all)
            grep -E '^(PASS|SKIP|XFAIL|FAIL|XPASS|ERROR): tests/[^ ]*$|Test setup failed|^\[  FAILED  \] [a-z]|checks FAILED$' \
                "$log" | awk '!seen[$0]++' | sed 's/^/    /' || true
            grep -v 'resolv.conf' "$log" | tail -3 | sed 's/^/    /'
            fail "build $n: sbuild exit status $rc (${took[$n]} s)"
        fi
        # What the build saw, the same from each target dpkg-buildpackage ran.
        local view
        view=$(sed -n 's/^build-view: [a-z-]*: //p' "$log" | sort -u)
        check "build $n: the build ran as an ordinary user, umask $mask, TZ $tz" 0 "yes $mask $tz" \
            printf '%s\n' "$(sed -n 's/^uid \([0-9]*\), umask \([0-7]*\), TZ \(.*\), UTC.*/\1 \2 \3/p' <<<"$view" |
                awk '{ print ($1 != 0 ? "yes" : "no (uid " $1 ")"), $2, $3 }')"
        check "build $n: the build saw the machine's /etc/nss-podip.conf" 0 \
            "$(grep -v '^#' "$work/etc/nss-podip.conf" | sort)" sed -n 's|^/etc/nss-podip.conf: ||p' <<<"$view"
        check "build $n: the build saw the machine's /etc/resolv.conf" 0 \
            "$(grep -v '^nameserver' "$work/etc/resolv.conf" | sort)" sed -n 's|^/etc/resolv.conf: ||p' <<<"$view"
        build_tests "build $n: " "$log" "$work/src/nss-podip"
    }

    build 1 UTC0 0022 nss-podip
    build 2 LINT-14 0077 elsewhere/deeper

    echo "--- the two builds' packages"
    debs() { (cd "$work/out-$1" && for d in *.deb; do if [ -e "$d" ]; then echo "$d"; fi; done | paste -sd' '); }
    debs1=$(debs 1)
    case " $debs1 " in
    *" libnss-podip_${version}_$arch.deb "*" nss-podip_${version}_$arch.deb "*) ;;
    *) debs1="" ;;
    esac
    if [ -z "$debs1" ] || [ "$(debs 1)" != "$(debs 2)" ]; then
        fail "not compared: build 1 made '$(debs 1)', build 2 '$(debs 2)'"
    else
        for d in $debs1; do
            if out=$(cmp "$work/out-1/$d" "$work/out-2/$d" 2>&1); then
                pass "$d: byte for byte the same in both builds"
            else
                fail "$d differs between the builds: $out"
            fi
        done
    fi

    echo "--- lintian"
    changes=$work/out-1/nss-podip_${version}_$arch.changes
    if [ ! -f "$changes" ]; then
        fail "lintian not run: build 1 made no $(basename "$changes")"
    else
        lintian_check as_user -- "$changes" "$dsc"
    fi
    echo "--- build 1 ${took[1]} s, build 2 ${took[2]} s"
    finish
fi

# --- outside: the tarball, the source package, the user --------------------

need_root
need_cmd sbuild mmdebstrap lintian setpriv dpkg-source

work=$(mktemp -d /tmp/nss-podip-sbuild.XXXXXX)
chmod 755 "$work"
cleanup() {
    kill_spawned
    [ -n "${SBUILD_KEEP:-}" ] || rm -rf --one-file-system "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

# The chroot: Debian's buildd variant (build-essential and apt), its package
# lists kept so that sbuild's apt-get update has little to fetch.
t_tar=$(now)
spawn "mmdebstrap" unshare --mount --pid --fork --kill-child -- \
    mmdebstrap --variant=buildd --skip=cleanup/apt/lists bookworm "$work/bookworm.tar" \
    >"$work/mmdebstrap.log" 2>&1
tarball=$pid

# The source package, from a clean copy of the tree (the files git knows);
# then the copy configured, for make to list the unit tests the builds run.
copy_tree "$work/src/nss-podip"
(cd "$work/src" && dpkg-source -b nss-podip >/dev/null)
(cd "$work/src/nss-podip" && autoreconf -fi >/dev/null 2>&1 && ./configure -q >/dev/null) ||
    { echo "FAIL: cannot configure a copy of the tree"; exit 1; }

# The ordinary user, known only in the namespace, and its subordinate ids.
mkdir "$work/etc" "$work/home" "$work/chroots"
cp /etc/passwd /etc/group "$work/etc/"
getent passwd "$user" >/dev/null && { echo "FAIL: a user $user exists on this machine"; exit 1; }
uid=2000
while getent passwd "$uid" >/dev/null || getent group "$uid" >/dev/null; do uid=$((uid + 1)); done
echo "$user:x:$uid:$uid::$work/home:/bin/sh" >>"$work/etc/passwd"
echo "$user:x:$uid:" >>"$work/etc/group"
echo "$user:100000:65536" >"$work/etc/subuid"
echo "$user:100000:65536" >"$work/etc/subgid"
chown "$uid:$uid" "$work/home" "$work/chroots"
# The build machine's own configuration, which the build-time tests must not
# read: each line changes answers they expect (SPEC §6).
cat >"$work/etc/nss-podip.conf" <<EOF
# tests/sbuild.sh: the build machine's own configuration
allow 10.0.0.0/8
namespace kube-system
relative no
ttl 3600
EOF
{
    echo "search default.svc.example.com svc.example.com example.com"
    grep -E '^(nameserver|options)' /etc/resolv.conf || true
} >"$work/etc/resolv.conf"
chmod 644 "$work/etc/"*

if ! reap "$tarball"; then
    cat "$work/mmdebstrap.log"; echo "FAIL: mmdebstrap"; exit 1
fi
echo "--- bookworm buildd tarball made in $(since "$t_tar") s ($(du -m "$work/bookworm.tar" | cut -f1) MB)"

rc=0
# Its own PID namespace too, so that killing it ends every process of sbuild.
spawn "builds" unshare --mount --propagation private --pid --fork --kill-child --mount-proc -- \
    bash "$0" in-namespace "$work"
reap "$pid" || rc=$?
echo "--- done ($SECONDS s)"
[ "$rc" = 0 ] && echo "PASS: tests/sbuild.sh" || echo "FAIL: tests/sbuild.sh"
exit "$rc"
