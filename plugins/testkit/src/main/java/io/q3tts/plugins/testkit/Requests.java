package io.q3tts.plugins.testkit;

import io.q3tts.ports.web.HttpMethod;
import io.q3tts.ports.web.Part;
import io.q3tts.ports.web.WebRequest;
import java.util.List;
import java.util.Map;

/** Builds the {@link WebRequest}s the HTTP adapter would hand a plugin's handlers. */
public final class Requests {

    private Requests() {
    }

    /**
     * @param path the request path
     * @param query single-valued query parameters
     * @return a GET request
     */
    public static WebRequest get(String path, Map<String, String> query) {
        Map<String, List<String>> q = new java.util.TreeMap<>();
        query.forEach((k, v) -> q.put(k, List.of(v)));
        return new WebRequest(HttpMethod.GET, path, null, q, null, null, null, null, null);
    }

    /**
     * @param path the request path
     * @param json the parsed JSON object body
     * @return a POST request with a JSON body
     */
    public static WebRequest postJson(String path, Map<String, Object> json) {
        return new WebRequest(HttpMethod.POST, path, null, null, Map.of("content-type", List.of("application/json")),
                null, json, null, null);
    }

    /**
     * @param path the request path
     * @param parts the form's parts
     * @return a POST request with a multipart body
     */
    public static WebRequest postMultipart(String path, List<Part> parts) {
        return new WebRequest(HttpMethod.POST, path, null, null,
                Map.of("content-type", List.of("multipart/form-data")), null, null, parts, null);
    }
}
