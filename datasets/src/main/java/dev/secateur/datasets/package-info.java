/** Secateur datasets. */
package dev.secateur.datasets;
