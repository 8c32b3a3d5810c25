package io.q3tts.ports.out.inference;

import java.util.Objects;

/** How one {@link BatchItem} ended: with its audio, or with its own error. */
public sealed interface BatchOutcome {

    /**
     * The row finished.
     *
     * @param result the complete audio of this row, never null
     */
    record Done(SynthesisResult result) implements BatchOutcome {
        /** Validates that the result is present. */
        public Done {
            Objects.requireNonNull(result, "result");
        }
    }

    /**
     * The row failed alone; its neighbours were not affected.
     *
     * @param error the exception {@link SpeechSynthesizer#synthesize} would have thrown for this
     *     request run alone (a {@code Q3ttsException} subtype for expected failures), never null
     */
    record Failed(RuntimeException error) implements BatchOutcome {
        /** Validates that the error is present. */
        public Failed {
            Objects.requireNonNull(error, "error");
        }
    }
}
