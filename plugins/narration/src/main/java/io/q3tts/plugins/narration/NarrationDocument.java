package io.q3tts.plugins.narration;

import java.util.List;

/**
 * A document cut into chunks.
 *
 * @param chunks the chunks in reading order, never empty
 * @param chapters the headings in order; empty for plain text
 * @param skipped what is not read aloud, and why
 */
public record NarrationDocument(List<Chunk> chunks, List<Chapter> chapters, List<Skipped> skipped) {

    /** Copies the lists. */
    public NarrationDocument {
        chunks = List.copyOf(chunks);
        chapters = List.copyOf(chapters);
        skipped = List.copyOf(skipped);
    }

    /**
     * @param chunks the chunks
     * @param chapters the chapters
     */
    public NarrationDocument(List<Chunk> chunks, List<Chapter> chapters) {
        this(chunks, chapters, List.of());
    }
}
