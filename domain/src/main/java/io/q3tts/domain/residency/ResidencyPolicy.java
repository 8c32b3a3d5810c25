package io.q3tts.domain.residency;

import java.time.Duration;
import java.util.Objects;

/**
 * How many models may be in memory and for how long.
 *
 * @param maxResident generation models (bundles with a talker) resident at once, &gt;= 1 (default 1)
 * @param maxResidentTokenizers tokenizer-only models (the codec bundle, small, CPU) resident at once,
 *     &gt;= 1; counted apart so a tokenizer call never evicts the generation model
 * @param idleUnloadAfter a model unused for this long is unloaded by {@link ModelResidencyManager#unloadIdle()};
 *     {@link Duration#ZERO} keeps models until evicted
 * @param evictionTimeout how long an eviction or unload waits for the model's in-flight work before
 *     giving up with CONFLICT, positive
 */
public record ResidencyPolicy(int maxResident, int maxResidentTokenizers, Duration idleUnloadAfter, Duration evictionTimeout) {

    /** @throws IllegalArgumentException on an out-of-range value */
    public ResidencyPolicy {
        if (maxResident < 1 || maxResidentTokenizers < 1) {
            throw new IllegalArgumentException("resident limits must be at least 1");
        }
        Objects.requireNonNull(idleUnloadAfter, "idleUnloadAfter");
        if (idleUnloadAfter.isNegative()) {
            throw new IllegalArgumentException("idleUnloadAfter must not be negative");
        }
        if (evictionTimeout == null || evictionTimeout.isZero() || evictionTimeout.isNegative()) {
            throw new IllegalArgumentException("evictionTimeout must be positive: " + evictionTimeout);
        }
    }

    /** @return 1 generation model, 1 tokenizer model, unload after 15 idle minutes, wait up to 10 minutes to evict */
    public static ResidencyPolicy defaults() {
        return new ResidencyPolicy(1, 1, Duration.ofMinutes(15), Duration.ofMinutes(10));
    }
}
