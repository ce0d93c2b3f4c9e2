/** Layer implementations (Dense, Conv2d, pooling, BatchNorm, Dropout, residual blocks) and their spec factory. */
package dev.secateur.nn.layers;
