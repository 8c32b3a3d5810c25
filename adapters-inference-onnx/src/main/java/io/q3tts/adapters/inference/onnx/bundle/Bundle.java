package io.q3tts.adapters.inference.onnx.bundle;

import ai.onnxruntime.OrtSession;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.q3tts.adapters.inference.onnx.ffm.NativeSession;
import io.q3tts.adapters.inference.onnx.io.Npy;
import io.q3tts.ports.model.ModelException;
import io.q3tts.ports.model.UnsupportedException;
import io.q3tts.ports.out.inference.GenerationDefaults;
import io.q3tts.ports.out.inference.SamplingParams;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * One opened model bundle: its manifest, memory-mapped tables and ONNX sessions.
 *
 * <p>Opening reads and validates the manifest and checks that every file it needs is present;
 * sessions and tables are created lazily on first use and then reused. Thread-safe: sessions may
 * run concurrently. {@link #close()} frees every native resource; callers that share a bundle
 * between threads go through {@link ModelHandle}, which waits for running work first.
 */
public final class Bundle implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(Bundle.class.getName());
    private static final ObjectMapper GENERATION_JSON = new ObjectMapper();

    /** Table keys in the manifest's {@code talker.tables}. */
    public static final String TEXT_EMBEDDING = "text_embedding";
    /** The talker codec embedding (E0). */
    public static final String CODEC_EMBEDDING = "codec_embedding";
    /** The 15 code-predictor embeddings (E1..E15). */
    public static final String CP_EMBEDDINGS = "cp_embeddings";

    private final Path dir;
    private final Manifest manifest;
    private final OrtRuntime runtime;
    private final Map<GraphKind, OrtSession> sessions = new EnumMap<>(GraphKind.class);
    private final Map<GraphKind, NativeSession> nativeSessions = new EnumMap<>(GraphKind.class);
    private final Map<String, Npy> tables = new HashMap<>();
    private boolean closed;

    private Bundle(Path dir, Manifest manifest, OrtRuntime runtime) {
        this.dir = dir;
        this.manifest = manifest;
        this.runtime = runtime;
    }

    /**
     * Opens a bundle folder.
     *
     * @param dir the folder holding {@code manifest.json}
     * @param runtime the shared ONNX runtime
     * @return the bundle; close it when done
     * @throws ModelException if the folder, the manifest or a file it names is missing or invalid
     */
    public static Bundle open(Path dir, OrtRuntime runtime) {
        Objects.requireNonNull(dir, "dir");
        Objects.requireNonNull(runtime, "runtime");
        Manifest manifest = Manifest.read(dir);
        List<String> missing = new ArrayList<>();
        for (Map.Entry<GraphKind, String> g : manifest.graphs().entrySet()) {
            if (!Files.isRegularFile(dir.resolve(g.getValue()))) {
                missing.add(g.getValue());
            }
        }
        if (manifest.type().isTts()) {
            for (GraphKind required : List.of(GraphKind.TEXT_PROJECTION, GraphKind.TALKER, GraphKind.CODE_PREDICTOR_FRAME)) {
                if (!manifest.graphs().containsKey(required)) {
                    missing.add(required.defaultFile());
                }
            }
            for (String table : manifest.tables().values()) {
                if (!Files.isRegularFile(dir.resolve(table))) {
                    missing.add(table);
                }
            }
            if (!Files.isRegularFile(dir.resolve("tokenizer.json"))) {
                missing.add("tokenizer.json");
            }
        }
        if (!manifest.graphs().containsKey(GraphKind.CODEC_DECODER)) {
            missing.add(GraphKind.CODEC_DECODER.defaultFile());
        }
        if (!missing.isEmpty()) {
            throw new ModelException("Model bundle " + dir + " is incomplete: missing " + String.join(", ", missing)
                    + "; re-export it with tools/export");
        }
        if (manifest.type().isTts() && manifest.version() < Manifest.SUPPORTED_VERSION) {
            LOG.log(Level.WARNING, "Model bundle {0} is version {1}: it generates one sequence at a time; "
                    + "re-export for batching (tools/export writes version {2}).", dir, manifest.version(),
                    Manifest.SUPPORTED_VERSION);
        }
        return new Bundle(dir, manifest, runtime);
    }

    /** @return the bundle folder */
    public Path dir() {
        return dir;
    }

    /** @return the manifest */
    public Manifest manifest() {
        return manifest;
    }

    /** @return the runtime the sessions run on */
    public OrtRuntime runtime() {
        return runtime;
    }

    /** The optional copy of the checkpoint's generation config (tools/export writes it verbatim). */
    public static final String GENERATION_CONFIG = "generation_config.json";

    /**
     * The defaults for generation arguments a request leaves unset, merged as the official wrapper
     * merges them: from {@value #GENERATION_CONFIG} when the bundle has it, else from the
     * manifest's {@code generation} section (which tools/export computed from the same file by the
     * same rule), else the official hard defaults.
     *
     * @return the defaults
     * @throws ModelException when the file is unreadable or holds an invalid value
     */
    public GenerationDefaults generationDefaults() {
        Path file = dir.resolve(GENERATION_CONFIG);
        if (Files.isRegularFile(file)) {
            try {
                Map<String, Object> config = GENERATION_JSON.readValue(file.toFile(), new TypeReference<Map<String, Object>>() { });
                return GenerationDefaults.fromGenerationConfig(config);
            } catch (IOException | IllegalArgumentException e) {
                throw new ModelException("Model '" + manifest.name() + "' has an invalid " + GENERATION_CONFIG + ": "
                        + e.getMessage() + " Fix the file or delete it to use the manifest's generation defaults.", e);
            }
        }
        Manifest.GenerationDefaults g = manifest.generation();
        if (g == null) {
            return GenerationDefaults.official();
        }
        return new GenerationDefaults(new SamplingParams(g.doSample(), g.temperature(), g.topK(), g.topP(),
                g.repetitionPenalty(), g.subtalkerDoSample(), g.subtalkerTemperature(), g.subtalkerTopK(),
                g.subtalkerTopP(), null), g.maxNewTokens());
    }

    /** @return the tokenizer file ({@code tokenizer.json}) */
    public Path tokenizerFile() {
        return dir.resolve("tokenizer.json");
    }

    /**
     * @param kind a graph
     * @return whether the bundle holds it
     */
    public boolean has(GraphKind kind) {
        return manifest.graphs().containsKey(kind);
    }

    /**
     * Checks that this bundle's model can run a task.
     *
     * @param task the task's manifest name ({@code custom_voice}, {@code voice_design}, {@code voice_clone}, {@code tokenizer})
     * @throws UnsupportedException naming the model type and the model type the task needs
     */
    public void requireTask(String task) {
        if (manifest.tasks().contains(task)) {
            return;
        }
        String needs = switch (task) {
            case "custom_voice" -> "a CustomVoice model";
            case "voice_design" -> "a VoiceDesign model";
            case "voice_clone" -> "a Base model";
            default -> "another model";
        };
        throw new UnsupportedException("Model '" + manifest.name() + "' is a " + manifest.type().key()
                + " model and cannot run " + task + "; that needs " + needs + ".");
    }

    /**
     * The session of a graph, created on first use and then shared.
     *
     * @param kind the graph
     * @return the session, owned by this bundle (do not close it)
     * @throws ModelException if the bundle lacks the graph, the graph cannot be loaded, or an fp16
     *     talker would run without CUDA
     */
    public OrtSession session(GraphKind kind) {
        synchronized (sessions) {
            ensureOpen();
            OrtSession s = sessions.get(kind);
            if (s != null) {
                return s;
            }
            String file = graphFile(kind);
            long t0 = System.nanoTime();
            s = runtime.createSession(dir.resolve(file));
            LOG.log(Level.DEBUG, "loaded {0} in {1} ms", file, (System.nanoTime() - t0) / 1_000_000);
            sessions.put(kind, s);
            return s;
        }
    }

    /**
     * The session of a graph created through the ONNX Runtime C API (for I/O binding), created on
     * first use and then shared; independent of {@link #session} (a graph used through both would
     * hold its weights twice, so the engine uses one or the other per graph).
     *
     * @param kind the graph
     * @return the session, owned by this bundle (do not close it)
     * @throws ModelException as {@link #session}, or if the C API cannot be bound
     */
    public NativeSession nativeSession(GraphKind kind) {
        synchronized (sessions) {
            ensureOpen();
            NativeSession s = nativeSessions.get(kind);
            if (s != null) {
                return s;
            }
            String file = graphFile(kind);
            long t0 = System.nanoTime();
            try {
                s = openNative(kind, file);
            } catch (RuntimeException e) {
                throw new ModelException("ONNX Runtime (C API) cannot load " + file + ": " + e.getMessage(), e);
            }
            LOG.log(Level.DEBUG, "loaded {0} through the C API in {1} ms", file, (System.nanoTime() - t0) / 1_000_000);
            nativeSessions.put(kind, s);
            return s;
        }
    }

    private NativeSession openNative(GraphKind kind, String file) {
        NativeSession.Options options = runtime.nativeOptions(dir.resolve(file));
        if (kind == GraphKind.TALKER_STATIC && options.cuda()) {
            // The fixed-shape talker is the one graph whose shapes and addresses allow CUDA graphs.
            try {
                return NativeSession.open(dir.resolve(file), options.withCudaGraph());
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "ONNX Runtime cannot run {0} with CUDA graphs ({1}); it runs without them",
                        file, e.getMessage());
            }
        }
        return NativeSession.open(dir.resolve(file), options);
    }

    private String graphFile(GraphKind kind) {
        String file = manifest.graphs().get(kind);
        if (file == null) {
            throw new ModelException("Model bundle " + dir + " has no " + kind.defaultFile() + " graph");
        }
        if ("fp16".equals(manifest.graphPrecision().get(kind)) && !runtime.usesCuda()) {
            throw new ModelException("Model '" + manifest.name() + "' stores " + file
                    + " in fp16, which needs a CUDA GPU, but ONNX Runtime runs on "
                    + runtime.providerDescription() + "; export an fp32 bundle (tools/export without --fp16) for the CPU");
        }
        return file;
    }

    /**
     * A memory-mapped table, mapped on first use.
     *
     * @param key {@link #TEXT_EMBEDDING}, {@link #CODEC_EMBEDDING} or {@link #CP_EMBEDDINGS}
     * @return the table, owned by this bundle
     * @throws ModelException if it cannot be mapped
     */
    public Npy table(String key) {
        synchronized (tables) {
            ensureOpen();
            Npy t = tables.get(key);
            if (t != null) {
                return t;
            }
            String file = manifest.tables().get(key);
            if (file == null) {
                throw new ModelException("Model bundle " + dir + " has no " + key + " table");
            }
            try {
                t = Npy.open(dir.resolve(file));
                t.requireDType(Npy.DType.F32);
            } catch (IOException e) {
                if (t != null) {
                    t.close();
                }
                throw new ModelException("Cannot read " + file + " of model bundle " + dir + ": " + e.getMessage(), e);
            }
            tables.put(key, t);
            return t;
        }
    }

    /**
     * Opens a bundle file that is not a graph or a table, e.g. {@code mel_filters.npy}.
     *
     * @param name file name inside the bundle
     * @return its path
     * @throws ModelException if it does not exist
     */
    public Path file(String name) {
        Path p = dir.resolve(name);
        if (!Files.isRegularFile(p)) {
            throw new ModelException("Model bundle " + dir + " lacks " + name + "; re-export it with tools/export");
        }
        return p;
    }

    /**
     * What this bundle holds in memory now, approximately: the weight files (with their
     * {@code .onnx.data} side file) of the graphs whose sessions are open, plus the mapped tables.
     * ONNX Runtime's Java API reports no per-session memory, and a session's footprint is dominated
     * by its initializers, i.e. the file; arena growth and CUDA workspaces come on top.
     *
     * @return bytes, 0 once closed
     */
    public long residentBytes() {
        List<String> files = new ArrayList<>();
        synchronized (sessions) {
            if (closed) {
                return 0;
            }
            Set<GraphKind> open = EnumSet.noneOf(GraphKind.class);
            open.addAll(sessions.keySet());
            open.addAll(nativeSessions.keySet());
            open.forEach(k -> {
                String file = manifest.graphs().get(k);
                files.add(file);
                files.add(file + ".data");
            });
        }
        synchronized (tables) {
            tables.keySet().forEach(k -> files.add(manifest.tables().get(k)));
        }
        long total = 0;
        for (String f : files) {
            try {
                Path p = dir.resolve(f);
                if (Files.isRegularFile(p)) {
                    total += Files.size(p);
                }
            } catch (IOException | RuntimeException e) {
                LOG.log(Level.DEBUG, "cannot size " + f + " of " + dir, e);
            }
        }
        return total;
    }

    private void ensureOpen() {
        if (closed) {
            throw new ModelException("Model '" + manifest.name() + "' has been unloaded");
        }
    }

    /** Closes every session and unmaps every table. Idempotent. */
    @Override
    public void close() {
        synchronized (sessions) {
            synchronized (tables) {
                if (closed) {
                    return;
                }
                closed = true;
                for (OrtSession s : sessions.values()) {
                    if (runtime.profiling()) {
                        try {
                            LOG.log(Level.INFO, "ONNX Runtime profile written: {0}", s.endProfiling());
                        } catch (Exception e) {
                            LOG.log(Level.WARNING, "ending the profile of a session of " + dir + " failed", e);
                        }
                    }
                    try {
                        s.close();
                    } catch (Exception e) {
                        LOG.log(Level.WARNING, "closing a session of " + dir + " failed", e);
                    }
                }
                sessions.clear();
                for (NativeSession s : nativeSessions.values()) {
                    if (s.options().profilePrefix() != null) {
                        try {
                            LOG.log(Level.INFO, "ONNX Runtime profile written: {0}", s.endProfiling());
                        } catch (RuntimeException e) {
                            LOG.log(Level.WARNING, "ending the profile of a C API session of " + dir + " failed", e);
                        }
                    }
                    try {
                        s.close();
                    } catch (RuntimeException e) {
                        LOG.log(Level.WARNING, "closing a C API session of " + dir + " failed", e);
                    }
                }
                nativeSessions.clear();
                tables.values().forEach(Npy::close);
                tables.clear();
            }
        }
    }
}
