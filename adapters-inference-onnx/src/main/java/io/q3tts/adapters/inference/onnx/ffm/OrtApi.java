package io.q3tts.adapters.inference.onnx.ffm;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import ai.onnxruntime.OrtEnvironment;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The process's view of the ONNX Runtime C API: the {@code OrtApi} function table, one downcall
 * handle per function used, and the checks that turn an {@code OrtStatus*} into an exception.
 *
 * <p>Invariants. The indices below are the positions of the functions in {@code struct OrtApi} of
 * {@code onnxruntime_c_api.h} at {@code ORT_API_VERSION} 29 (ONNX Runtime 1.29.0, the pom's
 * version). ONNX Runtime only appends to that struct, and {@code GetApi(29)} returns null from a
 * library older than 29, so a table obtained here always has these functions at these positions; a
 * start-up self test ({@code CreateStatus}/{@code GetErrorCode}/{@code GetErrorMessage}) also checks
 * the first entries and the calling convention.
 *
 * <p>Loading. The Java binding extracts {@code libonnxruntime} from its jar and loads it with
 * {@code System.load} on {@link OrtEnvironment#getEnvironment()}; the library is then visible to
 * {@link SymbolLookup#loaderLookup()} of this class loader (the same one). If it is not (another
 * loader, or {@code onnxruntime.native.path}), the mapped file is found in {@code /proc/self/maps}.
 * The library is never loaded a second time, so one ONNX Runtime instance serves both bindings.
 *
 * <p>Environment. ONNX Runtime keeps one {@code OrtEnv} per process and reference-counts it:
 * {@code CreateEnv} here returns a new reference to the environment the Java binding created (its
 * logging level and global thread pools included), never a second environment. This class holds
 * that reference for the life of the process, like the Java binding does.
 *
 * <p>Thread-safe and immutable once created.
 */
public final class OrtApi {

    /** {@code ORT_API_VERSION} of the header the indices were taken from (ONNX Runtime 1.29). */
    public static final int API_VERSION = 29;

    /** {@code ONNXTensorElementDataType}: float. */
    public static final int FLOAT = 1;
    /** {@code ONNXTensorElementDataType}: int64. */
    public static final int INT64 = 7;
    /** {@code ONNXTensorElementDataType}: float16. */
    public static final int FLOAT16 = 10;

    private static final int ORT_FAIL = 1;
    private static final int LOGGING_WARNING = 2;
    private static final Linker LINKER = Linker.nativeLinker();
    private static volatile OrtApi instance;

    private final String version;
    private final MemorySegment table;
    private final MemorySegment env;
    private final MemorySegment allocator;

    final MethodHandle createStatus;
    final MethodHandle getErrorCode;
    final MethodHandle getErrorMessage;
    final MethodHandle releaseStatus;
    final MethodHandle createEnv;
    final MethodHandle createSession;
    final MethodHandle createSessionOptions;
    final MethodHandle setGraphOptimizationLevel;
    final MethodHandle setIntraOpNumThreads;
    final MethodHandle setInterOpNumThreads;
    final MethodHandle disablePerSessionThreads;
    final MethodHandle addSessionConfigEntry;
    final MethodHandle releaseSessionOptions;
    final MethodHandle sessionGetInputCount;
    final MethodHandle sessionGetInputName;
    final MethodHandle sessionGetInputTypeInfo;
    final MethodHandle sessionGetOutputCount;
    final MethodHandle sessionGetOutputName;
    final MethodHandle castTypeInfoToTensorInfo;
    final MethodHandle getTensorElementType;
    final MethodHandle getDimensionsCount;
    final MethodHandle getDimensions;
    final MethodHandle getTensorTypeAndShape;
    final MethodHandle releaseTypeInfo;
    final MethodHandle releaseTensorTypeAndShapeInfo;
    final MethodHandle releaseSession;
    final MethodHandle createRunOptions;
    final MethodHandle runOptionsSetTerminate;
    final MethodHandle releaseRunOptions;
    final MethodHandle createTensorAsOrtValue;
    final MethodHandle createTensorWithDataAsOrtValue;
    final MethodHandle getTensorMutableData;
    final MethodHandle releaseValue;
    final MethodHandle createMemoryInfo;
    final MethodHandle createCpuMemoryInfo;
    final MethodHandle releaseMemoryInfo;
    final MethodHandle allocatorFree;
    final MethodHandle createIoBinding;
    final MethodHandle releaseIoBinding;
    final MethodHandle bindInput;
    final MethodHandle bindOutput;
    final MethodHandle bindOutputToDevice;
    final MethodHandle runWithBinding;
    final MethodHandle getBoundOutputValues;
    final MethodHandle clearBoundInputs;
    final MethodHandle clearBoundOutputs;
    final MethodHandle synchronizeBoundInputs;
    final MethodHandle synchronizeBoundOutputs;
    final MethodHandle appendCudaV2;
    final MethodHandle createCudaProviderOptions;
    final MethodHandle updateCudaProviderOptions;
    final MethodHandle releaseCudaProviderOptions;
    final MethodHandle createAllocator;
    final MethodHandle releaseAllocator;
    final MethodHandle addRunConfigEntry;
    final MethodHandle enableProfiling;
    final MethodHandle sessionEndProfiling;

    private OrtApi(MemorySegment apiBase) throws Throwable {
        MemorySegment base = apiBase.reinterpret(2L * ADDRESS.byteSize());
        MethodHandle getApi = LINKER.downcallHandle(base.getAtIndex(ADDRESS, 0), FunctionDescriptor.of(ADDRESS, JAVA_INT));
        MethodHandle getVersion = LINKER.downcallHandle(base.getAtIndex(ADDRESS, 1), FunctionDescriptor.of(ADDRESS));
        this.version = cString((MemorySegment) getVersion.invokeExact());
        MemorySegment api = (MemorySegment) getApi.invokeExact(API_VERSION);
        if (api.equals(MemorySegment.NULL)) {
            throw new IllegalStateException("the loaded ONNX Runtime " + version + " does not offer C API version "
                    + API_VERSION + " (ONNX Runtime 1.29 or newer is needed)");
        }
        this.table = api.reinterpret(256L * ADDRESS.byteSize());
        FunctionDescriptor sA = FunctionDescriptor.of(ADDRESS, ADDRESS);
        FunctionDescriptor sAA = FunctionDescriptor.of(ADDRESS, ADDRESS, ADDRESS);
        FunctionDescriptor sAAA = FunctionDescriptor.of(ADDRESS, ADDRESS, ADDRESS, ADDRESS);
        FunctionDescriptor vA = FunctionDescriptor.ofVoid(ADDRESS);
        createStatus = fn(0, FunctionDescriptor.of(ADDRESS, JAVA_INT, ADDRESS));
        getErrorCode = fn(1, FunctionDescriptor.of(JAVA_INT, ADDRESS));
        getErrorMessage = fn(2, sA);
        createEnv = fn(3, FunctionDescriptor.of(ADDRESS, JAVA_INT, ADDRESS, ADDRESS));
        createSession = fn(7, FunctionDescriptor.of(ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS));
        createSessionOptions = fn(10, sA);
        // ORTCHAR_T is char on Linux and macOS (a wide string only on Windows, which q3tts does not target).
        enableProfiling = fn(14, sAA);
        setGraphOptimizationLevel = fn(23, FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_INT));
        setIntraOpNumThreads = fn(24, FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_INT));
        setInterOpNumThreads = fn(25, FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_INT));
        sessionGetInputCount = fn(30, sAA);
        sessionGetOutputCount = fn(31, sAA);
        sessionGetInputTypeInfo = fn(33, FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_LONG, ADDRESS));
        sessionGetInputName = fn(36, FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_LONG, ADDRESS, ADDRESS));
        sessionGetOutputName = fn(37, FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_LONG, ADDRESS, ADDRESS));
        createRunOptions = fn(39, sA);
        runOptionsSetTerminate = fn(46, sA);
        createTensorAsOrtValue = fn(48, FunctionDescriptor.of(ADDRESS, ADDRESS, ADDRESS, JAVA_LONG, JAVA_INT, ADDRESS));
        createTensorWithDataAsOrtValue = fn(49,
                FunctionDescriptor.of(ADDRESS, ADDRESS, ADDRESS, JAVA_LONG, ADDRESS, JAVA_LONG, JAVA_INT, ADDRESS));
        getTensorMutableData = fn(51, sAA);
        castTypeInfoToTensorInfo = fn(55, sAA);
        getTensorElementType = fn(60, sAA);
        getDimensionsCount = fn(61, sAA);
        getDimensions = fn(62, FunctionDescriptor.of(ADDRESS, ADDRESS, ADDRESS, JAVA_LONG));
        getTensorTypeAndShape = fn(65, sAA);
        createMemoryInfo = fn(68, FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS));
        createCpuMemoryInfo = fn(69, FunctionDescriptor.of(ADDRESS, JAVA_INT, JAVA_INT, ADDRESS));
        allocatorFree = fn(76, sAA);
        MethodHandle getAllocator = fn(78, sA);
        releaseEnvIndexCheck(92);
        releaseStatus = fn(93, vA);
        releaseMemoryInfo = fn(94, vA);
        releaseSession = fn(95, vA);
        releaseValue = fn(96, vA);
        releaseRunOptions = fn(97, vA);
        releaseTypeInfo = fn(98, vA);
        releaseTensorTypeAndShapeInfo = fn(99, vA);
        releaseSessionOptions = fn(100, vA);
        sessionEndProfiling = fn(110, sAAA);
        disablePerSessionThreads = fn(120, sA);
        addSessionConfigEntry = fn(130, sAAA);
        runWithBinding = fn(133, sAAA);
        createIoBinding = fn(134, sAA);
        releaseIoBinding = fn(135, vA);
        bindInput = fn(136, sAAA);
        bindOutput = fn(137, sAAA);
        bindOutputToDevice = fn(138, sAAA);
        getBoundOutputValues = fn(140, FunctionDescriptor.of(ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS));
        clearBoundInputs = fn(141, vA);
        clearBoundOutputs = fn(142, vA);
        synchronizeBoundInputs = fn(202, sA);
        synchronizeBoundOutputs = fn(203, sA);
        appendCudaV2 = fn(204, sAA);
        createCudaProviderOptions = fn(205, sA);
        updateCudaProviderOptions = fn(206, FunctionDescriptor.of(ADDRESS, ADDRESS, ADDRESS, ADDRESS, JAVA_LONG));
        releaseCudaProviderOptions = fn(208, vA);
        createAllocator = fn(131, sAAA);
        releaseAllocator = fn(132, vA);
        addRunConfigEntry = fn(165, sAAA);

        selfTest();
        try (Arena a = Arena.ofConfined()) {
            MemorySegment out = a.allocate(ADDRESS);
            check((MemorySegment) createEnv.invokeExact(LOGGING_WARNING, a.allocateFrom("q3tts-ffm"), out), "CreateEnv");
            this.env = out.get(ADDRESS, 0);
            check((MemorySegment) getAllocator.invokeExact(out), "GetAllocatorWithDefaultOptions");
            this.allocator = out.get(ADDRESS, 0);
        }
    }

    /** ReleaseEnv is never called (the environment lives until exit); only its slot is checked to exist. */
    private void releaseEnvIndexCheck(int index) {
        if (table.getAtIndex(ADDRESS, index).equals(MemorySegment.NULL)) {
            throw new IllegalStateException("OrtApi entry " + index + " is null");
        }
    }

    private MethodHandle fn(int index, FunctionDescriptor descriptor) {
        MemorySegment address = table.getAtIndex(ADDRESS, index);
        if (address.equals(MemorySegment.NULL)) {
            throw new IllegalStateException("OrtApi entry " + index + " is null in ONNX Runtime " + version);
        }
        return LINKER.downcallHandle(address, descriptor);
    }

    /** A wrong table layout would return another code or message here (or crash at once, not later). */
    private void selfTest() throws Throwable {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment status = (MemorySegment) createStatus.invokeExact(ORT_FAIL, a.allocateFrom("q3tts probe"));
            int code = (int) getErrorCode.invokeExact(status);
            String message = cString((MemorySegment) getErrorMessage.invokeExact(status));
            releaseStatus.invokeExact(status);
            if (code != ORT_FAIL || !"q3tts probe".equals(message)) {
                throw new IllegalStateException("the ONNX Runtime C API table does not have the expected layout (version "
                        + version + ")");
            }
        }
    }

    /**
     * The process's API, loading it on first use.
     *
     * @return the API
     * @throws IllegalStateException if the native library cannot be found or is too old
     */
    public static OrtApi get() {
        OrtApi a = instance;
        if (a != null) {
            return a;
        }
        synchronized (OrtApi.class) {
            if (instance == null) {
                try {
                    instance = new OrtApi(findApiBase());
                } catch (RuntimeException | Error e) {
                    throw e;
                } catch (Throwable t) {
                    throw new IllegalStateException("cannot bind the ONNX Runtime C API: " + t, t);
                }
            }
            return instance;
        }
    }

    private static MemorySegment findApiBase() throws Throwable {
        // Makes the Java binding extract and load libonnxruntime (a no-op once it has).
        OrtEnvironment.getEnvironment();
        Optional<MemorySegment> symbol = SymbolLookup.loaderLookup().find("OrtGetApiBase");
        if (symbol.isEmpty()) {
            Path lib = loadedLibrary();
            if (lib == null) {
                throw new IllegalStateException("libonnxruntime is not loaded in this process");
            }
            symbol = SymbolLookup.libraryLookup(lib, Arena.global()).find("OrtGetApiBase");
        }
        MemorySegment getApiBase = symbol.orElseThrow(() -> new IllegalStateException("OrtGetApiBase not found"));
        MethodHandle h = LINKER.downcallHandle(getApiBase, FunctionDescriptor.of(ADDRESS));
        return (MemorySegment) h.invokeExact();
    }

    /** @return the path of the mapped libonnxruntime, or null (Linux only; the fallback of the lookup) */
    private static Path loadedLibrary() {
        Path maps = Path.of("/proc/self/maps");
        if (!Files.isReadable(maps)) {
            return null;
        }
        try {
            List<String> lines = Files.readAllLines(maps);
            for (String line : lines) {
                int slash = line.indexOf('/');
                if (slash >= 0 && line.contains("libonnxruntime.so") && !line.endsWith("(deleted)")) {
                    return Path.of(line.substring(slash).trim());
                }
            }
        } catch (IOException e) {
            return null;
        }
        return null;
    }

    /** @return the library's version string, e.g. {@code 1.29.0} */
    public String version() {
        return version;
    }

    MemorySegment env() {
        return env;
    }

    MemorySegment allocator() {
        return allocator;
    }

    /**
     * Throws if {@code status} is an error, releasing it either way.
     *
     * @param status an {@code OrtStatus*}, NULL on success
     * @param what the call, for the message
     * @throws OrtCallException on an error status
     */
    void check(MemorySegment status, String what) {
        if (status.equals(MemorySegment.NULL)) {
            return;
        }
        try {
            int code = (int) getErrorCode.invokeExact(status);
            String message = cString((MemorySegment) getErrorMessage.invokeExact(status));
            releaseStatus.invokeExact(status);
            throw new OrtCallException(code, what + " failed: " + message);
        } catch (OrtCallException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(what + " failed and its status could not be read", t);
        }
    }

    /** Frees memory that ONNX Runtime allocated with the default allocator. */
    void free(MemorySegment p) {
        try {
            check((MemorySegment) allocatorFree.invokeExact(allocator, p), "AllocatorFree");
        } catch (OrtCallException e) {
            throw e;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static String cString(MemorySegment p) {
        return p.equals(MemorySegment.NULL) ? "" : p.reinterpret(Integer.MAX_VALUE).getString(0);
    }

    static RuntimeException rethrow(Throwable t) {
        if (t instanceof RuntimeException r) {
            return r;
        }
        if (t instanceof Error e) {
            throw e;
        }
        return new IllegalStateException(t);
    }
}
