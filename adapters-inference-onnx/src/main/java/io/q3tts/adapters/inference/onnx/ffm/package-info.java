/**
 * A small binding to the ONNX Runtime C API through the JDK's foreign function and memory API
 * ({@code java.lang.foreign}), for what the Microsoft Java binding lacks: I/O binding and tensors
 * that stay in device memory between runs.
 *
 * <p>It calls into the very {@code libonnxruntime} that the Java binding extracts from its jar and
 * loads (found through the class loader's symbol lookup), through the {@code OrtApi} function table
 * of the C header of the exact version in the pom ({@link OrtApi#API_VERSION}). It creates its own
 * {@code OrtEnv} reference, sessions, values and bindings and never touches a handle of the Java
 * binding. Every native object is owned by one Java object with a {@code close()}; native strings
 * and shapes are allocated in arenas owned by those objects. CUDA graphs are driven through the
 * CUDA provider option {@code enable_cuda_graph} and the {@code gpu_graph_id} run option; the few
 * device copies the C API does not offer for the CUDA provider (into a captured graph's fixed input
 * buffers, device-to-device batch compaction) go through {@link CudaRuntime}.
 */
package io.q3tts.adapters.inference.onnx.ffm;
