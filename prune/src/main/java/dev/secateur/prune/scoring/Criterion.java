package dev.secateur.prune.scoring;

import java.util.Locale;

/**
 * How the contribution of a pruning unit (a weight, filter, channel or block) is scored. Low
 * scores are pruned first. Every score is finite and {@code >= 0}.
 *
 * <p>Per unit U of a layer with weights W, bias b and (for {@link #TAYLOR}) gradients G:
 * <ul>
 *   <li>{@link #L1}: Σ_{i∈U} |W_i|.</li>
 *   <li>{@link #L2}: sqrt(Σ_{i∈U} W_i²).</li>
 *   <li>{@link #L1_PLUS_BIAS} ({@code l1-bias}, alias {@code seed}): the seed's contribution, Σ_{i∈U} |W_i| + Σ_{f∈rows(U)} |b_f| — the L1
 *       sum plus the bias magnitude of every output filter/neuron the unit belongs to (once per
 *       filter). An input channel spans every filter, so its bias term is the same for all
 *       channels of a layer and is left out (it would not change the ranking inside a layer).</li>
 *   <li>{@link #MAX_PLUS_BIAS} ({@code max-bias}, alias {@code seed-max}): the seed's δ variant, max_{i∈U} |W_i| + max_{f∈rows(U)} |b_f| (no
 *       bias term for input channels, as above).</li>
 *   <li>{@link #RANDOM}: a seeded uniform draw in [0, 1) per unit — the control baseline.</li>
 *   <li>{@link #TAYLOR}: first-order Taylor estimate of the loss change, Σ_{i∈U} |W_i · G_i|;
 *       needs gradients (accumulated over one or more batches by the caller).</li>
 * </ul>
 */
public enum Criterion {
    L1("l1"), L2("l2"), L1_PLUS_BIAS("l1-bias", "seed"), MAX_PLUS_BIAS("max-bias", "seed-max"), RANDOM("random"), TAYLOR("taylor");

    private final String cliName;
    private final String alias;

    Criterion(String cliName) { this(cliName, null); }

    Criterion(String cliName, String alias) {
        this.cliName = cliName;
        this.alias = alias;
    }

    /** The command-line spelling ({@code l1}, {@code seed-max}, ...). */
    public String cliName() { return cliName; }

    /** Whether scoring needs the loss gradient of the weights. */
    public boolean needsGradients() { return this == TAYLOR; }

    /** Whether the score reads the layer's bias. */
    public boolean usesBias() { return this == L1_PLUS_BIAS || this == MAX_PLUS_BIAS; }

    /**
     * Parses a command-line name (case-insensitive, {@code _} for {@code -}); the names of the
     * seed document, {@code seed} and {@code seed-max}, are accepted for {@code l1-bias} and
     * {@code max-bias}.
     */
    public static Criterion parse(String s) {
        String k = s.trim().toLowerCase(Locale.ROOT).replace('_', '-');
        for (Criterion c : values()) {
            if (c.cliName.equals(k) || k.equals(c.alias)) return c;
        }
        throw new IllegalArgumentException("unknown criterion '" + s + "' (expected l1, l2, l1-bias (alias seed), max-bias (alias seed-max), random or taylor)");
    }

    @Override public String toString() { return cliName; }
}
