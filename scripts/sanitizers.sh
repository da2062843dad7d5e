#!/usr/bin/env bash
# Builds and runs the unit tests, then the integration suite with that build's binary, under the
# thread sanitizer and under the address sanitizer (issue 8), and prints a summary.
#
#   nice -n 19 scripts/sanitizers.sh [thread|address]...     (default: thread address)
#
# Each sanitizer has its own build folder (.build-tsan, .build-asan; git-ignored), so the normal
# .build is untouched. A clean build takes long here (5-12 min each on 2 cores).
# Env: SANITIZER_INTEGRATION=0 skips the integration suite; INTEGRATION_ARGS are passed to pytest
#      (e.g. INTEGRATION_ARGS="tests/integration/test_malformed_corpus.py -x").
# Suppressions: none so far. Add a file scripts/sanitizers/<kind>.supp (TSAN_OPTIONS/ASAN_OPTIONS
# pick it up) and give each entry its reason in docs/robustness.md.
# Exits non-zero when a build fails, a test fails or a sanitizer reports.
set -uo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
kinds=("$@")
((${#kinds[@]} > 0)) || kinds=(thread address)
logs="$root/.build-sanitizers-logs"
mkdir -p "$logs"
export SWIFT_BACKTRACE=enable=no
summary=()
failed=0

for kind in "${kinds[@]}"; do
    case "$kind" in
    thread) scratch=.build-tsan ;;
    address) scratch=.build-asan ;;
    *)
        echo "sanitizers.sh: unknown sanitizer '$kind' (thread, address)" >&2
        exit 2
        ;;
    esac
    supp="$root/scripts/sanitizers/$kind.supp"
    # halt_on_error: the first report fails the run; the report goes to the log.
    options="halt_on_error=1"
    [[ -f "$supp" ]] && options+=" suppressions=$supp"
    if [[ "$kind" == thread ]]; then
        export TSAN_OPTIONS="$options second_deadlock_stack=1"
    else
        export ASAN_OPTIONS="$options detect_leaks=0"
    fi

    echo "== $kind: building (scratch $scratch)"
    start=$(date +%s)
    if ! swift build --build-tests --sanitize="$kind" --scratch-path "$scratch" >"$logs/$kind-build.log" 2>&1; then
        tail -n 30 "$logs/$kind-build.log" >&2
        summary+=("$kind: BUILD FAILED (log $logs/$kind-build.log)")
        failed=1
        continue
    fi
    echo "   built in $(($(date +%s) - start)) s"

    echo "== $kind: unit tests"
    unit_status=0
    swift test --disable-xctest --sanitize="$kind" --scratch-path "$scratch" >"$logs/$kind-unit.log" 2>&1 ||
        unit_status=$?
    unit_line="$(grep -E 'Test run with [0-9]+ tests' "$logs/$kind-unit.log" | tail -n 1)"
    reports="$(grep -cE 'WARNING: ThreadSanitizer|ERROR: AddressSanitizer' "$logs/$kind-unit.log")"
    if ((unit_status != 0 || reports > 0)); then
        failed=1
        grep -E -A30 'WARNING: ThreadSanitizer|ERROR: AddressSanitizer' "$logs/$kind-unit.log" | head -n 60 >&2
        summary+=("$kind: unit tests FAILED (exit $unit_status, $reports sanitizer report(s)): ${unit_line:-no summary line} (log $logs/$kind-unit.log)")
    else
        summary+=("$kind: unit tests clean: $unit_line")
    fi

    if [[ "${SANITIZER_INTEGRATION:-1}" != 0 ]]; then
        binary="$(swift build --sanitize="$kind" --scratch-path "$scratch" --show-bin-path)/ldap-mfa-proxy"
        echo "== $kind: integration suite with $binary"
        integration_status=0
        # shellcheck disable=SC2086 # INTEGRATION_ARGS is split into arguments on purpose.
        LDAP_MFA_PROXY_BINARY="$binary" scripts/test-integration.sh ${INTEGRATION_ARGS:-} \
            --basetemp="$logs/$kind-pytest" >"$logs/$kind-integration.log" 2>&1 || integration_status=$?
        # The proxies' own logs hold their sanitizer reports (stderr goes to proxy.log).
        proxy_reports="$(grep -rlE 'WARNING: ThreadSanitizer|ERROR: AddressSanitizer' "$logs/$kind-pytest" 2>/dev/null | wc -l)"
        result_line="$(grep -E '^=+ .*(passed|failed|error).* in ' "$logs/$kind-integration.log" | tail -n 1)"
        if ((integration_status != 0 || proxy_reports > 0)); then
            failed=1
            summary+=("$kind: integration FAILED (exit $integration_status, reports in $proxy_reports proxy log(s)): $result_line (log $logs/$kind-integration.log)")
        else
            summary+=("$kind: integration clean: $result_line")
        fi
    fi
done

echo
echo "== summary"
printf '%s\n' "${summary[@]}"
exit "$failed"
