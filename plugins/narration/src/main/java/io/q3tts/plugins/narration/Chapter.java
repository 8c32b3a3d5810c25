package io.q3tts.plugins.narration;

/**
 * A Markdown heading, which starts a chapter.
 *
 * @param number the chapter number, from 1
 * @param title the heading's text
 * @param level the heading level, 1..6
 * @param firstChunk the index of the chunk that speaks the heading
 */
public record Chapter(int number, String title, int level, int firstChunk) {
}
