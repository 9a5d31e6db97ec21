#!/bin/bash
# Runs tests/stress (8 threads x 200,000 lookups, every answer checked) under
# a time limit. tests/run-all.sh runs it again built with ThreadSanitizer.
set -uo pipefail
build=${top_builddir:-.}
timeout 600 "$build/tests/stress" "${STRESS_THREADS:-8}" "${STRESS_LOOKUPS:-200000}"
rc=$?
[ $rc -eq 124 ] && echo "FAIL: stress: no end within 600 s"
exit $rc
