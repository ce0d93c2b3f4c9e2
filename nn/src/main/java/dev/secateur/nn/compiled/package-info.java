/**
 * Inference-only compiled models: {@link dev.secateur.nn.compiled.CompiledModel} folds BatchNorm,
 * fuses ReLU, and runs every dense/conv layer with the kernel (dense GEMM, CSR, BSR, bitmap,
 * N:M, int8, compacted dense) measured fastest for that layer's shape, weights and batch size.
 */
package dev.secateur.nn.compiled;
