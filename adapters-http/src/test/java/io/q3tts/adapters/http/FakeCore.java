package io.q3tts.adapters.http;

import io.q3tts.ports.in.job.CancelJobUseCase;
import io.q3tts.ports.in.job.GetJobUseCase;
import io.q3tts.ports.in.job.GetQueueStatusUseCase;
import io.q3tts.ports.in.job.JobError;
import io.q3tts.ports.in.job.JobEvent;
import io.q3tts.ports.in.job.JobId;
import io.q3tts.ports.in.job.JobKind;
import io.q3tts.ports.in.job.JobListener;
import io.q3tts.ports.in.job.JobProgress;
import io.q3tts.ports.in.job.JobResult;
import io.q3tts.ports.in.job.JobState;
import io.q3tts.ports.in.job.JobSubscription;
import io.q3tts.ports.in.job.JobTimings;
import io.q3tts.ports.in.job.JobView;
import io.q3tts.ports.in.job.ListJobsQuery;
import io.q3tts.ports.in.job.ListJobsUseCase;
import io.q3tts.ports.in.job.QueueStatus;
import io.q3tts.ports.in.job.SubmitJobCommand;
import io.q3tts.ports.in.job.SubmitJobUseCase;
import io.q3tts.ports.in.job.WatchJobUseCase;
import io.q3tts.ports.in.models.GetModelUseCase;
import io.q3tts.ports.in.models.ListModelsUseCase;
import io.q3tts.ports.in.models.LoadModelCommand;
import io.q3tts.ports.in.models.LoadModelUseCase;
import io.q3tts.ports.in.models.ModelResidency;
import io.q3tts.ports.in.models.ModelView;
import io.q3tts.ports.in.models.UnloadModelCommand;
import io.q3tts.ports.in.models.UnloadModelUseCase;
import io.q3tts.ports.in.output.DeleteOutputUseCase;
import io.q3tts.ports.in.output.GetOutputAudioUseCase;
import io.q3tts.ports.in.output.GetOutputUseCase;
import io.q3tts.ports.in.output.ListOutputsQuery;
import io.q3tts.ports.in.output.ListOutputsUseCase;
import io.q3tts.ports.in.output.OutputView;
import io.q3tts.ports.in.synthesis.CloneVoice;
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
import io.q3tts.ports.in.tokenizer.DecodeSpeechCommand;
import io.q3tts.ports.in.tokenizer.DecodeSpeechResult;
import io.q3tts.ports.in.tokenizer.DecodeSpeechTokensUseCase;
import io.q3tts.ports.in.tokenizer.EncodeSpeechCommand;
import io.q3tts.ports.in.tokenizer.EncodeSpeechResult;
import io.q3tts.ports.in.tokenizer.EncodeSpeechTokensUseCase;
import io.q3tts.ports.in.voice.CreateVoiceCommand;
import io.q3tts.ports.in.voice.CreateVoiceUseCase;
import io.q3tts.ports.in.voice.DeleteVoiceUseCase;
import io.q3tts.ports.in.voice.GetVoiceClipUseCase;
import io.q3tts.ports.in.voice.GetVoiceUseCase;
import io.q3tts.ports.in.voice.ListVoicesUseCase;
import io.q3tts.ports.in.voice.UpdateVoiceCommand;
import io.q3tts.ports.in.voice.UpdateVoiceUseCase;
import io.q3tts.ports.in.voice.VoiceView;
import io.q3tts.ports.model.AudioFormat;
import io.q3tts.ports.model.AudioUpload;
import io.q3tts.ports.model.CancellationToken;
import io.q3tts.ports.model.CancelledException;
import io.q3tts.ports.model.ConflictException;
import io.q3tts.ports.model.EncodedAudio;
import io.q3tts.ports.model.ErrorType;
import io.q3tts.ports.model.Ids;
import io.q3tts.ports.model.ModelTask;
import io.q3tts.ports.model.NotFoundException;
import io.q3tts.ports.model.OverloadedException;
import io.q3tts.ports.model.SpeechCodes;
import io.q3tts.ports.model.UnsupportedException;
import io.q3tts.ports.model.UnsupportedMediaException;
import io.q3tts.ports.model.VoiceOrigin;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An in-memory test double of every driving port: jobs emit a 440 Hz tone in chunks as audio events,
 * voices and outputs live in maps, uploads must be RIFF files. Knobs let tests fill the queue, slow
 * generation down, and observe cancellations.
 */
final class FakeCore implements UseCaseLookup, SynthesizeCustomVoiceUseCase, SynthesizeVoiceDesignUseCase,
        SynthesizeVoiceCloneUseCase, DesignThenCloneUseCase, SubmitJobUseCase, GetJobUseCase, CancelJobUseCase,
        ListJobsUseCase, WatchJobUseCase, GetQueueStatusUseCase, ListVoicesUseCase, GetVoiceUseCase,
        GetVoiceClipUseCase, CreateVoiceUseCase, UpdateVoiceUseCase, DeleteVoiceUseCase, ListOutputsUseCase,
        GetOutputUseCase, GetOutputAudioUseCase, DeleteOutputUseCase, ListModelsUseCase, GetModelUseCase,
        LoadModelUseCase, UnloadModelUseCase, EncodeSpeechTokensUseCase, DecodeSpeechTokensUseCase {

    static final int RATE = 24_000;
    static final int CHUNK = 2_400;
    static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    volatile boolean overloaded;
    /** Submitted jobs end at once: DONE with an output, or FAILED when their text contains "fail". */
    volatile boolean settleOnSubmit;
    volatile int chunks = 5;
    volatile long chunkDelayMillis;
    final List<SynthesisCommand> commands = new CopyOnWriteArrayList<>();
    final CountDownLatch cancelled = new CountDownLatch(1);
    final CountDownLatch firstChunk = new CountDownLatch(1);

    private final AtomicInteger ids = new AtomicInteger();
    private final Map<String, ModelView> models = new ConcurrentHashMap<>();
    private final Map<String, VoiceView> voices = new ConcurrentHashMap<>();
    private final Map<String, OutputView> outputs = new ConcurrentHashMap<>();
    private final Map<String, JobView> jobs = new ConcurrentHashMap<>();
    private final Map<String, List<JobListener>> watchers = new ConcurrentHashMap<>();

    FakeCore() {
        model("demo-custom-voice", Set.of(ModelTask.CUSTOM_VOICE), List.of("vivian", "ryan"));
        model("demo-voice-design", Set.of(ModelTask.VOICE_DESIGN), List.of());
        model("demo-base", Set.of(ModelTask.VOICE_CLONE), List.of());
        model("demo-codec", Set.of(ModelTask.TOKENIZER), List.of());
        voices.put("narrator", voiceView("narrator", "Narrator", VoiceOrigin.UPLOADED));
    }

    private void model(String id, Set<ModelTask> tasks, List<String> speakers) {
        models.put(id, new ModelView(id, id, tasks, "0.6B", "fp32", true, speakers, List.of("auto", "english"), false,
                RATE, ModelResidency.AVAILABLE, 0, null));
    }

    private static VoiceView voiceView(String id, String name, VoiceOrigin origin) {
        return new VoiceView(id, name, "", origin, "auto", "Hello there.", false, null, null, 3.0, T0, T0);
    }

    @Override
    public <T> T useCase(Class<T> type) {
        if (!type.isInstance(this)) {
            throw new UnsupportedException("No use case " + type.getSimpleName());
        }
        return type.cast(this);
    }

    // ---- synthesis

    @Override
    public SynthesisOutcome synthesizeCustomVoice(SynthesizeCustomVoiceCommand c, JobListener l, CancellationToken t) {
        String model = resolve(c.modelId(), ModelTask.CUSTOM_VOICE);
        if (!models.get(model).speakers().contains(c.speaker())) {
            throw new NotFoundException("voice", "Model " + model + " has no speaker '" + c.speaker() + "'.");
        }
        return speak(c, model, c.format(), l, t);
    }

    @Override
    public SynthesisOutcome synthesizeVoiceDesign(SynthesizeVoiceDesignCommand c, JobListener l, CancellationToken t) {
        return speak(c, resolve(c.modelId(), ModelTask.VOICE_DESIGN), c.format(), l, t);
    }

    @Override
    public SynthesisOutcome synthesizeVoiceClone(SynthesizeVoiceCloneCommand c, JobListener l, CancellationToken t) {
        String model = resolve(c.modelId(), ModelTask.VOICE_CLONE);
        if (c.voice() instanceof CloneVoice.SavedVoice s) {
            getVoiceOr(s.voiceId(), "voice");
        } else if (c.voice() instanceof CloneVoice.UploadedReference u) {
            requireRiff(u.audio());
        }
        return speak(c, model, c.format(), l, t);
    }

    @Override
    public DesignThenCloneOutcome designThenClone(DesignThenCloneCommand c, JobListener l, CancellationToken t) {
        String model = resolve(c.modelId(), ModelTask.VOICE_DESIGN);
        String id = Ids.slug(c.voiceName(), "name");
        if (voices.containsKey(id)) {
            throw new ConflictException("name", "A voice named " + c.voiceName() + " exists.");
        }
        SynthesisOutcome o = speak(c, model, AudioFormat.WAV, l, t);
        VoiceView v = voiceView(id, c.voiceName(), VoiceOrigin.DESIGNED);
        voices.put(id, v);
        return new DesignThenCloneOutcome(o.job(), v, o.output());
    }

    private String resolve(String modelId, ModelTask task) {
        if (overloaded) {
            throw new OverloadedException("The queue is full.", Duration.ofMillis(2500));
        }
        if (modelId == null) {
            return models.values().stream().filter(m -> m.tasks().contains(task)).map(ModelView::id).findFirst()
                    .orElseThrow();
        }
        ModelView m = getModel(modelId);
        if (!m.tasks().contains(task)) {
            throw new UnsupportedException("model", "Model " + modelId + " does not serve " + task.key() + ".");
        }
        return m.id();
    }

    private SynthesisOutcome speak(SynthesisCommand c, String model, AudioFormat format, JobListener l,
                                   CancellationToken t) {
        commands.add(c);
        JobId id = JobId.of("job-" + ids.incrementAndGet());
        JobView queued = job(id, c.kind(), model, c.summary(), JobState.QUEUED, null, null);
        jobs.put(id.value(), queued);
        l.onEvent(new JobEvent.StateChanged(queued));
        l.onEvent(new JobEvent.StateChanged(job(id, c.kind(), model, c.summary(), JobState.RUNNING, null, null)));
        int n = chunks;
        float[] all = new float[n * CHUNK];
        for (int i = 0; i < n; i++) {
            if (t.isCancelled()) {
                JobView end = job(id, c.kind(), model, c.summary(), JobState.CANCELLED, null,
                        new JobError(ErrorType.CANCELLED, "The job was cancelled.", null));
                jobs.put(id.value(), end);
                l.onEvent(new JobEvent.StateChanged(end));
                cancelled.countDown();
                throw new CancelledException();
            }
            float[] chunk = new float[CHUNK];
            for (int j = 0; j < CHUNK; j++) {
                chunk[j] = (float) (0.5 * Math.sin(2 * Math.PI * 440 * (i * CHUNK + j) / RATE));
            }
            System.arraycopy(chunk, 0, all, i * CHUNK, CHUNK);
            l.onEvent(new JobEvent.Progress(id, new JobProgress(0, (i + 1) * 2, n * 2, (i + 1) / (double) n)));
            l.onEvent(new JobEvent.Audio(id, chunk, RATE, (long) i * CHUNK, i == n - 1));
            firstChunk.countDown();
            sleep(chunkDelayMillis);
        }
        String outputId = "out-" + id.value();
        JobView done = job(id, c.kind(), model, c.summary(), JobState.DONE, new JobResult(outputId, null), null);
        jobs.put(id.value(), done);
        OutputView out = new OutputView(outputId, id.value(), ModelTask.CUSTOM_VOICE, model, true, "Hello", "auto",
                "vivian", null, null, Map.of("seed", "42", "temperature", "0.9"), RATE, all.length / (double) RATE,
                n * 2, "END_OF_SPEECH", T0, Duration.ofMillis(100));
        outputs.put(outputId, out);
        l.onEvent(new JobEvent.StateChanged(done));
        return new SynthesisOutcome(done, out, encode(all, format));
    }

    private static void sleep(long ms) {
        if (ms > 0) {
            try {
                Thread.sleep(ms);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    static EncodedAudio encode(float[] samples, AudioFormat format) {
        byte[] pcm = Pcm.toPcm16(samples);
        byte[] bytes = switch (format) {
            case PCM -> pcm;
            case WAV -> {
                byte[] w = new byte[44 + pcm.length];
                System.arraycopy(Pcm.wavHeader(RATE, pcm.length), 0, w, 0, 44);
                System.arraycopy(pcm, 0, w, 44, pcm.length);
                yield w;
            }
            default -> ("FAKE-" + format.key()).getBytes(StandardCharsets.US_ASCII);
        };
        return new EncodedAudio(format, bytes, RATE, samples.length / (double) RATE);
    }

    private static JobView job(JobId id, JobKind kind, String model, String summary, JobState state, JobResult result,
                               JobError error) {
        return new JobView(id, kind, model, true, summary, state,
                state == JobState.QUEUED ? new JobProgress(1, 0, 0, 0) : JobProgress.NONE,
                new JobTimings(T0, state == JobState.QUEUED ? null : T0, state.isTerminal() ? T0 : null), result, error);
    }

    private static void requireRiff(AudioUpload u) {
        byte[] b = u.bytes();
        if (b.length < 12 || b[0] != 'R' || b[1] != 'I' || b[2] != 'F' || b[3] != 'F') {
            throw new UnsupportedMediaException(u.field(), u.field() + " is not a readable audio file.");
        }
    }

    // ---- jobs

    @Override
    public JobView submitJob(SubmitJobCommand command) {
        if (overloaded) {
            throw new OverloadedException("The queue is full.", Duration.ofSeconds(7));
        }
        SynthesisCommand c = (SynthesisCommand) command.request();
        commands.add(c);
        ModelTask task = switch (c.kind()) {
            case CUSTOM_VOICE -> ModelTask.CUSTOM_VOICE;
            case VOICE_DESIGN, DESIGN_THEN_CLONE -> ModelTask.VOICE_DESIGN;
            case VOICE_CLONE -> ModelTask.VOICE_CLONE;
            case PIPELINE -> throw new IllegalStateException("pipelines are not synthesis commands");
        };
        String model = resolve(c.modelId(), task);
        if (settleOnSubmit && c instanceof SynthesizeCustomVoiceCommand cv && !models.get(model).speakers().contains(cv.speaker())) {
            throw new NotFoundException("voice", "Model " + model + " has no speaker '" + cv.speaker() + "'.");
        }
        JobId id = JobId.of("job-" + ids.incrementAndGet());
        JobView v = job(id, c.kind(), model, c.summary(), JobState.QUEUED, null, null);
        jobs.put(id.value(), v);
        if (settleOnSubmit) {
            if (c.summary().contains("fail")) {
                jobs.put(id.value(), job(id, c.kind(), model, c.summary(), JobState.FAILED, null,
                        new JobError(ErrorType.MODEL_ERROR, "The model failed on this text.", null)));
            } else {
                String outputId = "out-" + id.value();
                outputs.put(outputId, new OutputView(outputId, id.value(), task, model, true, c.summary(), "auto",
                        "vivian", null, null, Map.of("seed", "42"), RATE, 1.0, 24, "END_OF_SPEECH", T0, Duration.ofMillis(100)));
                jobs.put(id.value(), job(id, c.kind(), model, c.summary(), JobState.DONE, new JobResult(outputId, null), null));
            }
        }
        return v;
    }

    /** Test helper: finishes a submitted job and tells its watchers. */
    void finish(String jobId) {
        JobView q = jobs.get(jobId);
        JobView running = job(q.id(), q.kind(), q.modelId(), q.summary(), JobState.RUNNING, null, null);
        JobView done = job(q.id(), q.kind(), q.modelId(), q.summary(), JobState.DONE, new JobResult("out-" + jobId, null), null);
        jobs.put(jobId, done);
        for (JobListener l : watchers.getOrDefault(jobId, List.of())) {
            l.onEvent(new JobEvent.StateChanged(running));
            l.onEvent(new JobEvent.Progress(q.id(), new JobProgress(0, 4, 8, 0.5)));
            l.onEvent(new JobEvent.Audio(q.id(), new float[CHUNK], RATE, 0, true));
            l.onEvent(new JobEvent.StateChanged(done));
        }
    }

    /** @return whether someone watches the job (the SSE stream has subscribed) */
    boolean watched(String jobId) {
        return !watchers.getOrDefault(jobId, List.of()).isEmpty();
    }

    @Override
    public JobView getJob(JobId jobId) {
        JobView v = jobs.get(jobId.value());
        if (v == null) {
            throw new NotFoundException("job_id", "No job " + jobId + ".");
        }
        return v;
    }

    @Override
    public JobView cancelJob(JobId jobId) {
        JobView v = getJob(jobId);
        if (v.state().isTerminal()) {
            return v;
        }
        JobView c = job(v.id(), v.kind(), v.modelId(), v.summary(), JobState.CANCELLED, null,
                new JobError(ErrorType.CANCELLED, "The job was cancelled.", null));
        jobs.put(jobId.value(), c);
        return c;
    }

    @Override
    public List<JobView> listJobs(ListJobsQuery query) {
        return jobs.values().stream().filter(j -> query.states().contains(j.state()))
                .sorted(Comparator.comparing((JobView j) -> Integer.parseInt(j.id().value().substring(4))).reversed())
                .limit(query.limit()).toList();
    }

    @Override
    public JobSubscription watchJob(JobId jobId, JobListener listener) {
        JobView v = getJob(jobId);
        listener.onEvent(new JobEvent.StateChanged(v));
        if (v.state().isTerminal()) {
            return () -> { };
        }
        watchers.computeIfAbsent(jobId.value(), k -> new CopyOnWriteArrayList<>()).add(listener);
        return () -> watchers.get(jobId.value()).remove(listener);
    }

    @Override
    public QueueStatus getQueueStatus() {
        return new QueueStatus(1, 0, 0, 16, 2, 0, 0, Duration.ofSeconds(2), 0);
    }

    // ---- voices

    @Override
    public List<VoiceView> listVoices() {
        return voices.values().stream().sorted(Comparator.comparing(VoiceView::name)).toList();
    }

    @Override
    public VoiceView getVoice(String voiceId) {
        return getVoiceOr(Ids.requireSafe(voiceId, "voice_id"), "voice_id");
    }

    private VoiceView getVoiceOr(String id, String field) {
        VoiceView v = voices.get(id);
        if (v == null) {
            throw new NotFoundException(field, "No saved voice '" + id + "'.");
        }
        return v;
    }

    @Override
    public EncodedAudio getVoiceClip(String voiceId, AudioFormat format) {
        getVoice(voiceId);
        return encode(new float[RATE], format == null ? AudioFormat.WAV : format);
    }

    @Override
    public VoiceView createVoice(CreateVoiceCommand command) {
        requireRiff(command.referenceClip());
        String id = Ids.slug(command.name(), "name");
        if (voices.containsKey(id)) {
            throw new ConflictException("name", "A voice named " + command.name() + " exists.");
        }
        VoiceView v = new VoiceView(id, command.name(), command.description(), VoiceOrigin.UPLOADED, command.language(),
                command.transcript(), command.xVectorOnly(), null, null, 2.0, T0, T0);
        voices.put(id, v);
        return v;
    }

    @Override
    public VoiceView updateVoice(UpdateVoiceCommand c) {
        VoiceView v = getVoice(c.voiceId());
        VoiceView u = new VoiceView(v.id(), c.name() == null ? v.name() : c.name(),
                c.description() == null ? v.description() : c.description(), v.origin(),
                c.language() == null ? v.language() : c.language(), c.transcript() == null ? v.transcript() : c.transcript(),
                v.xVectorOnly(), null, null, v.clipSeconds(), v.createdAt(), T0.plusSeconds(1));
        voices.put(v.id(), u);
        return u;
    }

    @Override
    public void deleteVoice(String voiceId) {
        getVoice(voiceId);
        voices.remove(voiceId);
    }

    // ---- outputs

    @Override
    public List<OutputView> listOutputs(ListOutputsQuery query) {
        List<OutputView> all = new ArrayList<>(outputs.values());
        return all.stream().filter(o -> query.task() == null || o.task() == query.task()).limit(query.limit()).toList();
    }

    @Override
    public OutputView getOutput(String outputId) {
        OutputView o = outputs.get(Ids.requireSafe(outputId, "output_id"));
        if (o == null) {
            throw new NotFoundException("output_id", "No output " + outputId + ".");
        }
        return o;
    }

    @Override
    public EncodedAudio getOutputAudio(String outputId, AudioFormat format) {
        getOutput(outputId);
        return encode(new float[CHUNK * 10], format == null ? AudioFormat.WAV : format);
    }

    @Override
    public void deleteOutput(String outputId) {
        getOutput(outputId);
        outputs.remove(outputId);
    }

    // ---- models

    @Override
    public List<ModelView> listModels() {
        return models.values().stream().sorted(Comparator.comparing(ModelView::id)).toList();
    }

    @Override
    public ModelView getModel(String modelId) {
        ModelView m = models.get(Ids.requireSafe(modelId, "model"));
        if (m == null) {
            throw new NotFoundException("model", "No model '" + modelId + "' is installed.");
        }
        return m;
    }

    @Override
    public ModelView loadModel(LoadModelCommand command) {
        return withResidency(getModel(command.modelId()), ModelResidency.LOADED);
    }

    @Override
    public ModelView unloadModel(UnloadModelCommand command) {
        return withResidency(getModel(command.modelId()), ModelResidency.AVAILABLE);
    }

    private ModelView withResidency(ModelView m, ModelResidency r) {
        ModelView u = new ModelView(m.id(), m.displayName(), m.tasks(), m.size(), m.precision(), m.randomWeights(),
                m.speakers(), m.languages(), m.supportsInstruct(), m.sampleRate(), r, 0, T0);
        models.put(m.id(), u);
        return u;
    }

    // ---- tokenizer

    @Override
    public EncodeSpeechResult encodeSpeech(EncodeSpeechCommand command, CancellationToken cancellation) {
        requireRiff(command.audio());
        int[][] codes = new int[3][16];
        codes[1][0] = 7;
        return new EncodeSpeechResult("demo-codec", new SpeechCodes(codes, 12.5), 0.24);
    }

    @Override
    public DecodeSpeechResult decodeSpeech(DecodeSpeechCommand command, CancellationToken cancellation) {
        if (command.codes().codebooks() != 16) {
            throw new io.q3tts.ports.model.InvalidArgumentException("codes", "codes must have 16 codebooks per frame.");
        }
        return new DecodeSpeechResult("demo-codec", encode(new float[command.codes().frameCount() * 1920],
                command.format()));
    }
}
