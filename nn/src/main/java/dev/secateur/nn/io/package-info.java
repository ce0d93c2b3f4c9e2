/**
 * Model file input/output with no dependencies beyond the JDK: safetensors files
 * ({@link dev.secateur.nn.io.SafetensorsWriter}, {@link dev.secateur.nn.io.SafetensorsFile}),
 * a strict JSON parser and writer ({@link dev.secateur.nn.io.Json}) used for their headers and
 * for result files, and atomic file replacement ({@link dev.secateur.nn.io.AtomicFile}).
 */
package dev.secateur.nn.io;
