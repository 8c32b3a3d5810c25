package io.q3tts.adapters.http;

import io.q3tts.ports.in.job.JobListener;
import io.q3tts.ports.in.models.GetModelUseCase;
import io.q3tts.ports.in.synthesis.DesignThenCloneCommand;
import io.q3tts.ports.in.synthesis.DesignThenCloneUseCase;
import io.q3tts.ports.in.synthesis.SynthesisCommand;
import io.q3tts.ports.in.synthesis.SynthesisOutcome;
import io.q3tts.ports.in.synthesis.SynthesizeCustomVoiceCommand;
import io.q3tts.ports.in.synthesis.SynthesizeCustomVoiceUseCase;
import io.q3tts.ports.in.synthesis.SynthesizeVoiceCloneCommand;
import io.q3tts.ports.in.synthesis.SynthesizeVoiceCloneUseCase;
import io.q3tts.ports.in.synthesis.SynthesizeVoiceDesignCommand;
import io.q3tts.ports.in.synthesis.SynthesizeVoiceDesignUseCase;
import io.q3tts.ports.model.AudioFormat;
import io.q3tts.ports.model.CancellationToken;
import io.q3tts.ports.model.Q3ttsException;

/** Dispatches a synthesis command to its blocking use case. */
final class Synthesis {

    /** The models' output rate, used only if the model cannot be looked up for a stream header. */
    static final int DEFAULT_RATE = 24_000;

    private final UseCaseLookup useCases;

    Synthesis(UseCaseLookup useCases) {
        this.useCases = useCases;
    }

    /**
     * @param command any synthesis command
     * @param listener hears the job
     * @param token cancels it
     * @return a {@link SynthesisOutcome}, or a {@code DesignThenCloneOutcome} for design-then-clone
     */
    Object run(SynthesisCommand command, JobListener listener, CancellationToken token) {
        return switch (command) {
            case SynthesizeCustomVoiceCommand c ->
                    useCases.useCase(SynthesizeCustomVoiceUseCase.class).synthesizeCustomVoice(c, listener, token);
            case SynthesizeVoiceDesignCommand c ->
                    useCases.useCase(SynthesizeVoiceDesignUseCase.class).synthesizeVoiceDesign(c, listener, token);
            case SynthesizeVoiceCloneCommand c ->
                    useCases.useCase(SynthesizeVoiceCloneUseCase.class).synthesizeVoiceClone(c, listener, token);
            case DesignThenCloneCommand c ->
                    useCases.useCase(DesignThenCloneUseCase.class).designThenClone(c, listener, token);
        };
    }

    /** @return the speaking outcome of {@link #run} (design-then-clone is not a speaking call) */
    SynthesisOutcome speak(SynthesisCommand command, JobListener listener, CancellationToken token) {
        return (SynthesisOutcome) run(command, listener, token);
    }

    /**
     * @param command a command
     * @return the container it asks for; WAV for design-then-clone
     */
    static AudioFormat format(SynthesisCommand command) {
        return switch (command) {
            case SynthesizeCustomVoiceCommand c -> c.format();
            case SynthesizeVoiceDesignCommand c -> c.format();
            case SynthesizeVoiceCloneCommand c -> c.format();
            case DesignThenCloneCommand c -> AudioFormat.WAV;
        };
    }

    /**
     * @param modelId a model
     * @return its output rate, for stream headers sent before the first chunk
     */
    int sampleRate(String modelId) {
        try {
            return useCases.useCase(GetModelUseCase.class).getModel(modelId).sampleRate();
        } catch (Q3ttsException e) {
            return DEFAULT_RATE;
        }
    }
}
