# shellcheck shell=sh
# The one check of the shell tests: each check prints a PASS or a FAIL line
# and counts; `finish` ends a test with the verdict; need_root and need_cmd
# say what a test needs before it starts. Sourced by tests/lib.sh
# (the tests of `make check`), tests/roots.sh (the Debian roots of
# package.sh and arch.sh, and sbuild.sh) and the autopkgtests (debian/tests).
# Under `set -e`, a failing check ends the script: run checks with `set +e`.

checks=0
failures=0

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

# skip_or_fail REASON: automake's "skipped" (77) on a developer's machine, but
# a failure under CI=true, where every test must run.
skip_or_fail() {
    if [ "${CI:-}" = true ]; then
        echo "FAIL: $1 (CI=true: this test must run)"
        exit 1
    fi
    echo "SKIP: $1"
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

# finish: the last line of every test; its exit status is the verdict.
finish() {
    if [ "$failures" -ne 0 ]; then
        echo "$failures of $checks checks FAILED"
        exit 1
    fi
    echo "all $checks checks passed"
    exit 0
}
