package io.q3tts.plugins.narration;

import java.util.List;

/**
 * A document cut into chunks.
 *
 * @param chunks the chunks in reading order, never empty
 * @param chapters the headings in order; empty for plain text
 */
public record NarrationDocument(List<Chunk> chunks, List<Chapter> chapters) {

    /** Copies the lists. */
    public NarrationDocument {
        chunks = List.copyOf(chunks);
        chapters = List.copyOf(chapters);
    }
}
