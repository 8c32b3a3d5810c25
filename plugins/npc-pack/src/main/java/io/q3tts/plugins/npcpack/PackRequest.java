package io.q3tts.plugins.npcpack;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.q3tts.ports.model.InvalidArgumentException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One self-contained pack request: the pack, the options and a concrete seed. Its JSON form is the
 * pipeline payload, so a run resumed after a restart sees exactly what was submitted.
 *
 * @param pack the validated pack
 * @param options the options
 * @param seed the pack's seed (every step's seed derives from it), 0..2^53
 */
record PackRequest(Pack pack, PackOptions options, long seed) {

    /** Largest seed: exact in a JSON number. */
    static final long MAX_SEED = (1L << 53) - 1;

    PackRequest {
        Objects.requireNonNull(pack, "pack");
        Objects.requireNonNull(options, "options");
        if (seed < 0 || seed > MAX_SEED) {
            throw new InvalidArgumentException("seed", "seed must be between 0 and " + MAX_SEED + ".");
        }
    }

    /** @return the payload: the pack in its JSON input form plus {@code seed} and {@code options} */
    byte[] toPayload() {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("version", 1);
        List<Map<String, Object>> cast = new ArrayList<>();
        for (PackCharacter c : pack.characters()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("id", c.id());
            m.put("name", c.name());
            m.put("description", c.description());
            m.put("voice", c.voice());
            m.put("language", c.language());
            m.put("sample_text", c.sampleText());
            cast.add(m);
        }
        root.put("characters", cast);
        List<Map<String, Object>> lines = new ArrayList<>();
        for (PackLine l : pack.lines()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("character", l.character());
            m.put("id", l.id());
            m.put("text", l.text());
            m.put("emotion", l.emotion());
            m.put("instruct", l.instruct());
            lines.add(m);
        }
        root.put("lines", lines);
        root.put("seed", seed);
        root.put("options", options.toJson());
        try {
            return PackParser.JSON.writeValueAsBytes(root);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * @param payload bytes from {@link #toPayload}
     * @param parser validates the pack again
     * @return the request
     * @throws InvalidArgumentException (field {@code payload}) if it is not such a payload
     */
    static PackRequest fromPayload(byte[] payload, PackParser parser) {
        JsonNode root = PackParser.json(new String(payload, StandardCharsets.UTF_8), "payload");
        if (!root.isObject() || root.path("version").asInt() != 1) {
            throw new InvalidArgumentException("payload", "payload is not an npc-pack request (version 1).");
        }
        Pack pack = parser.pack(root, "payload");
        JsonNode seed = root.get("seed");
        if (seed == null || !seed.isIntegralNumber()) {
            throw new InvalidArgumentException("seed", "payload has no seed.");
        }
        JsonNode options = root.path("options");
        PackOptions o = PackOptions.from(name -> {
            JsonNode v = options.get(name);
            return v == null || v.isNull() ? null : v.isNumber() ? v.numberValue() : v.asText();
        });
        return new PackRequest(pack, o, seed.longValue());
    }
}
