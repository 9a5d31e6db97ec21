#!/bin/bash
# Build the libFuzzer targets with clang, AddressSanitizer and
# UndefinedBehaviorSanitizer, replay the committed regressions, then fuzz the
# targets side by side, each for SECONDS (default 60).
#
#   fuzz/run.sh [SECONDS [TARGET...]]     targets: name nss conf
#
# FUZZ_OUT (default /tmp/nss-podip-fuzz) holds the binaries, the growing
# corpus and any crash; a crash stops the run with its file named. Copy that
# file into fuzz/regressions/TARGET/ and add the name to tests/cases.h, so it
# is replayed here and checked by `make check` from then on.
set -euo pipefail
src=$(cd "$(dirname "$0")/.." && pwd)
secs=${1:-60}
shift || true
out=${FUZZ_OUT:-/tmp/nss-podip-fuzz}
cc=${FUZZ_CC:-clang}
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(name nss conf)

mkdir -p "$out/seeds" "$out/crashes"
# shellcheck disable=SC2054 # commas inside one option
flags=(-g -O1 -std=gnu11 -Wall -Wextra -Werror -D_GNU_SOURCE -D_FILE_OFFSET_BITS=64 -D_TIME_BITS=64
    -DPODIP_CONF_PATH='"/nonexistent/nss-podip.conf"' -DPODIP_RESOLV_PATH='"/nonexistent/resolv.conf"'
    -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
    -I"$src")
core=("$src"/podip_lex.c "$src"/podip_name.c "$src"/podip_conf.c "$src"/podip_watch.c)

"$cc" -std=gnu11 -Wall -Wextra -Werror -o "$out/gen_seeds" "$src/fuzz/gen_seeds.c"
"$out/gen_seeds" "$out/seeds"

for t in "${targets[@]}"; do
    case $t in
    name | conf) sources=("${core[@]}") ;;
    nss) sources=("$src/nss_podip.c" "$src/podip_snapshot.c" "${core[@]}") ;;
    *) echo "run.sh: unknown target $t" >&2; exit 2 ;;
    esac
    bin="$out/fuzz_$t"
    "$cc" "${flags[@]}" -o "$bin" "$src/fuzz/fuzz_$t.c" "${sources[@]}" -lpthread

    regressions=("$src"/fuzz/regressions/"$t"/*)
    if [ -e "${regressions[0]}" ]; then
        if ! "$bin" "${regressions[@]}" >"$out/replay-$t.log" 2>&1; then
            tail -30 "$out/replay-$t.log"
            echo "FAIL: fuzz_$t: a committed regression input fails again"
            exit 1
        fi
        echo "PASS: fuzz_$t: ${#regressions[@]} committed regression inputs replayed"
    fi
done

# Side by side; a stop (INT, TERM) stops them too.
declare -A fuzzing=() # target: the fuzzer's process
trap 'kill "${fuzzing[@]}" 2>/dev/null; exit 143' INT TERM
for t in "${targets[@]}"; do
    mkdir -p "$out/corpus/$t"
    seeds="$out/seeds/$t"
    [ -d "$seeds" ] || seeds=$(mktemp -d)
    "$out/fuzz_$t" -max_total_time="$secs" -timeout=5 -rss_limit_mb=2048 -print_final_stats=1 \
        -artifact_prefix="$out/crashes/$t-" "$out/corpus/$t" "$seeds" >"$out/fuzz-$t.log" 2>&1 &
    fuzzing[$t]=$!
done

status=0
for t in "${targets[@]}"; do
    log="$out/fuzz-$t.log"
    if wait "${fuzzing[$t]}"; then
        runs=$(awk '/stat::number_of_executed_units/ {print $2}' "$log")
        corpus=$(find "$out/corpus/$t" -type f | wc -l)
        echo "PASS: fuzz_$t: $runs executions in $secs s, no failure; corpus $corpus inputs"
    else
        grep -v '^"' "$log" | tail -40
        echo "FAIL: fuzz_$t: see $log; the input is in $out/crashes/"
        status=1
    fi
done
exit $status
