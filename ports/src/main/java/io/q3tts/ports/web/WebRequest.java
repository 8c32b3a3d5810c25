package io.q3tts.ports.web;

import io.q3tts.ports.model.CancellationToken;
import io.q3tts.ports.model.InvalidArgumentException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A framework-neutral HTTP request, built by the HTTP adapter from its framework's context and
 * handed to a {@link WebHandler}. Plugins and their tests construct it directly.
 *
 * <p>The typed accessors ({@link #requireString}, {@link #optionalInt}, ...) read a field from, in
 * order, the JSON body, the multipart form fields and the query string, and report a bad value as
 * {@link InvalidArgumentException} naming the field, which the adapter answers with 400.
 *
 * @param method the method, never null
 * @param path the request path as received, e.g. {@code /plugins/narrator/chapters/3}, never null
 * @param pathParams values of the route's {@code {name}} placeholders, never null
 * @param query query parameters (repeated names keep every value, in order), never null
 * @param headers request headers, names lower-cased, never null
 * @param body the raw body, never null (empty if none); for multipart requests the raw body is empty
 *     and the content is in {@code parts}
 * @param json the body parsed as a JSON object (values: String, Number, Boolean, null, List, Map), or
 *     null if the body is not a JSON object ({@code Content-Type} not JSON, or empty)
 * @param parts the multipart parts, never null (empty unless {@code multipart/form-data})
 * @param cancellation fires when the client disconnects, never null; pass it on to blocking use cases
 */
public record WebRequest(
        HttpMethod method,
        String path,
        Map<String, String> pathParams,
        Map<String, List<String>> query,
        Map<String, List<String>> headers,
        byte[] body,
        Map<String, Object> json,
        List<Part> parts,
        CancellationToken cancellation) {

    /** Copies the maps (header names lower-cased) and fills defaults for nulls. */
    public WebRequest {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(path, "path");
        pathParams = pathParams == null ? Map.of() : Map.copyOf(pathParams);
        query = query == null ? Map.of() : copyLists(query, false);
        headers = headers == null ? Map.of() : copyLists(headers, true);
        body = body == null ? new byte[0] : body;
        json = json == null ? null : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(json));
        parts = parts == null ? List.of() : List.copyOf(parts);
        cancellation = cancellation == null ? CancellationToken.none() : cancellation;
    }

    /**
     * @param method the method
     * @param path the path
     * @return a request with nothing but a method and path (for tests)
     */
    public static WebRequest of(HttpMethod method, String path) {
        return new WebRequest(method, path, null, null, null, null, null, null, null);
    }

    /**
     * @param name a path placeholder name
     * @return its value
     * @throws IllegalStateException if the route has no such placeholder (a plugin bug)
     */
    public String pathParam(String name) {
        String v = pathParams.get(name);
        if (v == null) {
            throw new IllegalStateException("route has no path parameter '" + name + "'");
        }
        return v;
    }

    /**
     * @param name a query parameter
     * @return its first value, if present
     */
    public Optional<String> queryParam(String name) {
        List<String> values = query.get(name);
        return values == null || values.isEmpty() ? Optional.empty() : Optional.of(values.get(0));
    }

    /**
     * @param name a header name, any case
     * @return its first value, if present
     */
    public Optional<String> header(String name) {
        List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
        return values == null || values.isEmpty() ? Optional.empty() : Optional.of(values.get(0));
    }

    /**
     * @param name a multipart field name
     * @return the first part with that name, if present
     */
    public Optional<Part> part(String name) {
        return parts.stream().filter(p -> p.name().equals(name)).findFirst();
    }

    /** @return the body as UTF-8 text */
    public String bodyText() {
        return new String(body, StandardCharsets.UTF_8);
    }

    /**
     * @param field a field name
     * @return the raw value from the JSON body, a multipart text field, or the query string (in that
     *     order), if present and not JSON null
     */
    public Optional<Object> field(String field) {
        if (json != null && json.get(field) != null) {
            return Optional.of(json.get(field));
        }
        Optional<Part> p = part(field);
        if (p.isPresent() && !p.get().isFile()) {
            return Optional.of(p.get().text());
        }
        return queryParam(field).map(v -> v);
    }

    /**
     * @param field a field name
     * @return the value as text, if present
     * @throws InvalidArgumentException naming {@code field} if it is not a string
     */
    public Optional<String> optionalString(String field) {
        return field(field).map(v -> {
            if (v instanceof String s) {
                return s;
            }
            throw new InvalidArgumentException(field, field + " must be a string.");
        });
    }

    /**
     * @param field a field name
     * @return the value as non-blank text
     * @throws InvalidArgumentException naming {@code field} if missing, blank or not a string
     */
    public String requireString(String field) {
        return optionalString(field).filter(s -> !s.isBlank())
                .orElseThrow(() -> new InvalidArgumentException(field, field + " is required."));
    }

    /**
     * @param field a field name
     * @return the value as a number (JSON number or numeric text), if present
     * @throws InvalidArgumentException naming {@code field} if it is not a number
     */
    public Optional<Double> optionalDouble(String field) {
        return field(field).map(v -> {
            if (v instanceof Number n) {
                return n.doubleValue();
            }
            try {
                return Double.parseDouble(v.toString().strip());
            } catch (NumberFormatException e) {
                throw new InvalidArgumentException(field, field + " must be a number.");
            }
        });
    }

    /**
     * @param field a field name
     * @return the value as an integer, if present
     * @throws InvalidArgumentException naming {@code field} if it is not an integer
     */
    public Optional<Integer> optionalInt(String field) {
        return optionalDouble(field).map(d -> {
            if (d != Math.rint(d) || d > Integer.MAX_VALUE || d < Integer.MIN_VALUE) {
                throw new InvalidArgumentException(field, field + " must be an integer.");
            }
            return d.intValue();
        });
    }

    /**
     * @param field a field name
     * @return the value as a boolean (JSON boolean or {@code true}/{@code false} text), if present
     * @throws InvalidArgumentException naming {@code field} if it is not a boolean
     */
    public Optional<Boolean> optionalBoolean(String field) {
        return field(field).map(v -> {
            if (v instanceof Boolean b) {
                return b;
            }
            String s = v.toString().strip().toLowerCase(Locale.ROOT);
            if (s.equals("true") || s.equals("false")) {
                return Boolean.valueOf(s);
            }
            throw new InvalidArgumentException(field, field + " must be true or false.");
        });
    }

    private static Map<String, List<String>> copyLists(Map<String, List<String>> in, boolean lowerCaseKeys) {
        Map<String, List<String>> out = new TreeMap<>();
        in.forEach((k, v) -> out.put(lowerCaseKeys ? k.toLowerCase(Locale.ROOT) : k, List.copyOf(v)));
        return java.util.Collections.unmodifiableMap(out);
    }
}
