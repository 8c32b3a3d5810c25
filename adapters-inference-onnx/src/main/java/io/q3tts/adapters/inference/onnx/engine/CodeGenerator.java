package io.q3tts.adapters.inference.onnx.engine;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
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
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * The official talker generation loop over ONNX Runtime, for one sequence or a batch of them.
 *
 * <p>Prefill runs the talker on the whole prompt (empty past); each later step feeds one summed
 * frame embedding. After every talker run the codebook-0 scores go through the official processors
 * ({@link LogitsProcessors}) and greedy argmax or HF-style sampling ({@link TokenSampler}); the loop
 * stops at EOS or after {@code max_new_tokens} decisions (so at most {@code max_new_tokens - 1}
 * frames). For each fed codebook-0 token the code predictor produces the 15 residual codes
 * ({@link PredictorMode}), and the next talker input is their embedding sum plus the next trailing
 * text vector (or {@code tts_pad}).
 *
 * <p><b>Batches.</b> {@link #generateBatch} runs B rows per step, as the official batched wrapper
 * does: the prompts are left-padded to the longest one and the talker gets an attention mask
 * (padding masked) and per-row positions (each row's own, as the official {@code get_rope_index}
 * gives them), so every row computes what it computes alone up to float rounding. Everything that
 * decides is per row: the processors' repetition history, {@code min_new_tokens}, EOS, the limits,
 * the runaway guard, the sampling parameters and a random stream seeded from the row's own seed
 * (drawn in the same order as alone: one talker draw, then the predictor's), so a seeded row does
 * not depend on its neighbours. {@link #generate} is the batch loop with one row: there is one
 * loop, and its batch-1 cost is the old single-sequence loop's plus a few tiny tensors per step
 * (mask, positions, the fused predictor's per-row settings).
 *
 * <p><b>Finished rows stop costing: the batch is compacted.</b> When a row ends (EOS, a limit, its
 * cancellation, its own error) its KV rows are dropped before the next talker step, together with
 * left-padding columns that no remaining row needs. The alternative, masking (keep computing the
 * finished row and ignore it), costs a full row of talker and predictor work on every later frame,
 * while compaction costs one copy of the remaining KV once per ended row. Measured on the demo
 * CustomVoice bundle (2 shared vCPUs, load average about 23, 6 alternating rounds): 8 rows of which
 * 7 end at frame 10 and one runs to frame 80 took 13.6 s median compacted, against 28.8 s for 8 rows
 * that all run to frame 80, which is what masking the 7 ended rows costs. (Not yet measured on the
 * full-size 0.6B, where one compaction copies up to a few hundred MB of KV; a masked row costs its
 * share of every later step there too, so compaction is expected to win unless rows end within a
 * frame or two of each other.)
 *
 * <p><b>Row failures end the row alone.</b> A chosen id outside the vocabulary, non-finite talker
 * scores, a listener that throws, or the row's cancellation ends that row with its own exception;
 * the others go on. Only a failing graph run (which computes every row at once) ends every row.
 *
 * <p><b>Rows join at frame boundaries (continuous batching).</b> With a {@link RowSource}, after
 * every talker step the loop offers the free rows (up to its {@code maxRows}); joining rows get
 * their own prefill run (padded among themselves), and their KV is merged into the batch's: both
 * sides are left-padded to the longer past, which only adds masked columns, so a joined row
 * computes what it computes alone. A merge copies the batch's KV once, like a compaction. After a
 * step in which rows finished, {@link RowSource#rowsFinished} lets the caller finish them together
 * (the synthesizer decodes them in one batched codec pass) before the other rows go on.
 *
 * <p><b>Bundles.</b> Version-2 graphs take a batch dimension, {@code attention_mask} and
 * {@code position_ids}; with a version-1 talker (no {@code attention_mask} input) or a version-1
 * fused predictor (scalar sampling inputs) {@link #batched()} is false and rows run one at a time
 * with the old inputs.
 *
 * <p><b>Talker path.</b> The talker runs behind a {@link TalkerRunner}, chosen per generator
 * ({@link TalkerPath}): the Java binding ({@link JavaTalkerRunner}, the default) or I/O binding
 * through the C API ({@link BoundTalkerRunner}, {@code engine.device_kv}), which keeps the KV cache
 * on the device between steps; both give identical codes on the CPU. Either way the {@code present_*}
 * tensors become the next {@code past_*} inputs and only a compaction or a join copies the cache
 * ({@link TalkerRunner#compact}, {@link TalkerRunner#join}; device to device on CUDA). The third,
 * {@link TalkerPath#STATIC_KV} ({@link StaticTalkerRunner}, {@code engine.static_kv}), runs the
 * bundle's fixed-size KV talker in place when the batch's padded prompt plus its most frames fit
 * (else the batch runs as {@code IO_BINDING}); rows do not join it, and with CUDA graphs
 * ({@link GraphSlots}) it runs one row at a time ({@link #batched()} is false). Codes are identical
 * on every path. The small outputs the loop reads ({@code logits}, {@code last_hidden},
 * the frame codes) are written by ONNX Runtime into pinned direct buffers. Non-finite talker scores
 * end the row with an error that names the fix for an fp16 bundle.
 *
 * <p>Cancellation is checked between frames, per row; when every row still in a batch is
 * cancelled the running graph is interrupted too ({@link OrtSession.RunOptions#setTerminate}).
 * Thread-safe: each call has its own state; sessions are shared.
 */
public final class CodeGenerator {

    private static final int PREDICTOR_VOCAB = 2048;

    private final OrtEnvironment env;
    private final CodecEmbeddings emb;
    private final PredictorMode mode;
    private final TalkerPath path;
    private final OrtSession talker;
    private final NativeSession nativeTalker;
    /** The fixed-size KV talker ({@link TalkerPath#STATIC_KV}), or null. */
    private final NativeSession staticTalker;
    private final KvLayout staticKv;
    private final int staticLength;
    /** The CUDA graphs' buffer sets when the fixed-size talker runs with CUDA graphs, else null. */
    private final GraphSlots graphSlots;
    private final java.util.concurrent.atomic.AtomicLong staticBatches = new java.util.concurrent.atomic.AtomicLong();
    private final int cudaDevice;
    private final String precision;
    private final OrtSession predictor;
    private final KvLayout talkerKv;
    private final KvLayout predictorKv;
    private final int hidden;
    private final int vocab;
    private final int residualGroups;
    private final boolean batchedTalker;
    /** Whether the talker graph takes {@code attention_mask} and {@code position_ids} (bundle version 2). */
    private final boolean v2Talker;
    private final boolean batchedFrame;

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
        Objects.requireNonNull(path, "path");
        if (path == TalkerPath.STATIC_KV && !bundle.has(GraphKind.TALKER_STATIC)) {
            // engine.static_kv is one setting for every model; a bundle exported without --static-kv keeps the device cache.
            System.getLogger(CodeGenerator.class.getName()).log(System.Logger.Level.INFO,
                    "Model ''{0}'' has no talker_static.onnx (tools/export --static-kv N); its talker runs with the "
                            + "device-resident growing KV cache", bundle.manifest().name());
            path = TalkerPath.IO_BINDING;
        }
        this.path = path;
        this.precision = bundle.manifest().precision();
        this.emb = Objects.requireNonNull(emb, "emb");
        this.mode = Objects.requireNonNull(mode, "mode");
        this.hidden = emb.hidden();
        this.vocab = emb.codecVocab();
        this.residualGroups = emb.groups() - 1;
        if (path == TalkerPath.STATIC_KV) {
            this.staticTalker = bundle.nativeSession(GraphKind.TALKER_STATIC);
            this.staticKv = KvLayout.of(staticTalker, "talker_static");
            io.q3tts.adapters.inference.onnx.ffm.TensorType maskType = staticTalker.inputs().get("attention_mask");
            if (maskType == null || maskType.shape().length != 2 || maskType.shape()[1] < 2) {
                throw new ModelException("talker_static.onnx has no fixed-length attention_mask input");
            }
            this.staticLength = (int) maskType.shape()[1];
        } else {
            this.staticTalker = null;
            this.staticKv = null;
            this.staticLength = 0;
        }
        if (path == TalkerPath.IO_BINDING || path == TalkerPath.STATIC_KV) {
            this.talker = null;
            this.nativeTalker = bundle.nativeSession(GraphKind.TALKER);
            this.talkerKv = KvLayout.of(nativeTalker, "talker");
            this.cudaDevice = bundle.runtime().usesCuda() ? bundle.runtime().config().cudaDeviceId() : -1;
            this.batchedTalker = nativeTalker.inputs().containsKey("attention_mask");
        } else {
            this.talker = bundle.session(GraphKind.TALKER);
            this.nativeTalker = null;
            this.talkerKv = KvLayout.of(talker, "talker");
            this.cudaDevice = -1;
            this.batchedTalker = hasInput(talker, "attention_mask");
        }
        this.graphSlots = staticTalker != null && cudaDevice >= 0 && staticTalker.options().cudaGraph()
                ? graphSlots(staticTalker, staticKv, staticLength, hidden, vocab, cudaDevice) : null;
        this.v2Talker = nativeTalker != null ? nativeTalker.inputs().containsKey("attention_mask") : batchedTalker;
        if (mode == PredictorMode.FUSED) {
            this.predictor = bundle.session(GraphKind.CODE_PREDICTOR_FRAME);
            this.predictorKv = null;
            this.batchedFrame = inputRank(predictor, "temperature") == 1;
        } else {
            this.predictor = bundle.session(GraphKind.CODE_PREDICTOR_STEP);
            this.predictorKv = KvLayout.of(predictor, "code_predictor_step");
            this.batchedFrame = true;
        }
    }

    /** The CUDA graphs' buffer pool, or null (the fixed-size talker then runs uncaptured) if the CUDA runtime is unusable. */
    private static GraphSlots graphSlots(NativeSession session, KvLayout kv, int length, int hidden, int vocab, int device) {
        try {
            return new GraphSlots(session, kv, length, hidden, vocab, device);
        } catch (RuntimeException e) {
            System.getLogger(CodeGenerator.class.getName()).log(System.Logger.Level.WARNING,
                    "CUDA graphs are off for the fixed-size KV talker: {0}", e.getMessage());
            return null;
        }
    }

    /** @return the predictor mode */
    public PredictorMode mode() {
        return mode;
    }

    /** @return whether the graphs take a batch dimension and an attention mask (bundle version 2) */
    public boolean batched() {
        // A CUDA graph is captured for one batch shape: that path runs one row at a time.
        return batchedTalker && batchedFrame && graphSlots == null;
    }

    /** @return whether rows can join a running batch (bundle version 2; not on the fixed-size KV path) */
    public boolean continuousBatching() {
        return batched() && path != TalkerPath.STATIC_KV;
    }

    /** @return how many batches so far ran on the fixed-size KV talker (the others on the growing cache) */
    public long staticKvBatches() {
        return staticBatches.get();
    }

    /** @return whether the fixed-size KV talker runs with CUDA graphs */
    public boolean cudaGraphs() {
        return graphSlots != null;
    }

    /** @return the fixed-size KV talker's positions ({@link TalkerPath#STATIC_KV}), or 0 */
    public int staticKvLength() {
        return staticLength;
    }

    /** Rows that join a running batch at a frame boundary. */
    @FunctionalInterface
    public interface RowSource {

        /** Joins nothing. */
        RowSource NONE = free -> List.of();

        /**
         * Called on the generating thread between frames; must not block.
         *
         * @param free how many rows may join now, &gt; 0
         * @return at most {@code free} rows, never null
         */
        List<BatchRow> poll(int free);

        /**
         * Called on the generating thread after a step in which rows finished with their codes
         * (their {@link BatchRow#onDone()} has been called), before the remaining rows go on: the
         * moment to finish those rows together, e.g. decode them in one batched codec pass.
         * Nothing by default.
         */
        default void rowsFinished() {
        }
    }

    /** @return the talker's KV bytes per row and position (layers x 2 x KV heads x head size x element size) */
    public long kvBytesPerPosition() {
        return talkerKv.bytes(1);
    }

    /**
     * @return the positions every row of a batch holds whatever its length: the fixed-size talker's
     *     buffer length on the static-KV path (each row gets the whole buffer), else 0
     */
    public long reservedPositionsPerRow() {
        return path == TalkerPath.STATIC_KV && v2Talker ? staticLength : 0;
    }

    /** @return how the talker reaches ONNX Runtime */
    public TalkerPath path() {
        return path;
    }

    /** @return the fixed-size talker's KV layout, or null */
    KvLayout staticKv() {
        return staticKv;
    }

    /** @return the talker's KV layout */
    KvLayout talkerKv() {
        return talkerKv;
    }

    /** @return whether the talker graph takes an attention mask and positions (bundle version 2) */
    boolean v2Talker() {
        return v2Talker;
    }

    /**
     * Opens the talker runner of one batch over the loop's host buffers.
     *
     * @param positions the most positions the batch can reach (padded prompt + frames), or
     *     {@link Integer#MAX_VALUE} when unbounded; over the fixed-size cache it runs on the growing one
     * @param capacity the most rows
     */
    TalkerRunner openTalker(FloatBuffer logitsBuf, FloatBuffer lastHiddenBuf, FloatBuffer stepBuf,
                            OrtSession.RunOptions runOptions, long positions, int capacity) {
        if (path == TalkerPath.STATIC_KV && positions <= staticLength && v2Talker) {
            staticBatches.incrementAndGet();
            return new StaticTalkerRunner(staticTalker, staticKv, staticLength, capacity, logitsBuf, lastHiddenBuf, stepBuf,
                    vocab, hidden, cudaDevice, graphSlots);
        }
        if (path == TalkerPath.IO_BINDING || path == TalkerPath.STATIC_KV) {
            return new BoundTalkerRunner(nativeTalker, talkerKv, logitsBuf, lastHiddenBuf, stepBuf, vocab, hidden, cudaDevice);
        }
        return new JavaTalkerRunner(env, talker, talkerKv, logitsBuf, lastHiddenBuf, stepBuf, vocab, hidden, runOptions);
    }

    /**
     * @param precision the bundle's precision
     * @param decision the decision index
     * @return the error for non-finite talker scores
     */
    static String nonFiniteMessage(String precision, int decision) {
        if ("fp16".equals(precision)) {
            return "The talker produced non-finite scores at decision " + decision + ": this fp16 bundle overflowed; "
                    + "use the fp32 bundle (tools/export without --fp16, or with --fp16 --probe to keep the overflowing "
                    + "nodes in fp32).";
        }
        return "the talker produced non-finite scores at decision " + decision;
    }

    /**
     * Runs the loop for one sequence.
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
        Objects.requireNonNull(cancel, "cancel");
        BatchRow.Outcome[] out = new BatchRow.Outcome[1];
        generateBatch(List.of(new BatchRow(prompt, settings, listener, hook, cancel, o -> out[0] = o)));
        if (out[0].error() != null) {
            throw out[0].error();
        }
        return out[0].codes();
    }

    /**
     * Runs the loop for several sequences at once; every row's {@link BatchRow#onDone()} is called
     * exactly once, when the row ends (a prompt that does not fit the model ends its row with an
     * {@link IllegalArgumentException}). A version-1 bundle ({@link #batched()} false) runs the rows
     * one after another.
     *
     * @param rows the rows, never null
     */
    public void generateBatch(List<BatchRow> rows) {
        generateBatch(rows, RowSource.NONE, Math.max(1, rows.size()));
    }

    /**
     * Runs the loop for several sequences at once, taking more from {@code source} at frame
     * boundaries while fewer than {@code maxRows} run; returns when no row is left and the source
     * offers none. Every row (joined ones too) gets its outcome exactly once, when it ends.
     *
     * @param rows the rows to start with, never null (may be empty: then the source is asked first)
     * @param source rows that may join, never null ({@link RowSource#NONE})
     * @param maxRows the most rows at once (a version-1 bundle runs one); more initial rows join as
     *     room frees up
     * @throws IllegalArgumentException if maxRows &lt; 1
     */
    public void generateBatch(List<BatchRow> rows, RowSource source, int maxRows) {
        Objects.requireNonNull(rows, "rows");
        Objects.requireNonNull(source, "source");
        if (!batched()) {
            maxRows = 1;
        }
        if (maxRows < 1) {
            throw new IllegalArgumentException("maxRows must be >= 1: " + maxRows);
        }
        List<BatchRow> pending = new ArrayList<>(rows);
        while (true) {
            if (pending.isEmpty()) {
                pending.addAll(source.poll(maxRows));
                if (pending.isEmpty()) {
                    return;
                }
            }
            List<BatchRow> first = new ArrayList<>(pending.subList(0, Math.min(maxRows, pending.size())));
            pending.subList(0, first.size()).clear();
            // Rows beyond maxRows at the start join like any other once there is room.
            List<BatchRow> waiting = pending;
            RowSource joined = new RowSource() {
                @Override
                public List<BatchRow> poll(int free) {
                    if (!continuousBatching()) {
                        return List.of();
                    }
                    if (!waiting.isEmpty()) {
                        List<BatchRow> take = new ArrayList<>(waiting.subList(0, Math.min(free, waiting.size())));
                        waiting.subList(0, take.size()).clear();
                        return take;
                    }
                    return source.poll(free);
                }

                @Override
                public void rowsFinished() {
                    source.rowsFinished();
                }
            };
            runOnce(first, joined, maxRows);
        }
    }

    private List<Seq> admit(List<BatchRow> rows) {
        List<Seq> seqs = new ArrayList<>(rows.size());
        for (BatchRow r : rows) {
            Objects.requireNonNull(r, "row");
            if (r.prompt().hidden() != hidden) {
                r.onDone().accept(new BatchRow.Outcome(null, new IllegalArgumentException(
                        "prompt hidden size " + r.prompt().hidden() + " != model " + hidden)));
                continue;
            }
            Seq s = new Seq(r);
            if (r.cancel().isCancelled()) {
                s.end(null, new CancelledException());
            } else {
                seqs.add(s);
            }
        }
        return seqs;
    }

    private void runOnce(List<BatchRow> rows, RowSource source, int maxRows) {
        List<Seq> seqs = admit(rows);
        if (seqs.isEmpty()) {
            return;
        }
        Run run = null;
        try {
            run = new Run(seqs, source, maxRows);
            run.loop();
        } catch (OrtException | OrtCallException e) {
            for (Seq s : run == null ? seqs : run.all) {
                s.end(null, s.row.cancel().isCancelled() ? new CancelledException()
                        : new ModelException("Generation failed in ONNX Runtime: " + e.getMessage(), e));
            }
        } catch (RuntimeException e) {
            for (Seq s : run == null ? seqs : run.all) {
                s.end(null, e);
            }
        } finally {
            if (run != null) {
                run.close();
            }
        }
    }

    private static boolean hasInput(OrtSession session, String name) {
        try {
            return session.getInputInfo().containsKey(name);
        } catch (OrtException e) {
            throw new ModelException("cannot read a graph's inputs: " + e.getMessage(), e);
        }
    }

    private static int inputRank(OrtSession session, String name) {
        try {
            NodeInfo info = session.getInputInfo().get(name);
            if (info == null) {
                throw new ModelException("the code predictor graph has no '" + name + "' input");
            }
            return ((TensorInfo) info.getInfo()).getShape().length;
        } catch (OrtException e) {
            throw new ModelException("cannot read a graph's inputs: " + e.getMessage(), e);
        }
    }

    /** The per-row state of one sequence. */
    private final class Seq {
        final BatchRow row;
        final TalkerPrompt prompt;
        final GenerationSettings s;
        final SamplingParams p;
        final SplittableRandom rng;
        final float[] scores = new float[vocab];
        final float[] frameEmbed = new float[hidden];
        final TokenSampler talkerSampler;
        TokenSampler predictorSampler;
        float[] cpScores;
        final boolean[] seen = new boolean[vocab];
        final int[] seenList = new int[vocab];
        int seenCount;
        final List<int[]> frames = new ArrayList<>();
        final int guardLimit;
        int generated;
        int token;
        int pad;
        long firstFrameNanos;
        final long start = System.nanoTime();
        boolean done;

        Seq(BatchRow row) {
            this.row = row;
            this.prompt = row.prompt();
            this.s = row.settings();
            this.p = s.sampling();
            this.rng = p.seed() == null ? new SplittableRandom() : new SplittableRandom(p.seed());
            this.talkerSampler = p.doSample() ? new TokenSampler(vocab) : null;
            this.guardLimit = s.guard() == null ? Integer.MAX_VALUE : s.guard().limit(prompt.textTokens());
        }

        float uniformFloat() {
            return rng.nextInt(1 << 24) / (float) (1 << 24);
        }

        /** Delivers the outcome once; later calls are ignored. */
        void end(GeneratedCodes codes, RuntimeException error) {
            if (done) {
                return;
            }
            done = true;
            row.onDone().accept(new BatchRow.Outcome(codes, error));
        }
    }

    /** The state of one batch. */
    private final class Run implements AutoCloseable {
        /** Every row this run has taken, ended or not (each gets one outcome). */
        private final List<Seq> all;
        private final RowSource source;
        /** Rows in KV order: row i of every batched tensor is live.get(i). */
        private List<Seq> live;
        private volatile List<Seq> liveSnapshot;
        private boolean timed;
        private final long start;
        private long prefillNanos;
        private long prefillRunNanos;
        private long talkerNanos;
        private int talkerRuns;
        private long predictorNanos;
        private int predictorRuns;
        private final List<AutoCloseable> owned = new ArrayList<>();
        private final OrtSession.RunOptions runOptions;
        private final List<CancellationToken.Registration> registrations = new ArrayList<>();

        // talker
        private final int capacity;
        private final FloatBuffer logitsBuf;
        private final FloatBuffer lastHiddenBuf;
        private final FloatBuffer stepBuf;
        private LongBuffer maskBuf;
        private final LongBuffer posBuf;
        private TalkerRunner talkerRunner;
        private int pastLength;

        // predictor (fused)
        private FloatBuffer frameHiddenBuf;
        private FloatBuffer c0Buf;
        private FloatBuffer uniformsBuf;
        private LongBuffer codesBuf;
        private FloatBuffer embedSumBuf;
        private PerBatch frameHiddenIn;
        private PerBatch c0In;
        private PerBatch uniformsIn;
        private PerBatch codesOut;
        private PerBatch embedSumOut;
        private final Map<String, OnnxTensor> frameInputs = new HashMap<>();
        private final Map<String, OnnxTensor> framePinned = new HashMap<>();

        // predictor (stepwise)
        private FloatBuffer cpLogitsBuf;
        private FloatBuffer cpPrefillBuf;
        private FloatBuffer cpStepBuf;
        private PerBatch cpLogitsOut;
        private PerBatch cpPrefillIn;
        private PerBatch cpStepIn;
        private PerBatch cpEmptyPast;
        private OnnxTensor[] stepIndex;
        private Set<String> cpRequested;
        private final Map<String, OnnxTensor> cpInputs = new HashMap<>();
        private final Map<String, OnnxTensor> cpPinned = new HashMap<>();
        private float[] cpEmbed;

        Run(List<Seq> seqs, RowSource source, int maxRows) throws OrtException {
            this.all = new ArrayList<>(seqs);
            this.source = source;
            this.live = new ArrayList<>(seqs);
            this.liveSnapshot = List.copyOf(seqs);
            this.start = System.nanoTime();
            this.timed = seqs.stream().anyMatch(q -> q.s.collectStats());
            this.capacity = Math.max(maxRows, seqs.size());
            this.runOptions = new OrtSession.RunOptions();
            owned.add(runOptions);
            try {
                for (Seq q : seqs) {
                    registrations.add(q.row.cancel().onCancel(this::terminateIfAllCancelled));
                }
                logitsBuf = Tensors.floats(capacity * vocab);
                lastHiddenBuf = Tensors.floats(capacity * hidden);
                stepBuf = Tensors.floats(capacity * hidden);
                posBuf = Tensors.longs(capacity);
                talkerRunner = openTalker(logitsBuf, lastHiddenBuf, stepBuf, runOptions, positions(seqs), capacity);
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

        /** The most positions the rows can reach together: the padded prompt plus the longest run of frames. */
        private static long positions(List<Seq> seqs) {
            long width = 0;
            long frames = 0;
            for (Seq q : seqs) {
                width = Math.max(width, q.prompt.length());
                frames = Math.max(frames, Math.min((long) q.s.maxNewTokens(), q.guardLimit));
            }
            return width + frames;
        }

        private <T extends AutoCloseable> T own(T t) {
            owned.add(t);
            return t;
        }

        private void terminateIfAllCancelled() {
            List<Seq> snapshot = liveSnapshot;
            for (Seq q : snapshot) {
                if (!q.row.cancel().isCancelled()) {
                    return;
                }
            }
            try {
                runOptions.setTerminate(true);
            } catch (OrtException ignored) {
                // The rows' flags are checked again between frames.
            }
            TalkerRunner r = talkerRunner;
            if (r != null) {
                r.terminate();
            }
        }

        private void initFused() {
            frameHiddenBuf = Tensors.floats(capacity * hidden);
            c0Buf = Tensors.floats(capacity * hidden);
            uniformsBuf = Tensors.floats(capacity * residualGroups);
            codesBuf = Tensors.longs(capacity * residualGroups);
            embedSumBuf = Tensors.floats(capacity * hidden);
            frameHiddenIn = own(new PerBatch(b -> Tensors.view(env, frameHiddenBuf, b * hidden, b, hidden)));
            c0In = own(new PerBatch(b -> Tensors.view(env, c0Buf, b * hidden, b, hidden)));
            if (batchedFrame) {
                uniformsIn = own(new PerBatch(b -> Tensors.view(env, uniformsBuf, b * residualGroups, b, residualGroups)));
                codesOut = own(new PerBatch(b -> Tensors.view(env, codesBuf, b * residualGroups, b, residualGroups)));
            } else {
                uniformsIn = own(new PerBatch(b -> Tensors.view(env, uniformsBuf, residualGroups, residualGroups)));
                codesOut = own(new PerBatch(b -> Tensors.view(env, codesBuf, residualGroups, residualGroups)));
            }
            embedSumOut = own(new PerBatch(b -> Tensors.view(env, embedSumBuf, b * hidden, b, hidden)));
        }

        private void initStepwise() throws OrtException {
            cpLogitsBuf = Tensors.floats(capacity * PREDICTOR_VOCAB);
            cpPrefillBuf = Tensors.floats(capacity * 2 * hidden);
            cpStepBuf = Tensors.floats(capacity * hidden);
            cpLogitsOut = own(new PerBatch(b -> Tensors.view(env, cpLogitsBuf, b * PREDICTOR_VOCAB, b, PREDICTOR_VOCAB)));
            cpPrefillIn = own(new PerBatch(b -> Tensors.view(env, cpPrefillBuf, b * 2 * hidden, b, 2, hidden)));
            cpStepIn = own(new PerBatch(b -> Tensors.view(env, cpStepBuf, b * hidden, b, 1, hidden)));
            cpEmptyPast = own(new PerBatch(b -> Tensors.view(env, Tensors.floats(0), 0, b, predictorKv.kvHeads(), 0,
                    predictorKv.headDim())));
            stepIndex = new OnnxTensor[residualGroups];
            for (int i = 0; i < residualGroups; i++) {
                stepIndex[i] = own(OnnxTensor.createTensor(env, (long) i));
            }
            cpRequested = predictorKv.presents();
            cpEmbed = new float[hidden];
            all.forEach(this::initStepwiseRow);
        }

        private void initStepwiseRow(Seq q) {
            q.cpScores = new float[PREDICTOR_VOCAB];
            q.predictorSampler = q.p.subtalkerDoSample() ? new TokenSampler(PREDICTOR_VOCAB) : null;
        }

        void loop() throws OrtException {
            prefill();
            while (true) {
                if (live.isEmpty()) {
                    // Everyone ended; rows still on offer start a fresh batch in this run.
                    List<Seq> fresh = poll(capacity);
                    if (fresh.isEmpty()) {
                        return;
                    }
                    live = fresh;
                    liveSnapshot = List.copyOf(fresh);
                    prefill();
                    continue;
                }
                // Decide every live row's codebook-0 token; rows that end leave the batch.
                List<Seq> next = new ArrayList<>(live.size());
                int[] rowOf = new int[live.size()];
                boolean finished = false;
                for (int i = 0; i < live.size(); i++) {
                    Seq q = live.get(i);
                    if (q.row.cancel().isCancelled()) {
                        q.end(null, new CancelledException());
                        continue;
                    }
                    StopReason reason;
                    try {
                        reason = decideTalker(q, i);
                    } catch (RuntimeException e) {
                        q.end(null, e);
                        continue;
                    }
                    if (reason != null) {
                        finish(q, reason);
                        finished = true;
                    } else {
                        rowOf[next.size()] = i;
                        next.add(q);
                    }
                }
                if (finished) {
                    source.rowsFinished();
                }
                if (next.isEmpty()) {
                    live = next;
                    continue;
                }
                if (mode == PredictorMode.FUSED) {
                    predictFused(next, rowOf);
                } else {
                    predictStepwise(next, rowOf);
                }
                // Frames out; a listener that throws or a cancellation ends its row.
                List<Seq> stepping = new ArrayList<>(next.size());
                int[] keep = new int[next.size()];
                for (int j = 0; j < next.size(); j++) {
                    Seq q = next.get(j);
                    if (q.done) {
                        continue;
                    }
                    int[] codes = q.frames.getLast();
                    if (timed && q.frames.size() == 1) {
                        q.firstFrameNanos = System.nanoTime() - q.start;
                    }
                    try {
                        if (q.row.listener() != null) {
                            q.row.listener().onFrame(q.frames.size() - 1, codes.clone(), System.nanoTime() - q.start);
                        }
                        q.row.cancel().throwIfCancelled();
                    } catch (RuntimeException e) {
                        q.end(null, e);
                        continue;
                    }
                    keep[stepping.size()] = rowOf[j];
                    stepping.add(q);
                }
                if (stepping.isEmpty()) {
                    live = stepping;
                    continue;
                }
                if (stepping.size() != live.size()) {
                    compact(stepping, Arrays.copyOf(keep, stepping.size()));
                }
                live = stepping;
                liveSnapshot = List.copyOf(stepping);
                talkerStep();
                if (live.size() < capacity) {
                    List<Seq> joining = poll(capacity - live.size());
                    if (!joining.isEmpty()) {
                        join(joining);
                    }
                }
            }
        }

        /** Rows from the source, admitted (cancelled or unfit ones end at once). */
        private List<Seq> poll(int free) {
            List<BatchRow> offered = source.poll(free);
            if (offered == null || offered.isEmpty()) {
                return List.of();
            }
            if (offered.size() > free) {
                throw new IllegalStateException("the row source offered " + offered.size() + " rows for " + free);
            }
            List<Seq> seqs = admit(offered);
            for (Seq q : seqs) {
                all.add(q);
                registrations.add(q.row.cancel().onCancel(this::terminateIfAllCancelled));
                timed |= q.s.collectStats();
                if (mode == PredictorMode.STEPWISE) {
                    initStepwiseRow(q);
                }
            }
            return seqs;
        }

        /**
         * Prefills the joining rows and merges their KV into the batch's: both sides are left-padded
         * to the longer past; their logits and last hidden states become rows B.. of the batch's.
         */
        private void join(List<Seq> joining) throws OrtException {
            int oldRows = live.size();
            int n = joining.size();
            int width = 0;
            for (Seq q : joining) {
                width = Math.max(width, q.prompt.length());
            }
            FloatBuffer embeds = Tensors.floats(n * width * hidden);
            LongBuffer mask = Tensors.longs(n * width);
            LongBuffer pos = Tensors.longs(n * width);
            fillPrefill(joining, width, embeds, mask, pos);
            long t0 = timed ? System.nanoTime() : 0;
            talkerRunner.join(embeds, mask, pos, n, width, oldRows, pastLength);
            if (timed) {
                prefillRunNanos += System.nanoTime() - t0;
            }
            int merged = Math.max(pastLength, width);
            for (Seq q : live) {
                q.pad += merged - pastLength;
            }
            for (Seq q : joining) {
                q.pad += merged - width;
            }
            pastLength = merged;
            List<Seq> grown = new ArrayList<>(live);
            grown.addAll(joining);
            live = grown;
            liveSnapshot = List.copyOf(grown);
        }

        private void finish(Seq q, StopReason reason) {
            long total = System.nanoTime() - q.start;
            GenerationStats stats = timed ? new GenerationStats(q.frames.size(), prefillNanos, prefillRunNanos,
                    q.firstFrameNanos, total - prefillNanos, talkerNanos, talkerRuns, predictorNanos, predictorRuns)
                    : null;
            q.end(new GeneratedCodes(q.frames.toArray(new int[0][]), reason, prefillNanos, total, stats), null);
        }

        private void prefill() throws OrtException {
            int rows = live.size();
            int width = 0;
            for (Seq q : live) {
                width = Math.max(width, q.prompt.length());
            }
            FloatBuffer embeds = Tensors.floats(rows * width * hidden);
            LongBuffer mask = Tensors.longs(rows * width);
            LongBuffer pos = Tensors.longs(rows * width);
            fillPrefill(live, width, embeds, mask, pos);
            long t0 = timed ? System.nanoTime() : 0;
            talkerRunner.prefill(embeds, v2Talker ? mask : null, v2Talker ? pos : null, rows, width);
            if (timed) {
                prefillRunNanos = System.nanoTime() - t0;
            }
            pastLength = width;
            prefillNanos = System.nanoTime() - start;
        }

        /** Left-pads the rows' prompts to {@code width}; sets each row's padding. */
        private void fillPrefill(List<Seq> rows, int width, FloatBuffer embeds, LongBuffer mask, LongBuffer pos) {
            for (int r = 0; r < rows.size(); r++) {
                Seq q = rows.get(r);
                q.pad = width - q.prompt.length();
                embeds.put((r * width + q.pad) * hidden, q.prompt.embeds(), 0, q.prompt.length() * hidden);
                for (int t = 0; t < width; t++) {
                    // Padded positions get 1, as the official get_rope_index gives them; they are masked anyway.
                    mask.put(r * width + t, t < q.pad ? 0 : 1);
                    pos.put(r * width + t, t < q.pad ? 1 : t - q.pad);
                }
            }
        }

        /** @return why the row ends now, or null when its token {@code q.token} is to be code-predicted */
        private StopReason decideTalker(Seq q, int row) {
            GenerationSettings s = q.s;
            SamplingParams p = q.p;
            float[] scores = q.scores;
            logitsBuf.get(row * vocab, scores);
            for (float x : scores) {
                if (Float.isNaN(x) || x == Float.POSITIVE_INFINITY) {
                    throw new ModelException(nonFiniteMessage(precision, q.generated));
                }
            }
            LogitsProcessors.repetitionPenalty(scores, q.seenList, q.seenCount, p.repetitionPenalty());
            LogitsProcessors.minNewTokens(scores, q.generated, s.minNewTokens(), s.eosId());
            LogitsProcessors.suppress(scores, s.suppressFrom(), s.suppressTo(), s.eosId());
            int token;
            if (p.doSample()) {
                q.talkerSampler.warp(scores, p.temperature(), p.topK(), p.topP());
                token = q.talkerSampler.draw(scores, q.rng.nextDouble());
            } else {
                token = LogitsProcessors.argmax(scores);
            }
            if (q.row.hook() != null) {
                token = q.row.hook().decide(q.generated, 0, scores, token);
            }
            if (token < 0 || token >= vocab) {
                throw new ModelException("the talker chose codec id " + token + ", outside the vocabulary");
            }
            q.generated++;
            if (token == s.eosId()) {
                return StopReason.EOS;
            }
            if (!q.seen[token]) {
                q.seen[token] = true;
                q.seenList[q.seenCount++] = token;
            }
            if (q.generated >= s.maxNewTokens()) {
                return StopReason.MAX_NEW_TOKENS;
            }
            if (q.frames.size() >= q.guardLimit) {
                return StopReason.RUNAWAY_GUARD;
            }
            q.token = token;
            return null;
        }

        /** Keeps the KV rows {@code rows} (in that order) and drops padding columns no kept row needs. */
        private void compact(List<Seq> kept, int[] rows) {
            int minPad = Integer.MAX_VALUE;
            for (Seq q : kept) {
                minPad = Math.min(minPad, q.pad);
            }
            talkerRunner.compact(rows, live.size(), pastLength, minPad);
            pastLength -= minPad;
            for (Seq q : kept) {
                q.pad -= minPad;
            }
        }

        /** One talker step for every live row; the generation step g of the official code is the frame just produced. */
        private void talkerStep() throws OrtException {
            int rows = live.size();
            int total = pastLength + 1;
            if (maskBuf == null || maskBuf.capacity() < rows * total) {
                maskBuf = Tensors.longs(Math.max(rows * total * 2, 64));
            }
            for (int r = 0; r < rows; r++) {
                Seq q = live.get(r);
                int g = q.frames.size() - 1;
                float[] add = g < q.prompt.trailingLength() ? null : q.prompt.ttsPad();
                int off = g * hidden;
                float[] trailing = q.prompt.trailing();
                for (int i = 0; i < hidden; i++) {
                    float extra = add == null ? trailing[off + i] : add[i];
                    stepBuf.put(r * hidden + i, q.frameEmbed[i] + extra);
                }
                for (int t = 0; t < total; t++) {
                    maskBuf.put(r * total + t, t < q.pad ? 0 : 1);
                }
                posBuf.put(r, q.prompt.length() + g);
            }
            long t0 = timed ? System.nanoTime() : 0;
            talkerRunner.step(rows, v2Talker ? maskBuf : null, total, v2Talker ? posBuf : null);
            if (timed) {
                talkerNanos += System.nanoTime() - t0;
                talkerRuns++;
            }
            pastLength = total;
        }

        private void predictFused(List<Seq> rows, int[] rowOf) throws OrtException {
            int n = rows.size();
            boolean[] doSample = new boolean[n];
            float[] temperature = new float[n];
            long[] topK = new long[n];
            float[] topP = new float[n];
            for (int j = 0; j < n; j++) {
                Seq q = rows.get(j);
                SamplingParams p = q.p;
                emb.copyCodec(q.token, q.frameEmbed, 0);
                c0Buf.put(j * hidden, q.frameEmbed);
                frameHiddenBuf.put(j * hidden, lastHiddenBuf, rowOf[j] * hidden, hidden);
                if (p.subtalkerDoSample()) {
                    for (int i = 0; i < residualGroups; i++) {
                        uniformsBuf.put(j * residualGroups + i, q.uniformFloat());
                    }
                } else {
                    for (int i = 0; i < residualGroups; i++) {
                        uniformsBuf.put(j * residualGroups + i, 0f);
                    }
                }
                doSample[j] = p.subtalkerDoSample();
                // A greedy row ignores its temperature; 1 keeps the unused sampling branch finite.
                temperature[j] = p.subtalkerDoSample() ? (float) p.subtalkerTemperature() : 1f;
                topK[j] = p.subtalkerTopK();
                topP[j] = (float) p.subtalkerTopP();
            }
            List<OnnxTensor> settings = new ArrayList<>(4);
            try {
                if (batchedFrame) {
                    settings.add(OnnxTensor.createTensor(env, doSample));
                    settings.add(OnnxTensor.createTensor(env, temperature));
                    settings.add(OnnxTensor.createTensor(env, topK));
                    settings.add(OnnxTensor.createTensor(env, topP));
                } else {
                    settings.add(OnnxTensor.createTensor(env, doSample[0]));
                    settings.add(OnnxTensor.createTensor(env, temperature[0]));
                    settings.add(OnnxTensor.createTensor(env, topK[0]));
                    settings.add(OnnxTensor.createTensor(env, topP[0]));
                }
                frameInputs.put("last_hidden", frameHiddenIn.get(n));
                frameInputs.put("c0_embed", c0In.get(n));
                frameInputs.put("do_sample", settings.get(0));
                frameInputs.put("temperature", settings.get(1));
                frameInputs.put("top_k", settings.get(2));
                frameInputs.put("top_p", settings.get(3));
                frameInputs.put("uniforms", uniformsIn.get(n));
                framePinned.put("codes", codesOut.get(n));
                framePinned.put("embed_sum", embedSumOut.get(n));
                // Every output is pinned, so the result owns nothing; close it anyway.
                long t0 = timed ? System.nanoTime() : 0;
                OrtSession.Result result = predictor.run(frameInputs, Set.of(), framePinned, runOptions);
                if (timed) {
                    predictorNanos += System.nanoTime() - t0;
                    predictorRuns++;
                }
                result.close();
            } finally {
                settings.forEach(OnnxTensor::close);
            }
            for (int j = 0; j < n; j++) {
                Seq q = rows.get(j);
                int[] codes = new int[residualGroups + 1];
                codes[0] = q.token;
                try {
                    for (int i = 0; i < residualGroups; i++) {
                        codes[i + 1] = checkedCode(codesBuf.get(j * residualGroups + i));
                    }
                } catch (RuntimeException e) {
                    q.end(null, e);
                    continue;
                }
                embedSumBuf.get(j * hidden, q.frameEmbed);
                q.frames.add(codes);
            }
        }

        private void predictStepwise(List<Seq> rows, int[] rowOf) throws OrtException {
            int n = rows.size();
            int[][] codes = new int[n][residualGroups + 1];
            for (int j = 0; j < n; j++) {
                Seq q = rows.get(j);
                codes[j][0] = q.token;
                emb.copyCodec(q.token, q.frameEmbed, 0);
                // prefill [h_prev, E0(c0)]
                cpPrefillBuf.put(j * 2 * hidden, lastHiddenBuf, rowOf[j] * hidden, hidden);
                cpPrefillBuf.put(j * 2 * hidden + hidden, q.frameEmbed);
            }
            boolean[] failed = new boolean[n];
            OrtSession.Result previous = null;
            try {
                for (int step = 0; step < residualGroups; step++) {
                    cpInputs.put("inputs_embeds", step == 0 ? cpPrefillIn.get(n) : cpStepIn.get(n));
                    cpInputs.put("step", stepIndex[step]);
                    predictorKv.feed(cpInputs, previous, cpEmptyPast.get(n));
                    cpPinned.put("logits", cpLogitsOut.get(n));
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
                    for (int j = 0; j < n; j++) {
                        Seq q = rows.get(j);
                        int code = 0;
                        if (!failed[j]) {
                            float[] sc = q.cpScores;
                            cpLogitsBuf.get(j * PREDICTOR_VOCAB, sc);
                            try {
                                if (q.p.subtalkerDoSample()) {
                                    q.predictorSampler.warp(sc, q.p.subtalkerTemperature(), q.p.subtalkerTopK(),
                                            q.p.subtalkerTopP());
                                    code = q.predictorSampler.draw(sc, q.uniformFloat());
                                } else {
                                    code = LogitsProcessors.argmax(sc);
                                }
                                if (q.row.hook() != null) {
                                    code = q.row.hook().decide(q.frames.size(), step + 1, sc, code);
                                }
                                codes[j][step + 1] = checkedCode(code);
                            } catch (RuntimeException e) {
                                failed[j] = true;
                                q.end(null, e);
                                code = 0;
                            }
                        }
                        if (step + 1 < residualGroups) {
                            // next input: E_{step+1}(c_{step+1}); a failed row keeps feeding code 0 until the frame ends
                            Arrays.fill(cpEmbed, 0f);
                            emb.addResidual(step + 1, failed[j] ? 0 : codes[j][step + 1], cpEmbed, 0);
                            cpStepBuf.put(j * hidden, cpEmbed);
                        }
                    }
                }
            } finally {
                if (previous != null) {
                    previous.close();
                }
            }
            for (int j = 0; j < n; j++) {
                if (failed[j]) {
                    continue;
                }
                Seq q = rows.get(j);
                emb.frameSum(codes[j], q.frameEmbed, 0);
                q.frames.add(codes[j]);
            }
        }

        private int checkedCode(long code) {
            if (code < 0 || code >= PREDICTOR_VOCAB) {
                throw new ModelException("the code predictor produced code " + code + ", outside 0..2047");
            }
            return (int) code;
        }

        @Override
        public void close() {
            for (CancellationToken.Registration r : registrations) {
                r.close();
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
}
