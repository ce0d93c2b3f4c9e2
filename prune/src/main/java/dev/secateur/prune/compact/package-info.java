/**
 * Structured compaction. {@link dev.secateur.prune.compact.ChannelGraph} finds which channel
 * spaces are shared (through BatchNorm, Flatten and residual adds) and which channels are dead;
 * {@link dev.secateur.prune.compact.StructuredCompactor} rebuilds a smaller dense model without
 * them; {@link dev.secateur.prune.compact.CompactionCheck} proves the compacted model computes
 * what the masked one does.
 */
package dev.secateur.prune.compact;
