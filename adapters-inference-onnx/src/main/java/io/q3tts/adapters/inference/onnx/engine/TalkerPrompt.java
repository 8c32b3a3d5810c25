package io.q3tts.adapters.inference.onnx.engine;

/**
 * A built talker prompt.
 *
 * @param embeds prefill input, {@code [length * hidden]} row-major
 * @param length prefill positions
 * @param trailing trailing text vectors added to the decode inputs, {@code [trailingLength * hidden]}
 * @param trailingLength number of trailing vectors
 * @param ttsPad {@code TP(tts_pad)}, added once the trailing vectors are used up
 * @param hidden the talker hidden size
 * @param textTokens number of target-text tokens ({@code ids[3:-5]}), for the runaway guard
 */
public record TalkerPrompt(float[] embeds, int length, float[] trailing, int trailingLength, float[] ttsPad,
                           int hidden, int textTokens) { }
