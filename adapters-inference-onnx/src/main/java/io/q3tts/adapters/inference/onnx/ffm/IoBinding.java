package io.q3tts.adapters.inference.onnx.ffm;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.HashMap;
import java.util.Map;

/**
 * An {@code OrtIoBinding}: inputs and outputs bound to values (host or device) before a run, so
 * that outputs can stay where the graph produced them and be fed to the next run without a copy.
 *
 * <p>A bound value is referenced by the binding, so the caller may close its own handle after
 * binding. The names' C strings are cached in this binding's arena. Not thread-safe: one binding
 * belongs to one generation.
 */
public final class IoBinding implements AutoCloseable {

    private final OrtApi api;
    private final NativeSession session;
    private final Arena arena = Arena.ofShared();
    private final Map<String, MemorySegment> names = new HashMap<>();
    private final MemorySegment outArray = arena.allocate(ADDRESS);
    private final MemorySegment outCount = arena.allocate(JAVA_LONG);
    private MemorySegment handle;

    IoBinding(OrtApi api, NativeSession session) {
        this.api = api;
        this.session = session;
        try {
            api.check((MemorySegment) api.createIoBinding.invokeExact(session.handle(), outArray), "CreateIoBinding");
            this.handle = outArray.get(ADDRESS, 0);
        } catch (Throwable t) {
            arena.close();
            throw OrtApi.rethrow(t);
        }
    }

    private MemorySegment name(String n) {
        return names.computeIfAbsent(n, arena::allocateFrom);
    }

    /**
     * @param name a graph input
     * @param value its value (host or device)
     */
    public void bindInput(String name, NativeValue value) {
        try {
            api.check((MemorySegment) api.bindInput.invokeExact(handle(), name(name), value.handle()), "BindInput(" + name + ")");
        } catch (Throwable t) {
            throw OrtApi.rethrow(t);
        }
    }

    /**
     * Binds an output to a preallocated value: ONNX Runtime writes (or copies) the result into it.
     *
     * @param name a graph output
     * @param value a value of the output's exact shape
     */
    public void bindOutput(String name, NativeValue value) {
        try {
            api.check((MemorySegment) api.bindOutput.invokeExact(handle(), name(name), value.handle()), "BindOutput(" + name + ")");
        } catch (Throwable t) {
            throw OrtApi.rethrow(t);
        }
    }

    /**
     * Binds an output to a device: ONNX Runtime allocates it there at run time; read it back with {@link #outputs()}.
     *
     * @param name a graph output
     * @param memory where it should live
     */
    public void bindOutputToDevice(String name, MemoryInfo memory) {
        try {
            api.check((MemorySegment) api.bindOutputToDevice.invokeExact(handle(), name(name), memory.handle()),
                    "BindOutputToDevice(" + name + ")");
        } catch (Throwable t) {
            throw OrtApi.rethrow(t);
        }
    }

    /** Drops every bound input and output (and the binding's references to their values). */
    public void clear() {
        try {
            api.clearBoundInputs.invokeExact(handle());
            api.clearBoundOutputs.invokeExact(handle());
        } catch (Throwable t) {
            throw OrtApi.rethrow(t);
        }
    }

    /**
     * Runs the session on the bound values, with {@code SynchronizeBoundInputs} before and
     * {@code SynchronizeBoundOutputs} after, so that host outputs are complete on return.
     *
     * @param options run options (terminate flag)
     * @throws OrtCallException if the run fails or is terminated
     */
    public void run(NativeRunOptions options) {
        try {
            MemorySegment h = handle();
            api.check((MemorySegment) api.synchronizeBoundInputs.invokeExact(h), "SynchronizeBoundInputs");
            api.check((MemorySegment) api.runWithBinding.invokeExact(session.handle(), options.handle(), h), "RunWithBinding");
            api.check((MemorySegment) api.synchronizeBoundOutputs.invokeExact(h), "SynchronizeBoundOutputs");
        } catch (Throwable t) {
            throw OrtApi.rethrow(t);
        }
    }

    /**
     * The values of the last run's outputs, in the order they were bound. Each is a new reference
     * that the caller closes; device outputs stay on the device.
     *
     * @return the values
     */
    public NativeValue[] outputs() {
        try {
            api.check((MemorySegment) api.getBoundOutputValues.invokeExact(handle(), api.allocator(), outArray, outCount),
                    "GetBoundOutputValues");
            int n = (int) outCount.get(JAVA_LONG, 0);
            MemorySegment array = outArray.get(ADDRESS, 0);
            NativeValue[] values = new NativeValue[n];
            if (n > 0) {
                MemorySegment a = array.reinterpret(n * ADDRESS.byteSize());
                for (int i = 0; i < n; i++) {
                    values[i] = new NativeValue(api, a.getAtIndex(ADDRESS, i));
                }
                api.free(array);
            }
            return values;
        } catch (Throwable t) {
            throw OrtApi.rethrow(t);
        }
    }

    private MemorySegment handle() {
        if (handle == null) {
            throw new IllegalStateException("binding closed");
        }
        return handle;
    }

    /** Releases the binding (and its references to bound values). Idempotent. */
    @Override
    public void close() {
        if (handle != null) {
            try {
                api.releaseIoBinding.invokeExact(handle);
            } catch (Throwable t) {
                throw OrtApi.rethrow(t);
            } finally {
                handle = null;
                arena.close();
            }
        }
    }
}
