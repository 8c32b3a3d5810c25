package io.q3tts.domain.synthesis;

import io.q3tts.domain.job.JobContext;
import io.q3tts.domain.job.JobRunner;
import io.q3tts.domain.job.PreparedJob;
import io.q3tts.domain.output.AudioConversion;
import io.q3tts.domain.residency.ModelLease;
import io.q3tts.domain.residency.ModelResidencyManager;
import io.q3tts.domain.residency.ModelResolver;
import io.q3tts.domain.voice.ReferenceClips;
import io.q3tts.domain.voice.UploadLimits;
import io.q3tts.domain.voice.VoiceService;
import io.q3tts.ports.in.job.JobRequest;
import io.q3tts.ports.in.job.JobResult;
import io.q3tts.ports.in.synthesis.GenerationOptions;
import io.q3tts.ports.in.synthesis.CloneVoice;
import io.q3tts.ports.in.synthesis.DesignThenCloneCommand;
import io.q3tts.ports.in.synthesis.SynthesisCommand;
import io.q3tts.ports.in.synthesis.SynthesizeCustomVoiceCommand;
import io.q3tts.ports.in.synthesis.SynthesizeVoiceCloneCommand;
import io.q3tts.ports.in.synthesis.SynthesizeVoiceDesignCommand;
import io.q3tts.ports.model.AudioFormat;
import io.q3tts.ports.model.EncodedAudio;
import io.q3tts.ports.model.Ids;
import io.q3tts.ports.model.InvalidArgumentException;
import io.q3tts.ports.model.ModelTask;
import io.q3tts.ports.model.NotFoundException;
import io.q3tts.ports.model.PcmAudio;
import io.q3tts.ports.model.UnsupportedException;
import io.q3tts.ports.model.VoiceOrigin;
import io.q3tts.ports.out.audio.AudioDecoder;
import io.q3tts.ports.out.audio.AudioEffects;
import io.q3tts.ports.out.audio.AudioEncoder;
import io.q3tts.ports.out.catalog.ModelDescriptor;
import io.q3tts.ports.out.inference.AudioChunk;
import io.q3tts.ports.out.inference.ClonePrompt;
import io.q3tts.ports.out.inference.ClonePromptEncoder;
import io.q3tts.ports.out.inference.SpeechSynthesizer;
import io.q3tts.ports.out.inference.SynthesisListener;
import io.q3tts.ports.out.inference.SynthesisProgress;
import io.q3tts.ports.out.inference.SynthesisRequest;
import io.q3tts.ports.out.inference.SynthesisResult;
import io.q3tts.ports.out.inference.TaskType;
import io.q3tts.ports.out.inference.VoicePrompt;
import io.q3tts.ports.out.output.OutputRecord;
import io.q3tts.ports.out.output.OutputRepository;
import io.q3tts.ports.out.output.OutputRun;
import io.q3tts.ports.out.time.Clock;
import io.q3tts.ports.out.voice.VoiceRecord;
import io.q3tts.ports.out.voice.VoiceRepository;
import java.lang.System.Logger.Level;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

/**
 * What a synthesis job does. {@link #prepare} validates against the chosen model on the caller's
 * thread (model serves the task, speaker and language known, saved voice exists, upload decodable
 * and of usable length, format encodable, voice name free); the returned job then, on a worker
 * thread holding the GPU slot, leases the model, synthesizes, stores the audio as a new output,
 * and for design-then-clone creates the voice and caches its clone prompt. A {@code speed} other than 1
 * changes the tempo of the finished audio before it is stored; the chunks streamed while generating
 * are at the model's own tempo, so such a job streams no chunks (its listeners get the stored audio
 * only). Thread-safe.
 */
public final class SynthesisJobRunner implements JobRunner {

    private static final System.Logger LOG = System.getLogger(SynthesisJobRunner.class.getName());

    private final ModelResolver resolver;
    private final ModelResidencyManager residency;
    private final VoiceRepository voices;
    private final VoiceService voiceService;
    private final OutputRepository outputs;
    private final AudioEncoder encoder;
    private final AudioDecoder decoder;
    private final AudioEffects effects;
    private final AudioConversion conversion;
    private final UploadLimits limits;
    private final Clock clock;

    /**
     * @param resolver picks models
     * @param residency leases models
     * @param voices the voice store
     * @param voiceService voice-name checks
     * @param outputs the output store
     * @param encoder encodes audio
     * @param decoder decodes uploads
     * @param effects changes the tempo for {@code speed}
     * @param limits upload limits
     * @param clock timestamps
     */
    public SynthesisJobRunner(ModelResolver resolver, ModelResidencyManager residency, VoiceRepository voices,
                              VoiceService voiceService, OutputRepository outputs, AudioEncoder encoder, AudioDecoder decoder,
                              AudioEffects effects, UploadLimits limits, Clock clock) {
        this.resolver = Objects.requireNonNull(resolver, "resolver");
        this.residency = Objects.requireNonNull(residency, "residency");
        this.voices = Objects.requireNonNull(voices, "voices");
        this.voiceService = Objects.requireNonNull(voiceService, "voiceService");
        this.outputs = Objects.requireNonNull(outputs, "outputs");
        this.encoder = Objects.requireNonNull(encoder, "encoder");
        this.decoder = Objects.requireNonNull(decoder, "decoder");
        this.effects = Objects.requireNonNull(effects, "effects");
        this.conversion = new AudioConversion(encoder, decoder);
        this.limits = Objects.requireNonNull(limits, "limits");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public PreparedJob prepare(JobRequest request) {
        if (!(request instanceof SynthesisCommand command)) {
            throw new UnsupportedException("request", "Unsupported job request: " + request.getClass().getSimpleName() + ".");
        }
        return switch (command) {
            case SynthesizeCustomVoiceCommand c -> prepareCustomVoice(c);
            case SynthesizeVoiceDesignCommand c -> prepareVoiceDesign(c);
            case SynthesizeVoiceCloneCommand c -> prepareVoiceClone(c);
            case DesignThenCloneCommand c -> prepareDesignThenClone(c);
        };
    }

    private PreparedJob prepareCustomVoice(SynthesizeCustomVoiceCommand c) {
        conversion.requireSupported(c.format());
        ModelDescriptor model = resolver.resolve(c.modelId(), ModelTask.CUSTOM_VOICE, "model");
        if (!model.speakers().isEmpty() && !model.speakers().contains(c.speaker())) {
            throw new InvalidArgumentException("voice", "Model '" + model.id() + "' has no speaker '" + c.speaker()
                    + "'; speakers: " + String.join(", ", model.speakers()) + ".");
        }
        checkLanguage(model, c.language());
        SynthesisRequest request = SynthesisRequest.builder(TaskType.CUSTOM_VOICE, c.text()).language(c.language())
                .speaker(c.speaker()).instruct(c.instruct()).sampling(RequestMapping.sampling(c.options(), model.generation()))
                .maxNewTokens(RequestMapping.maxNewTokens(c.options(), model.generation())).textInputMode(RequestMapping.textInputMode(c.options()))
                .build();
        return job(model, request, ctx -> {
            try (OutputRun run = outputs.begin()) {
                return new JobResult(generateAndStore(model, request, c.options(), ModelTask.CUSTOM_VOICE, null, ctx, run).id(), null);
            }
        });
    }

    private PreparedJob prepareVoiceDesign(SynthesizeVoiceDesignCommand c) {
        conversion.requireSupported(c.format());
        ModelDescriptor model = resolver.resolve(c.modelId(), ModelTask.VOICE_DESIGN, "model");
        checkLanguage(model, c.language());
        SynthesisRequest request = designRequest(model, c.text(), c.language(), c.instruct(), c.options());
        return job(model, request, ctx -> {
            try (OutputRun run = outputs.begin()) {
                return new JobResult(generateAndStore(model, request, c.options(), ModelTask.VOICE_DESIGN, null, ctx, run).id(), null);
            }
        });
    }

    private PreparedJob prepareVoiceClone(SynthesizeVoiceCloneCommand c) {
        conversion.requireSupported(c.format());
        ModelDescriptor model = resolver.resolve(c.modelId(), ModelTask.VOICE_CLONE, "model");
        checkLanguage(model, c.language());
        switch (c.voice()) {
            case CloneVoice.SavedVoice saved -> {
                if (voices.find(saved.voiceId()).isEmpty()) {
                    throw new NotFoundException("voice", "Voice '" + saved.voiceId() + "' does not exist.");
                }
                SynthesisRequest request = cloneRequest(model, c, new VoicePrompt.Saved(saved.voiceId()));
                return job(model, request, ctx -> {
                    try (OutputRun run = outputs.begin()) {
                        return new JobResult(generateAndStore(model, request, c.options(), ModelTask.VOICE_CLONE, saved.voiceId(), ctx, run).id(), null);
                    }
                });
            }
            case CloneVoice.UploadedReference ref -> {
                limits.checkSize(ref.audio());
                PcmAudio pcm = decoder.decode(ref.audio());
                limits.checkReference(pcm, ref.audio().field());
                EncodedAudio wav = ReferenceClips.stored(ref.audio(), pcm, encoder);
                // The real prompt's file exists only once the run has written the clip; the size is the same.
                SynthesisRequest sizing = cloneRequest(model, c, new VoicePrompt.ReferenceAudio(java.nio.file.Path.of("reference.wav"),
                        ref.transcript(), ref.xVectorOnly()));
                return job(model, sizing, ctx -> {
                    try (OutputRun run = outputs.begin()) {
                        VoicePrompt prompt = new VoicePrompt.ReferenceAudio(run.writeInput("reference.wav", wav),
                                ref.transcript(), ref.xVectorOnly());
                        return new JobResult(generateAndStore(model, cloneRequest(model, c, prompt), c.options(),
                                ModelTask.VOICE_CLONE, null, ctx, run).id(), null);
                    }
                });
            }
        }
    }

    private PreparedJob prepareDesignThenClone(DesignThenCloneCommand c) {
        if (c.options().effectiveSpeed() != 1.0) {
            // The sample becomes the voice's reference clip; a stretched clip would teach the clone a false pace.
            throw new UnsupportedException("speed", "speed other than 1.0 is not available when designing a voice: "
                    + "the sample becomes the voice's reference clip.");
        }
        ModelDescriptor designModel = resolver.resolve(c.designModelId(), ModelTask.VOICE_DESIGN, "model");
        ModelDescriptor cloneModel = resolver.resolve(c.cloneModelId(), ModelTask.VOICE_CLONE, "clone_model");
        checkLanguage(designModel, c.language());
        String voiceId = Ids.slug(c.voiceName(), "name");
        voiceService.requireNameFree(voiceId, c.voiceName(), null);
        SynthesisRequest request = designRequest(designModel, c.sampleText(), c.language(), c.voiceDescription(), c.options());
        return job(designModel, request, ctx -> {
            OutputRecord sample;
            EncodedAudio wav;
            try (OutputRun run = outputs.begin()) {
                AtomicReference<String> worker = new AtomicReference<>();
                SynthesisResult result = synthesize(designModel, request, true, ctx, worker);
                wav = encoder.encode(new PcmAudio(result.samples(), result.sampleRate()), AudioFormat.WAV);
                sample = run.complete(record(run.id(), ctx, ModelTask.VOICE_DESIGN, designModel, request, 1.0, null, result,
                        worker.get()), wav);
            }
            ctx.cancellation().throwIfCancelled();
            Instant now = clock.now();
            VoiceRecord voice = new VoiceRecord(voiceId, c.voiceName(), c.voiceDescription(), VoiceOrigin.DESIGNED,
                    c.language(), c.sampleText(), false, c.voiceDescription(), designModel.id(), sample.durationSeconds(), now, now);
            voices.create(voice, wav);
            try (ModelLease lease = residency.acquire(cloneModel.id())) {
                ClonePromptEncoder promptEncoder = lease.model().clonePromptEncoder().orElseThrow(() -> new UnsupportedException(
                        "clone_model", "Model '" + cloneModel.id() + "' cannot create clone prompts."));
                ClonePrompt prompt = promptEncoder.encode(
                        new VoicePrompt.ReferenceAudio(voices.referenceClip(voiceId), c.sampleText(), false), ctx.cancellation());
                voices.savePrompt(voiceId, prompt.cacheKey(), prompt.data());
            } catch (RuntimeException | Error e) {
                try {
                    voices.delete(voiceId);
                } catch (RuntimeException cleanup) {
                    LOG.log(Level.WARNING, "Could not delete the half-made voice '" + voiceId + "'", cleanup);
                }
                throw e;
            }
            return new JobResult(sample.id(), voiceId);
        });
    }

    private SynthesisRequest designRequest(ModelDescriptor model, String text, String language, String instruct,
                                           io.q3tts.ports.in.synthesis.GenerationOptions options) {
        return SynthesisRequest.builder(TaskType.VOICE_DESIGN, text).language(language).instruct(instruct)
                .sampling(RequestMapping.sampling(options, model.generation()))
                .maxNewTokens(RequestMapping.maxNewTokens(options, model.generation()))
                .textInputMode(RequestMapping.textInputMode(options)).build();
    }

    private SynthesisRequest cloneRequest(ModelDescriptor model, SynthesizeVoiceCloneCommand c, VoicePrompt prompt) {
        return SynthesisRequest.builder(TaskType.VOICE_CLONE, c.text()).language(c.language()).voicePrompt(prompt)
                .sampling(RequestMapping.sampling(c.options(), model.generation()))
                .maxNewTokens(RequestMapping.maxNewTokens(c.options(), model.generation()))
                .textInputMode(RequestMapping.textInputMode(c.options())).build();
    }

    private OutputRecord generateAndStore(ModelDescriptor model, SynthesisRequest request, GenerationOptions options,
                                          ModelTask task, String voiceId, JobContext ctx, OutputRun run) {
        double speed = options.effectiveSpeed();
        AtomicReference<String> worker = new AtomicReference<>();
        SynthesisResult result = synthesize(model, request, speed == 1.0, ctx, worker);
        if (speed != 1.0) {
            ctx.cancellation().throwIfCancelled();
            PcmAudio paced = effects.changeTempo(new PcmAudio(result.samples(), result.sampleRate()), speed);
            result = new SynthesisResult(paced.samples(), paced.sampleRate(), result.frames(), result.finishReason(),
                    result.elapsed(), result.codes());
        }
        EncodedAudio wav = encoder.encode(new PcmAudio(result.samples(), result.sampleRate()), AudioFormat.WAV);
        OutputRecord record = record(run.id(), ctx, task, model, request, speed, voiceId, result, worker.get());
        if (options.wantsCodes()) {
            run.writeFile(CodesJson.FILE, CodesJson.bytes(model.id(), result.sampleRate(), result.codes()));
            record = new OutputRecord(record.id(), record.jobId(), record.task(), record.modelId(), record.randomWeights(),
                    record.text(), record.language(), record.speaker(), record.instruct(), record.voiceId(),
                    record.parameters(), record.sampleRate(), record.durationSeconds(), record.frames(),
                    record.finishReason(), record.createdAt(), record.elapsed(), record.pipeline(), List.of(CodesJson.FILE));
        }
        return run.complete(record, wav);
    }

    private SynthesisResult synthesize(ModelDescriptor model, SynthesisRequest request, boolean streamChunks,
                                       JobContext ctx, AtomicReference<String> worker) {
        try (ModelLease lease = residency.acquire(model.id())) {
            SpeechSynthesizer synthesizer = lease.model().synthesizer().orElseThrow(() -> new UnsupportedException(
                    "model", "Model '" + model.id() + "' cannot synthesize speech."));
            return ctx.synthesize(synthesizer, request, new SynthesisListener() {
                @Override
                public void onProgress(SynthesisProgress p) {
                    ctx.progress(p.frames(), p.maxFrames());
                }

                @Override
                public void onWorker(String id) {
                    worker.set(id);
                    ctx.worker(id);
                }

                @Override
                public void onAudio(AudioChunk chunk) {
                    if (streamChunks) {
                        ctx.audio(chunk.samples(), chunk.sampleRate(), chunk.startSample(), chunk.last());
                    }
                }
            });
        }
    }

    private OutputRecord record(String outputId, JobContext ctx, ModelTask task, ModelDescriptor model, SynthesisRequest r,
                                double speed, String voiceId, SynthesisResult result, String worker) {
        Map<String, String> parameters = new LinkedHashMap<>(RequestMapping.parameters(r));
        parameters.put("speed", String.valueOf(speed));
        if (worker != null) {
            // Cluster mode: which worker process made the audio (absent when it ran here).
            parameters.put("worker", worker);
        }
        return new OutputRecord(outputId, ctx.jobId().value(), task, model.id(), model.randomWeights(), r.text(), r.language(),
                r.speaker(), r.instruct(), voiceId, parameters, result.sampleRate(), result.durationSeconds(),
                result.frames(), result.finishReason().name(), clock.now(), result.elapsed());
    }

    private static void checkLanguage(ModelDescriptor model, String language) {
        List<String> known = model.languages();
        if (!known.isEmpty() && !known.contains(language)) {
            throw new InvalidArgumentException("language", "Model '" + model.id() + "' does not know language '" + language
                    + "'; languages: " + String.join(", ", known) + ".");
        }
    }

    /** Positions a voice prompt may add: an in-context clone's reference codes (12.5 Hz, up to 60 s) and its transcript. */
    static final long REFERENCE_ALLOWANCE = 800;
    /** The fixed part of a prompt: role and control tokens, the speaker or x-vector slot, the codec prefix. */
    static final long PROMPT_OVERHEAD = 32;

    /**
     * An upper estimate of the positions a request's row holds in the KV cache, for the scheduler's
     * batch budget: the prompt (text and instruct counted as one token per character, which no
     * tokenizer exceeds for Latin text, plus a voice prompt's allowance) and the generated frames,
     * bounded by {@code max_new_tokens} and by the engine's default runaway guard (100 frames plus 10
     * per text token). With the guard turned off a runaway row can outgrow this estimate.
     */
    static long expectedPositions(SynthesisRequest r) {
        long text = r.text().length();
        long prompt = PROMPT_OVERHEAD + text + (r.instruct() == null ? 0 : r.instruct().length());
        if (r.voicePrompt() != null) {
            prompt += REFERENCE_ALLOWANCE;
            if (r.voicePrompt() instanceof VoicePrompt.ReferenceAudio ref && ref.transcript() != null) {
                prompt += ref.transcript().length();
            }
        }
        long frames = Math.min(r.maxNewTokens(), 100 + 10 * text);
        return prompt + frames;
    }

    private static PreparedJob job(ModelDescriptor model, SynthesisRequest sizing, Function<JobContext, JobResult> body) {
        long positions = expectedPositions(sizing);
        return new PreparedJob() {
            @Override
            public long expectedPositions() {
                return positions;
            }

            @Override
            public String modelId() {
                return model.id();
            }

            @Override
            public boolean randomWeights() {
                return model.randomWeights();
            }

            @Override
            public JobResult run(JobContext context) {
                return body.apply(context);
            }
        };
    }
}
