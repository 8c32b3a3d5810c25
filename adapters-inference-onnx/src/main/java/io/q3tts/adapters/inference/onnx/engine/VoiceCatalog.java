package io.q3tts.adapters.inference.onnx.engine;

import io.q3tts.adapters.inference.onnx.bundle.Manifest;
import io.q3tts.ports.model.InvalidArgumentException;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.TreeSet;

/**
 * Language and speaker resolution of one model, as the official wrapper validates and the official
 * {@code generate} maps them: case-insensitive keys, {@code auto} selects the "nothink" prefix, and a
 * dialect speaker (eric, dylan) overrides {@code chinese} and {@code auto} with its dialect id.
 *
 * <p>Immutable and thread-safe.
 */
public final class VoiceCatalog {

    private final Manifest manifest;

    /** @param manifest the model's manifest */
    public VoiceCatalog(Manifest manifest) {
        this.manifest = Objects.requireNonNull(manifest, "manifest");
    }

    /** @return the languages a request may name, sorted, {@code auto} included */
    public List<String> supportedLanguages() {
        return List.copyOf(new TreeSet<>(manifest.supportedLanguages()));
    }

    /** @return the preset speakers, sorted */
    public List<String> speakers() {
        return manifest.speakers().stream().map(Manifest.Speaker::name).sorted().toList();
    }

    /**
     * Validates a speaker name.
     *
     * @param speaker a speaker name, any case; null or empty means "no speaker"
     * @return the speaker, or null for none
     * @throws InvalidArgumentException listing the supported speakers
     */
    public Manifest.Speaker speaker(String speaker) {
        if (speaker == null || speaker.isEmpty()) {
            return null;
        }
        return manifest.speaker(speaker).orElseThrow(() -> new InvalidArgumentException("speaker",
                "Unsupported speaker '" + speaker + "'. Supported: " + String.join(", ", speakers()) + "."));
    }

    /**
     * The codec language id the prompt uses.
     *
     * @param language a language key, any case; null means {@code auto}
     * @param speaker the validated speaker, or null
     * @return the codec id, or null for {@code auto} (the "nothink" prefix)
     * @throws InvalidArgumentException listing the supported languages
     */
    public Integer languageId(String language, Manifest.Speaker speaker) {
        String lang = language == null ? "auto" : language.toLowerCase(Locale.ROOT);
        if (!manifest.supportedLanguages().contains(lang)) {
            throw new InvalidArgumentException("language", "Unsupported language '" + language + "'. Supported: "
                    + String.join(", ", supportedLanguages()) + ".");
        }
        Integer id = lang.equals("auto") ? null : manifest.languages().get(lang);
        if (!lang.equals("auto") && id == null) {
            throw new InvalidArgumentException("language", "Language '" + language + "' has no codec id in this model.");
        }
        if ((lang.equals("chinese") || lang.equals("auto")) && speaker != null && speaker.dialect() != null) {
            Integer dialect = manifest.languages().get(speaker.dialect());
            if (dialect == null) {
                throw new InvalidArgumentException("speaker", "Speaker '" + speaker.name() + "' names dialect '"
                        + speaker.dialect() + "', which this model lacks.");
            }
            id = dialect;
        }
        return id;
    }
}
