package io.q3tts.plugins.scriptread;

import io.q3tts.ports.in.synthesis.SynthesisLimits;
import io.q3tts.ports.model.Ids;
import io.q3tts.ports.model.InvalidArgumentException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Which voice speaks each line. A voice reference is a preset speaker key of a CustomVoice model
 * (e.g. {@code vivian}), {@code saved:<voice id>} (a library voice, cloned by a Base model) or
 * {@code design:<description>} (a voice designed once for the run, then cloned for every line).
 * Speaker names match ignoring case and spacing. Action lines use the narrator voice, or are skipped
 * when there is none. Thread-safe (immutable).
 */
public final class VoicePlan {

    /** Prefix of a library voice. */
    public static final String SAVED = "saved:";
    /** Prefix of a voice designed from a description. */
    public static final String DESIGN = "design:";
    /** The speaker key of the narrator (action lines). */
    public static final String NARRATOR_KEY = "narrator";

    private static final Pattern PRESET = Pattern.compile("[a-z0-9][a-z0-9_.-]{0,63}");

    /** A resolved voice reference. */
    public sealed interface Voice {
        /** @return the reference as written in a mapping, normalised */
        String ref();
    }

    /** @param speaker a preset speaker key, lower case */
    public record Preset(String speaker) implements Voice {
        @Override
        public String ref() {
            return speaker;
        }
    }

    /** @param voiceId a library voice */
    public record Saved(String voiceId) implements Voice {
        @Override
        public String ref() {
            return SAVED + voiceId;
        }
    }

    /** @param description what the designed voice should sound like */
    public record Design(String description) implements Voice {
        @Override
        public String ref() {
            return DESIGN + description;
        }
    }

    /**
     * One speaker of a script.
     *
     * @param key the matching key (lower case)
     * @param name the name as first written
     * @param lines how many lines it speaks
     * @param firstLine the input line of its first line
     * @param voice its voice, or null if unmapped
     */
    public record Speaker(String key, String name, int lines, int firstLine, Voice voice) {
    }

    private final Map<String, Voice> voices;
    private final Voice narrator;

    private VoicePlan(Map<String, Voice> voices, Voice narrator) {
        this.voices = voices;
        this.narrator = narrator;
    }

    /**
     * @param script the script (its own {@code voices} and {@code narrator} are the base)
     * @param requestVoices the request's mapping, overriding the script's per speaker; never null
     * @param requestNarrator the request's narrator voice, or null/blank
     * @return the plan
     * @throws InvalidArgumentException naming {@code voices} or {@code narrator} for a malformed reference
     */
    public static VoicePlan of(Script script, Map<String, String> requestVoices, String requestNarrator) {
        Map<String, Voice> merged = new LinkedHashMap<>();
        Map<String, String> all = new LinkedHashMap<>(script.voices());
        all.putAll(requestVoices);
        for (Map.Entry<String, String> e : all.entrySet()) {
            String key = key(e.getKey());
            if (key.isEmpty()) {
                throw new InvalidArgumentException("voices", "voices maps speaker names to voices; a name is blank.");
            }
            merged.put(key, parse(e.getValue(), "voices", "voices." + ScriptParser.shorten(e.getKey().strip())));
        }
        String narratorRef = ScriptParser.blankToNull(requestNarrator);
        if (narratorRef == null) {
            narratorRef = script.narrator();
        }
        Voice narrator = narratorRef != null ? parse(narratorRef, "narrator", "narrator") : merged.get(NARRATOR_KEY);
        merged.remove(NARRATOR_KEY);
        return new VoicePlan(Map.copyOf(merged), narrator);
    }

    /**
     * @param ref a voice reference
     * @param field the request field it came from
     * @param label how to name it in a message
     * @return the voice
     * @throws InvalidArgumentException naming {@code field} if malformed
     */
    static Voice parse(String ref, String field, String label) {
        String r = ref == null ? "" : ref.strip();
        if (r.isEmpty()) {
            throw new InvalidArgumentException(field, label + " is blank; use a preset speaker, saved:<voice id> or "
                    + "design:<description>.");
        }
        String lower = r.toLowerCase(Locale.ROOT);
        if (lower.startsWith(SAVED)) {
            String id = r.substring(SAVED.length()).strip();
            if (!Ids.isSafe(id)) {
                throw new InvalidArgumentException(field, label + ": '" + ScriptParser.shorten(id)
                        + "' is not a voice id (letters, digits, '.', '_', '-').");
            }
            return new Saved(id);
        }
        if (lower.startsWith(DESIGN)) {
            String d = r.substring(DESIGN.length()).strip();
            if (d.isEmpty() || d.length() > SynthesisLimits.MAX_INSTRUCT_LENGTH) {
                throw new InvalidArgumentException(field, label + ": a design: description must be 1 to "
                        + SynthesisLimits.MAX_INSTRUCT_LENGTH + " characters.");
            }
            return new Design(d.replaceAll("\\s+", " "));
        }
        if (!PRESET.matcher(lower).matches()) {
            throw new InvalidArgumentException(field, label + ": '" + ScriptParser.shorten(r) + "' is not a preset speaker "
                    + "key; use a preset speaker (e.g. vivian), saved:<voice id> or design:<description>.");
        }
        return new Preset(lower);
    }

    /**
     * @param name a speaker name
     * @return its matching key: stripped, inner spaces collapsed, lower case
     */
    public static String key(String name) {
        return name == null ? "" : name.strip().replaceAll("\\s+", " ").toLowerCase(Locale.ROOT);
    }

    /**
     * @param line a line
     * @return the speaker key of the line ({@value #NARRATOR_KEY} for action lines)
     */
    public static String speakerKey(ScriptLine line) {
        return line.action() ? NARRATOR_KEY : key(line.speaker());
    }

    /**
     * @param line a line
     * @return its voice, or null (an action line without a narrator, or an unmapped speaker)
     */
    public Voice voiceFor(ScriptLine line) {
        return line.action() ? narrator : voices.get(key(line.speaker()));
    }

    /** @return the narrator voice, or null (action lines are skipped) */
    public Voice narrator() {
        return narrator;
    }

    /**
     * @param script a script
     * @return its speakers in order of appearance, the narrator (if it has lines) included
     */
    public List<Speaker> speakers(Script script) {
        Map<String, int[]> counts = new LinkedHashMap<>();
        Map<String, String> names = new LinkedHashMap<>();
        for (ScriptLine l : script.lines()) {
            String k = speakerKey(l);
            names.putIfAbsent(k, l.action() ? "NARRATOR" : l.speaker().strip());
            counts.computeIfAbsent(k, x -> new int[] {0, l.sourceLine()})[0]++;
        }
        List<Speaker> out = new ArrayList<>();
        counts.forEach((k, c) -> out.add(new Speaker(k, names.get(k), c[0], c[1],
                k.equals(NARRATOR_KEY) ? narrator : voices.get(k))));
        return out;
    }

    /**
     * @param script a script
     * @throws InvalidArgumentException (field {@code voices}) listing every speaker without a voice
     */
    public void requireComplete(Script script) {
        List<String> missing = speakers(script).stream()
                .filter(s -> s.voice() == null && !s.key().equals(NARRATOR_KEY))
                .map(s -> s.name() + " (line " + s.firstLine() + ")").toList();
        if (!missing.isEmpty()) {
            String first = missing.getFirst().substring(0, missing.getFirst().lastIndexOf(" (line"));
            throw new InvalidArgumentException("voices", "No voice for " + (missing.size() == 1 ? "speaker " : "speakers ")
                    + String.join(", ", missing) + "; map each in voices, e.g. {\"" + first + "\": \"ryan\"}.");
        }
        if (narrator == null && script.lines().stream().allMatch(ScriptLine::action)) {
            throw new InvalidArgumentException("narrator", "The script has only action lines; set a narrator voice to read them.");
        }
    }
}
