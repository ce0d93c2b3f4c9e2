#!/usr/bin/env bash
# Long fuzzing campaign: fuzzes every parser in turn (one at a time, lowest CPU priority) and
# prints one summary line per target. Findings are written by the fuzzer into the target's corpus
# directory under src/test/resources (crash-*, timeout-*), where the normal build replays them.
#
#   bench/scripts/fuzz-campaign.sh [EXECUTIONS_PER_TARGET [MAX_SECONDS_PER_TARGET [TARGET_REGEX]]]
#
# Defaults: 1,000,000 inputs or 600 s per target, whichever comes first, every target (a regex
# such as 'cifar|modelFile' picks some). Logs: target/fuzz-logs/.
set -uo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
runs="${1:-1000000}"
secs="${2:-600}"
only="${3:-.}"
logs="$here/target/fuzz-logs"
mkdir -p "$logs"
targets=(
  "datasets DatasetReadersFuzzTest#idxImages"
  "datasets DatasetReadersFuzzTest#idxLabels"
  "datasets DatasetReadersFuzzTest#cifar"
  "nn SafetensorsFuzzTest#container"
  "nn SafetensorsFuzzTest#json"
  "nn ModelFileFuzzTest#modelFile"
  "nn ModelFileFuzzTest#architecture"
  "nn CompressedModelFileFuzzTest#compressedFile"
  "nn CompressedModelFileFuzzTest#positions"
  "nn CompressedModelFileFuzzTest#history"
  "bench OnnxFuzzTest#onnxFile"
)
cd "$here"
printf '%-46s %10s %8s %8s %7s %s\n' target inputs fuzz_s wall_s result log
for t in "${targets[@]}"; do
  [[ "$t" =~ $only ]] || continue
  module="${t%% *}"; test="${t#* }"
  log="$logs/${test/\#/.}.log"
  start=$(date +%s)
  # 512 MiB heap for the test JVM: an input that needs more is an out-of-memory finding. Each fuzz
  # method's @Timeout is the fuzzer's per-input limit; JUnit's own timeout handling is switched off,
  # as it would otherwise apply that limit to the whole fuzzing run.
  JAZZER_FUZZ=1 JAZZER_MAX_EXECUTIONS="$runs" JAZZER_MAX_DURATION="${secs}s" JAVA_TOOL_OPTIONS="-Xmx512m" \
    nice -n 19 mvn -o -q verify -pl "$module" -am -Dtest="$test" -Dsurefire.failIfNoSpecifiedTests=false \
    -Djunit.jupiter.execution.timeout.mode=disabled >"$log" 2>&1
  rc=$?
  end=$(date +%s)
  done_line=$(grep -a -E '^Done [0-9]+ runs' "$log" | tail -1)
  inputs=$(echo "$done_line" | awk '{print $2}')
  fuzz_s=$(echo "$done_line" | awk '{print $5}')
  [ -n "$inputs" ] || inputs=$(grep -a -oE '^#[0-9]+' "$log" | tail -1 | tr -d '#')
  result=ok; [ $rc -eq 0 ] || result="FAIL($rc)"
  grep -a -q -E '== Java Exception|OutOfMemory|ERROR: libFuzzer: timeout|deadly signal' "$log" && result="FINDING"
  printf '%-46s %10s %8s %8s %7s %s\n' "$module/$test" "${inputs:-?}" "${fuzz_s:-?}" "$((end - start))" "$result" "$log"
done
