/**
 * Performance measurement of the ONNX engine ({@code tools/bench/engine} drives it); not part of
 * the {@code q3tts} command.
 */
package io.q3tts.app.bench;
