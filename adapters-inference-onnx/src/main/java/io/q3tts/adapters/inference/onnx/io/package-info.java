/**
 * File formats and signal processing for the engine, free of ONNX Runtime: memory-mapped NumPy
 * tables ({@link io.q3tts.adapters.inference.onnx.io.Npy}), WAV reading and writing, band-limited
 * resampling to the model rate, and the speaker-encoder log-mel frontend.
 *
 * <p>Everything here is deterministic: the same input gives bit-identical output on every run.
 */
package io.q3tts.adapters.inference.onnx.io;
