package io.q3tts.plugins.narration;

/**
 * One piece of a document, short enough to be spoken in one synthesis call.
 *
 * @param index position in the document, from 0
 * @param text what is spoken, never blank
 * @param pauseAfter the gap before the next chunk
 * @param chapter the number of headings before or at this chunk (0 before the first heading)
 * @param heading whether the chunk is a heading's text
 */
public record Chunk(int index, String text, Pause pauseAfter, int chapter, boolean heading) {
}
