package io.q3tts.plugins.subtitles;

import io.q3tts.ports.model.InvalidArgumentException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Which voice speaks which cue speaker. A voice reference is a preset speaker key (e.g.
 * {@code ryan}, spoken by a CustomVoice model) or {@value #SAVED_PREFIX} plus a saved voice id
 * (cloned by a Base model). Speaker names match case-insensitively; cues without a speaker, or with
 * one the mapping does not name, use the default voice.
 */
public final class VoiceMapping {

    /** Prefix of a reference to a saved (cloned) voice. */
    public static final String SAVED_PREFIX = "saved:";

    private final Map<String, String> bySpeaker = new LinkedHashMap<>();
    private final String defaultVoice;

    /**
     * @param mapping speaker name to voice reference, never null
     * @param defaultVoice the voice of everything else (field {@code voice}), or null if every cue is mapped
     * @throws InvalidArgumentException naming {@code voices} for a blank entry
     */
    public VoiceMapping(Map<String, String> mapping, String defaultVoice) {
        mapping.forEach((name, voice) -> {
            if (name == null || name.isBlank() || voice == null || voice.isBlank()) {
                throw new InvalidArgumentException("voices", "voices maps speaker names to voices; an entry is blank.");
            }
            bySpeaker.put(key(name), voice.strip());
        });
        this.defaultVoice = defaultVoice == null || defaultVoice.isBlank() ? null : defaultVoice.strip();
    }

    /**
     * @param speaker a cue's speaker, or null
     * @return the voice reference for it
     * @throws InvalidArgumentException naming {@code voice} if there is neither a mapping nor a default
     */
    public String voiceFor(String speaker) {
        String mapped = speaker == null ? null : bySpeaker.get(key(speaker));
        if (mapped != null) {
            return mapped;
        }
        if (defaultVoice == null) {
            throw new InvalidArgumentException("voice", "voice (the default voice) is required"
                    + (speaker == null ? "" : "; speaker '" + speaker + "' is not in voices") + ".");
        }
        return defaultVoice;
    }

    /**
     * @param speaker a cue's speaker, or null
     * @return whether voices names it (else the default voice speaks it)
     */
    public boolean maps(String speaker) {
        return speaker != null && bySpeaker.containsKey(key(speaker));
    }

    /**
     * @param voice a voice reference
     * @return the saved voice id if it names one, else null (a preset speaker)
     */
    public static String savedVoiceId(String voice) {
        return voice.startsWith(SAVED_PREFIX) ? voice.substring(SAVED_PREFIX.length()).strip() : null;
    }

    private static String key(String name) {
        return name.strip().toLowerCase(Locale.ROOT);
    }
}
