# Helpers of the autopkgtests (debian/tests/control): source it, check each
# thing a user sees, and end with `exit "$failed"`.
# shellcheck shell=sh disable=SC2034 # failed: read by the test that sources it
failed=0
check() { # DESCRIPTION EXPECTED ACTUAL
    if [ "$2" = "$3" ]; then
        echo "PASS: $1"
    else
        echo "FAIL: $1: expected '$2', got '$3'"
        failed=1
    fi
}
