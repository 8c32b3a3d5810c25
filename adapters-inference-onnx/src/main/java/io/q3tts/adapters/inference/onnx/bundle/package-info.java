/**
 * Model bundles: reading and validating {@code manifest.json}, the shared ONNX Runtime
 * environment with its execution-provider choice, lazily created sessions, memory-mapped embedding
 * tables, and the usage-counted {@link io.q3tts.adapters.inference.onnx.bundle.ModelHandle} that
 * lets an unload wait for running work.
 *
 * <p>Everything that owns native memory here is {@link java.lang.AutoCloseable}.
 */
package io.q3tts.adapters.inference.onnx.bundle;
