package io.q3tts.ports.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.q3tts.ports.model.InvalidArgumentException;
import io.q3tts.ports.plugin.TaskPlugin;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WebContractTest {

    private static WebRequest request(Map<String, Object> json, List<Part> parts, Map<String, List<String>> query) {
        return new WebRequest(HttpMethod.POST, "/plugins/x/run", Map.of("id", "7"), query, Map.of("X-Trace", List.of("t1")),
                null, json, parts, null);
    }

    @Test
    void givenFieldsInJsonFormAndQuery_whenRead_thenJsonWinsAndTypesAreChecked() {
        WebRequest r = request(Map.of("text", "hi", "temperature", 0.7, "n", 3, "stream", true),
                List.of(new Part("text", null, null, "form".getBytes(StandardCharsets.UTF_8)),
                        new Part("speed", null, null, "1.5".getBytes(StandardCharsets.UTF_8)),
                        new Part("file", "a.wav", "audio/wav", new byte[] {1})),
                Map.of("lang", List.of("en", "fr")));
        assertEquals("hi", r.requireString("text"));
        assertEquals(0.7, r.optionalDouble("temperature").orElseThrow());
        assertEquals(1.5, r.optionalDouble("speed").orElseThrow());
        assertEquals(3, r.optionalInt("n").orElseThrow());
        assertEquals(true, r.optionalBoolean("stream").orElseThrow());
        assertEquals("en", r.optionalString("lang").orElseThrow());
        assertEquals("7", r.pathParam("id"));
        assertEquals("t1", r.header("x-trace").orElseThrow());
        assertTrue(r.part("file").orElseThrow().isFile());
        assertTrue(r.optionalString("file").isEmpty(), "file parts are not text fields");
        assertEquals("missing", assertThrows(InvalidArgumentException.class, () -> r.requireString("missing")).field());
        assertEquals("text", assertThrows(InvalidArgumentException.class, () -> r.optionalInt("text")).field());
        assertEquals("temperature", assertThrows(InvalidArgumentException.class, () -> r.optionalInt("temperature")).field());
        assertEquals("n", assertThrows(InvalidArgumentException.class, () -> r.optionalString("n")).field());
    }

    @Test
    void givenRoutesAndResponses_whenBuilt_thenPathsAndStatusesAreValidated() {
        assertEquals("/chapters/{id}", RouteSpec.get("/chapters/{id}", r -> WebResponse.noContent()).path());
        RouteSpec.post("/", r -> WebResponse.json(Map.of()));
        assertThrows(IllegalArgumentException.class, () -> RouteSpec.get("chapters", r -> WebResponse.noContent()));
        assertThrows(IllegalArgumentException.class, () -> RouteSpec.get("/a//b", r -> WebResponse.noContent()));
        assertThrows(IllegalArgumentException.class, () -> RouteSpec.get("/a/../b", r -> WebResponse.noContent()));
        assertThrows(IllegalArgumentException.class, () -> RouteSpec.get("/a/{1x}", r -> WebResponse.noContent()));
        WebResponse res = WebResponse.json(201, Map.of("ok", true)).withHeader("Location", "/x");
        assertEquals(201, res.status());
        assertEquals("/x", res.headers().get("Location"));
        assertThrows(IllegalArgumentException.class, () -> WebResponse.noContent().withStatus(99));
        assertTrue(TaskPlugin.ID.matcher("narrator").matches());
        assertTrue(!TaskPlugin.ID.matcher("Narrator").matches());
    }
}
