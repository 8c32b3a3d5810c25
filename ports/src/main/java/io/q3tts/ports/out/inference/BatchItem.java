package io.q3tts.ports.out.inference;

import io.q3tts.ports.model.CancellationToken;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * One row of a batched synthesis ({@link SpeechSynthesizer#synthesizeBatch}).
 *
 * <p>A row is independent of its neighbours: its own request (task, speaker, language, voice
 * prompt, sampling parameters and seed may all differ from the other rows'), its own listener
 * (progress and streamed audio of this row only), its own cancellation, and its own outcome.
 *
 * @param request the validated request, never null
 * @param listener receives this row's progress and audio, never null (use {@link SynthesisListener#NONE})
 * @param cancellation cancels this row alone, never null
 * @param onDone receives this row's outcome exactly once, on the synthesizing thread, never null;
 *     it must be quick (it sits on the generation path of the other rows)
 */
public record BatchItem(SynthesisRequest request, SynthesisListener listener, CancellationToken cancellation,
                        Consumer<BatchOutcome> onDone) {

    /** Validates that nothing is null. */
    public BatchItem {
        Objects.requireNonNull(request, "request");
        Objects.requireNonNull(listener, "listener");
        Objects.requireNonNull(cancellation, "cancellation");
        Objects.requireNonNull(onDone, "onDone");
    }
}
