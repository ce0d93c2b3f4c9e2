/** Mask-respecting optimizers (SGD with momentum / Nesterov, Adam / AdamW) and learning-rate schedules. */
package dev.secateur.nn.optim;
