package io.q3tts.adapters.inference.onnx.synth;

import io.q3tts.adapters.inference.onnx.io.ReferenceAudio;
import io.q3tts.lib.dsp.ReferenceResampler;
import io.q3tts.adapters.inference.onnx.bundle.Bundle;
import io.q3tts.adapters.inference.onnx.bundle.Manifest;
import io.q3tts.adapters.inference.onnx.bundle.ModelHandle;
import io.q3tts.adapters.inference.onnx.bundle.OrtRuntime;
import io.q3tts.adapters.inference.onnx.codec.StreamingCodecDecoder;
import io.q3tts.adapters.inference.onnx.engine.BatchRow;
import io.q3tts.adapters.inference.onnx.engine.CodeGenerator;
import io.q3tts.adapters.inference.onnx.engine.FrameListener;
import io.q3tts.adapters.inference.onnx.engine.GeneratedCodes;
import io.q3tts.adapters.inference.onnx.engine.GenerationSettings;
import io.q3tts.adapters.inference.onnx.engine.Qwen3TtsEngine;
import io.q3tts.adapters.inference.onnx.engine.RunawayGuard;
import io.q3tts.adapters.inference.onnx.engine.TalkerPrompt;
import io.q3tts.adapters.inference.onnx.engine.VoiceClonePrompt;
import io.q3tts.adapters.inference.onnx.io.MelFrontend;
import io.q3tts.adapters.inference.onnx.io.InvalidAudioException;
import io.q3tts.adapters.inference.onnx.io.WavAudio;
import io.q3tts.adapters.inference.onnx.io.WavReader;
import io.q3tts.adapters.inference.onnx.text.TextTokenizer;
import io.q3tts.ports.model.CancellationToken;
import io.q3tts.ports.model.InvalidArgumentException;
import io.q3tts.ports.model.ModelException;
import io.q3tts.ports.model.NotFoundException;
import io.q3tts.ports.model.UnsupportedException;
import io.q3tts.ports.model.UnsupportedMediaException;
import io.q3tts.ports.out.inference.AudioChunk;
import io.q3tts.ports.out.inference.BatchCapabilities;
import io.q3tts.ports.out.inference.BatchFeed;
import io.q3tts.ports.out.inference.BatchItem;
import io.q3tts.ports.out.inference.BatchOutcome;
import io.q3tts.ports.out.inference.ClonePrompt;
import io.q3tts.ports.out.inference.ClonePromptEncoder;
import io.q3tts.ports.out.inference.FinishReason;
import io.q3tts.ports.out.inference.SpeechSynthesizer;
import io.q3tts.ports.out.inference.SynthesisListener;
import io.q3tts.ports.out.inference.SynthesisProgress;
import io.q3tts.ports.out.inference.SynthesisRequest;
import io.q3tts.ports.out.inference.SynthesisResult;
import io.q3tts.ports.out.inference.SynthesizerInfo;
import io.q3tts.ports.out.inference.TaskType;
import io.q3tts.ports.out.inference.VoicePrompt;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * The {@link SpeechSynthesizer} port over the ONNX engine: one opened bundle folder (its
 * {@link Bundle}, {@link TextTokenizer} and {@link Qwen3TtsEngine}). For a Base model it is also the
 * {@link ClonePromptEncoder}: its prompts are {@link VoicePromptFile} bytes.
 *
 * <p><b>Requests.</b> Each task maps to the engine's official prompt (CustomVoice, VoiceDesign,
 * VoiceClone); a clone voice comes from a reference WAV ({@link VoicePrompt.ReferenceAudio}: read and
 * mixed to mono as {@code librosa.load} does, resampled to 24 kHz exactly as {@code librosa.resample}
 * ({@link ReferenceAudio}, libsoxr), then the official {@code create_voice_clone_prompt}) or from a
 * {@link VoicePromptFile} ({@link VoicePrompt.Saved}, fetched from {@link SynthesizerOptions#voices()}).
 * Sampling, seed, {@code max_new_tokens} and the text layout pass through unchanged; on top of them
 * the {@linkplain SynthesizerOptions#runawayGuard() runaway guard} (on by default, off for parity)
 * caps the frames by text length and reports {@link FinishReason#LENGTH_LIMIT}. Callers fill unset
 * generation arguments from {@link SynthesizerInfo#generation()} (the bundle's
 * {@code generation_config.json}, {@link Bundle#generationDefaults()}); the result carries the codes.
 *
 * <p><b>Audio.</b> The returned audio is always the official decode: {@code chunked_decode} (one
 * decoder pass for up to 300 frames, else chunks of 300 with 25 frames of left context) and, for an
 * ICL clone, the reference frames decoded in front and cut off with the official formula. While
 * generating, a listener that {@linkplain SynthesisListener#wantsAudioChunks() wants chunks} gets them
 * from the {@link StreamingCodecDecoder}: the first after {@link SynthesizerOptions#firstChunkFrames()}
 * frames, then every {@link SynthesizerOptions#chunkFrames()}, the rest with {@code last == true} after
 * the loop. For ICL the streaming decoder is first primed with the reference frames (their audio
 * dropped), so ICL streams too. The streamed audio is one decoder pass over everything, which is what
 * the official decode computes for up to 300 frames (reference included): the concatenated chunks
 * equal the final audio up to float rounding between the two codec graphs (tested below 1e-4, the
 * project's waveform tolerance; the demo fixture cases measure 1e-5 to 5e-5). Two exact differences: past 300 frames the official decode restarts
 * its attention at each chunk boundary while the stream does not, and an ICL cut that Python's float
 * arithmetic rounds down leaves the final audio one sample longer at the front than the stream.
 *
 * <p><b>Cancellation</b> is checked between frames and terminates a running talker or predictor
 * graph. <b>Errors</b> use the ports' vocabulary: unknown speaker or language, a missing, too short or
 * non-finite reference clip, or an unusable voice file are {@link InvalidArgumentException}s naming
 * what is allowed; a reference file that is not a readable WAV is {@link UnsupportedMediaException};
 * a task the model does not serve is {@link UnsupportedException}; a missing saved voice is
 * {@link NotFoundException}.
 *
 * <p><b>Batches.</b> {@link #synthesizeBatch} prepares every row as {@link #synthesize} would
 * (a row whose voice or prompt is invalid fails alone before generation) and runs up to
 * {@link #batchCapabilities()}{@code .maxBatch()} rows through one batched frame loop (each row
 * keeps its own streaming decoder, progress, cancellation and sampling stream). The rows that end
 * in the same frame step are finished together at once on the generating thread: one batched
 * official decode ({@link Qwen3TtsEngine#decodeBatch}, equal to each row decoded alone up to float
 * rounding), then each row's outcome; the others wait for that decode. Rows beyond the limit, and rows from the {@link BatchFeed}, join the running loop at the
 * next frame boundary with room (continuous batching; a version-1 bundle runs one row at a time). A
 * row's codes are the ones it gets alone, up to near-ties of the batched float rounding.
 *
 * <p>Thread-safe: concurrent calls run in parallel on shared sessions. {@link #close()} waits for
 * running calls, then frees the model.
 */
public final class OnnxSpeechSynthesizer implements SpeechSynthesizer, ClonePromptEncoder, AutoCloseable {

    private final ModelHandle handle;
    private final Bundle bundle;
    private final Manifest manifest;
    private final TextTokenizer tokenizer;
    private final Qwen3TtsEngine engine;
    private final SynthesizerOptions options;
    private final SynthesizerInfo info;
    private final int sampleRate;
    private final int embeddingDim;
    private final int minReferenceSamples;
    private final String cacheKey;

    private OnnxSpeechSynthesizer(Bundle bundle, TextTokenizer tokenizer, SynthesizerOptions options) {
        this.bundle = bundle;
        this.manifest = bundle.manifest();
        this.tokenizer = tokenizer;
        this.options = options;
        this.engine = new Qwen3TtsEngine(bundle, tokenizer, options.predictorMode(), options.talkerPath());
        this.sampleRate = manifest.sampleRate();
        // The x-vector fills one codec-embedding slot of the prompt, so its size is the talker's hidden size.
        this.embeddingDim = bundle.table(Bundle.CODEC_EMBEDDING).rowLength();
        this.minReferenceSamples = minReferenceSamples(manifest);
        try {
            this.cacheKey = VoicePromptFile.cacheKey(bundle.dir().resolve(Manifest.FILE), embeddingDim);
        } catch (IOException e) {
            throw new ModelException("Cannot read the manifest of model '" + manifest.name() + "': " + e.getMessage(), e);
        }
        this.info = new SynthesizerInfo(manifest.name(), tasks(manifest), engine.voices().speakers(),
                engine.voices().supportedLanguages(), manifest.instructSupported(), sampleRate, manifest.randomWeights(),
                bundle.generationDefaults());
        this.handle = new ModelHandle(bundle);
    }

    /**
     * Opens a bundle folder.
     *
     * @param bundleDir the folder holding {@code manifest.json}
     * @param runtime the shared ONNX runtime (not closed by this synthesizer)
     * @param options how to run
     * @return the synthesizer; close it to free the model
     * @throws NotFoundException if the folder or its manifest is missing
     * @throws UnsupportedException if the bundle is codec-only
     * @throws ModelException if the bundle is incomplete, invalid or cannot be loaded
     */
    public static OnnxSpeechSynthesizer open(Path bundleDir, OrtRuntime runtime, SynthesizerOptions options) {
        Objects.requireNonNull(options, "options");
        Bundle bundle = Bundles.open(bundleDir, runtime);
        try {
            if (!bundle.manifest().type().isTts()) {
                throw new UnsupportedException("Model '" + bundle.manifest().name() + "' is the speech tokenizer (codec) only: "
                        + "it encodes and decodes audio but cannot synthesize speech; use a CustomVoice, VoiceDesign or Base model.");
            }
            TextTokenizer tokenizer;
            try {
                tokenizer = TextTokenizer.load(bundle.tokenizerFile());
            } catch (IOException e) {
                throw new ModelException("Cannot load the text tokenizer of model '" + bundle.manifest().name() + "': "
                        + e.getMessage(), e);
            }
            try {
                return new OnnxSpeechSynthesizer(bundle, tokenizer, options);
            } catch (RuntimeException e) {
                tokenizer.close();
                throw e;
            }
        } catch (RuntimeException e) {
            bundle.close();
            throw e;
        }
    }

    @Override
    public SynthesizerInfo info() {
        return info;
    }

    /** @return the engine, for callers inside the adapter (tests, benchmarks) that need codes or prompts */
    public Qwen3TtsEngine engine() {
        return engine;
    }

    /**
     * @return approximately what this synthesizer holds in memory now: the opened graphs and tables
     *     ({@link Bundle#residentBytes()}) plus the text tokenizer's vocabulary file
     */
    public long memoryBytes() {
        long vocabulary;
        try {
            vocabulary = Files.size(bundle.tokenizerFile());
        } catch (IOException e) {
            vocabulary = 0;
        }
        return bundle.residentBytes() + vocabulary;
    }

    /** @return the options this synthesizer runs with */
    public SynthesizerOptions options() {
        return options;
    }

    @Override
    public SynthesisResult synthesize(SynthesisRequest request, SynthesisListener listener, CancellationToken cancellation) {
        Objects.requireNonNull(request, "request");
        Objects.requireNonNull(listener, "listener");
        Objects.requireNonNull(cancellation, "cancellation");
        long start = System.nanoTime();
        try (ModelHandle.Lease lease = handle.acquire()) {
            cancellation.throwIfCancelled();
            requireTask(request.task());
            VoiceClonePrompt voice = request.task() == TaskType.VOICE_CLONE
                    ? voiceClonePrompt(request.voicePrompt(), cancellation) : null;
            TalkerPrompt prompt = prompt(request, voice);
            RunawayGuard guard = options.runawayGuard();
            GenerationSettings settings = GenerationSettings.of(manifest, request.sampling(), request.maxNewTokens(), guard);
            // At most max_new_tokens - 1 frames (the last decision is never code-predicted), fewer under the guard.
            int maxFrames = Math.max(0, request.maxNewTokens() - 1);
            if (guard != null) {
                maxFrames = Math.min(maxFrames, guard.limit(prompt.textTokens()));
            }
            GeneratedCodes codes;
            try (Streamer streamer = new Streamer(listener, voice, maxFrames, start)) {
                codes = engine.generate(prompt, settings, streamer, null, cancellation);
                cancellation.throwIfCancelled();
                streamer.finish(codes.frameCount());
            }
            cancellation.throwIfCancelled();
            float[] audio = engine.decode(codes.frames(), voice);
            if (!listener.wantsAudioChunks()) {
                listener.onAudio(new AudioChunk(audio, sampleRate, 0, true));
            }
            return new SynthesisResult(audio, sampleRate, codes.frameCount(), finishReason(codes),
                    Duration.ofNanos(System.nanoTime() - start), codes.frames());
        }
    }

    @Override
    public BatchCapabilities batchCapabilities() {
        int max = engine.batched() ? Math.min(manifest.maxBatch(), options.maxBatch()) : 1;
        return new BatchCapabilities(max, max > 1 && engine.continuousBatching(), engine.kvBytesPerPosition(),
                engine.reservedPositionsPerRow());
    }

    @Override
    public void synthesizeBatch(List<BatchItem> rows, BatchFeed feed) {
        Objects.requireNonNull(rows, "rows");
        Objects.requireNonNull(feed, "feed");
        rows.forEach(r -> Objects.requireNonNull(r, "row"));
        int max = batchCapabilities().maxBatch();
        ModelHandle.Lease lease;
        try {
            lease = handle.acquire();
        } catch (RuntimeException e) {
            rows.forEach(item -> item.onDone().accept(new BatchOutcome.Failed(e)));
            List<BatchItem> more;
            while (!(more = feed.poll(Math.max(1, max))).isEmpty()) {
                more.forEach(item -> item.onDone().accept(new BatchOutcome.Failed(e)));
            }
            return;
        }
        List<Prepared> all = new ArrayList<>();
        List<Prepared> ended = new ArrayList<>();
        try (lease) {
            List<BatchRow> initial = new ArrayList<>();
            for (BatchItem item : rows) {
                BatchRow row = prepare(item, all, ended);
                if (row != null) {
                    initial.add(row);
                }
            }
            engine.generateBatch(initial, new CodeGenerator.RowSource() {
                @Override
                public List<BatchRow> poll(int free) {
                    List<BatchRow> joining = new ArrayList<>();
                    for (BatchItem item : feed.poll(free)) {
                        BatchRow row = prepare(item, all, ended);
                        if (row != null) {
                            joining.add(row);
                        }
                    }
                    return joining;
                }

                @Override
                public void rowsFinished() {
                    finishRows(ended);
                }
            }, max);
            finishRows(ended);
        } catch (RuntimeException e) {
            for (Prepared p : all) {
                p.report(new BatchOutcome.Failed(e));
            }
        } finally {
            for (Prepared p : all) {
                p.closeStreamer();
                p.report(new BatchOutcome.Failed(new ModelException("The batch ended before this row finished.")));
            }
        }
    }

    /** One row of a batch from its request to its outcome. */
    private static final class Prepared {
        final BatchItem item;
        final long start;
        VoiceClonePrompt voice;
        Streamer streamer;
        GeneratedCodes codes;
        boolean reported;

        Prepared(BatchItem item, long start) {
            this.item = item;
            this.start = start;
        }

        void report(BatchOutcome outcome) {
            if (!reported) {
                reported = true;
                item.onDone().accept(outcome);
            }
        }

        void closeStreamer() {
            if (streamer != null) {
                streamer.close();
                streamer = null;
            }
        }
    }

    /**
     * Prepares a row as {@link #synthesize} does (a failure is reported to the row at once) and
     * returns its engine row: a row that fails is reported at once, a row that finishes with its
     * codes goes to {@code ended}, to be decoded with the rows that end in the same step.
     */
    private BatchRow prepare(BatchItem item, List<Prepared> all, List<Prepared> ended) {
        Prepared p = new Prepared(item, System.nanoTime());
        all.add(p);
        try {
            SynthesisRequest request = item.request();
            CancellationToken cancellation = item.cancellation();
            cancellation.throwIfCancelled();
            requireTask(request.task());
            p.voice = request.task() == TaskType.VOICE_CLONE
                    ? voiceClonePrompt(request.voicePrompt(), cancellation) : null;
            TalkerPrompt prompt = prompt(request, p.voice);
            RunawayGuard guard = options.runawayGuard();
            GenerationSettings settings = GenerationSettings.of(manifest, request.sampling(), request.maxNewTokens(), guard);
            int maxFrames = Math.max(0, request.maxNewTokens() - 1);
            if (guard != null) {
                maxFrames = Math.min(maxFrames, guard.limit(prompt.textTokens()));
            }
            p.streamer = new Streamer(item.listener(), p.voice, maxFrames, p.start);
            return new BatchRow(prompt, settings, p.streamer, null, cancellation, outcome -> {
                if (outcome.error() != null) {
                    p.report(new BatchOutcome.Failed(outcome.error()));
                    p.closeStreamer();
                } else {
                    p.codes = outcome.codes();
                    ended.add(p);
                }
            });
        } catch (RuntimeException e) {
            p.closeStreamer();
            p.report(new BatchOutcome.Failed(e));
            return null;
        }
    }

    /**
     * Finishes the rows that ended with their codes: each row's stream is flushed, then all are
     * decoded in one batched official decode, then each gets its outcome. A row whose flush, or
     * whose own decode, fails gets its own error; if the shared decode fails, the rows are decoded
     * one by one so that an error lands on the row that causes it. Never throws.
     */
    private void finishRows(List<Prepared> ended) {
        if (ended.isEmpty()) {
            return;
        }
        List<Prepared> rows = new ArrayList<>(ended);
        ended.clear();
        List<Prepared> decoding = new ArrayList<>(rows.size());
        for (Prepared p : rows) {
            try {
                CancellationToken cancellation = p.item.cancellation();
                cancellation.throwIfCancelled();
                p.streamer.finish(p.codes.frameCount());
                cancellation.throwIfCancelled();
                decoding.add(p);
            } catch (RuntimeException e) {
                p.report(new BatchOutcome.Failed(e));
                p.closeStreamer();
            }
        }
        List<float[]> audio = null;
        if (decoding.size() > 1) {
            try {
                audio = engine.decodeBatch(decoding.stream().map(p -> p.codes.frames()).toList(),
                        decoding.stream().map(p -> p.voice).toList());
            } catch (RuntimeException e) {
                // Decoded one by one below, so that the error lands on the row that causes it.
                audio = null;
            }
        }
        for (int i = 0; i < decoding.size(); i++) {
            Prepared p = decoding.get(i);
            try {
                float[] wav = audio != null ? audio.get(i) : engine.decode(p.codes.frames(), p.voice);
                p.report(new BatchOutcome.Done(finishRow(p, wav)));
            } catch (RuntimeException e) {
                p.report(new BatchOutcome.Failed(e));
            } finally {
                p.closeStreamer();
            }
        }
    }

    private SynthesisResult finishRow(Prepared p, float[] audio) {
        p.item.cancellation().throwIfCancelled();
        GeneratedCodes codes = p.codes;
        if (!p.item.listener().wantsAudioChunks()) {
            p.item.listener().onAudio(new AudioChunk(audio, sampleRate, 0, true));
        }
        return new SynthesisResult(audio, sampleRate, codes.frameCount(), finishReason(codes),
                Duration.ofNanos(System.nanoTime() - p.start), codes.frames());
    }

    /**
     * The key of this model's prompts ({@link VoicePromptFile#cacheKey}); also for models that cannot
     * clone, whose {@link #encode} refuses.
     */
    @Override
    public String cacheKey() {
        return cacheKey;
    }

    /** The official {@code create_voice_clone_prompt}, serialized as a {@link VoicePromptFile}. */
    @Override
    public ClonePrompt encode(VoicePrompt.ReferenceAudio reference, CancellationToken cancellation) {
        Objects.requireNonNull(reference, "reference");
        Objects.requireNonNull(cancellation, "cancellation");
        try (ModelHandle.Lease lease = handle.acquire()) {
            cancellation.throwIfCancelled();
            requireTask(TaskType.VOICE_CLONE);
            VoiceClonePrompt prompt = referencePrompt(reference, cancellation);
            return new ClonePrompt(cacheKey, VoicePromptFile.toBytes(prompt, manifest, cacheKey), prompt.xVectorOnly());
        }
    }

    /**
     * The voice-clone prompt of a request's voice, as {@link #synthesize} builds it.
     *
     * @param voice the request's voice
     * @param cancellation checked between the steps
     * @return the prompt
     */
    public VoiceClonePrompt voiceClonePrompt(VoicePrompt voice, CancellationToken cancellation) {
        Objects.requireNonNull(voice, "voice");
        return switch (voice) {
            case VoicePrompt.ReferenceAudio ref -> referencePrompt(ref, cancellation);
            case VoicePrompt.Saved saved -> savedPrompt(saved.voiceId(), cancellation);
        };
    }

    private TalkerPrompt prompt(SynthesisRequest r, VoiceClonePrompt voice) {
        boolean streamingText = r.streamingTextInput();
        return switch (r.task()) {
            case CUSTOM_VOICE -> engine.customVoicePrompt(r.text(), r.speaker(), r.language(), r.instruct(), streamingText);
            case VOICE_DESIGN -> engine.voiceDesignPrompt(r.text(), r.instruct(), r.language(), streamingText);
            case VOICE_CLONE -> engine.voiceClonePrompt(r.text(), r.language(), voice, streamingText);
        };
    }

    private VoiceClonePrompt referencePrompt(VoicePrompt.ReferenceAudio ref, CancellationToken cancellation) {
        WavAudio wav;
        try {
            wav = WavReader.read(ref.audio());
        } catch (NoSuchFileException e) {
            throw new InvalidArgumentException("ref_audio", "The reference audio file " + ref.audio() + " does not exist.");
        } catch (InvalidAudioException e) {
            throw new UnsupportedMediaException("ref_audio", "Cannot read the reference audio " + ref.audio() + ": "
                    + e.getMessage() + " Use a WAV file (PCM or float, any rate and channel count).", e);
        } catch (IOException e) {
            throw new InvalidArgumentException("ref_audio", "Cannot read the reference audio " + ref.audio() + ": "
                    + e.getMessage());
        }
        float[] samples = wav.samples();
        for (float s : samples) {
            if (!Float.isFinite(s)) {
                throw new InvalidArgumentException("ref_audio", "The reference audio " + ref.audio()
                        + " contains NaN or infinite samples.");
            }
        }
        cancellation.throwIfCancelled();
        float[] wav24 = ReferenceAudio.to24k(samples, wav.sampleRate(), "ref_audio");
        if (wav24.length < minReferenceSamples) {
            throw new InvalidArgumentException("ref_audio", String.format(Locale.ROOT,
                    "The reference audio %s is too short: %.3f s, but the speaker encoder needs at least %d samples "
                            + "at 24 kHz (%.3f s); use a clip of a few seconds.",
                    ref.audio(), wav24.length / 24_000.0, minReferenceSamples, minReferenceSamples / 24_000.0));
        }
        cancellation.throwIfCancelled();
        return engine.createVoiceClonePrompt(wav24, 24_000, ref.transcript(), ref.xVectorOnly());
    }

    private VoiceClonePrompt savedPrompt(String voiceId, CancellationToken cancellation) {
        byte[] bytes = options.voices().load(voiceId, this, cancellation);
        VoicePromptFile.Stored stored;
        try {
            stored = VoicePromptFile.fromBytes(bytes, voiceId);
        } catch (IOException e) {
            throw new InvalidArgumentException("voice_id", "Voice '" + voiceId + "' cannot be used: " + e.getMessage() + ".");
        }
        if (stored.embeddingDim() != embeddingDim) {
            throw new InvalidArgumentException("voice_id", "Voice '" + voiceId + "' was created with model '"
                    + stored.modelName() + "' (speaker embedding size " + stored.embeddingDim() + "), which does not fit model '"
                    + manifest.name() + "' (size " + embeddingDim + "); create the voice again with this model.");
        }
        return stored.prompt();
    }

    private void requireTask(TaskType task) {
        bundle.requireTask(switch (task) {
            case CUSTOM_VOICE -> "custom_voice";
            case VOICE_DESIGN -> "voice_design";
            case VOICE_CLONE -> "voice_clone";
        });
    }

    private static FinishReason finishReason(GeneratedCodes codes) {
        return switch (codes.stopReason()) {
            case EOS -> FinishReason.END_OF_SPEECH;
            case MAX_NEW_TOKENS -> FinishReason.MAX_NEW_TOKENS;
            case RUNAWAY_GUARD -> FinishReason.LENGTH_LIMIT;
        };
    }

    private static Set<TaskType> tasks(Manifest m) {
        Set<TaskType> out = EnumSet.noneOf(TaskType.class);
        for (String t : m.tasks()) {
            switch (t) {
                case "custom_voice" -> out.add(TaskType.CUSTOM_VOICE);
                case "voice_design" -> out.add(TaskType.VOICE_DESIGN);
                case "voice_clone" -> out.add(TaskType.VOICE_CLONE);
                default -> { } // "tokenizer" is the codec, served by OnnxSpeechTokenizer
            }
        }
        if (out.isEmpty()) {
            throw new UnsupportedException("Model '" + m.name() + "' declares no speech task (tasks: " + m.tasks() + ").");
        }
        return out;
    }

    /**
     * The shortest 24 kHz clip the speaker encoder accepts: the mel frontend needs more samples than
     * its reflect padding, and the encoder at least {@code min_frames} mel frames (5 frames = 1280
     * samples with the official hop 256 and window 1024).
     */
    private static int minReferenceSamples(Manifest m) {
        int minFrames = m.speakerEncoder() == null ? 1 : m.speakerEncoder().path("min_frames").asInt(1);
        int n = MelFrontend.minSamples();
        while (MelFrontend.frameCount(n) < minFrames) {
            n++;
        }
        return n;
    }

    /** Frees the model once running calls have finished. Idempotent. */
    @Override
    public void close() {
        handle.close();
        tokenizer.close();
    }

    /**
     * The per-call frame listener: progress reports and streamed audio. Per frame it copies the codes
     * into the streaming decoder's reused slots and reads the clock; it allocates only when it
     * decodes a chunk or reports progress.
     */
    private final class Streamer implements FrameListener, AutoCloseable {
        private final SynthesisListener listener;
        private final StreamingCodecDecoder decoder;
        private final int maxFrames;
        private final long start;
        private final long intervalNanos;
        private long lastReport;
        private long emitted;

        Streamer(SynthesisListener listener, VoiceClonePrompt voice, int maxFrames, long start) {
            this.listener = listener;
            this.maxFrames = maxFrames;
            this.start = start;
            this.intervalNanos = options.progressInterval().toNanos();
            this.lastReport = start;
            if (listener.wantsAudioChunks()) {
                decoder = new StreamingCodecDecoder(bundle, options.firstChunkFrames(), options.chunkFrames());
                if (voice != null && voice.refCodes() != null && voice.refCodes().length > 0) {
                    try {
                        // The official ICL decode runs over reference + generated frames; priming gives the
                        // generated frames the same decoder context. The reference's own audio is dropped.
                        decoder.prime(voice.refCodes());
                    } catch (RuntimeException e) {
                        decoder.close();
                        throw e;
                    }
                }
            } else {
                decoder = null;
            }
        }

        @Override
        public void onFrame(int frameIndex, int[] codes, long elapsedNanos) {
            int frames = frameIndex + 1;
            float[] audio = decoder == null ? null : decoder.push(codes);
            long now = System.nanoTime();
            boolean chunk = audio != null && audio.length > 0;
            // A chunk always comes with a fresh report, so listeners see which frame its audio ends at.
            if (chunk || now - lastReport >= intervalNanos) {
                report(frames, now);
            }
            if (chunk) {
                emit(audio, false);
            }
        }

        void finish(int frames) {
            if (decoder != null) {
                emit(decoder.flush(), true);
            }
            report(frames, System.nanoTime());
        }

        private void emit(float[] audio, boolean last) {
            listener.onAudio(new AudioChunk(audio, sampleRate, emitted, last));
            emitted += audio.length;
        }

        private void report(int frames, long now) {
            lastReport = now;
            listener.onProgress(new SynthesisProgress(frames, Math.max(frames, maxFrames), Duration.ofNanos(now - start)));
        }

        @Override
        public void close() {
            if (decoder != null) {
                decoder.close();
            }
        }
    }
}
