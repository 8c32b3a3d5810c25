package io.q3tts.adapters.inference.onnx.ffm;

import static java.lang.foreign.ValueLayout.ADDRESS;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * {@code OrtRunOptions}, used for one thing: {@link #terminate()} stops a running graph (from any
 * thread, e.g. a cancellation callback); the run then fails with an {@link OrtCallException}.
 */
public final class NativeRunOptions implements AutoCloseable {

    private final OrtApi api;
    private volatile MemorySegment handle;

    /** Creates run options. */
    public NativeRunOptions() {
        this.api = OrtApi.get();
        try (Arena a = Arena.ofConfined()) {
            MemorySegment out = a.allocate(ADDRESS);
            api.check((MemorySegment) api.createRunOptions.invokeExact(out), "CreateRunOptions");
            this.handle = out.get(ADDRESS, 0);
        } catch (Throwable t) {
            throw OrtApi.rethrow(t);
        }
    }

    /** Asks every run using these options to stop as soon as possible. Thread-safe. */
    public synchronized void terminate() {
        MemorySegment h = handle;
        if (h != null) {
            try {
                api.check((MemorySegment) api.runOptionsSetTerminate.invokeExact(h), "RunOptionsSetTerminate");
            } catch (Throwable t) {
                throw OrtApi.rethrow(t);
            }
        }
    }

    /**
     * Sets the {@code gpu_graph_id} run option: with a CUDA-graph session ({@code enable_cuda_graph}),
     * runs with one id are captured once (after ONNX Runtime's warm-up runs) and then replayed with the
     * addresses bound at capture; -1 runs the graph normally, without capture or replay.
     *
     * @param id the graph's id, or -1
     */
    public void graphId(int id) {
        try (Arena a = Arena.ofConfined()) {
            api.check((MemorySegment) api.addRunConfigEntry.invokeExact(handle(), a.allocateFrom("gpu_graph_id"),
                    a.allocateFrom(Integer.toString(id))), "AddRunConfigEntry(gpu_graph_id)");
        } catch (Throwable t) {
            throw OrtApi.rethrow(t);
        }
    }

    MemorySegment handle() {
        MemorySegment h = handle;
        if (h == null) {
            throw new IllegalStateException("run options closed");
        }
        return h;
    }

    /** Releases the options. Idempotent; must not race a run that uses them. */
    @Override
    public synchronized void close() {
        if (handle != null) {
            try {
                api.releaseRunOptions.invokeExact(handle);
            } catch (Throwable t) {
                throw OrtApi.rethrow(t);
            }
            handle = null;
        }
    }
}
