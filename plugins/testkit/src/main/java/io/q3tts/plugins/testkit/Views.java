package io.q3tts.plugins.testkit;

import io.q3tts.ports.in.job.JobId;
import io.q3tts.ports.in.job.JobKind;
import io.q3tts.ports.in.job.JobProgress;
import io.q3tts.ports.in.job.JobResult;
import io.q3tts.ports.in.job.JobState;
import io.q3tts.ports.in.job.JobTimings;
import io.q3tts.ports.in.job.JobView;
import io.q3tts.ports.in.models.ModelResidency;
import io.q3tts.ports.in.models.ModelView;
import io.q3tts.ports.in.output.OutputView;
import io.q3tts.ports.in.synthesis.SynthesisOutcome;
import io.q3tts.ports.in.voice.VoiceView;
import io.q3tts.ports.model.AudioFormat;
import io.q3tts.ports.model.EncodedAudio;
import io.q3tts.ports.model.ModelTask;
import io.q3tts.ports.model.VoiceOrigin;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Ready-made results of the use cases, for the test doubles handed to plugins. */
public final class Views {

    /** The instant every view is stamped with, so tests stay deterministic. */
    public static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    private Views() {
    }

    /**
     * @param kind the job's kind
     * @param task the output's task
     * @param text the spoken text
     * @return a finished job with output {@code out-1} and a tiny WAV-labelled payload
     */
    public static SynthesisOutcome synthesis(JobKind kind, ModelTask task, String text) {
        return new SynthesisOutcome(job(kind, text), output(task, text),
                new EncodedAudio(AudioFormat.WAV, "RIFF".getBytes(StandardCharsets.US_ASCII), 24_000, 0.5));
    }

    /**
     * @param kind the job's kind
     * @param summary its summary
     * @return job {@code job-1}, DONE, output {@code out-1}
     */
    public static JobView job(JobKind kind, String summary) {
        return new JobView(JobId.of("job-1"), kind, "demo-model", true, summary, JobState.DONE, JobProgress.NONE,
                new JobTimings(T0, T0, T0), new JobResult("out-1", null), null);
    }

    /**
     * @param task the task
     * @param text the spoken text
     * @return output {@code out-1} of job {@code job-1}
     */
    public static OutputView output(ModelTask task, String text) {
        return new OutputView("out-1", "job-1", task, "demo-model", true, text, "auto", null, null, null, Map.of(),
                24_000, 0.5, 6, "end_of_speech", T0, Duration.ZERO);
    }

    /**
     * @param id the model id
     * @param tasks what it serves
     * @param speakers its preset speakers
     * @return an available (not loaded) model with random weights
     */
    public static ModelView model(String id, Set<ModelTask> tasks, List<String> speakers) {
        return new ModelView(id, id, tasks, "0.6B", "fp32", true, speakers, List.of("auto", "english", "chinese"),
                false, 24_000, ModelResidency.AVAILABLE, 0, null);
    }

    /**
     * @param id the voice id
     * @param name its name
     * @return an uploaded voice
     */
    public static VoiceView voice(String id, String name) {
        return new VoiceView(id, name, "", VoiceOrigin.UPLOADED, "english", "Hello there.", false, null, null, 3.0,
                T0, T0);
    }
}
