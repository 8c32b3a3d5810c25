package io.q3tts.ports.in.pipeline;

/**
 * Implemented by a pipeline plugin: turns a serialized request back into runnable work. The same
 * bytes are handed to it when the request is submitted and, after a restart, when an unfinished
 * run resumes; so everything the run depends on (the text, the voice mapping, the seed) must be in
 * the payload, never in memory only.
 *
 * <p>Thread-safe.
 */
@FunctionalInterface
public interface PipelineHandler {

    /**
     * Validates the request and prepares its work. Called on the submitter's thread, so a bad
     * request fails the submission (a 4xx) before anything is queued or stored.
     *
     * @param payload the request exactly as submitted, never null
     * @return the work, never null
     * @throws io.q3tts.ports.model.Q3ttsException (typically {@code InvalidArgumentException} naming
     *     the field) if the request is not acceptable
     */
    PipelineWork prepare(byte[] payload);
}
