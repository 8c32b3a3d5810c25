package io.q3tts.plugins.narration;

/** What follows a chunk in the finished track. */
public enum Pause {
    /** Nothing: the chunk was cut inside an over-long sentence, so the next one is crossfaded onto it. */
    NONE,
    /** The gap between two sentences. */
    SENTENCE,
    /** The gap between two paragraphs. */
    PARAGRAPH,
    /** The longer gap around a heading (after it, and before the next one). */
    HEADING
}
