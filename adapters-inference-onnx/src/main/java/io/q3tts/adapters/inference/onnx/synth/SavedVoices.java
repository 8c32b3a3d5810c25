package io.q3tts.adapters.inference.onnx.synth;

import io.q3tts.ports.model.CancellationToken;
import io.q3tts.ports.model.Ids;
import io.q3tts.ports.model.InvalidArgumentException;
import io.q3tts.ports.model.NotFoundException;
import io.q3tts.ports.out.inference.ClonePrompt;
import io.q3tts.ports.out.inference.ClonePromptEncoder;
import io.q3tts.ports.out.inference.VoicePrompt;
import io.q3tts.ports.out.voice.VoiceRecord;
import io.q3tts.ports.out.voice.VoiceRepository;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * Where an {@link OnnxSpeechSynthesizer} finds the clone prompt of a
 * {@link VoicePrompt.Saved} voice: the bytes of a {@link VoicePromptFile}.
 *
 * <p>Three schemes: {@link #files()}, where the id is the path of a {@code .q3v} file (the command
 * line, where the user names the file); {@link #directory(Path)}, where ids are path-safe names
 * inside one folder (a caller's id never reaches a file outside it); and
 * {@link #repository(VoiceRepository)}, the platform's voice library, which caches one prompt per
 * voice and {@linkplain ClonePromptEncoder#cacheKey() encoder} and encodes the voice's reference
 * clip on a miss.
 */
@FunctionalInterface
public interface SavedVoices {

    /**
     * @param voiceId the voice's id in this scheme, not blank
     * @param encoder the loaded model's encoder: its cache key selects the prompt, and it encodes
     *     the reference clip where the scheme computes prompts on demand
     * @param cancellation checked before encoding
     * @return the prompt bytes ({@link VoicePromptFile} layout), never null
     * @throws NotFoundException (field {@code voice_id}) if there is no such voice
     * @throws InvalidArgumentException (field {@code voice_id}) if the id is malformed or its file unreadable
     */
    byte[] load(String voiceId, ClonePromptEncoder encoder, CancellationToken cancellation);

    /** @return the scheme where an id is the path of a {@code .q3v} file, taken as given */
    static SavedVoices files() {
        return (id, encoder, cancellation) -> {
            Path file;
            try {
                file = Path.of(id);
            } catch (InvalidPathException e) {
                throw new InvalidArgumentException("voice_id", "'" + id + "' is not a valid file path.");
            }
            return read(id, file);
        };
    }

    /**
     * @param dir the folder that holds the voices
     * @return the scheme where an id is a path-safe name ({@link Ids#isSafe}) and the file is
     *     {@code dir/<id>.q3v}
     */
    static SavedVoices directory(Path dir) {
        Objects.requireNonNull(dir, "dir");
        return (id, encoder, cancellation) -> read(id, dir.resolve(Ids.requireSafe(id, "voice_id") + VoicePromptFile.EXTENSION));
    }

    /**
     * The platform's voice library, as {@code ModelLoader} describes it: the prompt cached under
     * {@code (voiceId, encoder.cacheKey())}, or on a miss the voice's reference clip encoded with
     * its transcript and mode, stored, and returned.
     *
     * @param repository the voice library
     * @return the scheme
     */
    static SavedVoices repository(VoiceRepository repository) {
        Objects.requireNonNull(repository, "repository");
        return (id, encoder, cancellation) -> {
            Ids.requireSafe(id, "voice_id");
            Optional<VoiceRecord> voice = repository.find(id);
            if (voice.isEmpty()) {
                throw new NotFoundException("voice_id", "Voice '" + id + "' does not exist.");
            }
            Optional<byte[]> cached = repository.loadPrompt(id, encoder.cacheKey());
            if (cached.isPresent()) {
                return cached.get();
            }
            VoiceRecord v = voice.get();
            ClonePrompt prompt = encoder.encode(new VoicePrompt.ReferenceAudio(repository.referenceClip(id),
                    v.transcript(), v.xVectorOnly()), cancellation);
            repository.savePrompt(id, prompt.cacheKey(), prompt.data());
            return prompt.data();
        };
    }

    private static byte[] read(String id, Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new NotFoundException("voice_id", "Voice '" + id + "' not found (no file " + file + ").");
        } catch (IOException e) {
            throw new InvalidArgumentException("voice_id", "Voice '" + id + "' cannot be read: " + e.getMessage() + ".");
        }
    }
}
