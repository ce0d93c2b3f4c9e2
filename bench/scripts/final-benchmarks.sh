#!/usr/bin/env bash
# The JMH runs behind BENCHMARKS.md, in one go on a quiet machine. Results (JSON + text) go to
# runs/bench/. Usage: bench/scripts/final-benchmarks.sh [suite...]   (default: all suites)
set -euo pipefail
cd "$(dirname "$0")/../.."
out=runs/bench; mkdir -p "$out"
jmh() { local name=$1; shift; ./secateur jmh "$@" -rf json -rff "$out/$name.json" 2>&1 | tee "$out/$name.txt" | grep -E '^(Benchmark|[A-Z][A-Za-z]+Benchmark\.)' || true; }
jmh_unset() { local name=$1; shift; env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE ./secateur jmh "$@" -rf json -rff "$out/$name.json" 2>&1 | tee "$out/$name.txt" | grep -E '^(Benchmark|[A-Z][A-Za-z]+Benchmark\.)' || true; }
suites=("$@"); [ ${#suites[@]} -gt 0 ] || suites=(gemm gemm-native magnitude conv spmm spmm64 spmm-block convsparse model)
for s in "${suites[@]}"; do
  case $s in
    gemm)       jmh gemm 'GemmBenchmark' -p impl=secateur,openblas -f 2 -wi 2 -i 3 -w 1s -r 1s
                jmh gemm-ref 'GemmBenchmark' -p impl=reference -p size=128 -f 1 -wi 2 -i 3 -w 1s -r 1s ;;
    gemm-native) # OpenBLAS with its own kernel choice: this machine's environment pins OPENBLAS_CORETYPE=Haswell
                jmh_unset gemm-native 'GemmBenchmark' -p impl=secateur,openblas \
                    -p size=512,1024,2048 -f 2 -wi 2 -i 3 -w 1s -r 1s ;;
    magnitude)  jmh magnitude 'MagnitudeBenchmark' -f 2 -wi 2 -i 3 -w 1s -r 1s ;;
    conv)       jmh conv 'ConvBenchmark' -f 2 -wi 2 -i 3 -w 1s -r 1s ;;
    spmm)       jmh spmm 'SpmmBenchmark' -p shape=4096x4096 -p mask=random -p batch=1 -p format=dense,csr,bsr4x1,wsell16,auto \
                    -p sparsity=0.0,0.5,0.7,0.8,0.9,0.95 -f 2 -wi 2 -i 3 -w 1s -r 1s ;;
    spmm64)     jmh spmm64 'SpmmBenchmark' -p shape=4096x4096 -p mask=random -p batch=64 -p format=dense,csr,pcsr,bsr4x1,auto \
                    -p sparsity=0.0,0.5,0.7,0.8,0.9,0.95 -f 1 -wi 2 -i 4 -w 1s -r 1s ;;
    spmm-block) jmh spmm-block 'SpmmBenchmark' -p shape=4096x4096 -p mask=block -p format=dense,bsr4x1,bsr8x1 \
                    -p sparsity=0.9 -p batch=64 -f 1 -wi 2 -i 3 -w 1s -r 1s ;;
    convsparse) jmh convsparse 'ConvSparseBenchmark' -p format=dense,csr,bsr4x1,auto,direct -f 1 -wi 2 -i 4 -w 1s -r 1s ;;
    model)      jmh model 'ModelBenchmark' -f 1 -wi 2 -i 3 -w 1s -r 1s ;;
    *) echo "unknown suite $s" >&2; exit 2 ;;
  esac
done
