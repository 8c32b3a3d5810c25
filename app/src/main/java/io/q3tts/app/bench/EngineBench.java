package io.q3tts.app.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.q3tts.adapters.inference.onnx.bundle.Bundle;
import io.q3tts.adapters.inference.onnx.bundle.ExecutionProvider;
import io.q3tts.adapters.inference.onnx.bundle.OnnxRuntimeConfig;
import io.q3tts.adapters.inference.onnx.bundle.OrtRuntime;
import io.q3tts.adapters.inference.onnx.codec.StreamingCodecDecoder;
import io.q3tts.adapters.inference.onnx.engine.BatchRow;
import io.q3tts.adapters.inference.onnx.engine.FrameListener;
import io.q3tts.adapters.inference.onnx.engine.GeneratedCodes;
import io.q3tts.adapters.inference.onnx.engine.GenerationSettings;
import io.q3tts.adapters.inference.onnx.engine.GenerationStats;
import io.q3tts.adapters.inference.onnx.engine.PredictorMode;
import io.q3tts.adapters.inference.onnx.engine.Qwen3TtsEngine;
import io.q3tts.adapters.inference.onnx.engine.TalkerPath;
import io.q3tts.adapters.inference.onnx.engine.TalkerPrompt;
import io.q3tts.adapters.inference.onnx.text.TextTokenizer;
import io.q3tts.ports.model.CancellationToken;
import io.q3tts.ports.out.inference.SamplingParams;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Times the engine on one bundle: greedy decoding with EOS suppressed, so every run yields exactly
 * {@code --frames} frames of the same text, then the official (chunked) decode of those frames.
 *
 * <p>Reported per run: RTF (wall time of prompt building, generation and decode over the audio
 * length, 0.08 s per frame), the per-frame split of the frame loop (talker step, code predictor,
 * Java overhead = loop time outside ONNX Runtime), time to the first frame and first-audio latency
 * (prompt, frames up to the first streaming chunk, and that chunk's decode).
 *
 * <p><b>Batches.</b> {@code --batch B} runs B copies of {@code --text} in one batched frame loop,
 * timing row 0 as a single run and adding the aggregate RTF ({@code tools/bench/gpu} compares the
 * talker paths with it). {@code run B} (serve mode) generates B rows in one batched frame loop
 * ({@link Qwen3TtsEngine#generateBatch}): row i speaks {@link #BATCH_TEXTS}{@code [i % 8]} (texts of
 * different lengths, so the prompts are left-padded as in real use), every row {@code --frames}
 * frames, then all rows get the official decode in one batched decode (they end in the same step,
 * and the synthesizer decodes such rows together). Reported: aggregate audio seconds per wall second
 * (the throughput), each row's latency (start to its decoded audio), the decode's milliseconds per
 * row-frame, and first audio (row 0's first streaming chunk). Batch 1 with the default text is the single-stream run above.
 *
 * <p><b>Profiling.</b> {@code --ort-profile DIR} turns on ONNX Runtime's own profiler in every
 * session of the run (text projection, talker, code predictor, decoder; through whichever binding
 * the talker path uses) and writes one Chrome-trace file per session into DIR when the bundle
 * closes at exit. The profile covers warm-up and timed runs alike (ONNX Runtime profiles a session
 * from its creation); every run is identical, so {@code tools/bench/ort_profile.py} drops the
 * warm-up share of each session's runs. The profiler slows runs down: the timings of a profiled
 * run are not the bench's numbers ({@code tools/bench/gpu} times and profiles in separate processes).
 *
 * <p>{@code --serve} keeps the model loaded and answers each {@code run} (or {@code run B}) line on
 * stdin with one JSON line, so a driver can alternate runs with another implementation; otherwise
 * {@code --runs} runs are made and one JSON document is printed. JSON goes to stdout, nothing else does.
 */
public final class EngineBench {

    private static final double SECONDS_PER_FRAME = 0.08;

    /** The batch rows' texts; official_bench.py uses the same list. */
    static final List<String> BATCH_TEXTS = List.of(
            "The quick brown fox jumps over the lazy dog, and then it runs back home to sleep.",
            "Good morning.",
            "Please leave the package at the front door; I will pick it up after work.",
            "Thank you, that was delicious!",
            "The meeting has been moved to Thursday at three, in the small room on the second floor.",
            "Where are my keys?",
            "Rain is expected tonight, so bring an umbrella if you go out.",
            "Welcome back, everyone. Let us begin with a short summary of last week.");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Options o;
    private final Qwen3TtsEngine engine;
    private final Bundle bundle;

    private EngineBench(Options o, Bundle bundle, Qwen3TtsEngine engine) {
        this.o = o;
        this.bundle = bundle;
        this.engine = engine;
    }

    /**
     * @param args see {@link Options#USAGE}
     * @throws Exception on any failure (the driver shows the stack trace)
     */
    public static void main(String[] args) throws Exception {
        Options o = Options.parse(args);
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        long t0 = System.nanoTime();
        OnnxRuntimeConfig config = new OnnxRuntimeConfig(o.device, 0, o.threads, 0, o.sharedPool, o.spinning, o.ortProfile);
        try (OrtRuntime runtime = new OrtRuntime(config);
             Bundle bundle = Bundle.open(o.bundle, runtime);
             TextTokenizer tokenizer = TextTokenizer.load(bundle.tokenizerFile())) {
            EngineBench bench = new EngineBench(o, bundle, new Qwen3TtsEngine(bundle, tokenizer, o.mode, o.talkerPath));
            double loadMs = (System.nanoTime() - t0) / 1e6;
            for (int i = 0; i < o.warmup; i++) {
                bench.runOnce();
            }
            Map<String, Object> info = bench.info(loadMs);
            if (o.serve) {
                info.put("event", "ready");
                out.println(JSON.writeValueAsString(info));
                BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
                String line;
                while ((line = in.readLine()) != null && !line.strip().equals("quit")) {
                    String cmd = line.strip();
                    if (cmd.equals("run")) {
                        out.println(JSON.writeValueAsString(bench.runOnce()));
                    } else if (cmd.startsWith("run ")) {
                        int b = Integer.parseInt(cmd.substring(4).strip());
                        out.println(JSON.writeValueAsString(b == 1 ? bench.runOnce() : bench.runBatch(b)));
                    }
                }
                return;
            }
            List<Map<String, Object>> runs = new ArrayList<>();
            for (int i = 0; i < o.runs; i++) {
                runs.add(bench.runOnce());
            }
            info.put("runs", runs);
            out.println(JSON.copy().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(info));
        }
    }

    private Map<String, Object> info(double loadMs) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("implementation", "q3tts-java");
        m.put("bundle", bundle.dir().toString());
        m.put("model", bundle.manifest().name());
        m.put("predictor_mode", o.mode.name().toLowerCase(Locale.ROOT));
        m.put("device", bundle.runtime().providerDescription());
        m.put("talker_path", o.talkerPath.name().toLowerCase(Locale.ROOT));
        m.put("streams", o.streams);
        m.put("batch", o.batch);
        m.put("batched_engine", engine.batched());
        m.put("static_kv_length", engine.staticKvLength());
        m.put("cuda_graphs", engine.cudaGraphs());
        m.put("precision", bundle.manifest().precision());
        m.put("threads", o.threads);
        m.put("shared_thread_pool", o.sharedPool);
        m.put("spinning", o.spinning);
        m.put("frames", o.frames);
        m.put("text", o.text);
        m.put("speaker", o.speaker);
        m.put("language", o.language);
        m.put("first_chunk_frames", o.firstChunk);
        m.put("load_ms", round(loadMs));
        m.put("warmup_runs", o.warmup);
        m.put("ort_profile_dir", o.ortProfile == null ? null : o.ortProfile.toAbsolutePath().toString());
        m.put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
        return m;
    }

    /**
     * One timed run; with {@code --streams N}, N generations of the same text run at once on N
     * threads (the engine is thread-safe), and the aggregate real-time factor is added.
     */
    private Map<String, Object> runOnce() throws Exception {
        if (o.streams == 1) {
            return runSingle();
        }
        ExecutorService pool = Executors.newFixedThreadPool(o.streams);
        try {
            long start = System.nanoTime();
            List<Future<Map<String, Object>>> futures = new ArrayList<>();
            for (int i = 0; i < o.streams; i++) {
                futures.add(pool.submit(this::runSingle));
            }
            List<Map<String, Object>> each = new ArrayList<>();
            for (Future<Map<String, Object>> f : futures) {
                each.add(f.get());
            }
            double wall = (System.nanoTime() - start) / 1e9;
            Map<String, Object> m = new LinkedHashMap<>(each.get(0));
            m.put("streams", o.streams);
            m.put("aggregate_wall_ms", round(wall * 1e3));
            m.put("aggregate_rtf", round4(wall / (o.streams * o.frames * SECONDS_PER_FRAME)));
            m.put("first_audio_ms_max", each.stream().mapToDouble(r -> (Double) r.get("first_audio_ms")).max().orElse(0));
            return m;
        } finally {
            pool.shutdownNow();
        }
    }

    private Map<String, Object> runSingle() {
        // max_new_tokens = frames + 1: the last decision only hits the cap, as in the official loop.
        GenerationSettings settings = GenerationSettings.of(bundle.manifest(), SamplingParams.greedy(), o.frames + 1, null)
                .withEosSuppressed().withStats(true);
        long[] frameAt = new long[o.frames];
        long start = System.nanoTime();
        TalkerPrompt prompt = engine.customVoicePrompt(o.text, o.speaker, o.language, null, false);
        long promptNanos = System.nanoTime() - start;
        GeneratedCodes[] all = new GeneratedCodes[o.batch];
        if (o.batch == 1) {
            all[0] = engine.generate(prompt, settings, (i, frame, elapsed) -> frameAt[i] = elapsed, null,
                    CancellationToken.none());
        } else {
            // --batch N: N copies of the prompt in one batched frame loop; row 0 is timed like a single run.
            RuntimeException[] failed = new RuntimeException[1];
            List<BatchRow> rows = new ArrayList<>();
            for (int r = 0; r < o.batch; r++) {
                int row = r;
                rows.add(new BatchRow(prompt, settings, r == 0 ? (i, frame, elapsed) -> frameAt[i] = elapsed : null, null,
                        CancellationToken.none(), outcome -> {
                            all[row] = outcome.codes();
                            if (outcome.error() != null) {
                                failed[0] = outcome.error();
                            }
                        }));
            }
            engine.generateBatch(rows);
            if (failed[0] != null) {
                throw failed[0];
            }
        }
        GeneratedCodes codes = all[0];
        long genEnd = System.nanoTime();
        // The rows end in the same step, so they are decoded together, as the synthesizer does.
        float[] wav = o.batch == 1 ? engine.decode(codes.frames(), null)
                : engine.decodeBatch(Arrays.stream(all).map(GeneratedCodes::frames).toList(), null).getFirst();
        long end = System.nanoTime();
        if (codes.frameCount() != o.frames || wav.length != o.frames * 1920) {
            throw new IllegalStateException("expected " + o.frames + " frames, got " + codes.frameCount());
        }
        int k = Math.min(o.firstChunk, codes.frameCount());
        long chunkNanos;
        try (StreamingCodecDecoder stream = new StreamingCodecDecoder(bundle, k, k)) {
            long c0 = System.nanoTime();
            stream.decodeNow(Arrays.copyOf(codes.frames(), k));
            chunkNanos = System.nanoTime() - c0;
        }
        GenerationStats s = codes.stats();
        double audio = codes.frameCount() * SECONDS_PER_FRAME;
        double wall = (end - start) / 1e9;
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("implementation", "q3tts-java");
        m.put("batch", 1);
        m.put("frames", codes.frameCount());
        m.put("audio_s", round(audio));
        m.put("throughput", round4(audio / wall));
        m.put("row_latency_ms", List.of(round(wall * 1e3)));
        m.put("wall_ms", round(wall * 1e3));
        m.put("rtf", round4(wall / audio));
        m.put("rtf_without_decode", round4((genEnd - start) / 1e9 / audio));
        if (o.batch > 1) {
            m.put("batch", o.batch);
            m.put("aggregate_rtf", round4(wall / (o.batch * audio)));
        }
        m.put("prompt_ms", round(promptNanos / 1e6));
        m.put("prompt_positions", prompt.length());
        m.put("prefill_ms", round(s.prefillNanos() / 1e6));
        m.put("generate_ms", round((genEnd - start - promptNanos) / 1e6));
        m.put("decode_ms", round((end - genEnd) / 1e6));
        m.put("first_frame_ms", round((promptNanos + s.firstFrameNanos()) / 1e6));
        m.put("first_audio_ms", round((promptNanos + frameAt[k - 1] + chunkNanos) / 1e6));
        Map<String, Object> pf = new LinkedHashMap<>();
        pf.put("loop", round4(s.loopMsPerFrame()));
        pf.put("talker", round4(s.talkerMsPerFrame()));
        pf.put("code_predictor", round4(s.predictorMsPerFrame()));
        pf.put("decoder", round4((end - genEnd) / 1e6 / codes.frameCount()));
        pf.put("overhead", round4(s.javaMsPerFrame()));
        m.put("per_frame_ms", pf);
        m.put("overhead_pct", round(100 * s.javaOverheadFraction()));
        m.put("predictor_runs", s.predictorRuns());
        m.put("codes", codes.frames());
        // Cumulative: whether the runs so far used the fixed-size cache (a prompt + frames over N falls back).
        m.put("static_kv_batches", engine.staticKvBatches());
        return m;
    }

    /** One batched generation of {@code rows} rows; see the class comment. */
    private Map<String, Object> runBatch(int rows) {
        GenerationSettings settings = GenerationSettings.of(bundle.manifest(), SamplingParams.greedy(), o.frames + 1, null)
                .withEosSuppressed().withStats(true);
        long start = System.nanoTime();
        List<BatchRow> batch = new ArrayList<>(rows);
        GeneratedCodes[] codes = new GeneratedCodes[rows];
        long[] firstFrameAt = new long[1];
        int k = Math.min(o.firstChunk, o.frames);
        for (int i = 0; i < rows; i++) {
            int row = i;
            TalkerPrompt prompt = engine.customVoicePrompt(BATCH_TEXTS.get(i % BATCH_TEXTS.size()), o.speaker, o.language,
                    null, false);
            FrameListener listener = row != 0 ? null : (f, frame, elapsed) -> {
                if (f == k - 1) {
                    firstFrameAt[0] = System.nanoTime();
                }
            };
            batch.add(new BatchRow(prompt, settings, listener, null, CancellationToken.none(), out -> {
                if (out.error() != null) {
                    throw out.error();
                }
                codes[row] = out.codes();
            }));
        }
        engine.generateBatch(batch);
        long genEnd = System.nanoTime();
        List<int[][]> frames = new ArrayList<>(rows);
        for (int i = 0; i < rows; i++) {
            if (codes[i].frameCount() != o.frames) {
                throw new IllegalStateException("row " + i + ": expected " + o.frames + " frames, got " + codes[i].frameCount());
            }
            frames.add(codes[i].frames());
        }
        // Every row ends in the same step, so all are decoded in one batched decode, as the synthesizer does.
        List<float[]> wavs = engine.decodeBatch(frames, null);
        long end = System.nanoTime();
        long[] rowDone = new long[rows];
        for (int i = 0; i < rows; i++) {
            if (wavs.get(i).length != o.frames * 1920) {
                throw new IllegalStateException("row " + i + ": decoded " + wavs.get(i).length + " samples");
            }
            rowDone[i] = end;
        }
        long chunkNanos;
        try (StreamingCodecDecoder stream = new StreamingCodecDecoder(bundle, k, k)) {
            long c0 = System.nanoTime();
            stream.decodeNow(Arrays.copyOf(codes[0].frames(), k));
            chunkNanos = System.nanoTime() - c0;
        }
        double audio = rows * o.frames * SECONDS_PER_FRAME;
        double wall = (end - start) / 1e9;
        List<Double> latency = new ArrayList<>();
        for (long t : rowDone) {
            latency.add(round((t - start) / 1e6));
        }
        GenerationStats s = codes[0].stats();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("implementation", "q3tts-java");
        m.put("batch", rows);
        m.put("frames", o.frames);
        m.put("audio_s", round(audio));
        m.put("wall_ms", round(wall * 1e3));
        m.put("throughput", round4(audio / wall));
        m.put("generate_ms", round((genEnd - start) / 1e6));
        m.put("decode_ms", round((end - genEnd) / 1e6));
        m.put("decode_ms_per_row_frame", round4((end - genEnd) / 1e6 / (rows * o.frames)));
        m.put("batched_decoder", engine.decoder().batched());
        m.put("row_latency_ms", latency);
        m.put("first_audio_ms", round((firstFrameAt[0] - start + chunkNanos) / 1e6));
        m.put("talker_ms_per_step", round4(s.talkerMsPerFrame()));
        m.put("predictor_ms_per_step", round4(s.predictorMsPerFrame()));
        m.put("static_kv_batches", engine.staticKvBatches());
        return m;
    }

    private static double round(double v) {
        return Math.round(v * 100) / 100.0;
    }

    private static double round4(double v) {
        return Math.round(v * 10000) / 10000.0;
    }

    /** Command-line options. */
    private static final class Options {
        static final String USAGE = """
                usage: EngineBench --bundle DIR [--frames 48] [--threads 0] [--warmup 1] [--runs 3] [--serve]
                                   [--mode fused|stepwise] [--text TEXT] [--speaker ryan] [--language english]
                                   [--first-chunk 4] [--per-session-threads] [--no-spin]
                                   [--device cpu|cuda|auto] [--device-kv | --static-kv] [--streams 1] [--batch 1]
                                   [--ort-profile DIR]""";

        Path bundle;
        int frames = 48;
        int threads;
        int warmup = 1;
        int runs = 3;
        boolean serve;
        PredictorMode mode = PredictorMode.FUSED;
        String text = "The quick brown fox jumps over the lazy dog, and then it runs back home to sleep.";
        String speaker = "ryan";
        String language = "english";
        int firstChunk = 4;
        boolean sharedPool = true;
        boolean spinning = true;
        ExecutionProvider device = ExecutionProvider.CPU;
        TalkerPath talkerPath = TalkerPath.JAVA_BINDING;
        int streams = 1;
        int batch = 1;
        Path ortProfile;

        static Options parse(String[] args) {
            Options o = new Options();
            for (int i = 0; i < args.length; i++) {
                String a = args[i];
                if (a.equals("--device-kv")) {
                    o.talkerPath = TalkerPath.IO_BINDING;
                    continue;
                }
                if (a.equals("--static-kv")) {
                    o.talkerPath = TalkerPath.STATIC_KV;
                    continue;
                }
                if (a.equals("--serve") || a.equals("--per-session-threads") || a.equals("--no-spin")) {
                    o.serve |= a.equals("--serve");
                    o.sharedPool &= !a.equals("--per-session-threads");
                    o.spinning &= !a.equals("--no-spin");
                    continue;
                }
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException("missing value for " + a + "\n" + USAGE);
                }
                String v = args[++i];
                switch (a) {
                    case "--bundle" -> o.bundle = Path.of(v);
                    case "--frames" -> o.frames = Integer.parseInt(v);
                    case "--threads" -> o.threads = Integer.parseInt(v);
                    case "--warmup" -> o.warmup = Integer.parseInt(v);
                    case "--runs" -> o.runs = Integer.parseInt(v);
                    case "--mode" -> o.mode = PredictorMode.valueOf(v.toUpperCase(Locale.ROOT));
                    case "--text" -> o.text = v;
                    case "--speaker" -> o.speaker = v;
                    case "--language" -> o.language = v;
                    case "--first-chunk" -> o.firstChunk = Integer.parseInt(v);
                    case "--device" -> o.device = ExecutionProvider.parse(v);
                    case "--streams" -> o.streams = Integer.parseInt(v);
                    case "--batch" -> o.batch = Integer.parseInt(v);
                    case "--ort-profile" -> o.ortProfile = Path.of(v);
                    default -> throw new IllegalArgumentException("unknown option " + a + "\n" + USAGE);
                }
            }
            if (o.bundle == null || o.frames < 1 || o.firstChunk < 1 || o.streams < 1 || o.batch < 1) {
                throw new IllegalArgumentException(USAGE);
            }
            return o;
        }
    }
}
