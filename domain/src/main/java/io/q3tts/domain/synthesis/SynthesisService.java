package io.q3tts.domain.synthesis;

import io.q3tts.domain.job.JobService;
import io.q3tts.domain.output.OutputService;
import io.q3tts.domain.voice.VoiceService;
import io.q3tts.ports.in.job.JobListener;
import io.q3tts.ports.in.job.JobView;
import io.q3tts.ports.in.job.SubmitJobCommand;
import io.q3tts.ports.in.output.OutputView;
import io.q3tts.ports.in.synthesis.DesignThenCloneCommand;
import io.q3tts.ports.in.synthesis.DesignThenCloneOutcome;
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
import java.util.Objects;

/**
 * The blocking synthesis use cases: each submits a job through {@link JobService} (so the GPU
 * policy applies), waits for it, and returns the stored output with its audio in the requested
 * format. Thread-safe.
 */
public final class SynthesisService implements SynthesizeCustomVoiceUseCase, SynthesizeVoiceDesignUseCase,
        SynthesizeVoiceCloneUseCase, DesignThenCloneUseCase {

    private final JobService jobs;
    private final OutputService outputs;
    private final VoiceService voices;

    /**
     * @param jobs runs the jobs
     * @param outputs reads the results
     * @param voices reads created voices
     */
    public SynthesisService(JobService jobs, OutputService outputs, VoiceService voices) {
        this.jobs = Objects.requireNonNull(jobs, "jobs");
        this.outputs = Objects.requireNonNull(outputs, "outputs");
        this.voices = Objects.requireNonNull(voices, "voices");
    }

    @Override
    public SynthesisOutcome synthesizeCustomVoice(SynthesizeCustomVoiceCommand command, JobListener listener,
                                                  CancellationToken cancellation) {
        return run(command, command.format(), listener, cancellation);
    }

    @Override
    public SynthesisOutcome synthesizeVoiceDesign(SynthesizeVoiceDesignCommand command, JobListener listener,
                                                  CancellationToken cancellation) {
        return run(command, command.format(), listener, cancellation);
    }

    @Override
    public SynthesisOutcome synthesizeVoiceClone(SynthesizeVoiceCloneCommand command, JobListener listener,
                                                 CancellationToken cancellation) {
        return run(command, command.format(), listener, cancellation);
    }

    @Override
    public DesignThenCloneOutcome designThenClone(DesignThenCloneCommand command, JobListener listener,
                                                  CancellationToken cancellation) {
        JobView done = jobs.runToCompletion(new SubmitJobCommand(command, listener), cancellation);
        return new DesignThenCloneOutcome(done, voices.getVoice(done.result().voiceId()),
                outputs.getOutput(done.result().outputId()));
    }

    private SynthesisOutcome run(SynthesisCommand command, AudioFormat format, JobListener listener,
                                 CancellationToken cancellation) {
        JobView done = jobs.runToCompletion(new SubmitJobCommand(command, listener), cancellation);
        OutputView output = outputs.getOutput(done.result().outputId());
        return new SynthesisOutcome(done, output, outputs.getOutputAudio(output.id(), format));
    }
}
