/** The training loop, evaluation and progress reporting. */
package dev.secateur.nn.train;
