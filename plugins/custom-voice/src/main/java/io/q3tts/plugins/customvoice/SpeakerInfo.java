package io.q3tts.plugins.customvoice;

import java.util.Locale;
import java.util.Map;

/**
 * What the model card says about a preset speaker. Models list only speaker keys; the page needs
 * the rest to help users choose.
 *
 * @param key the speaker key, lower case (as the model lists it)
 * @param displayName a capitalized name for the UI
 * @param description the model card's one-line description, or empty for a speaker it does not describe
 * @param nativeLanguage the language the speaker sounds most natural in (a language key), or {@code "auto"}
 * @param dialect the dialect the speaker uses when the language is Chinese or auto, or null
 */
record SpeakerInfo(String key, String displayName, String description, String nativeLanguage, String dialect) {

    /** From the Qwen3-TTS CustomVoice model card (speakers table). */
    private static final Map<String, SpeakerInfo> KNOWN = Map.of(
            "vivian", new SpeakerInfo("vivian", "Vivian", "Bright, slightly edgy young female voice.", "chinese", null),
            "serena", new SpeakerInfo("serena", "Serena", "Warm, gentle young female voice.", "chinese", null),
            "uncle_fu", new SpeakerInfo("uncle_fu", "Uncle Fu", "Seasoned male voice with a low, mellow timbre.", "chinese", null),
            "dylan", new SpeakerInfo("dylan", "Dylan", "Youthful Beijing male voice.", "chinese", "beijing_dialect"),
            "eric", new SpeakerInfo("eric", "Eric", "Lively Chengdu male voice.", "chinese", "sichuan_dialect"),
            "ryan", new SpeakerInfo("ryan", "Ryan", "Dynamic male voice with strong rhythmic drive.", "english", null),
            "aiden", new SpeakerInfo("aiden", "Aiden", "Sunny American male voice with a clear midrange.", "english", null),
            "ono_anna", new SpeakerInfo("ono_anna", "Ono Anna", "Playful Japanese female voice.", "japanese", null),
            "sohee", new SpeakerInfo("sohee", "Sohee", "Warm Korean female voice.", "korean", null));

    /** A greeting per native language, so a preview sounds like the speaker's own language. */
    private static final Map<String, String> GREETINGS = Map.of(
            "chinese", "你好！这就是我的声音，希望你喜欢。",
            "japanese", "こんにちは！これが私の声です。",
            "korean", "안녕하세요! 이것이 제 목소리입니다.",
            "english", "Hello! This is what my voice sounds like.");

    /**
     * @param key a speaker key from a model
     * @return the model card's information, or a plain entry for a speaker it does not know (a fine-tuned model)
     */
    static SpeakerInfo of(String key) {
        SpeakerInfo known = KNOWN.get(key);
        if (known != null) {
            return known;
        }
        String[] words = key.split("_");
        StringBuilder name = new StringBuilder();
        for (String w : words) {
            if (!w.isEmpty()) {
                name.append(name.isEmpty() ? "" : " ").append(w.substring(0, 1).toUpperCase(Locale.ROOT)).append(w.substring(1));
            }
        }
        return new SpeakerInfo(key, name.isEmpty() ? key : name.toString(), "", "auto", null);
    }

    /** @return a short preview sentence in the speaker's native language (English when unknown) */
    String greeting() {
        return GREETINGS.getOrDefault(nativeLanguage, GREETINGS.get("english"));
    }
}
