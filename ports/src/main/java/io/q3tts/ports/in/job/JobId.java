package io.q3tts.ports.in.job;

import io.q3tts.ports.model.Ids;

/**
 * The id of a job: path-safe ({@link Ids}), assigned by the domain, unique within the process.
 *
 * @param value the id text
 */
public record JobId(String value) {

    /** @throws io.q3tts.ports.model.InvalidArgumentException (field {@code job_id}) if not path-safe */
    public JobId {
        Ids.requireSafe(value, "job_id");
    }

    /**
     * @param value the id text (from a URL, say)
     * @return the id
     * @throws io.q3tts.ports.model.InvalidArgumentException (field {@code job_id}) if malformed
     */
    public static JobId of(String value) {
        return new JobId(value);
    }

    @Override
    public String toString() {
        return value;
    }
}
