package io.q3tts.adapters.inference.onnx.engine;

import io.q3tts.adapters.inference.onnx.io.ReferenceAudio;
import io.q3tts.adapters.inference.onnx.bundle.Bundle;
import io.q3tts.adapters.inference.onnx.bundle.Manifest;
import io.q3tts.adapters.inference.onnx.codec.CodecDecoder;
import io.q3tts.adapters.inference.onnx.codec.CodecEncoder;
import io.q3tts.adapters.inference.onnx.text.TextTokenizer;
import io.q3tts.ports.model.CancellationToken;
import io.q3tts.ports.model.InvalidArgumentException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * The three official generation APIs of one loaded model, step by step: prompt building (as
 * {@code generate_custom_voice}, {@code generate_voice_design} and {@code generate_voice_clone}
 * prepare it), the frame loop, and the official decode (with the ICL reference prepended and cut).
 *
 * <p>Text is wrapped in the official chat templates and tokenised here; language and speaker are
 * validated against the model. Thread-safe: concurrent generations share the sessions.
 */
public final class Qwen3TtsEngine {

    private final Bundle bundle;
    private final Manifest manifest;
    private final TextTokenizer tokenizer;
    private final VoiceCatalog voices;
    private final CodecEmbeddings embeddings;
    private final PromptBuilder prompts;
    private final CodeGenerator generator;
    private final CodecDecoder decoder;

    /**
     * @param bundle a TTS bundle (kept open by the caller while this engine is used)
     * @param tokenizer the bundle's tokenizer
     * @param mode how residual codes are predicted
     */
    public Qwen3TtsEngine(Bundle bundle, TextTokenizer tokenizer, PredictorMode mode) {
        this(bundle, tokenizer, mode, TalkerPath.JAVA_BINDING);
    }

    /**
     * @param bundle a TTS bundle (kept open by the caller while this engine is used)
     * @param tokenizer the bundle's tokenizer
     * @param mode how residual codes are predicted
     * @param path how the talker reaches ONNX Runtime
     */
    public Qwen3TtsEngine(Bundle bundle, TextTokenizer tokenizer, PredictorMode mode, TalkerPath path) {
        this.bundle = Objects.requireNonNull(bundle, "bundle");
        this.manifest = bundle.manifest();
        if (!manifest.type().isTts()) {
            throw new IllegalArgumentException("bundle " + manifest.name() + " is a codec-only bundle");
        }
        this.tokenizer = Objects.requireNonNull(tokenizer, "tokenizer");
        this.voices = new VoiceCatalog(manifest);
        this.embeddings = new CodecEmbeddings(bundle);
        this.prompts = new PromptBuilder(new TextProjector(bundle, embeddings.hidden()), embeddings, manifest.text(),
                manifest.codecTokens());
        this.generator = new CodeGenerator(bundle, embeddings, mode, path);
        this.decoder = new CodecDecoder(bundle);
    }

    /** @return the manifest */
    public Manifest manifest() {
        return manifest;
    }

    /** @return language and speaker resolution */
    public VoiceCatalog voices() {
        return voices;
    }

    /** @return how this engine predicts residual codes */
    public PredictorMode generatorMode() {
        return generator.mode();
    }

    /** @return how the talker reaches ONNX Runtime */
    public TalkerPath talkerPath() {
        return generator.path();
    }

    /** @return the fixed-size KV talker's positions with {@link TalkerPath#STATIC_KV}, else 0 */
    public int staticKvLength() {
        return generator.staticKvLength();
    }

    /** @return whether the fixed-size KV talker runs with CUDA graphs */
    public boolean cudaGraphs() {
        return generator.cudaGraphs();
    }

    /** @return batches so far that ran on the fixed-size KV talker (a batch that may outgrow it runs on the growing cache) */
    public long staticKvBatches() {
        return generator.staticKvBatches();
    }

    /** @return the codec decoder */
    public CodecDecoder decoder() {
        return decoder;
    }

    /**
     * {@code <|im_start|>assistant\n{text}<|im_end|>\n<|im_start|>assistant\n}, tokenised.
     *
     * @param text the text
     * @return ids
     */
    public long[] assistantIds(String text) {
        return tokenizer.encode("<|im_start|>assistant\n" + text + "<|im_end|>\n<|im_start|>assistant\n");
    }

    /**
     * @param instruct an instruct; null or empty gives null (omitted)
     * @return {@code <|im_start|>user\n{instruct}<|im_end|>\n} tokenised, or null
     */
    public long[] instructIds(String instruct) {
        return instruct == null || instruct.isEmpty() ? null : tokenizer.encode("<|im_start|>user\n" + instruct + "<|im_end|>\n");
    }

    /**
     * @param refText a reference transcript
     * @return {@code <|im_start|>assistant\n{ref_text}<|im_end|>\n} tokenised
     */
    public long[] refIds(String refText) {
        return tokenizer.encode("<|im_start|>assistant\n" + refText + "<|im_end|>\n");
    }

    /**
     * The CustomVoice prompt ({@code generate_custom_voice}; official default {@code streamingText = false}).
     * The 0.6B model ignores the instruct, as the official wrapper does.
     *
     * @param text the text
     * @param speaker a preset speaker, any case
     * @param language a language key or {@code auto}; null means {@code auto}
     * @param instruct an optional instruct
     * @param streamingText the text layout
     * @return the prompt
     */
    public TalkerPrompt customVoicePrompt(String text, String speaker, String language, String instruct,
                                          boolean streamingText) {
        bundle.requireTask("custom_voice");
        Manifest.Speaker spk = voices.speaker(speaker);
        Integer lang = voices.languageId(language, spk);
        String effectiveInstruct = isSmallCustomVoice() ? null : instruct;
        return prompts.build(new PromptSpec(assistantIds(text), instructIds(effectiveInstruct), lang,
                spk == null ? null : PromptSpec.SpeakerSlot.preset(spk.codecId()), streamingText, null));
    }

    /**
     * The VoiceDesign prompt ({@code generate_voice_design}; official default {@code streamingText = false}).
     *
     * @param text the text
     * @param instruct the voice description (empty allowed: no instruct)
     * @param language a language key or {@code auto}
     * @param streamingText the text layout
     * @return the prompt
     */
    public TalkerPrompt voiceDesignPrompt(String text, String instruct, String language, boolean streamingText) {
        bundle.requireTask("voice_design");
        Integer lang = voices.languageId(language, null);
        return prompts.build(new PromptSpec(assistantIds(text), instructIds(instruct), lang, null, streamingText, null));
    }

    /**
     * The voice-clone prompt ({@code generate_voice_clone}; official default {@code streamingText = true}).
     *
     * @param text the text
     * @param language a language key or {@code auto}
     * @param voice the clone prompt
     * @param streamingText the text layout
     * @return the prompt
     */
    public TalkerPrompt voiceClonePrompt(String text, String language, VoiceClonePrompt voice, boolean streamingText) {
        bundle.requireTask("voice_clone");
        Integer lang = voices.languageId(language, null);
        PromptSpec.IclReference icl = null;
        if (voice.icl() && voice.refCodes() != null) {
            if (voice.refText() == null || voice.refText().isEmpty()) {
                throw new InvalidArgumentException("ref_text", "ref_text is required in ICL mode");
            }
            icl = new PromptSpec.IclReference(refIds(voice.refText()), voice.refCodes());
        }
        return prompts.build(new PromptSpec(assistantIds(text), null, lang,
                PromptSpec.SpeakerSlot.xVector(voice.speakerEmbedding()), streamingText, icl));
    }

    /**
     * The official {@code create_voice_clone_prompt} for one reference.
     *
     * @param audio mono samples
     * @param sampleRate their rate
     * @param refText the transcript (ICL), or null
     * @param xVectorOnly x-vector-only mode
     * @return the prompt
     */
    public VoiceClonePrompt createVoiceClonePrompt(float[] audio, int sampleRate, String refText, boolean xVectorOnly) {
        bundle.requireTask("voice_clone");
        if (!xVectorOnly && (refText == null || refText.isEmpty())) {
            throw new InvalidArgumentException("ref_text", "ref_text is required when x_vector_only_mode is off (ICL mode).");
        }
        float[] wav24 = sampleRate == 24_000 ? audio : ReferenceAudio.to24k(audio, sampleRate, "ref_audio");
        int[][] codes = xVectorOnly ? null : new CodecEncoder(bundle).encode(wav24);
        float[] xvec = new SpeakerEncoder(bundle).embed(wav24);
        return new VoiceClonePrompt(codes, xvec, xVectorOnly, refText);
    }

    /**
     * Runs the frame loop.
     *
     * @param prompt the prompt
     * @param settings decoding settings
     * @param listener per-frame callback, or null
     * @param hook decision hook, or null
     * @param cancel cancellation
     * @return the frames
     */
    public GeneratedCodes generate(TalkerPrompt prompt, GenerationSettings settings, FrameListener listener,
                                   DecisionHook hook, CancellationToken cancel) {
        return generator.generate(prompt, settings, listener, hook, cancel);
    }

    /**
     * Runs the frame loop for several prompts at once (see {@link CodeGenerator#generateBatch}).
     *
     * @param rows the rows; each gets its outcome through {@link BatchRow#onDone()}
     */
    public void generateBatch(java.util.List<BatchRow> rows) {
        generator.generateBatch(rows);
    }

    /**
     * Runs the frame loop for several prompts, more joining at frame boundaries (see
     * {@link CodeGenerator#generateBatch(java.util.List, CodeGenerator.RowSource, int)}).
     *
     * @param rows the rows to start with
     * @param source rows that may join
     * @param maxRows the most rows at once
     */
    public void generateBatch(java.util.List<BatchRow> rows, CodeGenerator.RowSource source, int maxRows) {
        generator.generateBatch(rows, source, maxRows);
    }

    /** @return whether the bundle's graphs run several rows per step (bundle version 2) */
    public boolean batched() {
        return generator.batched();
    }

    /** @return the talker's KV cache bytes per row and position */
    public long kvBytesPerPosition() {
        return generator.kvBytesPerPosition();
    }

    /** @return the KV positions each row holds whatever its length (the fixed-size cache), else 0 */
    public long reservedPositionsPerRow() {
        return generator.reservedPositionsPerRow();
    }

    /** @return whether rows can join a running batch */
    public boolean continuousBatching() {
        return generator.continuousBatching();
    }

    /**
     * The official decode of generated frames; with an ICL prompt the reference frames are decoded
     * in front and their share cut off, as {@code generate_voice_clone} does.
     *
     * @param frames generated frames
     * @param voice the clone prompt, or null
     * @return the waveform at 24 kHz
     */
    public float[] decode(int[][] frames, VoiceClonePrompt voice) {
        if (voice == null || voice.refCodes() == null) {
            return decoder.decode(frames);
        }
        int[][] ref = voice.refCodes();
        int[][] all = Arrays.copyOf(ref, ref.length + frames.length);
        System.arraycopy(frames, 0, all, ref.length, frames.length);
        float[] wav = decoder.decode(all);
        int cut = CodecDecoder.iclCut(ref.length, all.length, wav.length);
        return Arrays.copyOfRange(wav, cut, wav.length);
    }

    /**
     * {@link #decode} of several rows in shared decoder passes ({@link CodecDecoder#decodeBatch}),
     * as the official batched wrapper decodes its rows; each result equals the row decoded alone up
     * to float rounding.
     *
     * @param frames each row's generated frames
     * @param voices each row's clone prompt, or null entries (the list itself may be null: no prompts)
     * @return each row's waveform at 24 kHz, in order
     */
    public List<float[]> decodeBatch(List<int[][]> frames, List<VoiceClonePrompt> voices) {
        int n = frames.size();
        if (voices != null && voices.size() != n) {
            throw new IllegalArgumentException(voices.size() + " voices for " + n + " rows");
        }
        List<int[][]> all = new ArrayList<>(n);
        int[] refFrames = new int[n];
        for (int i = 0; i < n; i++) {
            VoiceClonePrompt voice = voices == null ? null : voices.get(i);
            int[][] gen = frames.get(i);
            if (voice == null || voice.refCodes() == null) {
                all.add(gen);
                continue;
            }
            int[][] ref = voice.refCodes();
            int[][] joined = Arrays.copyOf(ref, ref.length + gen.length);
            System.arraycopy(gen, 0, joined, ref.length, gen.length);
            refFrames[i] = ref.length;
            all.add(joined);
        }
        List<float[]> wavs = decoder.decodeBatch(all);
        List<float[]> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            float[] wav = wavs.get(i);
            int cut = refFrames[i] == 0 ? 0 : CodecDecoder.iclCut(refFrames[i], all.get(i).length, wav.length);
            out.add(cut == 0 ? wav : Arrays.copyOfRange(wav, cut, wav.length));
        }
        return out;
    }

    private boolean isSmallCustomVoice() {
        // The wrapper tests `tts_model_size in "0b6"`, i.e. a substring test on the size string.
        String size = manifest.size();
        return size != null && "0b6".contains(size);
    }
}
