package io.q3tts.adapters.http;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * The one gate every HTTP request and WebSocket upgrade passes before any route runs, whatever
 * route it is (core, OpenAI, plugin, web page, asset, socket), so a route added later is covered
 * without doing anything. Three checks, in this order:
 * <ol>
 *   <li><b>Host.</b> The {@code Host} header must be an IP literal, a loopback name
 *       ({@code localhost}, {@code *.localhost}), the bind address, or a name in
 *       {@code http.allowed_hosts}. A web page that rebinds its own domain to this machine (DNS
 *       rebinding) is addressed by that domain, so its requests are refused. IP literals are safe: a
 *       page can reach them only cross-origin, which the browser and the next check police.</li>
 *   <li><b>Cross-site.</b> A state-changing request (anything but GET, HEAD, OPTIONS) and every
 *       WebSocket upgrade (browsers apply no CORS to sockets) whose {@code Origin} is neither this
 *       server's own origin nor listed in {@code http.cors_origins}, or that has no {@code Origin} but
 *       a {@code Sec-Fetch-Site} of {@code cross-site}/{@code same-site}, is refused. Browsers send
 *       {@code Origin} on every cross-origin POST, form posts and "simple" {@code text/plain} requests
 *       included, so no page can have an effect here; non-browser clients (curl, the OpenAI SDKs) send
 *       neither header and pass unchanged. A JSON-only rule would have broken {@code curl -F} uploads.</li>
 *   <li><b>API key</b>, when {@code auth.api_keys} is set: {@code Authorization: Bearer <key>} (what the
 *       OpenAI clients send), the {@code access_token} query parameter (for WebSockets, audio elements
 *       and downloads, which cannot carry headers), or the session cookie the login page obtains. The
 *       web UI's scripts and styles ({@code /ui/...}) and CORS preflights need none. Keys are compared
 *       in constant time (digests, so the length does not leak either) and never logged.</li>
 * </ol>
 *
 * <p>Thread-safe: the configuration is immutable; sessions live in a synchronized bounded set.
 */
final class AccessGuard {

    /** The path that turns a key into a browser session (POST) and ends it (DELETE). */
    static final String SESSION_PATH = "/api/v1/auth/session";
    /** The query parameter that carries a key where no header can be set. */
    static final String TOKEN_PARAM = "access_token";

    private static final Set<String> SAFE_METHODS = Set.of("GET", "HEAD", "OPTIONS");
    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
    private static final int MAX_SESSIONS = 1000;

    /**
     * What a request looks like to the guard, independent of the framework.
     *
     * @param method the HTTP method, upper-case ({@code GET} for a WebSocket upgrade)
     * @param path the request path
     * @param header a header by name (case-insensitive), or null
     * @param query a query parameter by name, or null
     * @param cookie a cookie by name, or null
     * @param socket whether this is a WebSocket upgrade
     */
    record Request(String method, String path, Function<String, String> header, Function<String, String> query,
                   Function<String, String> cookie, boolean socket) {
    }

    /**
     * A refused request.
     *
     * @param failure the status and the error body
     * @param headers extra response headers ({@code WWW-Authenticate})
     * @param loginPage whether a browser navigation should get the login page instead of JSON
     */
    record Refusal(ErrorMapping.Failure failure, Map<String, String> headers, boolean loginPage) {
    }

    private final AccessConfig config;
    private final Cors cors;
    private final Set<String> exactHosts;
    private final List<String> domainSuffixes;
    private final boolean anyHost;
    private final List<byte[]> keyDigests;
    private final String cookieName;
    private final Set<String> sessions = java.util.Collections.synchronizedSet(new LinkedHashSet<>());
    private final SecureRandom random = new SecureRandom();

    /**
     * @param config allowed names and keys
     * @param cors the cross-origin policy (the origins allowed besides the server's own)
     * @param bindHost the address the server binds, allowed as a {@code Host} name too
     * @param port the configured port, part of the session cookie's name (cookies ignore ports, and two
     *     servers on one machine must not overwrite each other's); 0 gets a random suffix
     */
    AccessGuard(AccessConfig config, Cors cors, String bindHost, int port) {
        this.config = config;
        this.cors = cors;
        Set<String> exact = new LinkedHashSet<>(List.of("localhost"));
        exact.add(hostName(bindHost));
        List<String> suffixes = new java.util.ArrayList<>(List.of(".localhost"));
        boolean any = false;
        for (String h : config.allowedHosts()) {
            if (h.equals("*")) {
                any = true;
            } else if (h.startsWith(".")) {
                suffixes.add(h);
                exact.add(h.substring(1));
            } else {
                exact.add(hostName(h));
            }
        }
        this.exactHosts = Set.copyOf(exact);
        this.domainSuffixes = List.copyOf(suffixes);
        this.anyHost = any;
        this.keyDigests = config.apiKeys().stream().map(AccessGuard::digest).toList();
        this.cookieName = "q3tts_session_" + (port != 0 ? Integer.toString(port) : Integer.toHexString(random.nextInt()));
    }

    /** @return whether requests need a key */
    boolean keysRequired() {
        return config.keysRequired();
    }

    /**
     * The first check only, before CORS preflights are answered: a preflight from a rebinding page
     * must not learn anything either.
     *
     * @param r the request
     * @return null when the {@code Host} is allowed, else the refusal
     */
    Refusal checkHost(Request r) {
        String host = r.header().apply("Host");
        if (host == null || host.isBlank() || hostAllowed(host)) {
            return null;
        }
        String name = hostName(host);
        return refuse(403, "FORBIDDEN", "Host", "This server does not answer to the name '" + name + "' (a web page "
                + "could use such a name to reach it: DNS rebinding). To allow it, add it to " + AccessConfig.ALLOWED_HOSTS_KEY
                + " in configs/*.yaml or to the " + AccessConfig.ALLOWED_HOSTS_ENV + " environment variable "
                + "(comma-separated), or use the IP address.");
    }

    /**
     * The cross-site and key checks, after the host check and the CORS preflight.
     *
     * @param r the request
     * @return null when the request may go on, else the refusal
     */
    Refusal checkRest(Request r) {
        Refusal crossSite = checkCrossSite(r);
        return crossSite != null ? crossSite : checkKey(r);
    }

    private Refusal checkCrossSite(Request r) {
        if (!r.socket() && SAFE_METHODS.contains(r.method())) {
            return null;
        }
        String origin = r.header().apply("Origin");
        String what = r.socket() ? "open this server's WebSockets" : "change anything on this server";
        if (origin != null && !origin.isBlank()) {
            if (sameOrigin(origin, r.header().apply("Host")) || cors.allowed(origin)) {
                return null;
            }
            return refuse(403, "FORBIDDEN", "Origin", "Pages of " + origin + " may not " + what + ". To allow a "
                    + "web UI served there (remote mode), add that origin to http.cors_origins in configs/*.yaml or to "
                    + "the Q3TTS_HTTP_CORS_ORIGINS environment variable.");
        }
        String site = r.header().apply("Sec-Fetch-Site");
        if (site != null && (site.equalsIgnoreCase("cross-site") || site.equalsIgnoreCase("same-site"))) {
            return refuse(403, "FORBIDDEN", "Origin", "A page of another site may not " + what
                    + " (Sec-Fetch-Site: " + site + ", no Origin).");
        }
        return null;
    }

    private Refusal checkKey(Request r) {
        if (!config.keysRequired() || (r.method().equals("GET") && r.path().startsWith("/ui/"))) {
            return null;
        }
        String presented = bearer(r.header().apply("Authorization"));
        if (presented == null) {
            presented = r.query().apply(TOKEN_PARAM);
        }
        if (presented != null) {
            if (keyMatches(presented)) {
                return null;
            }
            return new Refusal(ErrorMapping.failure(401, "UNAUTHORIZED", "The API key is not valid.", "Authorization"),
                    Map.of("WWW-Authenticate", "Bearer error=\"invalid_token\""), false);
        }
        String session = r.cookie().apply(cookieName);
        if (session != null && sessions.contains(hash(session))) {
            return null;
        }
        String accept = r.header().apply("Accept");
        boolean page = !r.socket() && r.method().equals("GET") && accept != null && accept.contains("text/html");
        return new Refusal(ErrorMapping.failure(401, "UNAUTHORIZED", "This server needs an API key: send "
                + "'Authorization: Bearer <key>' (OpenAI clients: api_key), or the access_token query parameter where "
                + "no header can be set; the web UI asks for it on its login page.", "Authorization"),
                Map.of("WWW-Authenticate", "Bearer"), page);
    }

    /**
     * Starts a browser session for a request that already passed {@link #checkKey}.
     *
     * @param secure whether the request came over HTTPS (the cookie is then marked Secure)
     * @return the {@code Set-Cookie} value
     */
    String newSession(boolean secure) {
        byte[] b = new byte[32];
        random.nextBytes(b);
        String token = HexFormat.of().formatHex(b);
        synchronized (sessions) {
            if (sessions.size() >= MAX_SESSIONS) {
                sessions.remove(sessions.iterator().next());
            }
            sessions.add(hash(token));
        }
        return cookieName + "=" + token + "; Path=/; HttpOnly; SameSite=Strict" + (secure ? "; Secure" : "");
    }

    /**
     * Ends the request's browser session, if any.
     *
     * @param cookie the request's cookies by name
     * @return the {@code Set-Cookie} value that clears the cookie
     */
    String endSession(Function<String, String> cookie) {
        String session = cookie.apply(cookieName);
        if (session != null) {
            sessions.remove(hash(session));
        }
        return cookieName + "=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0";
    }

    private boolean keyMatches(String presented) {
        byte[] d = digest(presented);
        boolean match = false;
        for (byte[] k : keyDigests) {
            // Every key is compared, and each comparison takes the same time: nothing to time.
            match |= MessageDigest.isEqual(k, d);
        }
        return match;
    }

    private static String bearer(String authorization) {
        if (authorization == null) {
            return null;
        }
        String a = authorization.strip();
        return a.regionMatches(true, 0, "Bearer ", 0, 7) ? a.substring(7).strip() : null;
    }

    private boolean hostAllowed(String hostHeader) {
        String name = hostName(hostHeader);
        if (anyHost || exactHosts.contains(name) || isIpLiteral(name)) {
            return true;
        }
        return domainSuffixes.stream().anyMatch(name::endsWith);
    }

    /** Whether {@code origin} is {@code http(s)://} plus exactly the name and port the request was sent to. */
    private static boolean sameOrigin(String origin, String host) {
        if (host == null || host.isBlank()) {
            return false;
        }
        String o = Cors.normalize(origin);
        String h = host.strip().toLowerCase(Locale.ROOT);
        return o.equals(Cors.normalize("http://" + h)) || o.equals(Cors.normalize("https://" + h));
    }

    /** The name part of a {@code Host} header or bind address: lower-case, without port or IPv6 brackets' port. */
    static String hostName(String host) {
        String h = host.strip().toLowerCase(Locale.ROOT);
        if (h.startsWith("[")) {
            int end = h.indexOf(']');
            return end < 0 ? h : h.substring(0, end + 1);
        }
        int colon = h.indexOf(':');
        if (colon >= 0 && h.indexOf(':', colon + 1) < 0) {
            h = h.substring(0, colon);
        } else if (colon >= 0) {
            h = "[" + h + "]";
        }
        return h.endsWith(".") ? h.substring(0, h.length() - 1) : h;
    }

    private static boolean isIpLiteral(String name) {
        return IPV4.matcher(name).matches() || name.startsWith("[") && name.endsWith("]");
    }

    /**
     * @param host a bind address
     * @return whether only this machine can connect to it
     */
    static boolean isLoopback(String host) {
        String h = host.strip();
        if (h.startsWith("[") && h.endsWith("]")) {
            h = h.substring(1, h.length() - 1);
        }
        try {
            return InetAddress.getByName(h).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    private static Refusal refuse(int status, String type, String field, String message) {
        return new Refusal(ErrorMapping.failure(status, type, message, field), Map.of(), false);
    }

    private static byte[] digest(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    private static String hash(String s) {
        return HexFormat.of().formatHex(digest(s));
    }

    /** The page a browser gets instead of a 401 body when it opens a web UI page without a key. */
    static String loginPage() {
        return """
                <!doctype html>
                <html lang="en"><head><meta charset="utf-8"><title>q3tts: sign in</title>
                <meta name="viewport" content="width=device-width, initial-scale=1">
                <style>body{font-family:system-ui,sans-serif;max-width:26rem;margin:5rem auto;padding:0 1rem}
                input,button{font:inherit;padding:.4rem;width:100%;box-sizing:border-box;margin:.3rem 0}
                #error{color:#b00020}</style></head>
                <body><h1>q3tts</h1><p>This server needs an API key (<code>auth.api_keys</code>).</p>
                <form id="login"><label for="key">API key</label>
                <input id="key" name="key" type="password" autocomplete="current-password" required autofocus>
                <button type="submit">Sign in</button><p id="error" role="alert"></p></form>
                <script>
                document.getElementById('login').addEventListener('submit', async (e) => {
                  e.preventDefault();
                  const key = document.getElementById('key').value.trim();
                  const r = await fetch('/api/v1/auth/session', {method: 'POST',
                      headers: {'Authorization': 'Bearer ' + key, 'Content-Type': 'application/json'}});
                  if (r.ok) { location.reload(); return; }
                  let msg = 'Sign-in failed (' + r.status + ').';
                  try { msg = (await r.json()).error || msg; } catch (ignored) { }
                  document.getElementById('error').textContent = msg;
                });
                </script></body></html>
                """;
    }
}
