package io.q3tts.adapters.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.ToStringSerializer;
import io.q3tts.ports.model.InvalidArgumentException;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/**
 * The adapter's JSON codec. Time values are written as ISO-8601 text (plugins may return records
 * holding {@link Instant}s); the API's own views are plain maps built by {@link Views}.
 */
final class Json {

    static final ObjectMapper MAPPER = new ObjectMapper()
            .registerModule(new SimpleModule()
                    .addSerializer(Instant.class, ToStringSerializer.instance)
                    .addSerializer(Duration.class, ToStringSerializer.instance))
            .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private static final TypeReference<Object> ANY = new TypeReference<>() { };

    private Json() {
    }

    /**
     * @param value a serializable value
     * @return UTF-8 JSON
     */
    static byte[] bytes(Object value) {
        try {
            return MAPPER.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialize " + value.getClass().getName(), e);
        }
    }

    /**
     * @param value a serializable value
     * @return JSON text
     */
    static String text(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialize " + value.getClass().getName(), e);
        }
    }

    /**
     * @param bytes a JSON document
     * @param field the request field to blame
     * @return the value: Map, List, String, Number, Boolean or null
     * @throws InvalidArgumentException naming {@code field} if it is not valid JSON
     */
    static Object parse(byte[] bytes, String field) {
        try {
            return MAPPER.readValue(bytes, ANY);
        } catch (java.io.IOException e) {
            throw new InvalidArgumentException(field, "The " + field + " is not valid JSON: "
                    + firstLine(e.getMessage()));
        }
    }

    /**
     * @param text a JSON document
     * @param field the request field to blame
     * @return the object
     * @throws InvalidArgumentException naming {@code field} if it is not a JSON object
     */
    @SuppressWarnings("unchecked")
    static Map<String, Object> parseObject(String text, String field) {
        Object v = parse(text.getBytes(java.nio.charset.StandardCharsets.UTF_8), field);
        if (v instanceof Map<?, ?> m) {
            return (Map<String, Object>) m;
        }
        throw new InvalidArgumentException(field, "The " + field + " must be a JSON object.");
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "unreadable";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
