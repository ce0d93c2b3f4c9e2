#!/usr/bin/env bash
# The kernels at every vector width the JVM can show on an AVX-512 machine, ratios within one JMH
# run per width: default (512-bit), -XX:UseAVX=2 (256-bit, AVX2), -XX:MaxVectorSize=16 (128-bit
# with FMA, the NEON shape), -XX:UseAVX=0 (128-bit SSE, no FMA). OpenBLAS keeps this machine's
# OPENBLAS_CORETYPE (Haswell = its AVX2 kernel) unless the caller unsets it.
# Usage: bench/scripts/width-benchmarks.sh [width...]   widths: 512 256 128 nofma (default: all)
# Results (JSON + text) go to runs/bench/widths/.
set -euo pipefail
cd "$(dirname "$0")/../.."
out=runs/bench/widths; mkdir -p "$out"
jmh() { local name=$1; shift; ./secateur jmh "$@" -rf json -rff "$out/$name.json" 2>&1 | tee "$out/$name.txt" | grep -E '^(#|Benchmark|[A-Z][A-Za-z]+Benchmark\.)' || true; }
widths=("$@"); [ ${#widths[@]} -gt 0 ] || widths=(512 256 128 nofma)
for w in "${widths[@]}"; do
  case $w in
    512)   flag="" ;;
    256)   flag="-XX:UseAVX=2" ;;
    128)   flag="-XX:MaxVectorSize=16" ;;
    nofma) flag="-XX:UseAVX=0" ;;
    *) echo "unknown width $w (512 256 128 nofma)" >&2; exit 2 ;;
  esac
  args=(-f 1 -wi 2 -i 3 -w 1s -r 1s)
  # A command-line -jvmArgsAppend replaces the benchmarks' own, so the kernel-choice cache is
  # switched off here again (else a fork reuses choices another run stored on this machine).
  [ -n "$flag" ] && args+=(-jvmArgsAppend "$flag -Dsecateur.kernel.cache=off")
  jmh "gemm-$w" GemmBenchmark -p impl=secateur,openblas -p size=1024 -p threads=1 "${args[@]}"
  [ "$w" = 512 ] && jmh "gemm2048-$w" GemmBenchmark -p impl=secateur,openblas -p size=2048 -p threads=2 "${args[@]}"
  jmh "spmm1-$w" SpmmBenchmark -p shape=4096x4096 -p mask=random -p batch=1 -p format=dense,auto \
      -p sparsity=0.0,0.5,0.9,0.95 "${args[@]}"
  jmh "spmm64-$w" SpmmBenchmark -p shape=4096x4096 -p mask=random -p batch=64 -p format=dense,auto \
      -p sparsity=0.0,0.5,0.9 "${args[@]}"
  jmh "model-$w" ModelBenchmark -p impl=compiled-dense,compiled -p compile=cold -p weights=dense,pruned "${args[@]}"
done
