/** Secateur nn. */
package dev.secateur.nn;
