package io.q3tts.adapters.inference.onnx.engine;

import io.q3tts.ports.model.CancellationToken;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * One sequence of a batched frame loop ({@link CodeGenerator#generateBatch}): everything a single
 * {@link CodeGenerator#generate} call takes, plus where its outcome goes.
 *
 * @param prompt the talker prompt
 * @param settings this row's decoding settings (sampling, seed, limits, guard)
 * @param listener this row's per-frame callback, or null
 * @param hook this row's decision hook, or null
 * @param cancel cancels this row alone
 * @param onDone receives this row's outcome exactly once, on the generating thread
 */
public record BatchRow(TalkerPrompt prompt, GenerationSettings settings, FrameListener listener, DecisionHook hook,
                       CancellationToken cancel, Consumer<Outcome> onDone) {

    /** Validates that the required parts are present. */
    public BatchRow {
        Objects.requireNonNull(prompt, "prompt");
        Objects.requireNonNull(settings, "settings");
        Objects.requireNonNull(cancel, "cancel");
        Objects.requireNonNull(onDone, "onDone");
    }

    /**
     * How a row ended: exactly one of {@code codes} and {@code error} is non-null.
     *
     * @param codes the frames, or null
     * @param error what {@link CodeGenerator#generate} would have thrown for this row alone, or null
     */
    public record Outcome(GeneratedCodes codes, RuntimeException error) {

        /** Validates that exactly one part is present. */
        public Outcome {
            if ((codes == null) == (error == null)) {
                throw new IllegalArgumentException("exactly one of codes and error");
            }
        }
    }
}
