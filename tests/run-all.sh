#!/bin/bash
# Every test of the project, from a fresh Debian 12 as root: installs what it
# needs, builds with -Werror, runs `make check` (unit and integration tests),
# then the unit tests again under AddressSanitizer and UndefinedBehaviorSanitizer.
set -euo pipefail
src=$(cd "$(dirname "$0")/.." && pwd)
out=${BUILD_ROOT:-$src/build}
jobs=$(nproc)

step() { printf '\n=== %s\n' "$*"; }

step "installing packages"
bash "$src/tests/install-deps.sh"

step "style: the C files as .clang-format lays them out, the scripts clean under shellcheck"
cd "$src"
unformatted=$(for f in $(git ls-files '*.c' '*.h'); do
    clang-format --style=file "$f" | cmp -s - "$f" || echo "$f"
done)
[ -z "$unformatted" ] || { printf 'FAIL: not as .clang-format lays them out:\n%s\n' "$unformatted"; exit 1; }
mapfile -t scripts < <(git ls-files '*.sh' .ci/run 'debian/tests/*' ':!debian/tests/control')
shellcheck -x "${scripts[@]}"
echo "PASS: every C file as .clang-format lays it out; ${#scripts[@]} scripts clean under shellcheck"
cd - >/dev/null

step "autoreconf"
(cd "$src" && autoreconf -fi)

step "build with -Wall -Wextra -Werror, and make check"
rm -rf "$out/werror" && mkdir -p "$out/werror"
(cd "$out/werror" &&
    if ! { "$src/configure" -q --enable-werror && make -j"$jobs" && make -j"$jobs" check; }; then
        cat tests/*.log 2>/dev/null | tail -200; exit 1
    fi)

step "make distcheck: the tarball builds, installs and passes the build-tree tests"
# The root-only integration tests already ran above; running them again
# inside distcheck would only cost CI time.
(cd "$out/werror" &&
    make distcheck TESTS="$(make -s print-unit-tests) tests/symbols.sh tests/glibc.sh")

step "unit tests under AddressSanitizer and UndefinedBehaviorSanitizer"
rm -rf "$out/asan" && mkdir -p "$out/asan"
(cd "$out/asan" &&
    if ! { "$src/configure" -q --enable-werror \
        CFLAGS="-O1 -g -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer -fno-sanitize-undefined-trap-on-error" \
        LDFLAGS="-fsanitize=address,undefined" &&
        make -j"$jobs" &&
        make -j"$jobs" check TESTS="$(cd "$out/werror" && make -s print-unit-tests)"; }; then
        cat tests/*.log 2>/dev/null | tail -200; exit 1
    fi)

step "robustness: the thread stress test under ThreadSanitizer (tests/stress.sh)"
rm -rf "$out/tsan" && mkdir -p "$out/tsan"
(cd "$out/tsan" && "$src/configure" -q --enable-werror CC=clang \
    CFLAGS="-O1 -g -fsanitize=thread" LDFLAGS="-fsanitize=thread" &&
    make -j"$jobs" tests/stress &&
    TSAN_OPTIONS="halt_on_error=1 exitcode=66" STRESS_CYCLES=9 top_builddir=. top_srcdir="$src" \
        bash "$src/tests/stress.sh")

step "benchmark, built and run once with small counts (it prints the budget; no figure fails CI)"
(cd "$out/werror" && make -j"$jobs" bench && bash "$src/bench/run.sh" -q .)

step "Side by side: the libFuzzer targets, 60 s each (fuzz/run.sh); Debian packages: amd64 in bookworm and trixie roots (tests/package.sh); arm64, i386, s390x, armhf, ppc64el cross-built and tested, an arm64 root, amd64 and i386 together (tests/arch.sh); contrib/'s image recipes built from their packages and run by podman (tests/containers.sh); built as Debian's builders do, twice, by sbuild as an ordinary user (tests/sbuild.sh); the portable build for amd64 and arm64 against the packages (tests/portable.sh); real pods that nss-podip inject changed, played by trixie's podman (contrib/portable.sh, then tests/pods.sh)"
# One step, so that their builds and their roots', images' and chroot's
# downloads overlap, and the fuzzers run while the first downloads leave
# the processors idle. package.sh and arch.sh copy the packages they build
# to $debs (DEBS_OUT), where containers.sh, its base images made meanwhile,
# and portable.sh, its portable files built meanwhile, wait for them; they
# stop waiting once both have ended. The pods need the portable files
# first: one job builds them, then plays the pods. Every log is
# printed and every exit status counts. Background jobs ignore SIGINT, so
# an interrupt stops them with SIGTERM (each cleans up on it).
t0=$SECONDS
debs=$out/debs
rm -rf "$debs" && mkdir -p "$debs"
declare -A pids=() script_of=()
FUZZ_OUT="$out/fuzz" bash "$src/fuzz/run.sh" "${FUZZ_SECONDS:-60}" >"$out/fuzz.log" 2>&1 &
pids[fuzz]=$! script_of[fuzz]=fuzz/run.sh
for t in package arch; do
    DEBS_OUT=$debs bash "$src/tests/$t.sh" >"$out/$t.log" 2>&1 &
    pids[$t]=$! script_of[$t]=tests/$t.sh
done
CONTAINERS_WAIT=1500 bash "$src/tests/containers.sh" "$debs" >"$out/containers.log" 2>&1 &
pids[containers]=$! script_of[containers]=tests/containers.sh
bash "$src/tests/sbuild.sh" >"$out/sbuild.log" 2>&1 &
pids[sbuild]=$! script_of[sbuild]=tests/sbuild.sh
PORTABLE_WAIT=1500 bash "$src/tests/portable.sh" "$debs" >"$out/portable.log" 2>&1 &
pids[portable]=$! script_of[portable]=tests/portable.sh
{ rm -rf "$out/portable" && bash "$src/contrib/portable.sh" "$out/portable" &&
    bash "$src/tests/pods.sh" "$out/portable"; } >"$out/pods.log" 2>&1 &
pids[pods]=$! script_of[pods]="contrib/portable.sh, tests/pods.sh"
trap 'kill -TERM "${pids[@]}" 2>/dev/null; wait; exit 130' INT TERM
failed=""
for t in fuzz package arch containers sbuild portable pods; do
    rc=0
    wait "${pids[$t]}" || rc=$?
    [ "$t" = arch ] && touch "$debs/builds-finished"
    [ "$rc" = 0 ] || failed="$failed ${script_of[$t]}"
    printf '\n--- %s (exit status %s, done at %s s)\n' "${script_of[$t]}" "$rc" "$((SECONDS - t0))"
    cat "$out/$t.log"
done
trap - INT TERM
printf '\n--- all seven in %s s\n' "$((SECONDS - t0))"
[ -z "$failed" ] || { echo "FAIL:$failed"; exit 1; }

step "all tests passed"
