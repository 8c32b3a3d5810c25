package io.q3tts.ports.out.voice;

import io.q3tts.ports.model.ConflictException;
import io.q3tts.ports.model.EncodedAudio;
import io.q3tts.ports.model.NotFoundException;
import io.q3tts.ports.model.StorageException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Driven port: the persisted voice library. Each voice is a profile ({@link VoiceRecord}), its
 * reference clip (a WAV file, as written by the domain) and a cache of clone prompts, one per
 * {@code cacheKey} (one per compatible Base model family), stored as opaque bytes.
 *
 * <p>The file-system adapter keeps one folder per voice id:
 * {@code voices/<id>/voice.json}, {@code reference.wav}, {@code prompts/<cacheKey>.bin}. Writes are
 * atomic (write to a temporary name, then rename), so a crash never leaves a half-written voice
 * visible to {@link #list()}.
 *
 * <p>Implementations are thread-safe. All methods throw {@link StorageException} on I/O failure.
 * Ids passed in have been checked by the domain ({@code Ids#requireSafe}); implementations still
 * reject unsafe ids with {@code IllegalArgumentException} as a second line of defence.
 */
public interface VoiceRepository {

    /** @return every voice, sorted by name ignoring case; never null */
    List<VoiceRecord> list();

    /**
     * @param voiceId an id
     * @return the voice, or empty
     */
    Optional<VoiceRecord> find(String voiceId);

    /**
     * Stores a new voice with its reference clip.
     *
     * @param voice the profile, never null
     * @param referenceClip the clip, {@code AudioFormat.WAV}; never null
     * @return the stored profile (equal to {@code voice})
     * @throws ConflictException (field {@code name}) if the id exists or another voice has the same name ignoring case
     */
    VoiceRecord create(VoiceRecord voice, EncodedAudio referenceClip);

    /**
     * Replaces a voice's metadata; the clip is kept. The domain clears the prompt cache itself
     * (with {@link #clearPrompts}) when the change invalidates prompts (a new transcript).
     *
     * @param voice the new profile; {@code id} names the voice to update
     * @return the stored profile
     * @throws NotFoundException (field {@code voice_id}) if there is no such voice
     * @throws ConflictException (field {@code name}) if another voice has the new name
     */
    VoiceRecord update(VoiceRecord voice);

    /**
     * Deletes a voice with its clip and prompts.
     *
     * @param voiceId an id
     * @return whether a voice was deleted (false if there was none)
     */
    boolean delete(String voiceId);

    /**
     * @param voiceId an id
     * @return the reference clip as a WAV file the inference adapter can read; valid until the
     *     voice is deleted
     * @throws NotFoundException (field {@code voice}) if there is no such voice
     */
    Path referenceClip(String voiceId);

    /**
     * @param voiceId an id
     * @return the reference clip's bytes as stored (WAV)
     * @throws NotFoundException (field {@code voice_id}) if there is no such voice
     */
    EncodedAudio readReferenceClip(String voiceId);

    /**
     * @param voiceId an id
     * @param cacheKey a path-safe key from {@code ClonePromptEncoder#cacheKey()}
     * @return the cached prompt bytes, or empty if none is stored for that key (or no such voice)
     */
    Optional<byte[]> loadPrompt(String voiceId, String cacheKey);

    /**
     * Stores (or replaces) a cached prompt.
     *
     * @param voiceId an id
     * @param cacheKey a path-safe key
     * @param data the prompt bytes, never null
     * @throws NotFoundException (field {@code voice}) if there is no such voice
     */
    void savePrompt(String voiceId, String cacheKey, byte[] data);

    /**
     * Drops every cached prompt of a voice (after its transcript changed).
     *
     * @param voiceId an id
     */
    void clearPrompts(String voiceId);
}
