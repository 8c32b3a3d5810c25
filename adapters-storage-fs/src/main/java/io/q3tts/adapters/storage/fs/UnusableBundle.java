package io.q3tts.adapters.storage.fs;

import java.util.Objects;

/**
 * A folder under the models folder that looks like a bundle (it has a {@code manifest.json}) but
 * cannot be offered: unreadable manifest, unknown bundle version, unknown task, unsafe folder name.
 * The catalog lists it here instead of failing, so one bad download does not hide the other models.
 *
 * @param folder the folder name, never null
 * @param reason one user-facing sentence, never null
 */
public record UnusableBundle(String folder, String reason) {

    /** @throws NullPointerException if a field is null */
    public UnusableBundle {
        Objects.requireNonNull(folder, "folder");
        Objects.requireNonNull(reason, "reason");
    }
}
