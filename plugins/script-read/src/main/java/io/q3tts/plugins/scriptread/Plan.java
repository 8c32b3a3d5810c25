package io.q3tts.plugins.scriptread;

import io.q3tts.ports.model.Ids;
import io.q3tts.ports.model.InvalidArgumentException;
import io.q3tts.ports.model.ModelTask;
import io.q3tts.ports.plugin.PipelineSupport;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What a table read will do, before any synthesis: the voices to design (once per speaker) and the
 * lines to speak, each with its voice, seed, checkpoint key and file name. The same request always
 * gives the same plan, so a resumed run finds its checkpoints again. Immutable.
 */
final class Plan {

    /** Shortest designed-voice sample built from a speaker's own lines, in characters. */
    static final int SAMPLE_MIN_CHARS = 60;
    /** Longest one, in characters. */
    static final int SAMPLE_MAX_CHARS = 300;

    /**
     * One voice to design.
     *
     * @param speakerKey the speaker it is for
     * @param name the speaker as written
     * @param description the voice description
     * @param sampleText what the voice says while it is designed
     * @param seed the design seed
     * @param key the checkpoint key
     */
    record DesignStep(String speakerKey, String name, String description, String sampleText, long seed, String key) {
    }

    /**
     * One line to speak.
     *
     * @param index 1-based position among the spoken lines
     * @param line the script line
     * @param speakerKey its speaker key
     * @param speakerName the speaker as shown in the manifest ({@code NARRATOR} for action lines)
     * @param voice its voice, or null (only in a lenient plan: an unmapped speaker)
     * @param seed the line's seed
     * @param key the checkpoint key
     * @param file the line's file in the output ({@code lines/0001-alice.wav})
     * @param pause seconds of silence after it, or null for the default gap: its own pause plus those of the
     *     skipped (unvoiced action) lines after it, so a {@code [pause]} written after a skipped line still
     *     takes effect
     */
    record LineStep(int index, ScriptLine line, String speakerKey, String speakerName, VoicePlan.Voice voice, long seed,
                    String key, String file, Double pause) {

        LineStep withMorePause(double seconds) {
            return new LineStep(index, line, speakerKey, speakerName, voice, seed, key, file,
                    (pause == null ? 0 : pause) + seconds);
        }

        /** @return whether the line's instruct reaches the model (only preset speakers take one) */
        boolean instructApplied() {
            return line.instruct() != null && voice instanceof VoicePlan.Preset;
        }
    }

    final ReadRequest request;
    final Script script;
    final VoicePlan voices;
    final List<DesignStep> designs;
    final List<LineStep> lines;
    final List<ScriptLine> skipped;
    final List<String> warnings;
    /** Silence before the first spoken line: the script's lead-in plus the pauses of skipped lines before it. */
    final double leadIn;

    private Plan(ReadRequest request, Script script, VoicePlan voices, List<DesignStep> designs, List<LineStep> lines,
                 List<ScriptLine> skipped, List<String> warnings, double leadIn) {
        this.leadIn = leadIn;
        this.request = request;
        this.script = script;
        this.voices = voices;
        this.designs = List.copyOf(designs);
        this.lines = List.copyOf(lines);
        this.skipped = List.copyOf(skipped);
        this.warnings = List.copyOf(warnings);
    }

    /**
     * @param request the request
     * @param parser the parser (with the configured limits)
     * @param strict whether every speaker must have a voice (a run) or not (a preview)
     * @return the plan
     * @throws InvalidArgumentException naming the field (and line) of the first problem
     */
    static Plan of(ReadRequest request, ScriptParser parser, boolean strict) {
        Script script = parser.parse(request.script(), request.format(), null);
        VoicePlan voices = VoicePlan.of(script, request.voices(), request.narrator());
        if (strict) {
            voices.requireComplete(script);
        }
        Map<String, DesignStep> designs = new LinkedHashMap<>();
        for (VoicePlan.Speaker s : voices.speakers(script)) {
            if (s.voice() instanceof VoicePlan.Design d) {
                String sample = request.designSampleText() != null ? request.designSampleText() : sampleText(script, s.key());
                long seed = request.seed() ^ (s.key().hashCode() & 0xffffffffL);
                String key = PipelineSupport.checkpointKey("voice", s.key(), d.description(), sample, Long.toString(seed),
                        String.valueOf(request.designModel()), String.valueOf(request.cloneModel()),
                        String.valueOf(request.language()));
                designs.put(s.key(), new DesignStep(s.key(), s.name(), d.description(), sample, seed, key));
            }
        }
        List<LineStep> lines = new ArrayList<>();
        List<ScriptLine> skipped = new ArrayList<>();
        List<String> warnings = new ArrayList<>(script.warnings());
        double leadIn = script.leadIn();
        Map<String, String> names = new LinkedHashMap<>();
        voices.speakers(script).forEach(s -> names.put(s.key(), s.name()));
        int width = Math.max(4, Integer.toString(script.lines().size()).length());
        for (ScriptLine l : script.lines()) {
            VoicePlan.Voice voice = voices.voiceFor(l);
            if (l.action() && voice == null) {
                skipped.add(l);
                if (l.pause() != null) {
                    // The line is not spoken, but the silence written after it is part of the scene's timing.
                    if (lines.isEmpty()) {
                        leadIn += l.pause();
                    } else {
                        lines.set(lines.size() - 1, lines.getLast().withMorePause(l.pause()));
                    }
                }
                continue;
            }
            int index = lines.size() + 1;
            String speakerKey = VoicePlan.speakerKey(l);
            String name = names.get(speakerKey);
            long seed = request.seed() + index;
            String voiceKey = voice == null ? "" : voice instanceof VoicePlan.Design ? designs.get(speakerKey).key() : voice.ref();
            String model = voice instanceof VoicePlan.Preset ? request.model() : request.cloneModel();
            String key = PipelineSupport.checkpointKey("line", l.text(), String.valueOf(l.instruct()), voiceKey,
                    String.valueOf(request.language()), String.valueOf(model), Long.toString(seed),
                    String.valueOf(request.maxNewTokens()));
            String file = String.format(Locale.ROOT, "lines/%0" + width + "d-%s.wav", index, slug(name));
            LineStep step = new LineStep(index, l, speakerKey, name, voice, seed, key, file, l.pause());
            if (l.instruct() != null && voice != null && !step.instructApplied()) {
                warnings.add("line " + l.sourceLine() + ": instruct '" + ScriptParser.shorten(l.instruct()) + "' is not used: "
                        + name + " speaks with a cloned voice (" + (voice instanceof VoicePlan.Design ? "design:" : "saved:")
                        + "), which takes no instruct.");
            }
            lines.add(step);
        }
        if (!skipped.isEmpty()) {
            warnings.add(skipped.size() + " action line" + (skipped.size() == 1 ? " was" : "s were")
                    + " skipped: no narrator voice is set (first on line " + skipped.getFirst().sourceLine() + ").");
        }
        return new Plan(request, script, voices, new ArrayList<>(designs.values()), lines, skipped, warnings, leadIn);
    }

    /**
     * The designed voice's sample: the speaker's own lines, in order, until at least
     * {@value #SAMPLE_MIN_CHARS} characters (at most {@value #SAMPLE_MAX_CHARS}, cut at a space).
     */
    static String sampleText(Script script, String speakerKey) {
        StringBuilder b = new StringBuilder();
        for (ScriptLine l : script.lines()) {
            if (VoicePlan.speakerKey(l).equals(speakerKey)) {
                if (!b.isEmpty()) {
                    b.append(' ');
                }
                b.append(l.text());
                if (b.length() >= SAMPLE_MIN_CHARS) {
                    break;
                }
            }
        }
        if (b.length() <= SAMPLE_MAX_CHARS) {
            return b.toString();
        }
        int cut = b.lastIndexOf(" ", SAMPLE_MAX_CHARS);
        return b.substring(0, cut > SAMPLE_MIN_CHARS ? cut : SAMPLE_MAX_CHARS);
    }

    /** @return a file-name-safe form of a speaker name, {@code line} if it has no ASCII letter or digit */
    static String slug(String name) {
        try {
            String s = Ids.slug(name, "speaker");
            return s.length() <= 32 ? s : s.substring(0, 32).replaceAll("-+$", "");
        } catch (InvalidArgumentException e) {
            return "line";
        }
    }

    /** @return the task most lines run (voice cloning for saved and designed voices) */
    ModelTask task() {
        long preset = lines.stream().filter(l -> l.voice() instanceof VoicePlan.Preset).count();
        return preset * 2 >= lines.size() ? ModelTask.CUSTOM_VOICE : ModelTask.VOICE_CLONE;
    }

    /** @return the model the request names for {@link #task()}, or null */
    String modelId() {
        return task() == ModelTask.CUSTOM_VOICE ? request.model() : request.cloneModel();
    }
}
