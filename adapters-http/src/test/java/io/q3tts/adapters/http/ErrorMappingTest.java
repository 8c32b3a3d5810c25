package io.q3tts.adapters.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.q3tts.ports.model.ErrorType;
import io.q3tts.ports.model.InvalidArgumentException;
import io.q3tts.ports.model.OverloadedException;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The error table of docs/architecture.md, verbatim. */
class ErrorMappingTest {

    @Test
    void everyErrorTypeHasItsDocumentedStatus() {
        Map<ErrorType, Integer> table = new EnumMap<>(ErrorType.class);
        table.put(ErrorType.INVALID_ARGUMENT, 400);
        table.put(ErrorType.NOT_FOUND, 404);
        table.put(ErrorType.UNSUPPORTED, 422);
        table.put(ErrorType.MODEL_ERROR, 500);
        table.put(ErrorType.CANCELLED, 499);
        table.put(ErrorType.OVERLOADED, 429);
        table.put(ErrorType.CONFLICT, 409);
        table.put(ErrorType.PAYLOAD_TOO_LARGE, 413);
        table.put(ErrorType.UNSUPPORTED_MEDIA, 415);
        table.put(ErrorType.UNAVAILABLE, 503);
        table.put(ErrorType.STORAGE_ERROR, 500);
        assertEquals(ErrorType.values().length, table.size());
        table.forEach((type, status) -> assertEquals(status, ErrorMapping.status(type), type.name()));
    }

    @Test
    @SuppressWarnings("unchecked")
    void bodiesAndFrames() {
        ErrorMapping.Failure f = ErrorMapping.of(new InvalidArgumentException("voice", "voice is required."));
        assertEquals(Map.of("error", "voice is required.", "error_type", "INVALID_ARGUMENT", "field", "voice",
                "errorType", "INVALID_ARGUMENT"), f.coreBody(), "snake_case, and the old name kept as an alias");
        Map<String, Object> oa = (Map<String, Object>) f.openAiBody().get("error");
        assertEquals("invalid_argument", oa.get("type"));
        assertEquals("voice", oa.get("param"));
        assertNull(oa.get("code"));
        assertEquals("error", f.frame().get("type"));
        assertEquals(1008, f.closeCode());
        assertEquals(1011, ErrorMapping.internal().closeCode());
        assertEquals(3, ErrorMapping.of(new OverloadedException("full", Duration.ofMillis(2001))).retryAfterSeconds());
        assertEquals("INTERNAL", JavalinBridge.failure(new IllegalStateException("secret detail")).errorType());
        assertEquals(false, JavalinBridge.failure(new IllegalStateException("secret detail")).message().contains("secret"));
    }
}
