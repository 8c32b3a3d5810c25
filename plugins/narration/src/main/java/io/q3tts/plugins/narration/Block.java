package io.q3tts.plugins.narration;

/**
 * A paragraph or heading of a document, flattened to one line of speakable text.
 *
 * @param text what is said, never blank
 * @param headingLevel 1..6 for a heading, 0 for a paragraph
 * @param line the 1-based input line it starts on
 */
record Block(String text, int headingLevel, int line) {
}
