#!/bin/bash
# Real pods (SPEC 8): manifests injected by `nss-podip inject` and
# otherwise unmodified, played by trixie's podman 5.4 `kube play` (Debian
# 12's podman 4.3.1 cannot play subPath mounts), against images made here:
# bookworm (ping holding cap_net_raw, curl, python3), trixie (Ubuntu's hosts
# line, resolve first), bullseye (glibc 2.31), a distroless-like image (no
# shell, no dpkg, no nsswitch.conf) with a getaddrinfo program copied in, and
# a musl image (no glibc, as Alpine) and an arm64 image (a glibc of another
# architecture than this amd64 machine), whose pods must not start. Each glibc pod
# runs as a kubelet runs it (dnsPolicy None, the kubelet's search list,
# ndots:5) with a DNS sidecar on the pod's 127.0.0.1:53 that logs every
# query, and a ConfigMap's nss-podip.conf whose allow lines refuse
# 1-1-1-1.default.pod.cluster.local. Also: a Deployment with two images, a
# CronJob and a List (which kube play cannot play: their pod templates must
# get exactly what the equivalent Pod gets, and that Pod is played),
# readOnlyRootFilesystem with runAsNonRoot, injecting twice, input that is
# not a manifest, the injector image's size, and the time injection adds to
# a pod's start.
#
#   tests/pods.sh PORTABLE_DIR   what `contrib/portable.sh PORTABLE_DIR` wrote:
#                                Containerfile, podip/{nss-podip-init,nss-podip,libnss_podip.so.2}
#
# Needs root, Debian's mirror (every root and image is made here with
# mmdebstrap: no registry is reachable) and python3-yaml. Nothing is left on
# the machine: everything lives in a tmpfs work folder removed on exit;
# podman runs in new mount, network and PID namespaces, pivoted into its
# trixie root, so that `podman exec` enters the containers' own root; the
# containers' cgroups are under a parent of this test's own in every
# hierarchy (bound over the root's /sys/fs/cgroup, so podman's libpod_parent
# is in it), removed on exit.
set -uo pipefail
src=$(cd "$(dirname "$0")/.." && pwd)
top_srcdir=$src
# shellcheck source=tests/lib.sh
. "$src/tests/lib.sh" # check, assert, finish, at_exit, wait_for, getent_hosts, getent_ahosts
# shellcheck source=tests/roots.sh
. "$src/tests/roots.sh" # spawn, reap, kill_spawned

# cgroup_mounts: the cgroup hierarchies, one mount point a line (cgroup v1:
# one a controller; v2: /sys/fs/cgroup itself).
cgroup_mounts() { findmnt -rn -t cgroup,cgroup2 -o TARGET | grep '^/sys/fs/cgroup'; }

# --- the namespaces' first process: podman's root, then it waits ------------

if [ "${1:-}" = holder ]; then
    root=$2 cgroup=$3
    set -e
    # containers/storage remounts / private, which needs / to be a mount point.
    mount --bind "$root" "$root"
    mount -t proc proc "$root/proc"
    mount -t sysfs sysfs "$root/sys"
    [ "$(cgroup_mounts | head -n 1)" = /sys/fs/cgroup ] || mount -t tmpfs -o mode=755 tmpfs "$root/sys/fs/cgroup"
    for m in $(cgroup_mounts); do
        mkdir -p "$root$m"
        mount --bind "$m/$cgroup" "$root$m"
    done
    mount --rbind /dev "$root/dev"
    mount -t tmpfs tmpfs "$root/dev/shm" # podman's lock file: not the host's
    mount -t tmpfs tmpfs "$root/run"
    read -r pid _ </proc/self/stat # this shell's PID outside: the host's /proc is still here
    # The mount namespace's root becomes podman's root: `podman exec` (runc)
    # enters a container's mount namespace at that namespace's root, which a
    # chroot would leave the host's.
    cd "$root"
    mkdir .host
    pivot_root . .host
    umount -l /.host
    rmdir /.host
    echo "$pid" >/holder.pid
    exec sleep infinity
fi

# --- outside: the roots and the images --------------------------------------

[ $# = 1 ] || { echo "usage: $0 PORTABLE_DIR" >&2; exit 2; }
portable=$(cd "$1" && pwd) || exit 2
need_root
need_cmd mmdebstrap unshare nsenter findmnt setcap gcc python3
python3 -c 'import yaml' 2>/dev/null || skip_or_fail "$0 needs python3-yaml"
for f in Containerfile podip/nss-podip-init podip/nss-podip podip/libnss_podip.so.2; do
    [ -f "$portable/$f" ] || { echo "FAIL: $portable/$f is missing"; exit 1; }
done

work=$(mktemp -d /tmp/nss-podip-pods.XXXXXX)
# In memory, 4 GB at most: the roots, then podman's storage of the images.
mount -t tmpfs -o size=4g,mode=700 tmpfs "$work" || { echo "FAIL: cannot mount a tmpfs"; exit 1; }
root=$work/podman # podman's trixie root
cgroup=nss-podip-pods-$$
cleanup() {
    local dirs
    kill_spawned # the namespaces' first process, and every process in them with it
    mapfile -t dirs < <(cgroup_mounts | sed "s|\$|/$cgroup|")
    # shellcheck disable=SC2016
    wait_for 10 sh -c 'for d; do find "$d" -depth -type d -exec rmdir {} + 2>/dev/null; done
        for d; do [ ! -e "$d" ] || exit 1; done' _ "${dirs[@]}" ||
        echo "FAIL: cgroups left: $(ls -d /sys/fs/cgroup/*/"$cgroup" /sys/fs/cgroup/"$cgroup" 2>/dev/null)"
    umount -l "$work"
    rm -rf --one-file-system "$work"
}
at_exit cleanup
trap 'exit 130' INT TERM HUP
t0=$SECONDS
step() { echo "--- $* ($((SECONDS - t0)) s)"; }

# The containers' cgroup parent, in every hierarchy (a cgroup v1 cpuset
# starts empty: it gets its parent's CPUs and memory nodes).
for m in $(cgroup_mounts); do
    mkdir "$m/$cgroup" || { echo "FAIL: cannot make the cgroup $m/$cgroup"; exit 1; }
    if [ -f "$m/cpuset.cpus" ]; then
        cat "$m/cpuset.cpus" >"$m/$cgroup/cpuset.cpus" && cat "$m/cpuset.mems" >"$m/$cgroup/cpuset.mems"
    fi
done

step "the roots (mmdebstrap), all at once"
mirror() { echo "deb http://deb.debian.org/debian $1 main"; } # (security.debian.org: 404 for some)
declare -A roots=()
# make_root NAME SUITE VARIANT PACKAGES [ARCH]: mmdebstrap in the background into $work/NAME
make_root() {
    spawn "mmdebstrap $1" unshare --mount --pid --fork --kill-child -- \
        mmdebstrap --variant="$3" --include="$4" --architectures="${5:-amd64}" "$2" "$work/$1" "$(mirror "$2")" \
        >"$work/$1.log" 2>&1
    roots[$1]=$pid
}
make_root podman trixie apt podman,runc,conmon,catatonit,netavark,aardvark-dns,passt,uidmap,fuse-overlayfs,ca-certificates,nftables
make_root bookworm bookworm minbase iputils-ping,libcap2-bin,curl,python3,dnsmasq-base
make_root trixie trixie minbase iputils-ping,libcap2-bin,python3-minimal
make_root bullseye bullseye minbase iputils-ping,libcap2-bin,python3-minimal
# distroless: what gcr.io/distroless/base-debian12 holds, unpacked (no
# shell, no dpkg); musl: Debian's musl and busybox-static, as Alpine is.
make_root distroless bookworm extract base-files,netbase,tzdata,libc6,libgcc-s1
make_root musl bookworm extract musl,busybox-static
make_root arm64 bookworm extract base-files,libc6 arm64 # unpacked: nothing of it runs here
gcc -O2 -o "$work/lookup" "$src/tests/clients/lookup.c" || { echo "FAIL: cannot build tests/clients/lookup.c"; exit 1; }

# --- meanwhile: inject, on this machine --------------------------------------

injector=localhost/nss-podip-injector:test
image() { echo "localhost/podip-test/$1:1"; }
bookworm=$(image bookworm) trixie=$(image trixie) bullseye=$(image bullseye) distroless=$(image distroless)
v4=10-42-2-46.default.pod.cluster.local v6=fd00-10-244--5.default.pod.cluster.local
rel=10-42-2-47.default.pod refused=1-1-1-1.default.pod.cluster.local
loopback=127-0-0-1.default.pod.cluster.local svc=my-svc.default.svc.cluster.local
inject() { "$portable/podip/nss-podip" inject --image "$injector" "$@"; }
m=$work/manifests # the manifests, each NAME.yaml injected into NAME.injected.yaml
mkdir "$m"

# As the kubelet runs a pod of namespace default with a DNS server on
# 127.0.0.1:53: a sidecar that answers pod names with other addresses (so an
# answer says where it came from) and logs every query.
pod_dns() {
    cat <<EOF
  dnsPolicy: None
  dnsConfig:
    nameservers: [127.0.0.1]
    searches: [default.svc.cluster.local, svc.cluster.local, cluster.local]
    options: [{name: ndots, value: "5"}]
EOF
}
dns_sidecar() {
    cat <<EOF
  - name: dns
    image: $bookworm
    command: [dnsmasq, --keep-in-foreground, --conf-file=/dev/null, --no-resolv, --no-hosts, --user=root,
      --listen-address=127.0.0.1, --bind-interfaces, --log-queries, --log-facility=-,
      --local=/cluster.local/, --local=/pod/, "--host-record=$v4,192.0.2.46",
      "--host-record=$v6,2001:db8::5", "--host-record=$rel.cluster.local,192.0.2.47",
      "--host-record=$loopback,192.0.2.1", "--host-record=$refused,1.1.1.1", "--host-record=$svc,192.0.2.10"]
EOF
}
waiter='[sh, -c, "trap \"exit 0\" TERM; sleep infinity & wait"]' # ends at once on kube down
# glibc_pod NAME IMAGE COMMAND: the app as a non-root user that may use
# ping's cap_net_raw, and the DNS sidecar.
glibc_pod() {
    cat <<EOF
apiVersion: v1
kind: Pod
metadata:
  name: $1
spec:
$(pod_dns)
  containers:
  - name: app
    image: $2
    command: $3
    securityContext:
      runAsUser: 1000
      capabilities:
        add: [NET_RAW]
$(dns_sidecar)
EOF
}
glibc_pod bookworm "$bookworm" '[python3, -m, http.server, --bind, 127.0.0.1, --directory, /etc, "8080"]' \
    >"$m/bookworm.yaml"
glibc_pod trixie "$trixie" "$waiter" >"$m/trixie.yaml"
glibc_pod bullseye "$bullseye" "$waiter" >"$m/bullseye.yaml"
cat >"$m/distroless.yaml" <<EOF
apiVersion: v1
kind: Pod
metadata:
  name: distroless
spec:
  restartPolicy: Never
$(pod_dns)
  containers:
  - name: app
    image: $distroless
    command: [/app, $v4, $v6, $rel, $refused, $svc]
    securityContext:
      runAsUser: 65532
$(dns_sidecar)
EOF
for name in musl arm64; do
    printf '%s\n' "apiVersion: v1" "kind: Pod" "metadata: {name: $name}" \
        "spec: {containers: [{name: app, image: \"$(image $name)\", command: $waiter}]}" >"$m/$name.yaml"
done
cat >"$m/web.yaml" <<EOF
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 1
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: web
        image: $bookworm
        command: $waiter
      - name: worker
        image: $trixie
        command: $waiter
EOF
cat >"$m/readonly.yaml" <<EOF
apiVersion: v1
kind: Pod
metadata:
  name: readonly
spec:
  securityContext:
    runAsNonRoot: true
    runAsUser: 1000
  containers:
  - name: app
    image: $trixie
    command: $waiter
    securityContext:
      readOnlyRootFilesystem: true
EOF
# One pod spec (flow style: the same text at any depth) as a Pod, in a
# CronJob, and in a List with a Job and a ConfigMap.
job_spec="{restartPolicy: Never, containers: [{name: run, image: \"$bullseye\", command: [getent, ahosts, $v6]}]}"
printf '%s\n' "apiVersion: v1" "kind: Pod" "metadata: {name: job}" "spec: $job_spec" >"$m/job.yaml"
cat >"$m/cronjob.yaml" <<EOF
apiVersion: batch/v1
kind: CronJob
metadata:
  name: nightly
spec:
  schedule: "0 3 * * *"
  jobTemplate:
    spec:
      template:
        spec: $job_spec
EOF
cat >"$m/list.yaml" <<EOF
apiVersion: v1
kind: List
items:
- {apiVersion: v1, kind: Pod, metadata: {name: job}, spec: $job_spec}
- {apiVersion: batch/v1, kind: Job, metadata: {name: once}, spec: {template: {spec: $job_spec}}}
- {apiVersion: v1, kind: ConfigMap, metadata: {name: other}, data: {key: value}}
EOF
# The pods' nss-podip.conf: the cluster's ranges, so 1-1-1-1 is refused (SPEC 6).
cat >"$m/configmap.yaml" <<EOF
apiVersion: v1
kind: ConfigMap
metadata:
  name: nss-podip
data:
  nss-podip.conf: |
    allow 10.0.0.0/8
    allow 127.0.0.0/8
    allow fd00::/8
EOF
# The timed pod: one container, no sidecar, no ConfigMap.
printf '%s\n' "apiVersion: v1" "kind: Pod" "metadata: {name: start}" \
    "spec: {containers: [{name: app, image: \"$bookworm\", command: $waiter}]}" >"$m/start.yaml"

step "inject, on this machine"
for name in bookworm trixie bullseye distroless web readonly job cronjob list; do
    inject --config-map nss-podip "$m/$name.yaml" >"$m/$name.injected.yaml" ||
        fail "nss-podip inject --config-map nss-podip $name.yaml"
done
for name in musl arm64 start; do
    inject "$m/$name.yaml" >"$m/$name.injected.yaml" || fail "nss-podip inject $name.yaml"
done

# tree FILE PATH [CUT]: the node at PATH of FILE's YAML documents (the
# document's number, then keys and item numbers, dot-separated), with its
# node at CUT (a path under it) set to null, as one line of sorted JSON.
tree() {
    python3 -c 'import json, sys, yaml
def at(node, key): return node[int(key)] if isinstance(node, list) else node[key]
node = list(yaml.safe_load_all(open(sys.argv[1])))
for key in sys.argv[2].split("."): node = at(node, key)
if len(sys.argv) > 3:
    *keys, last = sys.argv[3].split(".")
    parent = node
    for key in keys: parent = at(parent, key)
    parent[int(last) if isinstance(parent, list) else last] = None
print(json.dumps(node, sort_keys=True))' "$@"
}
# init_containers FILE PATH: each init container's name and image, at PATH (a pod spec)
init_containers() {
    python3 -c 'import sys, yaml
node = list(yaml.safe_load_all(open(sys.argv[1])))
for key in sys.argv[2].split("."): node = node[int(key)] if isinstance(node, list) else node[key]
for c in node["initContainers"]: print(c["name"], c["image"])' "$@"
}
pod_spec=$(tree "$m/job.injected.yaml" 0.spec)
template=spec.jobTemplate.spec.template.spec
check "CronJob: its pod template gets exactly what the equivalent Pod's spec gets" 0 "$pod_spec" \
    tree "$m/cronjob.injected.yaml" "0.$template"
check "CronJob: everything outside its pod template unchanged" 0 "$(tree "$m/cronjob.yaml" 0 "$template")" \
    tree "$m/cronjob.injected.yaml" 0 "$template"
check "List: its Pod item is exactly the injected Pod" 0 "$(tree "$m/job.injected.yaml" 0)" \
    tree "$m/list.injected.yaml" 0.items.0
check "List: its Job item's pod template gets exactly what the Pod's spec gets" 0 "$pod_spec" \
    tree "$m/list.injected.yaml" 0.items.1.spec.template.spec
check "List: its ConfigMap item unchanged" 0 "$(tree "$m/list.yaml" 0.items.2)" tree "$m/list.injected.yaml" 0.items.2
check "Deployment: the injector, then one setup init container per image, in the order the images appear" 0 \
    "nss-podip $injector"$'\n'"nss-podip-setup-1 $bookworm"$'\n'"nss-podip-setup-2 $trixie" \
    init_containers "$m/web.injected.yaml" 0.spec.template.spec

# Every kind in one stream, injected once, then again.
for name in job web cronjob list readonly; do echo --- && cat "$m/$name.yaml"; done >"$m/all.yaml"
inject --config-map nss-podip "$m/all.yaml" >"$m/once.yaml"
inject --config-map nss-podip "$m/once.yaml" >"$m/twice.yaml"
check "injecting twice gives byte for byte what injecting once gives ($(grep -c '^kind:' "$m/once.yaml") documents)" \
    0 "" cmp "$m/once.yaml" "$m/twice.yaml"
check "injecting again without --config-map replaces the first injection" 0 "" \
    cmp <(inject "$m/all.yaml") <(inject "$m/once.yaml")

# refused INPUT: what inject makes of INPUT: its exit status, its output's
# size, its standard error's lines and how they start.
refused() {
    local rc=0
    printf '%s\n' "$1" | inject >"$tmp/out" 2>"$tmp/err" || rc=$?
    echo "exit $rc, $(wc -c <"$tmp/out") bytes out, $(wc -l <"$tmp/err") line on stderr: $(cut -c1-17 "$tmp/err")"
}
for input in "this is not a manifest" "kind: Pod
spec: [unclosed" "[1, 2, 3]" "{apiVersion: v1, kind: Pod, metadata: {name: x}, spec: {}}"; do
    check "not a manifest ($(head -n 1 <<<"$input")...): one error line, no output" 0 \
        "exit 1, 0 bytes out, 1 line on stderr: nss-podip inject:" refused "$input" &&
        sed 's/^/    /' "$tmp/err"
done

# --- podman in its namespaces -------------------------------------------------

reap "${roots[podman]}" || { tail -20 "$work/podman.log"; echo "FAIL: mmdebstrap podman"; exit 1; }
step "podman's trixie root is ready"
# runc (crun refuses this machine's mixed cgroup hierarchy); rlimits it may
# set (none can be raised here); events in a file (no journald).
cat >"$root/etc/containers/containers.conf" <<EOF
[containers]
default_ulimits = ["nofile=$(ulimit -Hn):$(ulimit -Hn)", "nproc=32768:32768"]
[engine]
runtime = "runc"
cgroup_manager = "cgroupfs"
events_logger = "file"
EOF
spawn holder unshare --mount --propagation private --net --pid --fork --kill-child -- \
    bash "$0" holder "$root" "$cgroup" >"$work/holder.log" 2>&1
wait_for 30 test -s "$root/holder.pid" || { cat "$work/holder.log"; echo "FAIL: podman's namespaces"; exit 1; }
holder=$(cat "$root/holder.pid")
# in_ns CMD...: CMD in podman's namespaces and root, with a clean environment.
in_ns() {
    nsenter -t "$holder" -m -n -p -- env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root \
        PODMAN_IGNORE_CGROUPSV1_WARNING=1 "$@"
}
pm() { in_ns podman "$@"; }
podman_version() { pm version --format '{{.Client.Version}}' | cut -d. -f1,2; }
check "podman in its trixie root and namespaces: 5.4" 0 5.4 podman_version
# No DNS server of podman's own on the pods' network: a pod's dnsConfig
# nameserver is its only one.
pm network create --disable-dns pods >"$work/network.log" 2>&1 || { cat "$work/network.log"; echo "FAIL: podman network create"; exit 1; }

step "the images: each root imported, with ping's cap_net_raw (a file capability: tar --xattrs)"
nss=$work/nsswitch # each image's own nsswitch.conf
mkdir "$nss"
for name in bookworm trixie bullseye distroless musl arm64; do
    reap "${roots[$name]}" || { tail -20 "$work/$name.log"; echo "FAIL: mmdebstrap $name"; exit 1; }
    r=$work/$name
    if [ "$name" = distroless ] || [ "$name" = musl ] || [ "$name" = arm64 ]; then # unpacked: no apt, no dpkg
        rm -rf "$r/etc/apt" "$r/etc/dpkg" "$r/var/lib/apt" "$r/var/lib/dpkg" "$r/var/cache/apt" "$r/var/log/apt"
    fi
    case $name in
    trixie) # Ubuntu's hosts line (systemd-resolved): podip goes before resolve
        sed -i 's/^hosts:.*/hosts:          files resolve [!UNAVAIL=return] dns/' "$r/etc/nsswitch.conf" ;;
    distroless)
        printf '%s\n' "root:x:0:0:root:/root:/sbin/nologin" \
            "nonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin" >"$r/etc/passwd"
        cp "$work/lookup" "$r/app"
        check "distroless: no shell, no dpkg, no getent, no nsswitch.conf" 0 "" \
            sh -c "cd $r && ls bin/sh usr/bin/sh usr/bin/dpkg usr/bin/getent etc/nsswitch.conf 2>/dev/null; true" ;;
    musl)
        ln -s busybox "$r/bin/sh"
        check "musl: no glibc (no libc.so.6, no glibc loader)" 0 "" find "$r" -name 'libc.so.6' -o -name 'ld-linux*' ;;
    esac
    [ ! -e "$r/etc/nsswitch.conf" ] || cp "$r/etc/nsswitch.conf" "$nss/$name"
    [ "$name" != bookworm ] || cp "$r/etc/debian_version" "$work/debian_version"
    # (bookworm's iputils-ping sets it, trixie's no longer does)
    [ ! -e "$r/bin/ping" ] || setcap cap_net_raw+ep "$(realpath "$r/bin/ping")"
    arch=amd64
    if [ "$name" = arm64 ]; then
        arch=arm64
        check "arm64: arm64's glibc loader, and no x86-64 one" 0 "lib/ld-linux-aarch64.so.1" \
            sh -c "cd $r && ls lib/ld-linux-aarch64.so.1 lib64/ld-linux-x86-64.so.2 2>/dev/null; true"
    fi
    tar -C "$r" --xattrs --xattrs-include=security.capability -cf - . |
        pm import --arch "$arch" - "$(image "$name")" >"$work/import-$name.log" 2>&1 ||
        { cat "$work/import-$name.log"; fail "podman import $name"; }
    rm -rf "$r"
done
# shellcheck disable=SC2016 # (the container's shell expands it)
ping_cap='getcap "$(command -v ping)" | cut -d" " -f2'
for name in bookworm trixie bullseye; do
    check "$name: ping holds cap_net_raw (so the loader ignores LD_LIBRARY_PATH)" 0 "cap_net_raw=ep" \
        pm run --rm --pull=never --network=none "$(image "$name")" sh -c "$ping_cap"
done
check "bullseye: glibc 2.31" 0 "glibc 2.31" pm run --rm --pull=never --network=none "$bullseye" getconf GNU_LIBC_VERSION

step "the injector image: podman build PORTABLE_DIR"
mkdir "$root/injector" && cp -a "$portable/." "$root/injector/"
pm build --pull=never -t "$injector" /injector >"$work/injector.log" 2>&1
assert "podman build PORTABLE_DIR (FROM scratch)" test $? = 0 || tail "$work/injector.log"
image_files() {
    local dir
    dir=$(pm image mount "$1") && in_ns find "$dir" -mindepth 1 -printf '%P\n' | sort
    pm image unmount "$1" >/dev/null
}
check "the injector image holds the three portable files and nothing else (no shell, no libc)" 0 \
    "podip"$'\n'"podip/libnss_podip.so.2"$'\n'"podip/nss-podip"$'\n'"podip/nss-podip-init" image_files "$injector"
echo "--- the injector image: $(pm image inspect --format '{{.Size}}' "$injector") bytes" \
    "($(pm images --format '{{.Size}}' "$injector"))"

# --- the pods -------------------------------------------------------------------

mkdir "$root/pods"
for f in "$m"/*.injected.yaml; do cp "$f" "$root/pods/$(basename "$f" .injected.yaml).yaml"; done
cp "$m/configmap.yaml" "$root/pods/"
for name in bookworm start; do cp "$m/$name.yaml" "$root/pods/$name-plain.yaml"; done
# play NAME: kube play the injected manifest NAME on the pods' network,
# with the ConfigMap. Its emptyDir is made first, as the kubelet makes one:
# world-writable (kube play makes it root's, mode 755, once the pod also
# mounts a ConfigMap, and the injector, uid 65534, cannot fill it).
play() {
    pm volume create nss-podip >/dev/null &&
        chmod 777 "$root$(pm volume inspect --format '{{.Mountpoint}}' nss-podip)" &&
        pm kube play --network pods --configmap /pods/configmap.yaml "/pods/$1.yaml" >"$tmp/play.log" 2>&1
}
# down NAME: its pod gone, and its emptyDir: kube play names it by its name
# alone, so pods played at once would share it (one at a time, then).
down() {
    pm kube down "/pods/$1.yaml" >/dev/null 2>&1
    pm volume rm nss-podip >/dev/null
}
# pod_logs POD: each of POD's containers, its state and its last lines.
pod_logs() {
    local c
    for c in $(pm ps -a --filter "pod=$1" --format '{{.Names}}'); do
        echo "  $c: $(pm inspect "$c" --format '{{.State.Status}}, exit {{.State.ExitCode}}'):"
        pm logs "$c" 2>&1 | tail -n 5 | sed 's/^/    /'
    done
}
# play_check NAME POD: a check that NAME plays (every container of its pod
# POD started); if not, what its containers said, and the pod gone.
play_check() {
    play "$1" && { pass "$1: kube play: every container of pod $2 started"; return 0; }
    fail "$1: kube play: pod $2 did not start"
    cat "$tmp/play.log"
    pod_logs "$2"
    down "$1"
    return 1
}

# mounted_file CONTAINER PATH: the file mounted at PATH in CONTAINER, read
# from its volume (the container may have no cat, or have ended).
mounted_file() {
    local source
    source=$(pm inspect "$1" --format "{{range .Mounts}}{{if eq .Destination \"$2\"}}{{.Source}}/{{.SubPath}}{{end}}{{end}}") &&
        [ -n "$source" ] && cat "$root$source"
}
other_lines() { grep -v '^hosts:' "$1" 2>/dev/null || true; }
hosts_words() { grep '^hosts:' "$1" | tr -s ' \t' ' '; }
# nsswitch_checks CONTAINER IMAGE HOSTS_LINE: CONTAINER's nsswitch.conf is
# IMAGE's own (SPEC 8) with HOSTS_LINE (its words).
nsswitch_checks() {
    mounted_file "$1" /etc/nsswitch.conf >"$tmp/nsswitch" || { fail "$1: no /etc/nsswitch.conf mounted"; return; }
    check "$1: /etc/nsswitch.conf: every line of $2's own but the hosts line, byte for byte" 0 \
        "$(other_lines "$nss/$2")" other_lines "$tmp/nsswitch"
    check "$1: /etc/nsswitch.conf: $3" 0 "$3" hosts_words "$tmp/nsswitch"
}
line_dns="hosts: files podip [NOTFOUND=return] dns"
declare -A hosts_line=([bookworm]=$line_dns [bullseye]=$line_dns
    [trixie]="hosts: files podip [NOTFOUND=return] resolve [!UNAVAIL=return] dns"
    [distroless]="hosts: podip [NOTFOUND=return] dns [!UNAVAIL=return] files") # glibc's default order

# queries NAME: the queries logged in $tmp/dns.log for NAME, or NAME
# completed by a search domain.
queries() { grep -cE ": query\[[A-Z]+\] ${1//./\\.}(\.[a-z0-9.-]+)? from " "$tmp/dns.log"; }
# svc_logged POD: POD's DNS sidecar has logged a query for the service name.
svc_logged() { pm logs "$1-dns" >"$tmp/dns.log" 2>&1 && [ "$(queries "$svc")" -gt 0 ]; }
# dns_checks POD NAME...: some DNS queries for the service name, none for
# each NAME. The service name is asked last: once its queries are in the
# log, every query made before it is too.
dns_checks() {
    local pod=$1 name n
    shift
    wait_for 5 svc_logged "$pod" || { fail "$pod: no DNS query logged for $svc"; return; }
    pass "$pod: DNS queries for $svc: $(queries "$svc")"
    for name; do
        n=$(queries "$name")
        assert "$pod: DNS queries for $name: $n" test "$n" = 0
    done
}
dns_started() { pm logs "$1-dns" 2>&1 | grep -q ' started, '; }
gai='import socket, sys
for name in sys.argv[1:]:
    print(name, *sorted({ai[4][0] for ai in socket.getaddrinfo(name, None)}))'

# glibc_checks NAME: the checks of the glibc pod NAME (image NAME), its app
# container as uid 1000.
glibc_checks() {
    local pod=$1 app=$1-app db format
    step "pod $pod"
    play_check "$pod" "$pod" || return
    wait_for 10 dns_started "$pod" || fail "$pod: the DNS sidecar did not start"
    nsswitch_checks "$app" "$pod" "${hosts_line[$pod]}"
    for db in hosts ahosts; do
        format=getent_$db # the exact output of getent $db (tests/lib.sh)
        check "$app: getent $db $v4" 0 "$($format 10.42.2.46 $v4)" pm exec "$app" getent $db $v4
        check "$app: getent $db $v6" 0 "$($format fd00:10:244::5 $v6)" pm exec "$app" getent $db $v6
        check "$app: getent $db $rel (relative)" 0 "$($format 10.42.2.47 $rel)" pm exec "$app" getent $db $rel
    done
    check "$app: python3's getaddrinfo" 0 "$v4 10.42.2.46"$'\n'"$v6 fd00:10:244::5"$'\n'"$rel 10.42.2.47" \
        pm exec "$app" python3 -c "$gai" $v4 $v6 $rel
    check "$app: ping $loopback as uid 1000" 0 "1000"$'\n'"1 packets transmitted, 1 received" \
        pm exec "$app" sh -c "id -u && ping -c 1 -W 5 $loopback | sed -n 's/^\(1 packets transmitted, [0-9]* received\),.*/\1/p'"
    if [ "$pod" = bookworm ]; then
        check "$app: curl http://127-0-0-1.default.pod:8080/ (relative; python3's web server in the container)" 0 \
            "$(cat "$work/debian_version")" pm exec "$app" curl -sS --max-time 5 --retry 5 --retry-connrefused \
            --retry-delay 1 http://127-0-0-1.default.pod:8080/debian_version
    fi
    check "$app: getent hosts $refused: refused by the ConfigMap's allow lines" 2 "" pm exec "$app" getent hosts $refused
    check "$app: getent hosts $svc: from DNS" 0 "$(getent_hosts 192.0.2.10 $svc)" pm exec "$app" getent hosts $svc
    dns_checks "$pod" $v4 $v6 $rel $refused 127-0-0-1.default.pod
    down "$pod"
}
for pod in bookworm trixie bullseye; do glibc_checks "$pod"; done

# The same bookworm pod, not injected: what the checks above would see
# without podip.
control_checks() {
    local n
    step "control: the bookworm pod, not injected"
    play_check bookworm-plain bookworm || return
    wait_for 10 dns_started bookworm || fail "bookworm: the DNS sidecar did not start"
    check "bookworm-app, not injected: getent hosts $v4: from DNS" 0 "$(getent_hosts 192.0.2.46 $v4)" \
        pm exec bookworm-app getent hosts $v4
    check "bookworm-app, not injected: getent hosts $svc: from DNS" 0 "$(getent_hosts 192.0.2.10 $svc)" \
        pm exec bookworm-app getent hosts $svc
    if wait_for 5 svc_logged bookworm; then
        n=$(queries $v4)
        assert "bookworm, not injected: DNS queries for $v4: $n" test "$n" -gt 0
    else
        fail "bookworm, not injected: no DNS query logged for $svc"
    fi
    down bookworm-plain
}
control_checks

distroless_checks() {
    step "pod distroless: /app (getaddrinfo) as uid 65532; no shell, no nsswitch.conf"
    play_check distroless distroless || return
    wait_for 10 dns_started distroless || fail "distroless: the DNS sidecar did not start"
    # Its first run may have asked before the sidecar listened: run it again.
    pm wait distroless-app >/dev/null
    check "distroless-app: /app's lookups: pod names, the refused one, the service name" 0 "$v4 10.42.2.46
$v6 fd00:10:244::5
$rel 10.42.2.47
$refused !Name or service not known
$svc 192.0.2.10" pm start --attach distroless-app
    nsswitch_checks distroless-app distroless "${hosts_line[distroless]}"
    dns_checks distroless $v4 $v6 $rel $refused
    down distroless
}
distroless_checks

# one_line_naming TEXT WORD...: TEXT is one line that holds every WORD
one_line_naming() {
    local text=$1 word
    shift
    [ -n "$text" ] && [ "$(wc -l <<<"$text")" = 1 ] || return 1
    for word; do grep -qiF -- "$word" <<<"$text" || return 1; done
}
# no_start_checks NAME WORD...: pod NAME must not start, and its setup init
# container must say why in one line that holds every WORD.
no_start_checks() {
    local pod=$1 rc cause
    shift
    play "$pod"
    rc=$?
    assert "$pod: kube play fails (exit $rc): $(grep -m1 '^Error' "$tmp/play.log")" test "$rc" != 0
    check "$pod-app never started" 0 created pm inspect "$pod-app" --format '{{.State.Status}}'
    check "$pod-nss-podip-setup-1 (in the $pod image) exited 1" 0 1 \
        pm inspect "$pod-nss-podip-setup-1" --format '{{.State.ExitCode}}'
    cause=$(pm logs "$pod-nss-podip-setup-1" 2>&1)
    assert "$pod-nss-podip-setup-1 says why in one line, naming $* (podman logs): $cause" \
        one_line_naming "$cause" "$@"
    down "$pod"
}
step "pod musl: no glibc, so the pod must not start"
no_start_checks musl glibc musl
step "pod arm64: a glibc of another architecture than this node's, so the pod must not start"
no_start_checks arm64 "another architecture" /lib/ld-linux-aarch64.so.1

web_checks() {
    local c
    step "Deployment web: two containers, two images"
    play_check web web-pod || return
    for c in web worker; do
        check "web-pod-$c: getent hosts $v4" 0 "$(getent_hosts 10.42.2.46 $v4)" pm exec "web-pod-$c" getent hosts $v4
    done
    nsswitch_checks web-pod-web bookworm "${hosts_line[bookworm]}"
    nsswitch_checks web-pod-worker trixie "${hosts_line[trixie]}"
    down web
}
web_checks

job_checks() {
    local rc
    step "the Pod that the CronJob and the List hold, played"
    play_check job job || return
    rc=$(pm wait job-run)
    check "job-run (bullseye, restartPolicy Never): getent ahosts $v6, exit $rc" 0 \
        "$(getent_ahosts fd00:10:244::5 $v6)" pm logs job-run
    assert "job-run exits 0" test "$rc" = 0
    down job
}
job_checks

readonly_checks() {
    step "readOnlyRootFilesystem with runAsNonRoot and runAsUser"
    play_check readonly readonly || return
    check "readonly-app: uid 1000, a read-only root" 0 "1000"$'\n'"read-only" \
        pm exec readonly-app sh -c 'id -u; touch /probe 2>/dev/null && echo writable || echo read-only'
    check "readonly-app: getent hosts $v4" 0 "$(getent_hosts 10.42.2.46 $v4)" pm exec readonly-app getent hosts $v4
    check "readonly-app: getent ahosts $v6" 0 "$(getent_ahosts fd00:10:244::5 $v6)" pm exec readonly-app getent ahosts $v6
    down readonly
}
readonly_checks

step "how long injection adds to a pod's start"
# start_time FILE: the seconds kube play FILE takes to return with its pod
# running (its init containers run before it returns).
start_time() {
    local t
    t=$(now)
    pm kube play --network pods "/pods/$1.yaml" >"$tmp/play.log" 2>&1 || return 1
    awk -v a="$t" -v b="$(now)" 'BEGIN { printf "%.2f", b - a }'
    [ "$(pm pod inspect start --format '{{.State}}')" = Running ]
}
median() { printf '%s\n' "$@" | sort -n | sed -n "$((($# + 1) / 2))p"; }
runs=5 plain=() injected=()
for _ in $(seq $runs); do
    for f in start-plain start; do
        if ! t=$(start_time $f); then
            fail "kube play $f: $(cat "$tmp/play.log")"
        elif [ $f = start ]; then
            injected+=("$t")
        else
            plain+=("$t")
        fi
        pm kube down "/pods/$f.yaml" >/dev/null 2>&1 # (and the anonymous emptyDir kube play made)
    done
done
if [ ${#plain[@]} = $runs ] && [ ${#injected[@]} = $runs ]; then
    a=$(median "${plain[@]}") b=$(median "${injected[@]}")
    pass "the same pod played $runs times without and $runs times with injection"
    echo "--- pod start (kube play until its containers run), median of $runs: $a s without podip," \
        "$b s injected: injection adds $(awk -v a="$a" -v b="$b" 'BEGIN { printf "%.2f", b - a }') s" \
        "(without: ${plain[*]}; injected: ${injected[*]})"
fi

step "done"
finish
