package io.q3tts.adapters.inference.onnx.engine;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.q3tts.adapters.inference.onnx.bundle.Bundle;
import io.q3tts.adapters.inference.onnx.bundle.GraphKind;
import io.q3tts.adapters.inference.onnx.ffm.NativeSession;
import io.q3tts.adapters.inference.onnx.ffm.OrtCallException;
import io.q3tts.ports.model.CancellationToken;
import io.q3tts.ports.model.CancelledException;
import io.q3tts.ports.model.ModelException;
import io.q3tts.ports.out.inference.SamplingParams;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * The official talker generation loop over ONNX Runtime.
 *
 * <p>Prefill runs the talker on the whole prompt (empty past); each later step feeds one summed
 * frame embedding. After every talker run the codebook-0 scores go through the official processors
 * ({@link LogitsProcessors}) and greedy argmax or HF-style sampling ({@link TokenSampler}); the loop
 * stops at EOS or after {@code max_new_tokens} decisions (so at most {@code max_new_tokens - 1}
 * frames). For each fed codebook-0 token the code predictor produces the 15 residual codes
 * ({@link PredictorMode}), and the next talker input is their embedding sum plus the next trailing
 * text vector (or {@code tts_pad}).
 *
 * <p>The talker runs behind a {@link TalkerRunner}, chosen per generator ({@link TalkerPath}): the
 * Java binding ({@link JavaTalkerRunner}, the default) or I/O binding through the C API
 * ({@link BoundTalkerRunner}, {@code engine.device_kv}), which keeps the KV cache on the device
 * between steps. Both produce identical codes on the CPU. Inputs live in direct buffers allocated
 * once per generation; the small outputs the loop reads ({@code logits}, {@code last_hidden}, the
 * frame codes) are written by ONNX Runtime into pinned direct buffers.
 *
 * <p>Non-finite talker logits (an fp16 overflow) fail the generation with a message that names the
 * fix instead of sampling from garbage.
 *
 * <p>Cancellation is checked between frames and also interrupts a running graph
 * ({@link OrtSession.RunOptions#setTerminate}). Thread-safe: each {@link #generate} call has its
 * own state; sessions are shared.
 */
public final class CodeGenerator {

    private static final int PREDICTOR_VOCAB = 2048;

    private final OrtEnvironment env;
    private final CodecEmbeddings emb;
    private final PredictorMode mode;
    private final TalkerPath path;
    private final OrtSession talker;
    private final NativeSession nativeTalker;
    private final int cudaDevice;
    private final String precision;
    private final OrtSession predictor;
    private final KvLayout talkerKv;
    private final KvLayout predictorKv;
    private final int hidden;
    private final int vocab;
    private final int residualGroups;

    /**
     * @param bundle a TTS bundle
     * @param emb its codec embeddings
     * @param mode how residual codes are predicted
     */
    public CodeGenerator(Bundle bundle, CodecEmbeddings emb, PredictorMode mode) {
        this(bundle, emb, mode, TalkerPath.JAVA_BINDING);
    }

    /**
     * @param bundle a TTS bundle
     * @param emb its codec embeddings
     * @param mode how residual codes are predicted
     * @param path how the talker reaches ONNX Runtime
     */
    public CodeGenerator(Bundle bundle, CodecEmbeddings emb, PredictorMode mode, TalkerPath path) {
        this.env = bundle.runtime().env();
        this.path = Objects.requireNonNull(path, "path");
        this.precision = bundle.manifest().precision();
        this.emb = Objects.requireNonNull(emb, "emb");
        this.mode = Objects.requireNonNull(mode, "mode");
        this.hidden = emb.hidden();
        this.vocab = emb.codecVocab();
        this.residualGroups = emb.groups() - 1;
        if (path == TalkerPath.IO_BINDING) {
            this.talker = null;
            this.nativeTalker = bundle.nativeSession(GraphKind.TALKER);
            this.talkerKv = KvLayout.of(nativeTalker, "talker");
            this.cudaDevice = bundle.runtime().usesCuda() ? bundle.runtime().config().cudaDeviceId() : -1;
        } else {
            this.talker = bundle.session(GraphKind.TALKER);
            this.nativeTalker = null;
            this.talkerKv = KvLayout.of(talker, "talker");
            this.cudaDevice = -1;
        }
        if (mode == PredictorMode.FUSED) {
            this.predictor = bundle.session(GraphKind.CODE_PREDICTOR_FRAME);
            this.predictorKv = null;
        } else {
            this.predictor = bundle.session(GraphKind.CODE_PREDICTOR_STEP);
            this.predictorKv = KvLayout.of(predictor, "code_predictor_step");
        }
    }

    /** @return the predictor mode */
    public PredictorMode mode() {
        return mode;
    }

    /** @return how the talker reaches ONNX Runtime */
    public TalkerPath path() {
        return path;
    }

    /** Opens the talker runner of one generation over the given host buffers and tensors (which view them). */
    TalkerRunner openTalker(FloatBuffer logitsBuf, FloatBuffer lastHiddenBuf, FloatBuffer stepBuf, OnnxTensor logitsOut,
                            OnnxTensor lastHiddenOut, OnnxTensor stepIn, OrtSession.RunOptions runOptions,
                            CancellationToken cancel) throws OrtException {
        if (path == TalkerPath.IO_BINDING) {
            return new BoundTalkerRunner(nativeTalker, talkerKv, logitsBuf, lastHiddenBuf, stepBuf, cudaDevice, cancel);
        }
        return new JavaTalkerRunner(env, talker, talkerKv, logitsOut, lastHiddenOut, stepIn, runOptions);
    }

    /** @return the talker's KV layout */
    KvLayout talkerKv() {
        return talkerKv;
    }

    /**
     * Runs the loop.
     *
     * @param prompt the talker prompt
     * @param settings decoding settings
     * @param listener per-frame callback, or null
     * @param hook decision hook, or null
     * @param cancel cancellation token, never null ({@link CancellationToken#none()} for none)
     * @return the frames
     * @throws CancelledException if cancelled
     * @throws ModelException if a graph fails
     */
    public GeneratedCodes generate(TalkerPrompt prompt, GenerationSettings settings, FrameListener listener,
                                   DecisionHook hook, CancellationToken cancel) {
        Objects.requireNonNull(prompt, "prompt");
        Objects.requireNonNull(settings, "settings");
        Objects.requireNonNull(cancel, "cancel");
        if (prompt.hidden() != hidden) {
            throw new IllegalArgumentException("prompt hidden size " + prompt.hidden() + " != model " + hidden);
        }
        cancel.throwIfCancelled();
        try (Run run = new Run(prompt, settings, listener, hook, cancel)) {
            return run.loop();
        } catch (OrtException | OrtCallException e) {
            if (cancel.isCancelled()) {
                throw new CancelledException();
            }
            throw new ModelException("Generation failed in ONNX Runtime: " + e.getMessage(), e);
        }
    }

    /** The state of one generation. */
    private final class Run implements AutoCloseable {
        private final TalkerPrompt prompt;
        private final GenerationSettings s;
        private final SamplingParams p;
        private final FrameListener listener;
        private final DecisionHook hook;
        private final CancellationToken cancel;
        private final SplittableRandom rng;
        private final boolean timed;
        private long prefillRunNanos;
        private long talkerNanos;
        private int talkerRuns;
        private long predictorNanos;
        private int predictorRuns;
        private long firstFrameNanos;
        private final List<AutoCloseable> owned = new ArrayList<>();
        private final OrtSession.RunOptions runOptions;
        private final CancellationToken.Registration registration;

        // talker
        private final FloatBuffer logitsBuf = Tensors.floats(vocab);
        private final FloatBuffer lastHiddenBuf = Tensors.floats(hidden);
        private final FloatBuffer stepBuf = Tensors.floats(hidden);
        private final OnnxTensor logitsOut;
        private final OnnxTensor lastHiddenOut;
        private final OnnxTensor stepIn;
        private TalkerRunner talkerRunner;

        // predictor (fused)
        private FloatBuffer c0Buf;
        private FloatBuffer uniformsBuf;
        private LongBuffer codesBuf;
        private FloatBuffer embedSumBuf;
        private final Map<String, OnnxTensor> frameInputs = new HashMap<>();
        private final Map<String, OnnxTensor> framePinned = new HashMap<>();

        // predictor (stepwise)
        private FloatBuffer cpLogitsBuf;
        private FloatBuffer cpPrefillBuf;
        private FloatBuffer cpStepBuf;
        private OnnxTensor cpLogitsOut;
        private OnnxTensor cpPrefillIn;
        private OnnxTensor cpStepIn;
        private OnnxTensor cpEmptyPast;
        private OnnxTensor[] stepIndex;
        private Set<String> cpRequested;
        private final Map<String, OnnxTensor> cpInputs = new HashMap<>();
        private final Map<String, OnnxTensor> cpPinned = new HashMap<>();
        private float[] cpScores;
        private float[] cpEmbed;

        // shared scratch
        private final float[] scores;
        private final float[] frameEmbed;
        private final TokenSampler talkerSampler;
        private TokenSampler predictorSampler;
        private final boolean[] seen;
        private final int[] seenList;
        private int seenCount;

        Run(TalkerPrompt prompt, GenerationSettings s, FrameListener listener, DecisionHook hook,
            CancellationToken cancel) throws OrtException {
            this.prompt = prompt;
            this.s = s;
            this.p = s.sampling();
            this.listener = listener;
            this.hook = hook;
            this.cancel = cancel;
            this.rng = p.seed() == null ? new SplittableRandom() : new SplittableRandom(p.seed());
            this.timed = s.collectStats();
            this.scores = new float[vocab];
            this.frameEmbed = new float[hidden];
            this.talkerSampler = new TokenSampler(vocab);
            this.seen = new boolean[vocab];
            this.seenList = new int[vocab];
            this.runOptions = new OrtSession.RunOptions();
            owned.add(runOptions);
            this.registration = cancel.onCancel(() -> {
                try {
                    runOptions.setTerminate(true);
                } catch (OrtException ignored) {
                    // The flag is checked again between frames.
                }
            });
            try {
                this.logitsOut = own(Tensors.wrap(env, logitsBuf, 1, vocab));
                this.lastHiddenOut = own(Tensors.wrap(env, lastHiddenBuf, 1, hidden));
                this.stepIn = own(Tensors.wrap(env, stepBuf, 1, 1, hidden));
                this.talkerRunner = openTalker(logitsBuf, lastHiddenBuf, stepBuf, logitsOut, lastHiddenOut, stepIn,
                        runOptions, cancel);
                if (mode == PredictorMode.FUSED) {
                    initFused();
                } else {
                    initStepwise();
                }
            } catch (OrtException | RuntimeException e) {
                close();
                throw e;
            }
        }

        private OnnxTensor own(OnnxTensor t) {
            owned.add(t);
            return t;
        }

        private void initFused() {
            c0Buf = Tensors.floats(hidden);
            uniformsBuf = Tensors.floats(residualGroups);
            codesBuf = Tensors.longs(residualGroups);
            embedSumBuf = Tensors.floats(hidden);
            frameInputs.put("last_hidden", lastHiddenOut);
            frameInputs.put("c0_embed", own(Tensors.wrap(env, c0Buf, 1, hidden)));
            frameInputs.put("do_sample", own(Tensors.scalar(env, p.subtalkerDoSample())));
            frameInputs.put("temperature", own(Tensors.scalar(env, (float) p.subtalkerTemperature())));
            frameInputs.put("top_k", own(Tensors.scalar(env, (long) p.subtalkerTopK())));
            frameInputs.put("top_p", own(Tensors.scalar(env, (float) p.subtalkerTopP())));
            frameInputs.put("uniforms", own(Tensors.wrap(env, uniformsBuf, residualGroups)));
            framePinned.put("codes", own(Tensors.wrap(env, codesBuf, residualGroups)));
            framePinned.put("embed_sum", own(Tensors.wrap(env, embedSumBuf, 1, hidden)));
        }

        private void initStepwise() throws OrtException {
            cpLogitsBuf = Tensors.floats(PREDICTOR_VOCAB);
            cpPrefillBuf = Tensors.floats(2 * hidden);
            cpStepBuf = Tensors.floats(hidden);
            cpLogitsOut = own(Tensors.wrap(env, cpLogitsBuf, 1, PREDICTOR_VOCAB));
            cpPrefillIn = own(Tensors.wrap(env, cpPrefillBuf, 1, 2, hidden));
            cpStepIn = own(Tensors.wrap(env, cpStepBuf, 1, 1, hidden));
            cpEmptyPast = own(Tensors.wrap(env, Tensors.floats(0), 1, predictorKv.kvHeads(), 0, predictorKv.headDim()));
            stepIndex = new OnnxTensor[residualGroups];
            for (int i = 0; i < residualGroups; i++) {
                stepIndex[i] = own(OnnxTensor.createTensor(env, (long) i));
            }
            cpRequested = predictorKv.presents();
            cpPinned.put("logits", cpLogitsOut);
            cpScores = new float[PREDICTOR_VOCAB];
            cpEmbed = new float[hidden];
            predictorSampler = new TokenSampler(PREDICTOR_VOCAB);
        }

        GeneratedCodes loop() throws OrtException {
            long start = System.nanoTime();
            FloatBuffer prefill = Tensors.floats(prompt.length() * hidden);
            prefill.put(prompt.embeds());
            long t0 = timed ? System.nanoTime() : 0;
            talkerRunner.prefill(prefill, prompt.length());
            if (timed) {
                prefillRunNanos = System.nanoTime() - t0;
            }
            long prefillNanos = System.nanoTime() - start;

            List<int[]> frames = new ArrayList<>();
            int guardLimit = s.guard() == null ? Integer.MAX_VALUE : s.guard().limit(prompt.textTokens());
            int generated = 0;
            StopReason reason;
            while (true) {
                cancel.throwIfCancelled();
                int token = decideTalker(generated);
                generated++;
                if (token == s.eosId()) {
                    reason = StopReason.EOS;
                    break;
                }
                if (!seen[token]) {
                    seen[token] = true;
                    seenList[seenCount++] = token;
                }
                if (generated >= s.maxNewTokens()) {
                    reason = StopReason.MAX_NEW_TOKENS;
                    break;
                }
                if (frames.size() >= guardLimit) {
                    reason = StopReason.RUNAWAY_GUARD;
                    break;
                }
                int[] codes = mode == PredictorMode.FUSED ? predictFused(token) : predictStepwise(token, frames.size());
                frames.add(codes);
                if (timed && frames.size() == 1) {
                    firstFrameNanos = System.nanoTime() - start;
                }
                if (listener != null) {
                    listener.onFrame(frames.size() - 1, codes.clone(), System.nanoTime() - start);
                }
                cancel.throwIfCancelled();
                talkerStep(frames.size() - 1);
            }
            long totalNanos = System.nanoTime() - start;
            GenerationStats stats = timed ? new GenerationStats(frames.size(), prefillNanos, prefillRunNanos,
                    firstFrameNanos, totalNanos - prefillNanos, talkerNanos, talkerRuns, predictorNanos, predictorRuns)
                    : null;
            return new GeneratedCodes(frames.toArray(new int[0][]), reason, prefillNanos, totalNanos, stats);
        }

        private int decideTalker(int generated) {
            logitsBuf.get(0, scores);
            requireFinite(scores);
            LogitsProcessors.repetitionPenalty(scores, seenList, seenCount, p.repetitionPenalty());
            LogitsProcessors.minNewTokens(scores, generated, s.minNewTokens(), s.eosId());
            LogitsProcessors.suppress(scores, s.suppressFrom(), s.suppressTo(), s.eosId());
            int token;
            if (p.doSample()) {
                talkerSampler.warp(scores, p.temperature(), p.topK(), p.topP());
                token = talkerSampler.draw(scores, rng.nextDouble());
            } else {
                token = LogitsProcessors.argmax(scores);
            }
            if (hook != null) {
                token = hook.decide(generated, 0, scores, token);
            }
            if (token < 0 || token >= vocab) {
                throw new ModelException("the talker chose codec id " + token + ", outside the vocabulary");
            }
            return token;
        }

        /** The generation step g of the official code is the index of the frame just produced. */
        private void talkerStep(int g) throws OrtException {
            float[] add = g < prompt.trailingLength() ? null : prompt.ttsPad();
            int off = g * hidden;
            for (int i = 0; i < hidden; i++) {
                float extra = add == null ? prompt.trailing()[off + i] : add[i];
                stepBuf.put(i, frameEmbed[i] + extra);
            }
            long t0 = timed ? System.nanoTime() : 0;
            talkerRunner.step();
            if (timed) {
                talkerNanos += System.nanoTime() - t0;
                talkerRuns++;
            }
        }

        private void requireFinite(float[] logits) {
            for (float v : logits) {
                if (!Float.isFinite(v)) {
                    throw new ModelException(nonFiniteMessage(precision));
                }
            }
        }

        private int[] predictFused(int c0) throws OrtException {
            emb.copyCodec(c0, frameEmbed, 0);
            c0Buf.put(0, frameEmbed);
            if (p.subtalkerDoSample()) {
                for (int i = 0; i < residualGroups; i++) {
                    uniformsBuf.put(i, uniformFloat());
                }
            }
            // Every output is pinned, so the result owns nothing; close it anyway.
            long t0 = timed ? System.nanoTime() : 0;
            OrtSession.Result result = predictor.run(frameInputs, Set.of(), framePinned, runOptions);
            if (timed) {
                predictorNanos += System.nanoTime() - t0;
                predictorRuns++;
            }
            result.close();
            int[] codes = new int[residualGroups + 1];
            codes[0] = c0;
            for (int i = 0; i < residualGroups; i++) {
                codes[i + 1] = checkedCode(codesBuf.get(i));
            }
            embedSumBuf.get(0, frameEmbed);
            return codes;
        }

        private int[] predictStepwise(int c0, int frame) throws OrtException {
            int[] codes = new int[residualGroups + 1];
            codes[0] = c0;
            emb.copyCodec(c0, frameEmbed, 0);
            // prefill [h_prev, E0(c0)]
            for (int i = 0; i < hidden; i++) {
                cpPrefillBuf.put(i, lastHiddenBuf.get(i));
                cpPrefillBuf.put(hidden + i, frameEmbed[i]);
            }
            OrtSession.Result previous = null;
            try {
                for (int step = 0; step < residualGroups; step++) {
                    cpInputs.put("inputs_embeds", step == 0 ? cpPrefillIn : cpStepIn);
                    cpInputs.put("step", stepIndex[step]);
                    feed(predictorKv, cpInputs, previous, cpEmptyPast);
                    long t0 = timed ? System.nanoTime() : 0;
                    OrtSession.Result next = predictor.run(cpInputs, cpRequested, cpPinned, runOptions);
                    if (timed) {
                        predictorNanos += System.nanoTime() - t0;
                        predictorRuns++;
                    }
                    if (previous != null) {
                        previous.close();
                    }
                    previous = next;
                    cpLogitsBuf.get(0, cpScores);
                    int code;
                    if (p.subtalkerDoSample()) {
                        predictorSampler.warp(cpScores, p.subtalkerTemperature(), p.subtalkerTopK(), p.subtalkerTopP());
                        code = predictorSampler.draw(cpScores, uniformFloat());
                    } else {
                        code = LogitsProcessors.argmax(cpScores);
                    }
                    if (hook != null) {
                        code = hook.decide(frame, step + 1, cpScores, code);
                    }
                    codes[step + 1] = checkedCode(code);
                    if (step + 1 < residualGroups) {
                        // next input: E_{step+1}(c_{step+1})
                        java.util.Arrays.fill(cpEmbed, 0f);
                        emb.addResidual(step + 1, codes[step + 1], cpEmbed, 0);
                        cpStepBuf.put(0, cpEmbed);
                    }
                }
            } finally {
                if (previous != null) {
                    previous.close();
                }
            }
            emb.frameSum(codes, frameEmbed, 0);
            return codes;
        }

        private float uniformFloat() {
            return rng.nextInt(1 << 24) / (float) (1 << 24);
        }

        private int checkedCode(long code) {
            if (code < 0 || code >= PREDICTOR_VOCAB) {
                throw new ModelException("the code predictor produced code " + code + ", outside 0..2047");
            }
            return (int) code;
        }

        @Override
        public void close() {
            if (registration != null) {
                registration.close();
            }
            if (talkerRunner != null) {
                talkerRunner.close();
                talkerRunner = null;
            }
            for (int i = owned.size() - 1; i >= 0; i--) {
                try {
                    owned.get(i).close();
                } catch (Exception ignored) {
                    // closing native handles does not fail in practice; keep closing the rest
                }
            }
        }
    }

    private static void feed(KvLayout kv, Map<String, OnnxTensor> inputs, OrtSession.Result previous, OnnxTensor empty) {
        for (int i = 0; i < kv.layers(); i++) {
            inputs.put(kv.pastK()[i], previous == null ? empty : Tensors.output(previous, kv.presentK()[i]));
            inputs.put(kv.pastV()[i], previous == null ? empty : Tensors.output(previous, kv.presentV()[i]));
        }
    }

    /**
     * @param precision the bundle's precision
     * @return the error for non-finite talker logits
     */
    static String nonFiniteMessage(String precision) {
        if ("fp16".equals(precision)) {
            return "The talker produced non-finite scores: this fp16 bundle overflowed; use the fp32 bundle "
                    + "(tools/export without --fp16, or with --fp16 --probe to keep the overflowing nodes in fp32).";
        }
        return "The talker produced non-finite scores (NaN or infinity); the model's weights or graph are broken.";
    }
}
