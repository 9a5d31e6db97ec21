#!/bin/bash
# Real programs by pod name, in a Debian root with the package
# installed, a pod's resolv.conf (ndots:5) and a logging DNS server:
# resolution through getent, python3, perl, Node, Java, Go (cgo and
# CGO_ENABLED=0), C (glibc dynamic and static, musl), busybox and nscd;
# connections through curl, wget, busybox, nc, ping, python3, Node and Java;
# TLS with a wildcard certificate from curl, wget, python3, openssl s_client,
# Go and Node; an image without dpkg built by the steps of
# contrib/distroless.Dockerfile, in Debian 12 and 13 (tests/containers.sh
# builds it with podman, in Debian 12). Programs that must not see the
# module are checked to go to DNS, so docs/clients.md's table stays true.
#
#   tests/clients.sh mmdebstrap-args   what the root needs, one mmdebstrap argument a line
#   tests/clients.sh ROOT SUITE        check ROOT (as root), the .debs in ROOT/tmp/debs
#
# tests/package.sh does both. ROOT is checked inside new mount, network and
# PID namespaces (its lo only), so every server this test starts ends with it.
# shellcheck disable=SC2016 # (single-quoted shell code runs later, with its own $1)
set -euo pipefail

case ${1:-} in
mmdebstrap-args)
    # The programs; the .debs kept in /var/cache/apt/archives, so that a root
    # without dpkg can be made from libc6's.
    echo "--include=python3,perl,nodejs,default-jdk-headless,golang-go,gcc,libc6-dev,musl-tools,nscd,openssl,dnsmasq-base,wget,busybox,netcat-openbsd,ca-certificates,curl,iputils-ping,netbase"
    echo "--skip=essential/unlink"
    echo "--skip=cleanup/apt/cache"
    exit 0
    ;;
in-root) ;;
*)
    [ $# = 2 ] || { echo "usage: $0 mmdebstrap-args | ROOT SUITE" >&2; exit 2; }
    if [ "$(id -u)" != 0 ]; then
        [ "${CI:-}" = true ] && { echo "FAIL: tests/clients.sh needs root"; exit 1; }
        echo "SKIP: tests/clients.sh needs root"; exit 77
    fi
    here=$(cd "$(dirname "$0")" && pwd)
    rm -rf "$1/tmp/clients" && mkdir -p "$1/tmp/clients/tests"
    cp "$here/clients.sh" "$here"/clients/* "$here/../contrib/distroless.Dockerfile" \
        "$1/tmp/clients/"
    cp "$here/lib.sh" "$here/check.sh" "$1/tmp/clients/tests/"
    exec unshare --mount --net --pid --fork --kill-child -- bash -c '
        ip link set lo up && mount -t proc proc "$1/proc" &&
        exec chroot "$1" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root \
            LC_ALL=C.UTF-8 DEBIAN_FRONTEND=noninteractive \
            bash /tmp/clients/clients.sh in-root "$2"' _ "$1" "$2"
    ;;
esac

# --- inside the root ---------------------------------------------------------

suite=$2
cd /tmp/clients
# lib.sh: check, assert, finish, start_dnsmasq, dns_queries, getent_ahosts.
# shellcheck source=tests/lib.sh
. ./tests/lib.sh
set +e
at_exit 'rm -rf /out /tmp/podip /tmp/clients/distroless'
t0=$SECONDS
step() { echo "--- $suite: $* ($((SECONDS - t0)) s)"; }
table=$tmp/table # the rows of docs/clients.md's table, printed at the end

step "the package, a pod's resolv.conf, DNS, web and TLS servers"
# As package.sh leaves the root, or a fresh one: not installed, Debian's line.
dpkg --purge nss-podip libnss-podip >/dev/null 2>&1
sed -i 's/^hosts:.*/hosts: files dns/' /etc/nsswitch.conf
dpkg -i /tmp/debs/libnss-podip_*.deb /tmp/debs/nss-podip_*.deb >/dev/null
check "hosts line after install" 0 "hosts: files podip [NOTFOUND=return] dns" \
    sh -c "grep '^hosts:' /etc/nsswitch.conf | tr -s ' \t' ' '"
printf '%s\n' "nameserver 127.0.0.1" \
    "search default.svc.cluster.local svc.cluster.local cluster.local" "options ndots:5" \
    >/etc/resolv.conf
assert "lo holds ::1" grep -q '^0\{31\}1 ' /proc/net/if_inet6

# The DNS server knows one name of its own, only-dns.example.test, and
# answers three pod names with documentation addresses (CoreDNS would give
# the pod's): an answer tells whether it came from podip or from DNS. Its
# TTL of 30 s lets nscd cache what it answers (it caches no TTL 0).
log=$tmp/dns.log
start_dnsmasq "$log" --host-record=only-dns.example.test,127.0.0.53 \
    --host-record=10-42-2-46.default.pod.cluster.local,192.0.2.46 \
    --host-record=10-42-2-47.default.pod.cluster.local,192.0.2.47 \
    --host-record=fd00-10-244--5.default.pod.cluster.local,2001:db8::5 \
    --local=/cluster.local/ --local=/example.test/ --local=/pod/ --local-ttl=30

mkdir -p www && echo "hello-from-$suite" >www/index.html
start_http :: 8080 www # dual-stack: 127.0.0.0/8 and ::1

# A CA and a wildcard certificate for the default namespace's pods, made here.
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 \
    -subj /CN=clients.sh-ca -keyout ca.key -out ca.pem \
    -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign \
    >/dev/null 2>&1
openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
    -subj '/CN=*.default.pod.cluster.local' -keyout pod.key -out pod.csr >/dev/null 2>&1
printf '%s\n' "subjectAltName=DNS:*.default.pod.cluster.local" \
    "basicConstraints=critical,CA:FALSE" "keyUsage=critical,digitalSignature" \
    "extendedKeyUsage=serverAuth" "authorityKeyIdentifier=keyid" >pod.ext
openssl x509 -req -in pod.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 2 \
    -extfile pod.ext -out pod.pem >/dev/null 2>&1
for addr in 127.0.0.1:8443 '[::1]:8443'; do
    # -state logs each connection, so a refused name can be shown to make none
    openssl s_server -accept "$addr" -cert pod.pem -key pod.key -www -state \
        >>"$tmp/s_server.log" 2>&1 &
    at_exit "kill $! 2>/dev/null"
done
tls_connections() { grep -c 'before SSL initialization' "$tmp/s_server.log"; }
wait_for 5 curl -so /dev/null --cacert ca.pem --resolve x.default.pod.cluster.local:8443:127.0.0.1 \
    https://x.default.pod.cluster.local:8443/ &&
    wait_for 5 curl -so /dev/null --cacert ca.pem --resolve x.default.pod.cluster.local:8443:::1 \
        https://x.default.pod.cluster.local:8443/
assert "s_server answers on 127.0.0.1 and ::1" test $? = 0

echo "    versions: $(dpkg-query -W -f='${Package} ${Version}, ' libc6 python3 perl nodejs \
    default-jdk-headless golang-go musl curl wget busybox netcat-openbsd iputils-ping openssl nscd | sed 's/, $//')"
echo "    $(java -version 2>&1 | head -1); $(go version)"

step "building the C programs; the Go ones meanwhile, for the rows that need them"
# (Go 1.24 compiles its standard library twice, with cgo and without: 20-30 s)
export GOCACHE=/tmp/clients/gocache GOPATH=/tmp/clients/gopath GOTOOLCHAIN=local GOPROXY=off \
    GOTELEMETRY=off
{ go build -o go-cgo clients.go && CGO_ENABLED=0 go build -o go-nocgo clients.go; } \
    >"$tmp/go-build.log" 2>&1 &
go_build=$!
# go_built: wait for the Go programs (once), and check them.
go_built() {
    [ -z "$go_build" ] && return 0
    wait "$go_build"
    assert "the Go programs build" test $? = 0 || cat "$tmp/go-build.log"
    go_build=""
    step "Go programs built"
    assert "go-cgo is dynamically linked (cgo)" sh -c 'ldd ./go-cgo | grep -q libc.so'
    assert "go-nocgo is static" sh -c '! ldd ./go-nocgo' 2>/dev/null
}
gcc -O2 -o lookup-dynamic lookup.c &&
    gcc -O2 -static -o lookup-static lookup.c 2>"$tmp/static.err" &&
    musl-gcc -O2 -static -o lookup-musl lookup.c
assert "the C programs build" test $? = 0
assert "lookup-static and lookup-musl are static" \
    sh -c '! ldd ./lookup-static && ! ldd ./lookup-musl' 2>/dev/null

# --- one row of the table ---------------------------------------------------

# queries_for NAME LOG: the queries in LOG for NAME and its search expansions.
queries_for() {
    grep -cE "query\[[A-Z]+\] ${1//./\\.}(\.default\.svc\.cluster\.local|\.svc\.cluster\.local|\.cluster\.local)? from" "$2"
}

# row PROGRAM API SEES WHY CMD...: run CMD once with every name of $names,
# each written through printf $format (the name, a URL or HOST:PORT). CMD
# prints a line an argument, "ARG ANSWER" or "ARG !error". The answers must be
# $want (or $want_yes / $want_no for SEES yes / no), "!" standing for any
# error, and the DNS queries for each name $queries ("0" none, "+" some).
# $stderr_want, if set, is a regex CMD's standard error must match.
row() {
    local program=$1 api=$2 sees=$3 why=$4 args=() i n from got w q wq ok=1 report=""
    shift 4
    local want=${want:-$([ "$sees" = yes ] && echo "$want_yes" || echo "$want_no")}
    local queries=${queries:-$([ "$sees" = yes ] && echo "$queries_yes" || echo "$queries_no")}
    local -a wants qs
    read -r -a wants <<<"$want"
    read -r -a qs <<<"$queries"
    # shellcheck disable=SC2059 # ($format is the row's: %s, a URL, HOST:PORT)
    for n in "${names[@]}"; do args+=("$(printf "$format" "$n")"); done
    from=$(($(wc -l <"$log") + 1))
    "$@" "${args[@]}" >"$tmp/row.out" 2>"$tmp/row.err"
    tail -n +"$from" "$log" >"$tmp/row.dns"
    checks=$((checks + 1))
    for i in "${!names[@]}"; do
        got=$(awk -v a="${args[i]}" '$1 == a { sub(/^[^ ]* /, ""); print; exit }' "$tmp/row.out")
        n=$(queries_for "${names[i]}" "$tmp/row.dns")
        w=${wants[i]} wq=${qs[i]}
        q=$([ "${got:0:1}" = "!" ] && echo "!" || echo "$got")
        if [ "$q" != "$w" ] || { [ "$wq" = 0 ] && [ "$n" != 0 ]; } || { [ "$wq" = + ] && [ "$n" = 0 ]; }; then
            ok=0 report+="    ${args[i]}: want $w with ${wq/+/some} DNS queries, got '$got' with $n"$'\n'
        else
            report+="    ${args[i]}: $got ($n DNS queries)"$'\n'
        fi
    done
    if [ -n "${stderr_want:-}" ]; then
        if grep -qE "$stderr_want" "$tmp/row.err"; then
            report+="    $(grep -m1 -E "$stderr_want" "$tmp/row.err")"$'\n'
        else
            ok=0 report+="    standard error does not match /$stderr_want/"$'\n'
        fi
    fi
    if [ "$ok" = 1 ]; then
        echo "PASS: $program, $api: sees podip: $sees"
    else
        failures=$((failures + 1))
        echo "FAIL: $program, $api: sees podip: $sees"
        sed 's/^/    stderr: /' "$tmp/row.err" | head -20
    fi
    printf '%s' "$report"
    echo "| $program | $api | $sees | $why |" >>"$table.$group"
}

# foreach 'COMMAND' ARG...: run the shell COMMAND with each ARG as $1; one
# line each, "ARG OUTPUT" ("ok" for no output), "ARG !OUTPUT" if it failed.
foreach() {
    local cmd=$1 arg out
    shift
    for arg; do
        if out=$(bash -o pipefail -c "$cmd" _ "$arg" 2>&1); then
            echo "$arg ${out:-ok}" | head -1
        else
            echo "$arg !${out:-failed}" | head -1
        fi
    done
}

# busybox nslookup NAME...: the addresses of its answer section.
bb_nslookup() {
    local n
    for n; do
        busybox nslookup "$n" 2>&1 | awk -v n="$n" '
            /^Name:/ { named = 1 }
            named && /^Address/ { a = a sep $NF; sep = "," }
            END { print n " " (a == "" ? "!no answer" : a) }'
    done
}

# --- resolution --------------------------------------------------------------

step "resolution: IPv4, IPv6, relative and NXDOMAIN pod names, a name only DNS knows"
group=lookup
names=(10-42-2-46.default.pod.cluster.local fd00-10-244--5.default.pod.cluster.local
    10-42-2-47.default.pod 010-0-0-1.default.pod.cluster.local only-dns.example.test)
format=%s
want_yes="10.42.2.46 fd00:10:244::5 10.42.2.47 ! 127.0.0.53" queries_yes="0 0 0 0 +"
want_no="192.0.2.46 2001:db8::5 192.0.2.47 ! 127.0.0.53" queries_no="+ + + + +"

row getent "ahosts (getaddrinfo)" yes "glibc NSS" \
    foreach 'getent ahosts "$1" | awk "{ print \$1 }" | sort -u | paste -sd,'
row python3 socket.getaddrinfo yes "glibc getaddrinfo" python3 clients.py lookup
row perl Socket::getaddrinfo yes "glibc getaddrinfo" perl clients.pl
row node dns.lookup yes "getaddrinfo (libuv thread pool)" node clients.js lookup
# c-ares asks DNS the name as it is: the relative name fails
want="${want_no/192.0.2.47/!}" \
    row node "dns.resolve4, dns.resolve6" no "c-ares: its own DNS client, no search list" \
    node clients.js resolve
row java InetAddress.getAllByName yes "getaddrinfo" java Clients.java lookup
row "C, glibc, static" getaddrinfo yes "static glibc loads NSS modules of the same glibc" ./lookup-static
row "C, musl, static" getaddrinfo no "musl has no NSS" ./lookup-musl
if grep -q 'requires at runtime the shared libraries' "$tmp/static.err"; then
    echo "    (the static link warned, as glibc does: $(grep -o "Using '[a-z]*'" "$tmp/static.err" | head -1))"
fi
want="${want_no/192.0.2.47/!}" row busybox nslookup no "its own DNS client, no search list" bb_nslookup
go_built
stderr_want='hostLookupOrder\(10-42-2-47\.default\.pod\) = cgo' \
    row "Go, cgo" net.LookupIP yes "cgo resolver (getaddrinfo): chosen because the hosts line names podip" \
    env GODEBUG=netdns=2 ./go-cgo lookup
stderr_want='hostLookupOrder\(10-42-2-47\.default\.pod\) = files,dns' \
    row "Go, CGO_ENABLED=0" net.LookupIP no "Go's own resolver: files and DNS only" \
    env GODEBUG=netdns=2 ./go-nocgo lookup
stderr_want='hostLookupOrder\(10-42-2-47\.default\.pod\) = files,dns' \
    row "Go, cgo, GODEBUG=netdns=go" net.LookupIP no "Go's own resolver, forced" \
    env GODEBUG=netdns=go+2 ./go-cgo lookup

# --- connections by pod name ---------------------------------------------------

step "connections: a web page on 127.0.0.1 and ::1 by pod name"
group=connect
names=(127-0-0-1.default.pod.cluster.local 0--1.default.pod.cluster.local 127-0-0-2.default.pod
    010-0-0-1.default.pod.cluster.local only-dns.example.test)
format=http://%s:8080/
page="hello-from-$suite"
want="$page $page $page ! $page"
row curl "HTTP GET" yes "getaddrinfo" foreach 'curl -sS --max-time 5 "$1"'
row wget "HTTP GET" yes "getaddrinfo" foreach 'wget -q -T 5 -O - "$1"'
# (not -T: busybox 1.35's wget crashes with it, whatever the host)
row "busybox wget" "HTTP GET" yes "getaddrinfo (busybox built with glibc)" \
    foreach 'timeout 10 busybox wget -q -O - "$1"'
row python3 urllib.request.urlopen yes "getaddrinfo" python3 clients.py fetch
row node http.get yes "dns.lookup" node clients.js fetch
row java HttpURLConnection yes "InetAddress" java Clients.java fetch
format=%s want="ok ok ok ! ok"
row "nc (OpenBSD)" "-z HOST 8080" yes "getaddrinfo" foreach 'out=$(nc -z -w 5 "$1" 8080 2>&1) || { echo "$out"; exit 1; }'
row ping "-c 1" yes "getaddrinfo" foreach 'ping -c 1 -W 2 "$1" >/dev/null'
row "busybox ping" "-c 1" yes "getaddrinfo" foreach 'busybox ping -c 1 -W 2 "$1" >/dev/null'
unset want

# --- TLS ----------------------------------------------------------------------

step "TLS: a *.default.pod.cluster.local certificate, by pod name"
group=tls
# 127.0.0.1, then ::1 three ways (the last one relative), then another namespace
names=(127-0-0-1.default.pod.cluster.local 0--1.default.pod.cluster.local
    --1.default.pod.cluster.local 0-0--1.default.pod 127-0-0-1.other.pod.cluster.local)
queries="0 0 0 0 0"
want="ok ok ok ! !"
format=https://%s:8443/
row curl "--cacert" yes "OpenSSL's host name check" \
    foreach 'curl -sS --max-time 5 --cacert ca.pem -o /dev/null "$1"'
row wget "--ca-certificate" yes "GnuTLS's host name check" \
    foreach 'wget -q -T 5 --ca-certificate=ca.pem -O /dev/null "$1"'
row node "https.get, ca" yes "tls.checkServerIdentity" node clients.js tls ca.pem
format=%s:8443
row python3 "ssl, create_default_context" yes "OpenSSL's host name check" \
    python3 clients.py tls ca.pem
row openssl "s_client -verify_hostname -verify_return_error" yes "X509_check_host" \
    foreach 'out=$(openssl s_client -connect "$1" -CAfile ca.pem -verify_hostname "${1%:*}" \
        -verify_return_error </dev/null 2>&1) && exit 0
        grep -m1 "verify error" <<<"$out" || tail -1 <<<"$out"; exit 1'
# crypto/x509 matches no wildcard to a label that begins with "-"
want="ok ok ! ! !" row "Go, cgo" "crypto/tls Dial" yes "crypto/x509: no wildcard match for a label that begins with '-'" \
    ./go-cgo tls ca.pem
unset want

step "TLS with allow 10.0.0.0/8: the pod names are refused before any connection"
printf 'allow 10.0.0.0/8\n' >/etc/nss-podip.conf.new # new processes use it at once (SPEC 6)
cp -p /etc/nss-podip.conf /tmp/clients/nss-podip.conf.shipped
mv /etc/nss-podip.conf.new /etc/nss-podip.conf
group=allow want="! ! ! ! !"
before=$(tls_connections)
format=https://%s:8443/
row curl "--cacert" yes "allow: NXDOMAIN" foreach 'curl -sS --max-time 5 --cacert ca.pem -o /dev/null "$1"'
format=%s:8443
row python3 ssl yes "allow: NXDOMAIN" python3 clients.py tls ca.pem
row "Go, cgo" "crypto/tls Dial" yes "allow: NXDOMAIN" ./go-cgo tls ca.pem
check "s_server saw no connection while allow refused the names" 0 "$before" tls_connections
check "curl says it cannot resolve" 6 "" \
    curl -sS --max-time 5 --cacert ca.pem -o /dev/null https://127-0-0-1.default.pod.cluster.local:8443/
mv /tmp/clients/nss-podip.conf.shipped /etc/nss-podip.conf
unset want

# --- nscd -----------------------------------------------------------------------

step "nscd: answers from podip, then from its cache"
# hosts_stat NAME: one counter of nscd -g's hosts cache, e.g. "cache misses on positive entries".
hosts_stat() {
    nscd -g | awk -v what="$1" '/^hosts cache:/ { h = 1 } h && index($0, what) { print $1; exit }'
}
mkdir -p /run/nscd && rm -f /var/cache/nscd/hosts # no cache from an earlier run
nscd -F >"$tmp/nscd.log" 2>&1 &
nscd_pid=$!
at_exit "kill $nscd_pid 2>/dev/null; rm -f /run/nscd/socket"
assert "nscd is running" wait_for 10 test -S /run/nscd/socket
group=nscd
nscd_misses() { # nscd -g's cache misses of hosts lookups: positive/negative
    echo "$(hosts_stat "cache misses on positive entries")/$(hosts_stat "cache misses on negative entries")"
}
nscd_hits() {
    echo "$(hosts_stat "cache hits on positive entries")/$(hosts_stat "cache hits on negative entries")"
}
check "nscd -g: no miss before the first lookup" 0 0/0 nscd_misses
names=(10-42-2-46.default.pod.cluster.local 010-0-0-1.default.pod.cluster.local only-dns.example.test)
format=%s want="10.42.2.46 ! 127.0.0.53" queries="0 0 +"
row nscd "getaddrinfo through nscd, first lookup" yes "nscd's own NSS, with podip" ./lookup-dynamic
echo "nscd -g: hits $(nscd_hits) misses $(nscd_misses) (positive/negative)"
check "nscd -g: the first lookups missed" 0 2/1 nscd_misses
# Take podip off the hosts line: nscd (and a new process) would now ask DNS
# for any name, so an answer with no query comes from nscd's cache.
cp -p /etc/nsswitch.conf /tmp/clients/nsswitch.podip
sed 's/^hosts:.*/hosts: files dns/' /tmp/clients/nsswitch.podip >/etc/nsswitch.conf
# podip's answers are cached for its ttl, 5 s unless configured.
queries="0 0 0" \
    row nscd "the same names, podip off the hosts line" yes "nscd's cache, positive and negative" \
    ./lookup-dynamic
echo "nscd -g: hits $(nscd_hits) misses $(nscd_misses) (positive/negative)"
# (a hit in nscd's shared cache is not counted: the client reads it directly)
check "nscd -g: the second lookups made no new miss" 0 2/1 nscd_misses
names=(10-42-2-47.default.pod.cluster.local) want=192.0.2.47 queries=+
row nscd "a pod name not cached, podip off the hosts line" no "nscd asks DNS" ./lookup-dynamic
cp -p /tmp/clients/nsswitch.podip /etc/nsswitch.conf
kill "$nscd_pid" && wait "$nscd_pid" 2>/dev/null
rm -f /run/nscd/socket
unset want queries

# --- an image without dpkg ------------------------------------------------------

# docker_build DOCKERFILE CONTEXT NAME=VALUE...: carry out DOCKERFILE's
# instructions one by one, as `docker build --build-arg NAME=VALUE` would, for
# those it uses: ARG, FROM (the Debian stage is this root, the distroless one
# $image), COPY [--from=STAGE] and RUN (shell or exec form). Its exit status
# is the first failing RUN's.
docker_build() {
    local file=$1 context=$2 line inst rest root=/ k src dst from
    local -A arg=() stage=()
    local -a words argv
    shift 2
    for k; do arg[${k%%=*}]=${k#*=}; done
    while IFS= read -r line; do
        for k in "${!arg[@]}"; do line=${line//"\${$k}"/${arg[$k]}}; done
        inst=${line%% *} rest=${line#* }
        echo "    $line"
        case $inst in
        ARG) k=${rest%%=*} && [ -n "${arg[$k]+set}" ] || arg[$k]=${rest#*=} ;;
        FROM)
            read -r -a words <<<"$rest"
            case ${words[0]} in
            "docker.io/library/debian:$debver-slim") root=/ ;;
            "gcr.io/distroless/base-debian$debver") root=$image ;;
            *) echo "docker_build: no root stands for ${words[0]}"; return 2 ;;
            esac
            [ "${words[1]:-}" = AS ] && stage[${words[2]}]=$root
            ;;
        COPY)
            read -r -a words <<<"$rest"
            from=$context
            case ${words[0]} in --from=*) from=${stage[${words[0]#--from=}]} && words=("${words[@]:1}") ;; esac
            dst=$root/${words[-1]}
            for src in "${words[@]:0:${#words[@]}-1}"; do
                # shellcheck disable=SC2086 # (a COPY source is a glob in the context)
                if [ "$from" = "$context" ]; then src=$(cd "$context" && echo $src); fi
                for k in $src; do
                    k=$from/$k
                    if [ -d "$k" ]; then cp -a "$k/." "$dst"; else mkdir -p "$dst" && cp -a "$k" "$dst"; fi
                done
            done
            ;;
        RUN)
            if [ "${rest:0:1}" = "[" ]; then
                mapfile -d '' argv < <(python3 -c 'import json, sys
sys.stdout.write("\0".join(json.loads(sys.argv[1])))' "$rest")
            else
                argv=(/bin/sh -c "$rest")
            fi
            chroot "$root" "${argv[@]}" 2>&1 | sed 's/^/        /'
            k=${PIPESTATUS[0]}
            [ "$k" = 0 ] || { echo "    (exit status $k: the build stops here)"; return "$k"; }
            ;;
        *) echo "docker_build: $inst is not carried out here"; return 2 ;;
        esac
    done < <(sed -e ':a' -e '/\\$/N; s/\\\n//; ta' "$file" | sed 's/  */ /g' | grep -v '^ *#\|^ *$')
}

step "an image without dpkg, apt or a shell: contrib/distroless.Dockerfile step by step"
group=distroless
debver=$(cut -d. -f1 /etc/debian_version)
# What a distroless base image holds, unpacked from the .debs with dpkg-deb -x
# (base-files, libc6 and what it depends on), and the files a container
# runtime writes into it; the application is lookup-dynamic, as /app.
image=/tmp/clients/distroless
rm -rf "$image" && mkdir "$image"
deb_of() { # PACKAGE: its .deb in apt's cache, at the version installed here
    dpkg-query -W -f='/var/cache/apt/archives/${Package}_${Version}_${Architecture}.deb' "$1" |
        sed 's/:/%3a/'
}
deps_of() {
    dpkg-query -W -f='${Pre-Depends}, ${Depends}' "$1" | tr ',' '\n' |
        sed 's/|.*//; s/(.*//; s/:any//; s/ //g' | grep -v '^$'
}
dpkg-deb -x "$(deb_of base-files)" "$image"
unpacked=" " todo=(libc6)
while [ ${#todo[@]} -gt 0 ]; do
    p=${todo[0]} todo=("${todo[@]:1}")
    case $unpacked in *" $p "*) continue ;; esac
    dpkg-deb -x "$(deb_of "$p")" "$image" || { echo "FAIL: dpkg-deb -x $p"; failures=$((failures + 1)); }
    unpacked+="$p "
    mapfile -t -O ${#todo[@]} todo < <(deps_of "$p")
done
echo "    unpacked: base-files$unpacked"
printf '%s\n' "passwd: files" "group: files" "hosts: files dns" >"$image/etc/nsswitch.conf"
cp /etc/hosts /etc/resolv.conf "$image/etc/"
cp lookup-dynamic "$image/app"
assert "the image has no dpkg, no apt, no shell" \
    sh -c "! ls $image/usr/bin/dpkg $image/usr/bin/apt $image/bin/sh $image/usr/bin/sh 2>/dev/null"
names=(10-42-2-46.default.pod.cluster.local fd00-10-244--5.default.pod.cluster.local
    10-42-2-47.default.pod 010-0-0-1.default.pod.cluster.local only-dns.example.test)
format=%s
row "/app in the image" "getaddrinfo, before the recipe" no "hosts: files dns" chroot "$image" /app
docker_build distroless.Dockerfile /tmp/debs DEBIAN="$debver" >"$tmp/build.log" 2>&1
rc=$?
cat "$tmp/build.log"
assert "docker build: every step succeeds, RUN nss-podip status exits 0" test "$rc" = 0
assert "nss-podip status in the image shows the hosts line" \
    grep -q '^        /etc/nsswitch.conf: hosts: files podip \[NOTFOUND=return\] dns$' "$tmp/build.log"
row "/app in the image" "getaddrinfo, after the recipe" yes "libnss_podip.so.2 copied in, hosts line" \
    chroot "$image" /app
# The build's check fails when the hosts line does not reach podip.
cp "$image/etc/nsswitch.conf" "$tmp/nsswitch.image"
sed -i 's/^hosts:.*/hosts: files dns/' "$image/etc/nsswitch.conf"
chroot "$image" /usr/sbin/nss-podip status >"$tmp/status.out"
rc=$?
sed 's/^/    /' "$tmp/status.out"
assert "RUN nss-podip status fails the build without podip on the hosts line (exit $rc)" \
    sh -c "[ $rc = 1 ] && grep -q '^warning: .*hosts line' $tmp/status.out"
cp "$tmp/nsswitch.image" "$image/etc/nsswitch.conf"
rm "$image"/usr/lib/*/libnss_podip.so.2
rc=0 && chroot "$image" /usr/sbin/nss-podip status >/dev/null || rc=$?
echo "NOTE: without libnss_podip.so.2 in the image, nss-podip status exits $rc" \
    "and /app answers $(chroot "$image" /app 10-42-2-46.default.pod.cluster.local | cut -d' ' -f2)"

step "the table (docs/clients.md)"
for g in lookup connect tls allow nscd distroless; do
    echo "group $g:"
    echo "| program | API | sees podip | why |"
    echo "|---|---|---|---|"
    cat "$table.$g"
done

finish
