package io.q3tts.plugins.scriptread;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.q3tts.ports.in.synthesis.GenerationOptions;
import io.q3tts.ports.in.synthesis.SynthesisLimits;
import io.q3tts.ports.model.Ids;
import io.q3tts.ports.model.InvalidArgumentException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A table-read request as stored in the pipeline payload: everything a run (and its resume) depends
 * on, with the seed already resolved to a number and the format already detected.
 *
 * @param script the script text
 * @param format the format it is read as (never {@code auto})
 * @param voices speaker name to voice reference, from the request (the script's own mapping is merged later)
 * @param narrator the narrator voice reference, or null
 * @param language the language key, or null for auto
 * @param model the CustomVoice model for preset speakers, or null
 * @param cloneModel the Base model for saved and designed voices, or null
 * @param designModel the VoiceDesign model for designed voices, or null
 * @param seed the run's seed; line {@code i} uses {@code seed + i}
 * @param maxNewTokens the per-line frame cap, or null
 * @param gap seconds between different speakers
 * @param sameSpeakerGap seconds between lines of the same speaker
 * @param targetLufs the loudness target of the mix, or null to leave levels as spoken
 * @param keepDesignedVoices whether designed voices stay in the voice library after the run
 * @param designSampleText what designed voices say when they are designed, or null for the speaker's own lines
 * @param nonStreaming lay each line's text out non-streaming ({@code non_streaming_mode}, default true:
 *     the streaming layout speeds up through long clones, QwenLM/Qwen3-TTS#239)
 */
record ReadRequest(String script, String format, Map<String, String> voices, String narrator, String language,
                   String model, String cloneModel, String designModel, long seed, Integer maxNewTokens, double gap,
                   double sameSpeakerGap, Double targetLufs, boolean keepDesignedVoices, String designSampleText,
                   boolean nonStreaming) {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Validates what does not need the script parsed. */
    ReadRequest {
        voices = Map.copyOf(voices);
        model = optionalModel(model, "model");
        cloneModel = optionalModel(cloneModel, "clone_model");
        designModel = optionalModel(designModel, "design_model");
        if (seed < 0) {
            throw new InvalidArgumentException("seed", "seed must be a non-negative integer.");
        }
        GenerationOptions.builder().maxNewTokens(maxNewTokens).build();
        gap = range(gap, "gap");
        sameSpeakerGap = range(sameSpeakerGap, "same_speaker_gap");
        if (targetLufs != null && !(targetLufs >= -70 && targetLufs <= -5)) {
            throw new InvalidArgumentException("target_lufs", "target_lufs must be between -70 and -5; got " + targetLufs + ".");
        }
        designSampleText = ScriptParser.blankToNull(designSampleText);
        if (designSampleText != null && designSampleText.length() > SynthesisLimits.MAX_TEXT_LENGTH) {
            throw new InvalidArgumentException("design_sample_text", "design_sample_text must be at most "
                    + SynthesisLimits.MAX_TEXT_LENGTH + " characters.");
        }
        language = ScriptParser.blankToNull(language);
        narrator = ScriptParser.blankToNull(narrator);
    }

    private static String optionalModel(String id, String field) {
        String v = ScriptParser.blankToNull(id);
        return v == null ? null : Ids.requireSafe(v, field);
    }

    private static double range(double v, String field) {
        if (!(v >= 0 && v <= ScriptParser.MAX_PAUSE)) {
            throw new InvalidArgumentException(field, field + " must be 0 to " + (int) ScriptParser.MAX_PAUSE + " seconds.");
        }
        return v;
    }

    /** @return the payload bytes */
    byte[] toPayload() {
        ObjectNode p = JSON.createObjectNode();
        p.put("script", script);
        p.put("format", format);
        ObjectNode v = p.putObject("voices");
        voices.forEach(v::put);
        p.put("narrator", narrator);
        p.put("language", language);
        p.put("model", model);
        p.put("clone_model", cloneModel);
        p.put("design_model", designModel);
        p.put("seed", seed);
        if (maxNewTokens != null) {
            p.put("max_new_tokens", maxNewTokens);
        }
        p.put("gap", gap);
        p.put("same_speaker_gap", sameSpeakerGap);
        if (targetLufs != null) {
            p.put("target_lufs", targetLufs);
        }
        p.put("keep_designed_voices", keepDesignedVoices);
        p.put("design_sample_text", designSampleText);
        p.put("non_streaming_mode", nonStreaming);
        try {
            return JSON.writeValueAsBytes(p);
        } catch (java.io.IOException e) {
            throw new IllegalStateException("a JSON tree always serializes", e);
        }
    }

    /**
     * @param payload bytes from {@link #toPayload}
     * @return the request
     * @throws InvalidArgumentException if the payload is not a table-read request
     */
    static ReadRequest fromPayload(byte[] payload) {
        JsonNode p;
        try {
            p = JSON.readTree(payload);
        } catch (java.io.IOException e) {
            throw new InvalidArgumentException("body", "The script-read request is not valid JSON.");
        }
        if (p == null || !p.isObject()) {
            throw new InvalidArgumentException("body", "The script-read request must be a JSON object.");
        }
        Map<String, String> voices = new LinkedHashMap<>();
        JsonNode v = p.path("voices");
        if (v.isObject()) {
            v.properties().forEach(e -> voices.put(e.getKey(), e.getValue().asText("")));
        }
        return new ReadRequest(p.path("script").asText(""), p.path("format").asText("text"), voices, text(p, "narrator"),
                text(p, "language"), text(p, "model"), text(p, "clone_model"), text(p, "design_model"),
                p.path("seed").asLong(0), p.hasNonNull("max_new_tokens") ? p.get("max_new_tokens").asInt() : null,
                p.path("gap").asDouble(Mixer.Settings.defaults().gap()),
                p.path("same_speaker_gap").asDouble(Mixer.Settings.defaults().sameSpeakerGap()),
                p.hasNonNull("target_lufs") ? p.get("target_lufs").asDouble() : null,
                p.path("keep_designed_voices").asBoolean(false), text(p, "design_sample_text"),
                p.path("non_streaming_mode").asBoolean(true));
    }

    private static String text(JsonNode p, String field) {
        return p.hasNonNull(field) ? p.get(field).asText() : null;
    }
}
