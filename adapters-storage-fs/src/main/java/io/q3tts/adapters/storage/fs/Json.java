package io.q3tts.adapters.storage.fs;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/** The shared Jackson mapper and small typed readers that fail with a message naming the key. */
final class Json {

    /** Thread-safe once configured. */
    static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private Json() {
    }

    static ObjectNode object() {
        return MAPPER.createObjectNode();
    }

    static byte[] bytes(JsonNode node) {
        try {
            return MAPPER.writeValueAsBytes(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a JSON tree always serializes", e);
        }
    }

    static JsonNode parse(byte[] data) throws IOException {
        JsonNode node = MAPPER.readTree(data);
        if (node == null || !node.isObject()) {
            throw new IOException("not a JSON object");
        }
        return node;
    }

    static String text(JsonNode n, String key) throws IOException {
        JsonNode v = n.get(key);
        if (v == null || !v.isTextual()) {
            throw new IOException("'" + key + "' is missing or not a string");
        }
        return v.asText();
    }

    static String optText(JsonNode n, String key) {
        JsonNode v = n.get(key);
        return v == null || v.isNull() ? null : v.asText();
    }

    static Instant instant(JsonNode n, String key) throws IOException {
        try {
            return Instant.parse(text(n, key));
        } catch (DateTimeParseException e) {
            throw new IOException("'" + key + "' is not an ISO-8601 instant", e);
        }
    }

    static Duration duration(JsonNode n, String key) throws IOException {
        try {
            return Duration.parse(text(n, key));
        } catch (DateTimeParseException e) {
            throw new IOException("'" + key + "' is not an ISO-8601 duration", e);
        }
    }

    static double number(JsonNode n, String key) throws IOException {
        JsonNode v = n.get(key);
        if (v == null || !v.isNumber()) {
            throw new IOException("'" + key + "' is missing or not a number");
        }
        return v.asDouble();
    }
}
