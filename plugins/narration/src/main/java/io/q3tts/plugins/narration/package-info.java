/**
 * The narration task plugin: speaks a long plain-text or Markdown document in one voice. The text is
 * cut into sentence-aware chunks ({@link io.q3tts.plugins.narration.Chunker}), each chunk is spoken
 * with a per-document seed policy and a runaway guard, and the pieces are stitched with pauses and
 * crossfades and normalised to a loudness target ({@link io.q3tts.plugins.narration.Narrator},
 * {@link io.q3tts.lib.dsp.Loudness}). Routes: {@code POST /plugins/narration/render} and
 * {@code POST /plugins/narration/chunks}.
 */
package io.q3tts.plugins.narration;
