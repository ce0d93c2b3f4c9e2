/** Secateur prune. */
package dev.secateur.prune;
