package io.q3tts.plugins.narration;

/**
 * Part of a document that is not read aloud, and why.
 *
 * @param firstLine the 1-based input line it starts on
 * @param lastLine the line it ends on
 * @param reason why it is left out, in words
 * @param text its start (shortened), so a user can find it
 */
public record Skipped(int firstLine, int lastLine, String reason, String text) {
}
