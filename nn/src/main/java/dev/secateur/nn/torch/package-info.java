/**
 * PyTorch weights in and out: {@link dev.secateur.nn.torch.StateDicts} loads a {@code state_dict}
 * saved as safetensors, with a zoo name or a JSON layer list
 * ({@link dev.secateur.nn.torch.ArchitectureDescription}), and saves a model back as a state
 * dict; {@link dev.secateur.nn.torch.TorchNames} documents how layers and PyTorch modules are
 * paired. No dependency beyond nn: the safetensors reader and writer are {@code nn.io}'s.
 */
package dev.secateur.nn.torch;
