#!/usr/bin/env bash
# Scratch harnesses behind a few figures in BENCHMARKS.md and docs/bench/sparse.md that JMH does
# not produce (array alignment, JIT-order effects, calibration choices). They time in-process
# loops, so read them as relative numbers on an idle machine.
#   bench/scripts/harness/run.sh Align                      # CSR / pcsr at X offsets 0,4,8,12 (64-byte object alignment)
#   bench/scripts/harness/run.sh AlignGemv 300 784             # batch-1 GEMV with the weight at heap offsets 0,4,8,12 floats (64-byte object alignment) and off-heap
#   bench/scripts/harness/run.sh Micro                      # bare 4-load/4-FMA loop, misaligned vs aligned X
#   bench/scripts/harness/run.sh Sel 0.3 [sel]              # csr vs pcsr at 4096²×64, density 0.3, optionally after SparseSelector
#   bench/scripts/harness/run.sh DenseGemv [format] [sparsity]   # batch-1 ms/call, bytes/call, and a scalar loop's time (add JVM flags via JAVA_FLAGS)
#   bench/scripts/harness/run.sh Prof lenet5[:dense] 1 [kernels]    # compiled model's kernel choices and µs/call (kernels: none | a,b,c)
#   OPENBLAS_CORETYPE=Haswell JAVA_FLAGS=-XX:UseAVX=2 bench/scripts/harness/run.sh GemmPaired 1024 20 1 [M K [packed]]   # our SGEMM vs OpenBLAS, alternating blocks in one JVM (C = M×K · K×N, our A pre-packed)
#   bench/scripts/harness/run.sh GemmBuilds 2048 40 1 /tmp/old-classes   # two builds of our SGEMM and OpenBLAS, alternating blocks in one JVM
#   JAVA_FLAGS=-XX:UseAVX=2 bench/scripts/harness/run.sh AutoVsDense 0.9 1 10   # the selector's choice against dense, alternating blocks in one JVM
#   bench/scripts/harness/run.sh ConvPair 32x14x14-64k3s1p1-b1,64x7x7-128k3s1p1-b16 30   # DirectConv vs ChannelVectorConv per layer, CPU time
#   bench/scripts/harness/run.sh FcPair 300 784 0.08 64 pcsr,pcsr~sm,csr   # sparse formats on one layer (or lenet300:fc1), alternating blocks, CPU time (JAVA_FLAGS=-Dreps=R: R calls per block)
#   bench/scripts/harness/run.sh FmaPeak                         # register-only vector FMA rate (GFLOP/s) at the preferred width
#   bench/scripts/harness/run.sh SgemmTiles                      # the 16-register SGEMM tiles alone (3x3 vs 4x2 vectors of 256 bits), GFLOP/s
#   JAVA_FLAGS=-Dsecateur.kernel.cache=off bench/scripts/harness/run.sh ModelDrift lenet300 64 16   # pruned and dense model alternating in one JVM: a slow JVM's code or the host's slow stretch
#   bench/scripts/harness/run.sh TransposeTimes 64x784 64x400 400x64   # layout transposes: in-register blocks vs the scalar tiles they replaced
#   bench/scripts/harness/run.sh MaskedStores                    # ns per vector: plain copy, partial-mask store, partial-mask load, all-true-mask store
#   bench/scripts/harness/run.sh BroadcastTiles                  # the batched dense tile shapes alone: ns per FMA by samples × vectors
#   bench/scripts/harness/run.sh CsrCursors one8,abs8,absz       # CSR's batch-1 row loop: four / one4 / one8 / abs8 / absz cursor and column layouts (a comma list alternates them in one JVM)
#   bench/scripts/harness/run.sh Gathers sorted                  # ns per 16-lane gather for an index pattern
#   JAVA_FLAGS=-XX:UseAVX=2 bench/scripts/harness/run.sh ConsecutiveCalls csr,wsell8   # µs of the 1st..8th consecutive call after a dense product (data coming back into cache)
#   bench/scripts/harness/run.sh LoadWidths 64                   # a 64 MiB array streamed by 512-, 256- and 128-bit loads (and 2 × 256 joined), GB/s (12: a cache-resident one)
#   bench/scripts/harness/run.sh ModelPair vgg:dense:1,vgg:filtered:64 direct,auto   # whole compiled models per secateur.conv.dense setting
#   JAVA_FLAGS=-Dsecateur.kernel.cache=off bench/scripts/harness/run.sh ColdCompile lenet5:dense   # first compile of a fresh JVM vs a warm recompile, per layer
#   JAVA_FLAGS=-Dsecateur.kernel.cache=off bench/scripts/harness/run.sh FirstCompile lenet300   # wall time of a pruned model's first compile
#   JAVA_FLAGS=-Dsecateur.kernel.cache=off bench/scripts/harness/run.sh FirstCompilePair lenet5:dense   # first compile's kernels vs dense-only, per-round CPU-time ratios at batch 1 and 64
#   bench/scripts/harness/run.sh BlockPrune lenet300 0.08 unstructured,block:16x1   # kernels and tuned times per pruning granularity
#   JAVA_FLAGS=-XX:UseAVX=0 bench/scripts/harness/run.sh EpilogueBuilds /tmp/before.jar bench/target/benchmarks.jar 4 conv:32x14x14-64:cv:1 sparse:csr:300:784:0.1:64   # fused-ReLU kernels of two builds and a scalar loop, alternating blocks in one JVM
#   JAVA_FLAGS="-XX:+PrintCompilation -XX:Tier3DelayOn=1000000 -XX:-ProfileInterpreter" bench/scripts/harness/run.sh JitTiers sgemm,sparse,conv,pool,train | grep "dev.secateur.*COMPILE SKIPPED"   # C1 bailouts of our kernels (every hot method offered to tier 3)
#   JAVA_FLAGS="-Xss4m -XX:+UseParallelGC -Dsecateur.kernel.cache=off" bench/scripts/harness/run.sh VectorFallbacks lenet5 64 4   # JFR samples of a compiled model: top frame and line <- nearest Secateur method; Vector API calls left un-inlined flagged
#   bench/scripts/harness/run.sh WindowSlots 4096 4096 -100 0,3    # wsell16's batch-1 slot loop and variants on synthetic slots, µs per product
#   bench/scripts/harness/run.sh WindowBands 4096 4096 0.1 1,2,4  # wsell16's slot loop over fixed 16-row slices vs rows regrouped per window in bands of 32 / 64, µs per product
#   bench/scripts/harness/run.sh MaskStats lenet300            # row/column lengths of a pruned model's layers and windowed-SELL slot counts, rows in order vs sorted (or: MaskStats random 2048 0.1)
#   bench/scripts/harness/run.sh GemmHalves                      # two independent single-thread SGEMM halves at once vs one alone vs the shared two-worker call
#   bench/scripts/harness/run.sh LayerTimes vgg                    # each layer's training forward and backward alone, 1 and 2 threads, batch 64
#   bench/scripts/harness/run.sh WorkerPickup 100 10              # how soon the pool's worker joins a call after GAP µs of caller-only work (tasks of TASK µs)
#   bench/scripts/harness/run.sh TrainAlloc lenet5 2 6             # heap bytes per training step after warm-up (all threads, batches 100-399 of each round)
#   bench/scripts/harness/run.sh ConvTrainPasses c1,c2,v1,v2,v3 8       # one training convolution's passes at batch 64: im2col with kept columns vs direct forward, weight gradient (both layouts) and input gradient
set -euo pipefail
cd "$(dirname "$0")/../../.."
name=${1:?harness name}; shift
./secateur --version >/dev/null 2>&1 || true   # builds bench/target/benchmarks.jar when stale
java=$(ls -d /usr/lib/jvm/*25* 2>/dev/null | head -n 1)/bin/java
out=$(mktemp -d)
"${java%java}javac" -d "$out" --add-modules jdk.incubator.vector -cp bench/target/benchmarks.jar "bench/scripts/harness/$name.java" 2>&1 | grep -v 'warning' || true
extra=(); case "$name" in Align|AlignGemv|Micro) extra=(-XX:ObjectAlignmentInBytes=64) ;; esac
exec "$java" --add-modules jdk.incubator.vector ${JAVA_FLAGS:-} "${extra[@]}" -cp "bench/target/benchmarks.jar:$out" "$name" "$@"
