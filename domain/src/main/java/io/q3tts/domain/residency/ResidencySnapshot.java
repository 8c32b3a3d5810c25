package io.q3tts.domain.residency;

import io.q3tts.ports.in.models.ModelResidency;
import java.time.Instant;

/**
 * A model's residency at some moment.
 *
 * @param state in memory or not, never null
 * @param inFlight open leases
 * @param lastUsedAt last lease release or acquisition, or null if not resident
 * @param memoryBytes what the loaded model reports it holds ({@code LoadedModel.memoryBytes()}), 0 when none is loaded
 */
public record ResidencySnapshot(ModelResidency state, int inFlight, Instant lastUsedAt, long memoryBytes) {

    /** Not in memory. */
    public static final ResidencySnapshot AVAILABLE = new ResidencySnapshot(ModelResidency.AVAILABLE, 0, null, 0);
}
