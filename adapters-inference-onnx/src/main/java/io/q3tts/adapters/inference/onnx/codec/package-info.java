/**
 * The 12 Hz speech tokenizer on ONNX Runtime: the official offline decode (chunks of 300 frames
 * with 25 frames of left context), a stateful streaming decoder that emits audio as frames arrive,
 * and the encoder that turns reference audio into codes.
 */
package io.q3tts.adapters.inference.onnx.codec;
