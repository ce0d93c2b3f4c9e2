/**
 * Secateur datasets: reading, locating and batching image classification data. JDK only.
 *
 * <ul>
 *   <li>{@link dev.secateur.datasets.FashionMnist#load(java.nio.file.Path)} finds and loads
 *       Fashion-MNIST (explicit path, {@code $SECATEUR_DATA},
 *       {@code /usr/share/datasets/fashion-mnist}, bundled sample — in that order, see
 *       {@link dev.secateur.datasets.DataLocator}); {@link dev.secateur.datasets.Cifar10} does
 *       CIFAR-10.</li>
 *   <li>{@link dev.secateur.datasets.TrainTest} / {@link dev.secateur.datasets.Dataset}: immutable
 *       labelled images that always say where they came from ({@code source()},
 *       {@code isSample()}).</li>
 *   <li>{@link dev.secateur.datasets.Batcher}: seeded per-epoch shuffling into reused
 *       {@code [b, c, h, w]} tensors, with {@link dev.secateur.datasets.Normalization} and optional
 *       {@link dev.secateur.datasets.Augmentation}.</li>
 *   <li>{@link dev.secateur.datasets.IdxReader}, {@link dev.secateur.datasets.CifarReader}: file
 *       formats, validated before any allocation sized by a header; bad files raise
 *       {@link dev.secateur.datasets.DatasetFormatException} naming file and offset.</li>
 * </ul>
 */
package dev.secateur.datasets;
