#!/usr/bin/env bash
# Builds a libFuzzer target of the Fuzz/ package and runs it (issues 2 and 8).
#
#   scripts/fuzz.sh [SECONDS] [TARGET]      e.g.  nice -n 10 scripts/fuzz.sh 600 session
#
# SECONDS (default 60) is libFuzzer's -max_total_time; TARGET (default codec) names the target:
#   codec    Fuzz/Sources/FuzzCodec: frame parser + full decode + re-encode, filter and DN text
#   session  Fuzz/Sources/FuzzSession: event sequences fed to SessionStateMachine, invariants
#            checked after every step (see Fuzz/Sources/FuzzSession/SessionHarness.swift)
#
# 1. Builds in release with the sanitizer flags that work with SwiftPM (see the toolchain notes):
#    --sanitize=fuzzer -Xswiftc -sanitize=fuzzer,address, in its own build folder Fuzz/.build-fuzz.
# 2. Replays every input in Fuzz/regressions/TARGET/ (inputs that once crashed it); fails if one
#    still crashes.
# 3. Fuzzes for SECONDS, starting from the committed seeds in Fuzz/corpus/TARGET/; new corpus
#    entries go to Fuzz/.build-fuzz/corpus/TARGET/ (never into the committed seeds), crashing
#    inputs to Fuzz/artifacts/TARGET/, the whole log to Fuzz/.build-fuzz/logs/.
# Exits non-zero when the build fails, a regression input crashes, or fuzzing finds a crash.
# Extra libFuzzer flags can be given in FUZZ_FLAGS (e.g. FUZZ_FLAGS="-max_len=8192").
# With FUZZ_MERGE=1, a run without a crash ends with libFuzzer -set_cover_merge=1 (the smallest-set
# variant of -merge=1) of what it found into Fuzz/corpus/TARGET/: only inputs that add coverage
# beyond the seeds are added; commit them.
set -euo pipefail

seconds="${1:-60}"
target="${2:-codec}"
case "$target" in
codec) product=FuzzCodec ;;
session) product=FuzzSession ;;
*)
    echo "fuzz.sh: unknown target '$target' (known: codec, session)" >&2
    exit 2
    ;;
esac
[[ "$seconds" =~ ^[0-9]+$ ]] || {
    echo "fuzz.sh: SECONDS must be a whole number, not '$seconds'" >&2
    exit 2
}

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
scratch=Fuzz/.build-fuzz
seeds="Fuzz/corpus/$target"
regressions="Fuzz/regressions/$target"
workCorpus="$scratch/corpus/$target"
artifacts="Fuzz/artifacts/$target"
logs="$scratch/logs"
mkdir -p "$workCorpus" "$artifacts" "$logs"

# Swift's backtracer can hang on a crash under libFuzzer; libFuzzer and ASan print the stack.
export SWIFT_BACKTRACE=enable=no

echo "== building $product (release, fuzzer + address sanitizer)"
swift build -c release --package-path Fuzz --scratch-path "$scratch" --product "$product" \
    --sanitize=fuzzer -Xswiftc -sanitize=fuzzer,address
binary="$(swift build -c release --package-path Fuzz --scratch-path "$scratch" --show-bin-path)/$product"

echo "== replaying $regressions"
mapfile -t replay < <(find "$regressions" -type f ! -name 'README*' | sort)
if ((${#replay[@]} > 0)); then
    if ! "$binary" "${replay[@]}" >"$logs/regressions.log" 2>&1; then
        cat "$logs/regressions.log" >&2
        echo "fuzz.sh: an input in $regressions still crashes $product" >&2
        exit 1
    fi
    echo "${#replay[@]} input(s) replayed, none crashes"
else
    echo "no regression inputs"
fi

log="$logs/$target-$(date -u +%Y%m%dT%H%M%SZ).log"
echo "== fuzzing $product for ${seconds}s (log: $log)"
status=0
# shellcheck disable=SC2086 # FUZZ_FLAGS is split into flags on purpose.
"$binary" "$workCorpus" "$seeds" \
    -max_total_time="$seconds" -max_len=4096 -timeout=10 -use_value_profile=1 \
    -print_final_stats=1 -artifact_prefix="$artifacts/" ${FUZZ_FLAGS:-} >"$log" 2>&1 || status=$?

grep -E '^#[0-9]+[[:space:]]+(INITED|DONE)|^stat::|^Done ' "$log" || true
if ((status != 0)); then
    tail -n 60 "$log" >&2
    echo "fuzz.sh: $product crashed or failed (exit $status); input saved under $artifacts/." >&2
    echo "Keep it: copy it to $regressions/ so every later run replays it." >&2
    exit "$status"
fi
echo "corpus: $(find "$seeds" -type f | wc -l) committed seeds + $(find "$workCorpus" -type f | wc -l) found in $workCorpus"
if [[ "${FUZZ_MERGE:-0}" == 1 ]]; then
    # Merging into the seeds: the named seeds stay; only inputs that add coverage are copied in.
    before="$(find "$seeds" -type f | wc -l)"
    echo "== merging $workCorpus into $seeds (new coverage only)"
    "$binary" -set_cover_merge=1 -max_len=4096 "$seeds" "$workCorpus" >"$logs/$target-merge.log" 2>&1 || {
        tail -n 20 "$logs/$target-merge.log" >&2
        echo "fuzz.sh: merging failed" >&2
        exit 1
    }
    echo "corpus: $before -> $(find "$seeds" -type f | wc -l) files, $(du -sk "$seeds" | cut -f1) KB in $seeds"
fi
