#!/usr/bin/env bash
# Runs the CLI over broken model files, broken data sets and out-of-range options, each in a
# 256 MiB heap with a 10 s limit (60 s for the shipped models, which do real work), and
# classifies every run:
#   refused  exit 2 and exactly one "error:" line      loaded  exit 0
#   stopped  exit 3 and no "error:" line (a guard rail, e.g. the accuracy budget, rolled back)
#   FAIL     anything else (exit 1, a timeout, several or no error lines, out of memory)
# Prints per-command counts and every FAIL; raw results in target/hostile-inputs/results.tsv.
#
#   bench/scripts/hostile-inputs.sh            (needs bench/target/benchmarks.jar; ./secateur builds it)
set -uo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$here"
out="$here/target/hostile-inputs"
rm -rf "$out"; mkdir -p "$out/files" "$out/data" "$out/runs"
export SECATEUR_JAVA_OPTS="-Xmx256m -Dsecateur.kernel.cache=off"
./secateur --version >/dev/null 2>&1 || { echo "cannot run ./secateur" >&2; exit 1; }
sample="$here/datasets/src/main/resources/dev/secateur/datasets/sample"
nn="$here/nn/src/test/resources/dev/secateur/nn"
ds="$here/datasets/src/test/resources/dev/secateur/datasets/DatasetReadersFuzzTestInputs"
results="$out/results.tsv"
limit=10
printf 'group\tcase\tcommand\texit\terror_lines\tseconds\toutcome\tfirst_error\n' > "$results"

# run GROUP CASE COMMAND ARGS...: one CLI run, classified and appended to results.tsv.
run() {
  local group="$1" name="$2"; shift 2
  local log="$out/runs/$group.$name.$1.log" start end rc lines outcome
  start=$(date +%s.%N)
  timeout -k 2 "$limit" ./secateur "$@" >"$log.out" 2>"$log"
  rc=$?
  end=$(date +%s.%N)
  lines=$(grep -c '^error:' "$log")
  if [ "$rc" -eq 0 ]; then outcome=loaded
  elif [ "$rc" -eq 2 ] && [ "$lines" -eq 1 ]; then outcome=refused
  elif [ "$rc" -eq 3 ] && [ "$lines" -eq 0 ]; then outcome=stopped
  else outcome=FAIL; fi
  [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ] && outcome=FAIL
  printf '%s\t%s\t%s\t%s\t%s\t%.1f\t%s\t%s\n' "$group" "$name" "$1" "$rc" "$lines" "$(echo "$end - $start" | bc)" "$outcome" \
    "$( (grep -m1 '^error:' "$log" || tail -1 "$log") | cut -c1-160 | tr '\t' ' ')" >> "$results"
}

# Model files: every file of the model-file fuzz corpora, the shipped models, and non-files.
for dir in "$nn/ModelFileFuzzTestInputs/modelFile" "$nn/compressed/CompressedModelFileFuzzTestInputs/compressedFile" \
           "$nn/io/SafetensorsFuzzTestInputs/container"; do
  for f in "$dir"/*; do cp "$f" "$out/files/$(basename "$dir")-$(basename "$f").safetensors"; done
done
for f in models/*.safetensors; do cp "$f" "$out/files/shipped-$(basename "$f")"; done
mkfifo "$out/files/fifo.safetensors"
mkdir "$out/files/directory.safetensors"
: > "$out/files/empty.safetensors"
models=("$out"/files/*.safetensors "$out/files/missing.safetensors")
for f in "${models[@]}"; do
  name=$(basename "$f" .safetensors)
  case "$name" in shipped-*) limit=60 ;; *) limit=10 ;; esac
  run model "$name" inspect "$f"
  run model "$name" eval "$f" --data "$sample"
  run model "$name" report "$f" --data "$sample" --no-latency
  run model "$name" prune "$f" --data "$sample" --compression 2 --finetune-epochs 0 --out "$out/pruned.safetensors"
  run model "$name" quantize "$f" --data "$sample" --calibration-batches 1 --out "$out/quantized.safetensors"
done
limit=10

# Data sets: the sample with its test images or labels replaced by a broken file.
dataset() { # NAME WHICH(images|labels) FILE
  local d="$out/data/$1"
  mkdir -p "$d"
  for f in "$sample"/*; do ln -s "$f" "$d/"; done
  local target="t10k-$2-idx$([ "$2" = images ] && echo 3 || echo 1)-ubyte"
  rm -f "$d/$target.gz"
  case "$3" in *.gz) cp "$3" "$d/$target.gz" ;; *) cp "$3" "$d/$target" ;; esac
  run data "$1" eval models/lenet5.safetensors --data "$d"
}
for f in "$ds"/idxImages/*; do dataset "images-$(basename "$f")" images "$f"; done
for f in "$ds"/idxLabels/*; do dataset "labels-$(basename "$f")" labels "$f"; done
head -c 2147483648 /dev/zero | gzip -1 > "$out/bomb-2GiB.gz"
dataset images-gzip-bomb-2GiB.gz images "$out/bomb-2GiB.gz"
d="$out/data/images-fifo"; mkdir -p "$d"; for f in "$sample"/*; do ln -s "$f" "$d/"; done
rm -f "$d/t10k-images-idx3-ubyte.gz"; mkfifo "$d/t10k-images-idx3-ubyte.gz"
run data images-fifo eval models/lenet5.safetensors --data "$d"
run data missing-dir eval models/lenet5.safetensors --data "$out/data/nosuch"

# Option values out of range (validated before any work, or not: listed as found).
m=models/lenet5.safetensors
o="$out/opt.safetensors"
run option compression-1e9 prune $m --data "$sample" --compression 1e9 --finetune-epochs 0 --out "$o"
run option compression-Infinity prune $m --data "$sample" --compression Infinity --finetune-epochs 0 --out "$o"
run option sparsity-1 prune $m --data "$sample" --sparsity 1 --finetune-epochs 0 --out "$o"
run option nm-0-4 prune $m --data "$sample" --granularity nm:0:4 --finetune-epochs 0 --out "$o"
run option block-100000x100000 prune $m --data "$sample" --granularity block:100000x100000 --compression 2 --finetune-epochs 0 --out "$o"
run option schedule-iterative-1000000 prune $m --data "$sample" --schedule iterative:1000000 --compression 2 --finetune-epochs 0 --out "$o"
run option layer-density-nosuch prune $m --data "$sample" --layer-density nosuch=0.5 --finetune-epochs 0 --out "$o"
run option out-is-directory prune $m --data "$sample" --compression 2 --finetune-epochs 0 --out "$out/data"
run option out-empty prune $m --data "$sample" --compression 2 --finetune-epochs 0 --out ""
run option out-readonly-dir prune $m --data "$sample" --compression 2 --finetune-epochs 0 --out "/proc/secateur.safetensors"
run option json-is-directory eval $m --data "$sample" --json "$out/data"
run option percentile-200 quantize $m --data "$sample" --percentile 200 --out "$o"
run option calibration-batches-0 quantize $m --data "$sample" --calibration-batches 0 --out "$o"
run option warmup-minus-1 train --model lenet300 --epochs 1 --data "$sample" --warmup -1 --out "$o"
run option momentum-5 train --model lenet300 --epochs 1 --data "$sample" --momentum 5 --out "$o"

echo "== outcomes per group and command (refused = exit 2 + one error line; loaded = exit 0; stopped = exit 3, a guard rail)"
awk -F'\t' 'NR > 1 { k = $1 " " $3; n[k]++; c[k, $7]++ }
  END { printf "%-18s %6s %8s %7s %7s %5s\n", "group command", "runs", "refused", "loaded", "stopped", "FAIL";
        for (k in n) printf "%-18s %6d %8d %7d %7d %5d\n", k, n[k], c[k, "refused"], c[k, "loaded"], c[k, "stopped"], c[k, "FAIL"] }' "$results" | sort
awk -F'\t' 'NR > 1 { t++; c[$7]++ } END { printf "total: %d runs, %d refused, %d loaded, %d stopped, %d FAIL\n", t, c["refused"], c["loaded"], c["stopped"], c["FAIL"] }' "$results"
echo "== FAIL"
awk -F'\t' '$7 == "FAIL" { printf "%s/%s %s: exit %s, %s error line(s), %ss: %s\n", $1, $2, $3, $4, $5, $6, $8 }' "$results"
