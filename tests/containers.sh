#!/bin/bash
# The recipes users copy, built and run by a real container engine:
# contrib/Dockerfile and contrib/distroless.Dockerfile, built by
# Debian 12's podman with runc from a folder of .debs exactly as a user
# builds them, then run as a kubelet starts a container (the pod's search
# list and ndots:5, a nameserver on the pod's 127.0.0.1:53 that logs every
# query): the hosts line, getent, ping and curl by pod name, a custom
# cluster domain, nss-podip status, --network none, the DNS queries made, a
# configuration mounted as the container starts or written by a RUN line, a
# distroless image with a program copied in, the bases without podip as a
# control, and a build folder holding packages of three architectures; and
# contrib/portable.Dockerfile, the recipe for glibc images without dpkg,
# from an injector image that contrib/portable.sh's files make (SPEC 8).
#
#   tests/containers.sh DEBS   DEBS holds libnss-podip_*.deb and nss-podip_*.deb
#                              for amd64, i386 and arm64 (cross builds:
#                              dpkg-buildpackage -a i386, -a arm64)
#
# The recipes are built for amd64 (this machine) and i386 (which runs here
# without emulation), each from the folder holding all three, so each must
# pick its own architecture's packages.
#
# CONTAINERS_WAIT=SECONDS: wait that long for DEBS to fill (tests/run-all.sh
# starts this test while tests/package.sh and tests/arch.sh build the
# packages into it); a file DEBS/builds-finished ends the wait at once.
#
# Needs root and Debian's mirror (the base images are made here with
# mmdebstrap and dpkg-deb: no registry is reachable). Nothing is left on the
# machine: podman's configuration, storage and state live in a work folder
# (a tmpfs, 4 GB at most) removed on exit; podman runs in new mount, network and PID namespaces,
# where /var and /run are overlays on that folder (for the caches podman
# keeps there whatever its configuration says), and the containers' cgroups
# are under a parent of this test's own, removed on exit.
set -uo pipefail
src=$(cd "$(dirname "$0")/.." && pwd)
top_srcdir=$src
# shellcheck source=tests/lib.sh
. "$src/tests/lib.sh" # check, assert, finish, at_exit, wait_for, start_dnsmasq, getent_hosts
# shellcheck source=tests/roots.sh
. "$src/tests/roots.sh" # spawn, reap, kill_spawned

mode=${1:-}
[ "$mode" = in-namespaces ] || mode=outside

# --- outside: the base images' roots, the packages, then the namespaces -----

if [ "$mode" = outside ]; then
    [ $# = 1 ] || { echo "usage: $0 DEBS" >&2; exit 2; }
    debs=$(cd "$1" && pwd) || exit 2
    need_root
    need_cmd podman runc conmon mmdebstrap dpkg-deb gcc i686-linux-gnu-gcc dnsmasq unshare
    [ "$(dpkg --print-architecture)" = amd64 ] || skip_or_fail "$0 needs an amd64 machine"
    work=$(mktemp -d /tmp/nss-podip-containers.XXXXXX)
    # In memory, 4 GB at most (two roots, then their images), which this
    # machine's disk took over a minute to delete when busy.
    mount -t tmpfs -o size=4g,mode=700 tmpfs "$work" || { echo "FAIL: cannot mount a tmpfs"; exit 1; }
    cgroup=nss-podip-containers-$$ # the containers' cgroup parent
    cleanup() {
        kill_spawned
        # A container killed with its PID namespace leaves its cgroup: it
        # goes once its processes are gone.
        # shellcheck disable=SC2016
        wait_for 10 sh -c 'find /sys/fs/cgroup/*/"$1" -depth -type d -exec rmdir {} + 2>/dev/null
            ! ls -d /sys/fs/cgroup/*/"$1" >/dev/null 2>&1' _ "$cgroup" ||
            echo "FAIL: cgroups left: $(ls -d /sys/fs/cgroup/*/"$cgroup")"
        umount -l "$work"
        rm -rf --one-file-system "$work"
    }
    at_exit cleanup
    trap 'exit 130' INT TERM HUP

    echo "--- the base images' roots (mmdebstrap), meanwhile the packages"
    # debian:12-slim's variant, with what the checks run (curl, ping,
    # busybox's httpd), and the .debs kept for the distroless base.
    declare -A roots=()
    for a in amd64 i386; do
        spawn "mmdebstrap $a" unshare --mount --pid --fork --kill-child -- \
            mmdebstrap --variant=minbase --architectures=$a --include=curl,iputils-ping,busybox,netbase,tzdata \
            --skip=essential/unlink --skip=cleanup/apt/cache bookworm "$work/debian-$a" \
            >"$work/mmdebstrap-$a.log" 2>&1
        roots[$a]=$pid
    done
    # The portable files, as a user makes them (its build root is cached).
    spawn portable bash "$src/contrib/portable.sh" "$work/portable" >"$work/portable.log" 2>&1
    portable=$pid
    # A glibc program that calls getaddrinfo, for the distroless images.
    if ! gcc -O2 -o "$work/lookup-amd64" "$src/tests/clients/lookup.c" ||
        ! i686-linux-gnu-gcc -O2 -o "$work/lookup-i386" "$src/tests/clients/lookup.c"; then
        echo "FAIL: cannot build tests/clients/lookup.c"; exit 1
    fi

    t0=$SECONDS
    await_debs "$debs" "${CONTAINERS_WAIT:-0}" amd64 i386 arm64 || exit 1
    waited=$((SECONDS - t0))
    echo "--- the packages are there ($SECONDS s, $waited s of them waiting)"

    for a in amd64 i386; do
        reap "${roots[$a]}" || { cat "$work/mmdebstrap-$a.log"; echo "FAIL: mmdebstrap $a"; exit 1; }
        # The distroless base: what gcr.io/distroless/base-debian12 holds,
        # from the same .debs, unpacked: no shell, no dpkg, no getent.
        dir=$work/distroless-$a
        mkdir "$dir" "$work/base-debs-$a"
        mv "$work/debian-$a"/var/cache/apt/archives/*.deb "$work/base-debs-$a/"
        for p in base-files netbase tzdata libc6 libgcc-s1 gcc-12-base; do
            dpkg-deb -x "$work/base-debs-$a/${p}_"*.deb "$dir" || { echo "FAIL: dpkg-deb -x $p ($a)"; exit 1; }
        done
        printf '%s\n' "passwd: files" "group: files" "hosts: files dns" >"$dir/etc/nsswitch.conf"
        printf '%s\n' "root:x:0:0:root:/root:/sbin/nologin" \
            "nonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin" >"$dir/etc/passwd"
    done
    reap "$portable" || { cat "$work/portable.log"; echo "FAIL: contrib/portable.sh"; exit 1; }
    echo "--- roots and the portable files ready ($SECONDS s)"

    # (TMPDIR: the scratch folder of tests/lib.sh goes with the work folder)
    spawn checks env TMPDIR="$work" unshare --mount --propagation private --net --pid --fork --mount-proc --kill-child -- \
        bash "$0" in-namespaces "$work" "$debs" "$cgroup"
    rc=0 && reap "$pid" || rc=$?
    echo "--- done in $SECONDS s, $waited s of them waiting for the packages"
    exit "$rc"
fi

# --- inside the namespaces: podman, the images, the checks ----------------

work=$2 debs=$3 cgroup=$4
set +e
t0=$SECONDS
step() { echo "--- $* ($((SECONDS - t0)) s)"; }

# Whatever podman and its libraries write under /var and /run (the
# blob-info cache, runc's state) goes to the work folder, in this mount
# namespace only.
for d in var run; do
    mkdir -p "$work/overlay/$d" "$work/overlay/$d.work"
    mount -t overlay overlay -o "lowerdir=/$d,upperdir=$work/overlay/$d,workdir=$work/overlay/$d.work" "/$d" ||
        { echo "FAIL: cannot mount an overlay on /$d"; exit 1; }
done
ip link set lo up

# nss-podip.conf files for the containers, root's and mode 644 (SPEC 6).
conf=$work/conf
mkdir -m 755 "$conf"

# podman's own configuration: runc (crun refuses this machine's mixed cgroup
# hierarchy), rlimits it may set (none can be raised here), and every path in
# the work folder. CONTAINERS_CONF replaces the system's files.
pm=$work/podman
mkdir -p "$pm/storage" "$pm/run" "$pm/tmp" "$pm/libpod" "$pm/networks"
hard_nofile=$(ulimit -Hn)
cat >"$pm/containers.conf" <<EOF
[containers]
default_ulimits = ["nofile=$hard_nofile:$hard_nofile", "nproc=32768:32768"]
cgroups = "no-conmon"
netns = "none"
[engine]
runtime = "runc"
cgroup_manager = "cgroupfs"
events_logger = "none"
tmp_dir = "$pm/libpod"
[network]
network_backend = "cni"
network_config_dir = "$pm/networks"
EOF
cat >"$pm/storage.conf" <<EOF
[storage]
driver = "overlay"
graphroot = "$pm/storage"
runroot = "$pm/run"
EOF
export CONTAINERS_CONF=$pm/containers.conf CONTAINERS_STORAGE_CONF=$pm/storage.conf TMPDIR=$pm/tmp

# The pod's DNS server: it answers pod names with documentation addresses
# (CoreDNS would give the pod's) and 1-1-1-1 with 1.1.1.1 as `pods insecure`
# does, so an answer says where it came from; it logs every query.
dnslog=$work/dns.log
start_dnsmasq "$dnslog" \
    --host-record=10-42-2-46.default.pod.cluster.local,192.0.2.46 \
    --host-record=fd00-10-244--5.default.pod.cluster.local,2001:db8::5 \
    --host-record=127-0-0-1.default.pod.cluster.local,192.0.2.1 \
    --host-record=1-1-1-1.default.pod.cluster.local,1.1.1.1 \
    --host-record=10-42-2-46.default.pod.k8s.example.com,192.0.2.46 \
    --host-record=my-svc.default.svc.cluster.local,192.0.2.10 \
    --local=/cluster.local/ --local=/k8s.example.com/ --local=/pod/

# podman with what every run and build here gets: the test's cgroup parent.
pm() {
    case $1 in
    run) podman run --rm --pull=never --cgroup-parent="/$cgroup" "${@:2}" ;;
    build) podman build --pull=never --cgroup-parent="/$cgroup" "${@:2}" ;;
    *) podman "$@" ;;
    esac
}
# pod IMAGE [CMD...]: run a container as a kubelet does, in the pod's
# network namespace (this one: its lo, the DNS server) with the resolv.conf
# options of a pod in namespace default of cluster $domain.
domain=cluster.local
kubelet_dns() {
    echo --dns=127.0.0.1 --dns-search=default.svc."$domain" --dns-search=svc."$domain" \
        --dns-search="$domain" --dns-option=ndots:5
}
pod() {
    # shellcheck disable=SC2046
    pm run --network=ns:/proc/$$/ns/net $(kubelet_dns) "$@"
}
# expect DESC WANT_EXIT WANT_STDOUT QUERIES CMD...: check CMD's exit status
# and output, then (if they were right) the DNS queries it made: QUERIES 0
# for none, + for some.
expect() {
    local desc=$1 rc=$2 want=$3 q=$4 from n
    shift 4
    from=$(wc -l <"$dnslog")
    check "$desc" "$rc" "$want" "$@"
    rc=$?
    n=$(tail -n +"$((from + 1))" "$dnslog" | grep -c ': query\[')
    [ "$rc" = 0 ] || { echo "  DNS queries: $n"; return 1; }
    if [ "$q" = 0 ]; then
        assert "$desc: no DNS query (got $n)" test "$n" = 0
    else
        assert "$desc: DNS queries: $n" test "$n" -gt 0
    fi
}
# in_image IMAGE CODE: the shell CODE run here in the folder of IMAGE's
# files, for images that have no shell or no such program.
in_image() {
    local root rc
    root=$(pm image mount "$1") || return 1
    (cd "$root" && eval "$2")
    rc=$?
    pm image unmount "$1" >/dev/null
    return "$rc"
}
# status IMAGE: nss-podip status in a pod; its hosts line, if it exits 0.
status() {
    local out
    out=$(pod "$1" /usr/sbin/nss-podip status) && grep '^/etc/nsswitch.conf:' <<<"$out"
}

# oci_arch ARCH: the image architecture of Debian's ARCH (BuildKit's TARGETARCH).
oci_arch() { case $1 in i386) echo 386 ;; *) echo "$1" ;; esac; }
# elf_machine FILE...: each FILE's ELF e_machine, as hex bytes.
elf_machine() { for f; do od -An -tx1 -j18 -N2 "$f" | tr -d ' \n'; echo; done; }
declare -A machine=([amd64]=3e00 [i386]=0300)

step "the recipes the README and docs/clients.md quote are contrib/'s"
readme_recipe() { sed -n '/^\*\*A container image\*\*/,/^\*\*Images you do not build/s/^    //p' "$src/README.md"; }
# shellcheck disable=SC2016 # (the backquotes of a markdown code block)
clients_recipe() {
    sed -n '/^## Images without dpkg/,/^## /p' "$src/docs/clients.md" | sed -n '/^```dockerfile$/,/^```$/p' |
        sed '1d;$d'
}
check "README.md quotes contrib/Dockerfile (its lines but comments)" 0 "$(grep -v '^#' "$src/contrib/Dockerfile")" \
    readme_recipe
check "docs/clients.md quotes contrib/distroless.Dockerfile" 0 "$(cat "$src/contrib/distroless.Dockerfile")" \
    clients_recipe

step "base images: podman import, one manifest list a name as in a registry"
base=docker.io/library/debian:12-slim base_distroless=gcr.io/distroless/base-debian12
for name in "$base" "$base_distroless"; do pm manifest create "$name"; done >"$tmp/import.log" 2>&1
for a in amd64 i386; do
    for root in debian distroless; do
        tar -C "$work/$root-$a" -cf - . | pm import --arch "$(oci_arch $a)" - "localhost/base/$root-$a"
    done
    pm manifest add "$base" "containers-storage:localhost/base/debian-$a" &&
        pm manifest add "$base_distroless" "containers-storage:localhost/base/distroless-$a"
done >>"$tmp/import.log" 2>&1
assert "podman import: $base (mmdebstrap minbase) and $base_distroless (dpkg-deb -x), amd64 and i386" \
    test "$(grep -c '^sha256:' "$tmp/import.log")" = 4 || cat "$tmp/import.log"
check "the distroless base has no shell, no dpkg, no getent" 0 "" \
    in_image localhost/base/distroless-amd64 'ls bin/sh usr/bin/sh usr/bin/dpkg usr/bin/getent 2>/dev/null; true'
rm -rf "$work"/debian-* "$work"/distroless-* "$work"/base-debs-* # (imported: the tmpfs holds them once)

step "the recipes, built from the folder of packages as a user builds them, for amd64 and i386"
ctx=$work/context
mkdir "$ctx" && cp "$debs"/libnss-podip_*.deb "$debs"/nss-podip_*.deb "$ctx/" &&
    cp "$src/contrib/Dockerfile" "$src/contrib/distroless.Dockerfile" "$ctx/"
echo "    the folder: $(cd "$ctx" && echo *)"
# build NAME DIR DOCKERFILE [OPTION...]: podman build -t NAME in DIR, as a
# user runs it; its output in $tmp/NAME.log (the last part of NAME).
build() {
    local name=$1 dir=$2 file=$3
    shift 3
    (cd "$dir" && pm build -t "$name" -f "$file" "$@" . >"$tmp/${name##*/}.log" 2>&1)
}
for a in amd64 i386; do
    for recipe in Dockerfile distroless.Dockerfile; do
        name=podip-${recipe%Dockerfile}$a && name=${name/./-}
        build "localhost/$name" "$ctx" "$recipe" --arch "$(oci_arch $a)"
        assert "$a: podman build -f contrib/$recipe (its RUN nss-podip status passes)" test $? = 0 ||
            tail -30 "$tmp/$name.log"
    done
    # shellcheck disable=SC2016 # (dpkg-query's ${Architecture})
    check "$a: the Debian image holds the packages of $a" 0 "$a"$'\n'"$a" \
        pm run "localhost/podip-$a" dpkg-query -W -f='${Architecture}\n' libnss-podip nss-podip
    check "$a: the distroless image holds the module and the command of $a (ELF machine ${machine[$a]})" 0 \
        "${machine[$a]}"$'\n'"${machine[$a]}" \
        in_image "localhost/podip-distroless-$a" 'elf_machine usr/lib/*/libnss_podip.so.2 usr/sbin/nss-podip'
done
debian=localhost/podip-amd64 distroless=localhost/podip-distroless-amd64

# The recipes' last line, RUN nss-podip status, must be able to stop a build.
mkdir "$work/wrong-line" && printf 'hosts: files dns\n' >"$work/wrong-line/nsswitch.conf"
for image in "$debian" "$distroless"; do
    printf '%s\n' "FROM $image" "COPY nsswitch.conf /etc/nsswitch.conf" 'RUN ["/usr/sbin/nss-podip", "status"]' \
        >"$work/wrong-line/Dockerfile"
    build localhost/wrong-line "$work/wrong-line" Dockerfile
    rc=$?
    assert "$image with 'hosts: files dns': RUN nss-podip status fails the build (exit $rc)" \
        sh -c "[ $rc != 0 ] && grep -q '^warning: podip is not on the hosts line' $tmp/wrong-line.log"
done

step "the hosts line, and nss-podip status in a pod"
line="hosts: files podip [NOTFOUND=return] dns"
for image in localhost/podip{,-distroless}-{amd64,i386}; do
    check "$image: $line" 0 "$line" in_image "$image" hosts_line
    check "$image: nss-podip status exits 0 and shows the line" 0 "/etc/nsswitch.conf: $line" status "$image"
done

step "getent in a pod: IPv4, IPv6, relative and NXDOMAIN pod names"
v4=10-42-2-46.default.pod.cluster.local v6=fd00-10-244--5.default.pod.cluster.local
rel=10-42-2-46.default.pod nx=010-0-0-1.default.pod.cluster.local
expect "i386: getent hosts $v4 (a 32-bit getent, the i386 module)" 0 "$(getent_hosts 10.42.2.46 $v4)" 0 \
    pod localhost/podip-i386 getent hosts $v4
for db in hosts ahosts; do
    format=getent_$db # the exact output of getent $db (tests/lib.sh)
    expect "getent $db $v4" 0 "$($format 10.42.2.46 $v4)" 0 pod "$debian" getent $db $v4
    expect "getent $db $v6" 0 "$($format fd00:10:244::5 $v6)" 0 pod "$debian" getent $db $v6
    expect "getent $db $rel (relative)" 0 "$($format 10.42.2.46 $rel)" 0 pod "$debian" getent $db $rel
    expect "getent $db $nx: not found" 2 "" 0 pod "$debian" getent $db $nx
done

step "curl and ping by pod name, to a web server in the container"
pod_name=127-0-0-1.default.pod.cluster.local
expect "curl http://$pod_name:8080/" 0 "hello from a pod" 0 \
    pod "$debian" sh -c "mkdir /srv/www && echo 'hello from a pod' >/srv/www/index.html &&
        busybox httpd -p 127.0.0.1:8080 -h /srv/www && curl -sS --max-time 5 http://$pod_name:8080/"
expect "ping -c 1 $pod_name" 0 "1 packets transmitted, 1 received, 0% packet loss" 0 \
    pod "$debian" sh -c "ping -c 1 -W 5 $pod_name | grep -o '^1 packets.*loss'"

step "a cluster with a custom domain: the zone detected from the injected resolv.conf"
domain=k8s.example.com
expect "getent hosts 10-42-2-46.default.pod.$domain" 0 "$(getent_hosts 10.42.2.46 10-42-2-46.default.pod.$domain)" 0 \
    pod "$debian" getent hosts 10-42-2-46.default.pod.$domain
expect "getent hosts $rel in that cluster (relative)" 0 "$(getent_hosts 10.42.2.46 $rel)" 0 \
    pod "$debian" getent hosts $rel
zones() { pod "$debian" nss-podip status | grep '^zones:'; }
check "nss-podip status in that cluster: the zone detected" 0 \
    "zones: cluster.local (default) $domain (detected in /etc/resolv.conf)" \
    zones
domain=cluster.local

step "--network none: the pod names still resolve"
# The kubelet writes the pod's resolv.conf; podman refuses --dns without a network.
printf '%s\n' "search default.svc.cluster.local svc.cluster.local cluster.local" \
    "nameserver 10.96.0.10" "options ndots:5" >"$work/resolv.conf"
none() { pm run --network=none -v "$work/resolv.conf:/etc/resolv.conf:ro" "$@"; }
check "--network none: only lo" 0 "lo" none "$debian" sh -c "sed -n 's/^ *\([a-z0-9]*\):.*/\1/p' /proc/net/dev"
check "--network none: getent hosts $v4" 0 "$(getent_hosts 10.42.2.46 $v4)" none "$debian" getent hosts $v4
check "--network none: getent ahosts $v6" 0 "$(getent_ahosts fd00:10:244::5 $v6)" none "$debian" getent ahosts $v6
check "--network none: getent hosts $rel" 0 "$(getent_hosts 10.42.2.46 $rel)" none "$debian" getent hosts $rel

step "DNS: some queries for a service name (none for pod names, above and below)"
expect "getent hosts my-svc.default.svc.cluster.local: from DNS" 0 \
    "$(getent_hosts 192.0.2.10 my-svc.default.svc.cluster.local)" + pod "$debian" getent hosts my-svc.default.svc.cluster.local

step "a configuration mounted as the container starts, written just before (a ConfigMap): what allow refuses, refused with no DNS query"
# fresh NAME: write nss-podip.conf as the kubelet writes a ConfigMap volume,
# right before the container starts; root's, mode 644, never dated back.
fresh() {
    rm -f "$conf/fresh.conf" && printf 'allow 10.42.0.0/16\n' >"$conf/fresh.conf" && chmod 644 "$conf/fresh.conf" &&
        pod -v "$conf/fresh.conf:/etc/nss-podip.conf:ro" "$debian" getent hosts "$1"
}
expect "fresh allow 10.42.0.0/16: getent hosts $v4" 0 "$(getent_hosts 10.42.2.46 $v4)" 0 fresh $v4
expect "fresh allow 10.42.0.0/16: getent hosts 1-1-1-1.default.pod.cluster.local refused" 2 "" 0 \
    fresh 1-1-1-1.default.pod.cluster.local

step "a Dockerfile RUN line that writes the configuration, then resolves"
mkdir "$work/run-line" && cat >"$work/run-line/Dockerfile" <<EOT
FROM $debian
RUN printf 'allow 10.42.0.0/16\n' >/etc/nss-podip.conf && getent hosts $v4 && \\
    ! getent hosts 1-1-1-1.default.pod.cluster.local
EOT
# shellcheck disable=SC2046
expect "podman build: RUN printf 'allow 10.42.0.0/16' >/etc/nss-podip.conf && getent hosts ..." 0 "" 0 \
    build localhost/run-line "$work/run-line" Dockerfile --network=ns:/proc/$$/ns/net $(kubelet_dns) ||
    sed -n '/^STEP 2/,$p' "$tmp/run-line.log"
check "the RUN line's getent answered $v4 from the new file" 0 "$(getent_hosts 10.42.2.46 $v4)" \
    grep -F "$(getent_hosts 10.42.2.46 $v4)" "$tmp/run-line.log"

step "the distroless images with a program copied in (getaddrinfo)"
mkdir "$work/app" && cp "$work"/lookup-* "$work/app/"
app_image() { # NAME BASE ARCH: BASE with /app, built for ARCH
    printf '%s\n' "FROM $2" "COPY lookup-$3 /app" 'ENTRYPOINT ["/app"]' >"$work/app/${1##*/}.Dockerfile" &&
        build "$1" "$work/app" "${1##*/}.Dockerfile" --arch "$(oci_arch "$3")"
}
for a in amd64 i386; do
    app_image "localhost/app-$a" "localhost/podip-distroless-$a" $a
    assert "$a: podman build: the distroless image and /app" test $? = 0 || tail "$tmp/app-$a.log"
    expect "$a: distroless /app: pod names" 0 "$v4 10.42.2.46
$v6 fd00:10:244::5
$rel 10.42.2.46
$nx !Name or service not known" 0 pod "localhost/app-$a" $v4 $v6 $rel $nx
done
expect "distroless /app: my-svc.default.svc.cluster.local from DNS" 0 \
    "my-svc.default.svc.cluster.local 192.0.2.10" + pod localhost/app-amd64 my-svc.default.svc.cluster.local

step "contrib/portable.Dockerfile: a glibc image without dpkg, from the injector image (SPEC 8)"
version=$(sed -n 's/^AC_INIT(\[nss-podip\], \[\([^]]*\)\].*/\1/p' "$src/configure.ac")
check "contrib/portable.Dockerfile names this version's injector image" 0 "ARG INJECTOR=nss-podip-injector:$version" \
    grep '^ARG INJECTOR=' "$src/contrib/portable.Dockerfile"
# shellcheck disable=SC2016 # (the backquotes of a markdown code block)
kubernetes_recipe() {
    sed -n '/^## 4\. Images you rebuild without dpkg/,$p' "$src/docs/kubernetes.md" |
        sed -n '/^```dockerfile$/,/^```$/p' | sed '1d;$d'
}
check "docs/kubernetes.md quotes contrib/portable.Dockerfile (its lines but comments)" 0 \
    "$(grep -v '^#' "$src/contrib/portable.Dockerfile")" kubernetes_recipe
build "localhost/nss-podip-injector:$version" "$work/portable" Containerfile
assert "podman build contrib/portable.sh's folder: the injector image" test $? = 0 ||
    tail "$tmp/nss-podip-injector:$version.log"
mkdir "$work/recipe" && cp "$src/contrib/portable.Dockerfile" "$work/recipe/"
# The distroless base stands in for an image without dpkg; its glibc is
# Debian's, which finds libraries in /usr/lib, not the Red Hat family's
# /usr/lib64 (the recipe's default).
build localhost/portable-recipe "$work/recipe" portable.Dockerfile \
    --build-arg BASE="$base_distroless" --build-arg LIBDIR=/usr/lib
assert "podman build -f contrib/portable.Dockerfile, LIBDIR=/usr/lib: its RUN nss-podip setup passes" test $? = 0 ||
    tail -20 "$tmp/portable-recipe.log"
check "... and says what it wrote and what glibc answered" 0 \
    "nss-podip setup: /etc/nsswitch.conf: hosts: files podip [NOTFOUND=return] dns; glibc 2.36 loads libnss_podip.so.2, and through it answers 10-0-0-1.default.pod.cluster.local with 10.0.0.1" \
    grep '^nss-podip setup:' "$tmp/portable-recipe.log"
app_image localhost/portable-app localhost/portable-recipe amd64
assert "amd64: podman build: the recipe's image and /app" test $? = 0 || tail "$tmp/portable-app.log"
expect "the recipe's image, /app: pod names" 0 "$v4 10.42.2.46
$v6 fd00:10:244::5
$rel 10.42.2.46
$nx !Name or service not known" 0 pod localhost/portable-app $v4 $v6 $rel $nx
# (--no-cache: podman would take the first build's layers for this one's)
build localhost/portable-lib64 "$work/recipe" portable.Dockerfile --build-arg BASE="$base_distroless" --no-cache
rc=$?
# shellcheck disable=SC2016
check "the module in /usr/lib64, where Debian's glibc does not look: the build fails (exit $rc) and says why" 0 \
    'nss-podip setup: glibc 2.36 cannot load libnss_podip.so.2: libnss_podip.so.2: cannot open shared object file: No such file or directory' \
    sh -c '[ "$1" != 0 ] && grep "^nss-podip setup:" "$2"' _ "$rc" "$tmp/portable-lib64.log"

step "control: the base images without podip send the pod names to DNS"
expect "debian:12-slim: getent hosts $v4 answered by DNS" 0 "$(getent_hosts 192.0.2.46 $v4)" + \
    pod localhost/base/debian-amd64 getent hosts $v4
app_image localhost/control localhost/base/distroless-amd64 amd64
expect "distroless base, /app: $v4 answered by DNS" 0 "$v4 192.0.2.46" + pod localhost/control $v4

echo "--- $((SECONDS - t0)) s in the namespaces"
finish
