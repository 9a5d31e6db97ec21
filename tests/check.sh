# shellcheck shell=sh
# The one check of the shell tests: each check prints a PASS or a FAIL line
# and counts, a check this host cannot make a SKIP line; `finish` ends a
# test with the verdict; need_root and need_cmd say what a test needs before
# it starts, skip_or_fail what it could not do. Sourced by tests/lib.sh
# (the tests of `make check`), tests/roots.sh (the Debian roots of
# package.sh and arch.sh, and sbuild.sh) and the autopkgtests (debian/tests).
# Under `set -e`, a failing check ends the script: run checks with `set +e`.

checks=0
failures=0
skipped=0

# pass DESC, fail DESC: a check whose verdict the caller worked out.
pass() {
    checks=$((checks + 1))
    echo "PASS: $*"
}
fail() {
    checks=$((checks + 1))
    failures=$((failures + 1))
    echo "FAIL: $*"
}

# check DESC WANT_EXIT WANT_STDOUT CMD [ARG...]: run CMD and compare its exit
# status and its exact standard output (trailing newlines aside) with the
# wanted ones. A FAIL also shows what came out, and CMD's standard error.
check() {
    _desc=$1 _want_rc=$2 _want=$3
    shift 3
    _err=$(mktemp)
    _rc=0
    _got=$("$@" 2>"$_err") || _rc=$?
    if [ "$_rc" = "$_want_rc" ] && [ "$_got" = "$_want" ]; then
        rm -f "$_err"
        pass "$_desc"
        return 0
    fi
    fail "$_desc"
    echo "  command: $*"
    printf '  want (exit %s):\n%s\n  got (exit %s):\n%s\n' "$_want_rc" "$_want" "$_rc" "$_got"
    if [ -s "$_err" ]; then
        echo "  stderr:"
        cat "$_err"
    fi
    rm -f "$_err"
    return 1
}

# assert DESC CMD [ARG...]: PASS when CMD succeeds (e.g. `test "$n" -eq 0`).
assert() {
    _desc=$1
    shift
    if "$@"; then
        pass "$_desc"
        return 0
    fi
    fail "$_desc"
    echo "  command: $*"
    return 1
}

# skip DESC: a check this host cannot make (it lacks what the check asks
# about, such as an address family): a SKIP line, counted apart from the
# checks made; `finish` says how many.
skip() {
    skipped=$((skipped + 1))
    echo "SKIP: $*"
}

# skip_or_fail REASON: the test, or the rest of it, cannot run here (a tool,
# root, a namespace): automake's "skipped" (77) on a developer's machine,
# unless a check made already failed; a failure under CI=true, where every
# test must run.
skip_or_fail() {
    if [ "${CI:-}" = true ]; then
        echo "FAIL: $1 (CI=true: this test must run)"
        exit 1
    fi
    [ "$failures" -eq 0 ] || finish
    _before=""
    [ "$checks$skipped" = 00 ] || _before=" (after $checks checks passed, $skipped skipped)"
    echo "SKIP: $1$_before"
    exit 77
}

need_root() {
    [ "$(id -u)" = 0 ] || skip_or_fail "$0 needs root"
}

# need_cmd CMD...: each CMD must be on PATH (tests/install-deps.sh installs them).
need_cmd() {
    for _c in "$@"; do
        command -v "$_c" >/dev/null 2>&1 || skip_or_fail "$0 needs $_c"
    done
}

# finish: the last line of every test; its exit status is the verdict. A
# test whose every check was skipped checked nothing: skipped, not passed.
finish() {
    _skipped=""
    [ "$skipped" -eq 0 ] || _skipped=", $skipped more SKIPPED (the SKIP lines say why)"
    if [ "$failures" -ne 0 ]; then
        echo "$failures of $checks checks FAILED$_skipped"
        exit 1
    fi
    [ "$checks" -ne 0 ] || [ "$skipped" -eq 0 ] || skip_or_fail "every check of $0 skipped"
    echo "all $checks checks passed$_skipped"
    exit 0
}

# first_field CMD [ARG...]: the first field of CMD's first line of output,
# such as the address `getent hosts NAME` gives.
first_field() {
    "$@" | awk '{ print $1; exit }'
}

# unit_tests DIR: the unit tests of the configured build tree DIR, as its
# Makefile lists them.
unit_tests() {
    env -u MAKEFLAGS -u MAKELEVEL make -s --no-print-directory -C "$1" print-unit-tests
}
