package io.q3tts.adapters.http;

import io.javalin.http.Context;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Cross-origin access for browser pages served elsewhere (a q3tts web UI in remote mode): a request
 * whose {@code Origin} is configured gets {@code Access-Control-Allow-Origin} and the exposed
 * {@code X-Q3tts-*} headers, and a preflight is answered here with 204. Any other origin gets no
 * CORS headers, so the browser keeps its same-origin rule; the request itself is served as before
 * (same-origin pages and non-browser clients are unaffected).
 *
 * <p>Not Javalin's bundled {@code CorsPlugin}: it marks a request from an unlisted origin 400 yet
 * still runs its handler, answers preflights by rewriting a 404 after the fact (which our error
 * mapper has already rendered as a JSON body), and cannot put its headers back after the error
 * mapper resets the response; {@link #apply} is called again there, so error bodies stay readable
 * for the page.
 */
final class Cors {

    /** Response headers a cross-origin page may read: the generation's metadata and the usual extras. */
    static final String EXPOSED = String.join(", ", "X-Q3tts-Output-Id", "X-Q3tts-Job-Id", "X-Q3tts-Model",
            "X-Q3tts-Seed", "X-Q3tts-Rtf", "X-Q3tts-Random-Weights", "X-Q3tts-Sample-Rate", "X-Q3tts-Duration",
            "X-Q3tts-Finish-Reason", "Location", "Retry-After", "Content-Disposition");
    private static final String METHODS = "GET, POST, PUT, PATCH, DELETE";
    private static final String MAX_AGE_SECONDS = "600";

    private final Set<String> origins;
    private final boolean any;

    /** @param origins allowed origins as {@code scheme://host[:port]}, or {@code *}; empty: none */
    Cors(List<String> origins) {
        this.any = origins.contains("*");
        this.origins = origins.stream().map(Cors::normalize).collect(Collectors.toUnmodifiableSet());
    }

    /** @return whether any origin is allowed at all (otherwise nothing needs installing) */
    boolean enabled() {
        return any || !origins.isEmpty();
    }

    /**
     * Adds the CORS headers when the request's origin is allowed.
     *
     * @param ctx the request
     * @return whether this was a preflight, now answered (the caller skips the remaining handlers)
     */
    boolean apply(Context ctx) {
        String origin = ctx.header("Origin");
        if (origin == null || !allowed(origin)) {
            return false;
        }
        ctx.header("Access-Control-Allow-Origin", origin);
        ctx.header("Vary", "Origin");
        ctx.header("Access-Control-Expose-Headers", EXPOSED);
        String method = ctx.header("Access-Control-Request-Method");
        if (!"OPTIONS".equals(ctx.method().name()) || method == null) {
            return false;
        }
        ctx.header("Access-Control-Allow-Methods", METHODS);
        String requested = ctx.header("Access-Control-Request-Headers");
        ctx.header("Access-Control-Allow-Headers", requested == null || requested.isBlank() ? "Content-Type, Accept" : requested);
        ctx.header("Access-Control-Max-Age", MAX_AGE_SECONDS);
        ctx.status(204);
        return true;
    }

    /**
     * @param origin an {@code Origin} header
     * @return whether pages of that origin may call the API
     */
    boolean allowed(String origin) {
        // "null" is what sandboxed frames and file: pages send; it names no one, so it is never allowed.
        return !origin.equals("null") && (any || origins.contains(normalize(origin)));
    }

    /**
     * Whether a WebSocket may be opened from a page of {@code origin}. Browsers do not apply CORS to
     * WebSockets, so without this check any web page the user visits could drive the local server
     * through its sockets; a client that is not a browser sends no {@code Origin} and is let in.
     *
     * @param origin the upgrade request's {@code Origin} header, or null
     * @param host its {@code Host} header, or null
     * @return whether the socket may open: no origin, the server's own origin, or an allowed one
     */
    boolean socketAllowed(String origin, String host) {
        if (origin == null || origin.isBlank()) {
            return true;
        }
        String o = normalize(origin);
        if (host != null && !host.isBlank()) {
            String h = host.strip().toLowerCase(Locale.ROOT);
            if (o.equals(normalize("http://" + h)) || o.equals(normalize("https://" + h))) {
                return true;
            }
        }
        return allowed(origin);
    }

    /** Scheme and host are case-insensitive; browsers leave out a default port and never send a trailing slash. */
    static String normalize(String origin) {
        String o = origin.strip().toLowerCase(Locale.ROOT);
        o = o.endsWith("/") ? o.substring(0, o.length() - 1) : o;
        if (o.startsWith("http://") && o.endsWith(":80")) {
            return o.substring(0, o.length() - 3);
        }
        return o.startsWith("https://") && o.endsWith(":443") ? o.substring(0, o.length() - 4) : o;
    }
}
