/** Reference architectures for Fashion-MNIST and CIFAR-10 inputs. */
package dev.secateur.nn.zoo;
