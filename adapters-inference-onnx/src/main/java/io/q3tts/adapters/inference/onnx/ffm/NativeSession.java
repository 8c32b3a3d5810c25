package io.q3tts.adapters.inference.onnx.ffm;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * An {@code OrtSession} created through the C API, with its input types and output names read once.
 *
 * <p>Thread-safe: ONNX Runtime allows concurrent runs of one session; {@link #close()} must not
 * race a run (the owning bundle closes it only after its leases are released).
 */
public final class NativeSession implements AutoCloseable {

    private static final int ORT_ENABLE_ALL = 99;

    /**
     * How the session is created; mirrors the Java binding's options so both paths run alike.
     *
     * @param cuda append the CUDA execution provider
     * @param cudaDeviceId the CUDA device
     * @param intraOpThreads 0 = ONNX Runtime's default
     * @param interOpThreads 0 = ONNX Runtime's default
     * @param sharedThreadPool use the environment's global pools (only when the environment has them)
     * @param spinning let idle pool threads spin (ignored with the shared pool, which was set up with the environment)
     * @param cudaGraph with {@code cuda}: the CUDA provider's {@code enable_cuda_graph} (runs with a
     *     {@code gpu_graph_id} run option are captured once and replayed; see {@link NativeRunOptions#graphId})
     * @param profilePrefix null: no profiling; else ONNX Runtime's profiler runs ({@code EnableProfiling}) and
     *     writes {@code <prefix>_<start time>.json} when the session ends ({@link #endProfiling()} or close)
     */
    public record Options(boolean cuda, int cudaDeviceId, int intraOpThreads, int interOpThreads,
                          boolean sharedThreadPool, boolean spinning, boolean cudaGraph, Path profilePrefix) {

        /** Without profiling. */
        public Options(boolean cuda, int cudaDeviceId, int intraOpThreads, int interOpThreads,
                       boolean sharedThreadPool, boolean spinning, boolean cudaGraph) {
            this(cuda, cudaDeviceId, intraOpThreads, interOpThreads, sharedThreadPool, spinning, cudaGraph, null);
        }

        /** Without CUDA graphs or profiling. */
        public Options(boolean cuda, int cudaDeviceId, int intraOpThreads, int interOpThreads,
                       boolean sharedThreadPool, boolean spinning) {
            this(cuda, cudaDeviceId, intraOpThreads, interOpThreads, sharedThreadPool, spinning, false);
        }

        /** @return these options with CUDA graphs on when the CUDA provider is used */
        public Options withCudaGraph() {
            return new Options(cuda, cudaDeviceId, intraOpThreads, interOpThreads, sharedThreadPool, spinning, cuda,
                    profilePrefix);
        }
    }

    private final OrtApi api;
    private final Path file;
    private final Map<String, TensorType> inputs;
    private final List<String> outputs;
    private final Options options;
    private final List<AutoCloseable> attached = new ArrayList<>();
    private final java.util.concurrent.atomic.AtomicInteger graphIds = new java.util.concurrent.atomic.AtomicInteger();
    private MemorySegment handle;

    private NativeSession(OrtApi api, Path file, MemorySegment handle, Map<String, TensorType> inputs,
                          List<String> outputs, Options options) {
        this.api = api;
        this.file = file;
        this.handle = handle;
        this.inputs = inputs;
        this.outputs = outputs;
        this.options = options;
    }

    /**
     * An {@code OrtAllocator} of this session for one memory info ({@code CreateAllocator}): it wraps
     * the session's own allocator (on CUDA the device arena) and is invalid once the session is
     * released, so it and every value it allocated are closed first ({@link #attach}).
     */
    public static final class Allocator implements AutoCloseable {

        private final OrtApi api;
        private MemorySegment handle;

        private Allocator(OrtApi api, MemorySegment handle) {
            this.api = api;
            this.handle = handle;
        }

        MemorySegment handle() {
            if (handle == null) {
                throw new IllegalStateException("allocator closed");
            }
            return handle;
        }

        @Override
        public synchronized void close() {
            if (handle != null) {
                try {
                    api.releaseAllocator.invokeExact(handle);
                } catch (Throwable t) {
                    throw OrtApi.rethrow(t);
                }
                handle = null;
            }
        }
    }

    /**
     * @param memory where the allocator allocates
     * @return a new allocator of this session; close it (before the session: attach its owner)
     */
    public Allocator allocator(MemoryInfo memory) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment out = a.allocate(ADDRESS);
            api.check((MemorySegment) api.createAllocator.invokeExact(handle(), memory.handle(), out), "CreateAllocator");
            return new Allocator(api, out.get(ADDRESS, 0));
        } catch (Throwable t) {
            throw OrtApi.rethrow(t);
        }
    }

    /**
     * Ties a resource to this session: {@link #close()} closes it (last attached first) before it
     * releases the session, e.g. values allocated by {@link #allocator}.
     *
     * @param resource the resource
     */
    public synchronized void attach(AutoCloseable resource) {
        if (handle == null) {
            throw new IllegalStateException("session closed");
        }
        attached.add(Objects.requireNonNull(resource, "resource"));
    }

    /**
     * A CUDA graph id unique within this session ({@link NativeRunOptions#graphId}): captured graphs
     * belong to the session, so every buffer set that is captured needs its own id.
     *
     * @return 1, 2, ...
     */
    public int nextGraphId() {
        return graphIds.incrementAndGet();
    }

    /** @return the options the session was created with */
    public Options options() {
        return options;
    }

    /**
     * Loads a graph by path (so that an external-data side file is found).
     *
     * @param file the {@code .onnx} file
     * @param options how to create it
     * @return the session; close it
     * @throws OrtCallException if ONNX Runtime cannot load it
     */
    public static NativeSession open(Path file, Options options) {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(options, "options");
        OrtApi api = OrtApi.get();
        MemorySegment sessionOptions = MemorySegment.NULL;
        MemorySegment session = MemorySegment.NULL;
        try (Arena a = Arena.ofConfined()) {
            MemorySegment out = a.allocate(ADDRESS);
            api.check((MemorySegment) api.createSessionOptions.invokeExact(out), "CreateSessionOptions");
            sessionOptions = out.get(ADDRESS, 0);
            api.check((MemorySegment) api.setGraphOptimizationLevel.invokeExact(sessionOptions, ORT_ENABLE_ALL),
                    "SetSessionGraphOptimizationLevel");
            if (options.sharedThreadPool()) {
                api.check((MemorySegment) api.disablePerSessionThreads.invokeExact(sessionOptions), "DisablePerSessionThreads");
            } else {
                if (options.intraOpThreads() > 0) {
                    api.check((MemorySegment) api.setIntraOpNumThreads.invokeExact(sessionOptions, options.intraOpThreads()),
                            "SetIntraOpNumThreads");
                }
                if (options.interOpThreads() > 0) {
                    api.check((MemorySegment) api.setInterOpNumThreads.invokeExact(sessionOptions, options.interOpThreads()),
                            "SetInterOpNumThreads");
                }
                if (!options.spinning()) {
                    for (String key : List.of("session.intra_op.allow_spinning", "session.inter_op.allow_spinning")) {
                        api.check((MemorySegment) api.addSessionConfigEntry.invokeExact(sessionOptions, a.allocateFrom(key),
                                a.allocateFrom("0")), "AddSessionConfigEntry");
                    }
                }
            }
            if (options.profilePrefix() != null) {
                api.check((MemorySegment) api.enableProfiling.invokeExact(sessionOptions,
                        a.allocateFrom(options.profilePrefix().toString())), "EnableProfiling");
            }
            if (options.cuda()) {
                appendCuda(api, a, sessionOptions, options.cudaDeviceId(), options.cudaGraph());
            }
            api.check((MemorySegment) api.createSession.invokeExact(api.env(), a.allocateFrom(file.toString()),
                    sessionOptions, out), "CreateSession(" + file.getFileName() + ")");
            session = out.get(ADDRESS, 0);
            Map<String, TensorType> in = readInputs(api, session, a);
            List<String> outNames = readOutputs(api, session, a);
            NativeSession s = new NativeSession(api, file, session, in, outNames, options);
            session = MemorySegment.NULL;
            return s;
        } catch (Throwable t) {
            throw OrtApi.rethrow(t);
        } finally {
            try {
                if (!session.equals(MemorySegment.NULL)) {
                    api.releaseSession.invokeExact(session);
                }
                if (!sessionOptions.equals(MemorySegment.NULL)) {
                    api.releaseSessionOptions.invokeExact(sessionOptions);
                }
            } catch (Throwable t) {
                throw OrtApi.rethrow(t);
            }
        }
    }

    private static void appendCuda(OrtApi api, Arena a, MemorySegment sessionOptions, int deviceId, boolean cudaGraph)
            throws Throwable {
        MemorySegment out = a.allocate(ADDRESS);
        api.check((MemorySegment) api.createCudaProviderOptions.invokeExact(out), "CreateCUDAProviderOptions");
        MemorySegment cuda = out.get(ADDRESS, 0);
        try {
            // HEURISTIC as in OrtRuntime: no exhaustive cuDNN search on the first call.
            int n = cudaGraph ? 3 : 2;
            MemorySegment keys = a.allocate(ADDRESS, n);
            MemorySegment values = a.allocate(ADDRESS, n);
            keys.setAtIndex(ADDRESS, 0, a.allocateFrom("device_id"));
            values.setAtIndex(ADDRESS, 0, a.allocateFrom(Integer.toString(deviceId)));
            keys.setAtIndex(ADDRESS, 1, a.allocateFrom("cudnn_conv_algo_search"));
            values.setAtIndex(ADDRESS, 1, a.allocateFrom("HEURISTIC"));
            if (cudaGraph) {
                keys.setAtIndex(ADDRESS, 2, a.allocateFrom("enable_cuda_graph"));
                values.setAtIndex(ADDRESS, 2, a.allocateFrom("1"));
            }
            api.check((MemorySegment) api.updateCudaProviderOptions.invokeExact(cuda, keys, values, (long) n),
                    "UpdateCUDAProviderOptions");
            api.check((MemorySegment) api.appendCudaV2.invokeExact(sessionOptions, cuda),
                    "SessionOptionsAppendExecutionProvider_CUDA_V2");
        } finally {
            api.releaseCudaProviderOptions.invokeExact(cuda);
        }
    }

    private static Map<String, TensorType> readInputs(OrtApi api, MemorySegment session, Arena a) throws Throwable {
        MemorySegment count = a.allocate(JAVA_LONG);
        api.check((MemorySegment) api.sessionGetInputCount.invokeExact(session, count), "SessionGetInputCount");
        Map<String, TensorType> in = new LinkedHashMap<>();
        MemorySegment out = a.allocate(ADDRESS);
        for (long i = 0; i < count.get(JAVA_LONG, 0); i++) {
            api.check((MemorySegment) api.sessionGetInputName.invokeExact(session, i, api.allocator(), out),
                    "SessionGetInputName");
            MemorySegment name = out.get(ADDRESS, 0);
            String n = OrtApi.cString(name);
            api.free(name);
            api.check((MemorySegment) api.sessionGetInputTypeInfo.invokeExact(session, i, out), "SessionGetInputTypeInfo");
            MemorySegment typeInfo = out.get(ADDRESS, 0);
            try {
                in.put(n, TensorType.ofTypeInfo(api, typeInfo));
            } finally {
                api.releaseTypeInfo.invokeExact(typeInfo);
            }
        }
        return Collections.unmodifiableMap(in);
    }

    private static List<String> readOutputs(OrtApi api, MemorySegment session, Arena a) throws Throwable {
        MemorySegment count = a.allocate(JAVA_LONG);
        api.check((MemorySegment) api.sessionGetOutputCount.invokeExact(session, count), "SessionGetOutputCount");
        List<String> names = new ArrayList<>();
        MemorySegment out = a.allocate(ADDRESS);
        for (long i = 0; i < count.get(JAVA_LONG, 0); i++) {
            api.check((MemorySegment) api.sessionGetOutputName.invokeExact(session, i, api.allocator(), out),
                    "SessionGetOutputName");
            MemorySegment name = out.get(ADDRESS, 0);
            names.add(OrtApi.cString(name));
            api.free(name);
        }
        return List.copyOf(names);
    }

    /** @return input name to declared type and shape, in graph order */
    public Map<String, TensorType> inputs() {
        return inputs;
    }

    /** @return output names in graph order */
    public List<String> outputs() {
        return outputs;
    }

    /** @return the graph file */
    public Path file() {
        return file;
    }

    /** @return a new I/O binding of this session; close it */
    public IoBinding newBinding() {
        return new IoBinding(api, this);
    }

    /**
     * Ends ONNX Runtime's profiling of this session ({@code SessionEndProfiling}): writes the
     * profile file and stops recording. Call it once, with no run in progress.
     *
     * @return the file written
     * @throws IllegalStateException if the session was not opened with a profile prefix
     */
    public synchronized Path endProfiling() {
        if (options.profilePrefix() == null) {
            throw new IllegalStateException("the session of " + file.getFileName() + " does not profile");
        }
        try (Arena a = Arena.ofConfined()) {
            MemorySegment out = a.allocate(ADDRESS);
            api.check((MemorySegment) api.sessionEndProfiling.invokeExact(handle(), api.allocator(), out),
                    "SessionEndProfiling");
            MemorySegment name = out.get(ADDRESS, 0);
            String path = OrtApi.cString(name);
            api.free(name);
            return Path.of(path);
        } catch (Throwable t) {
            throw OrtApi.rethrow(t);
        }
    }

    MemorySegment handle() {
        MemorySegment h = handle;
        if (h == null) {
            throw new IllegalStateException("session closed");
        }
        return h;
    }

    /** Releases the session. Idempotent. */
    @Override
    public synchronized void close() {
        if (handle != null) {
            for (int i = attached.size() - 1; i >= 0; i--) {
                try {
                    attached.get(i).close();
                } catch (Exception ignored) {
                    // releasing native handles does not fail in practice; keep releasing the rest
                }
            }
            attached.clear();
            try {
                api.releaseSession.invokeExact(handle);
            } catch (Throwable t) {
                throw OrtApi.rethrow(t);
            }
            handle = null;
        }
    }
}
