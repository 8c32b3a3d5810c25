package io.q3tts.plugins.narration;

/**
 * One piece of a document, short enough to be spoken in one synthesis call.
 *
 * @param index position in the document, from 0
 * @param text what is spoken, never blank
 * @param pauseAfter the gap before the next chunk
 * @param chapter the number of headings before or at this chunk (0 before the first heading)
 * @param heading whether the chunk is a heading's text
 * @param line the 1-based input line its paragraph starts on (0 if unknown)
 */
public record Chunk(int index, String text, Pause pauseAfter, int chapter, boolean heading, int line) {

    /** A chunk whose source line is not known. */
    public Chunk(int index, String text, Pause pauseAfter, int chapter, boolean heading) {
        this(index, text, pauseAfter, chapter, heading, 0);
    }

    /**
     * @return the chunk's number as users and files count it, from 1 ({@code chunks/0001.wav} is chunk 1)
     */
    public int number() {
        return index + 1;
    }
}
