package io.q3tts.adapters.http;

import java.util.List;

/**
 * How the HTTP server listens and what it accepts.
 *
 * @param host the interface to bind; {@code 127.0.0.1} by default so nothing is exposed by accident
 * @param port the TCP port; 0 picks a free one (see {@link HttpServer#port()})
 * @param maxUploadBytes the largest uploaded file (multipart part or base64 audio field), &gt; 0;
 *     larger ones are answered 413
 * @param maxBodyBytes the largest JSON or form body, &gt; 0; larger ones are answered 413
 * @param corsOrigins browser origins ({@code http(s)://host[:port]}, or {@code *} for any) whose pages may
 *     call the API cross-origin; empty: same-origin only
 * @param access the allowed host names and the API keys
 */
public record HttpServerConfig(String host, int port, long maxUploadBytes, long maxBodyBytes, List<String> corsOrigins,
                               AccessConfig access) {

    /** The default port. */
    public static final int DEFAULT_PORT = 8080;

    /** @throws IllegalArgumentException on an out-of-range value */
    public HttpServerConfig {
        host = host == null || host.isBlank() ? "127.0.0.1" : host.strip();
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be 0..65535: " + port);
        }
        if (maxUploadBytes <= 0 || maxBodyBytes <= 0) {
            throw new IllegalArgumentException("size limits must be positive");
        }
        corsOrigins = List.copyOf(corsOrigins);
        access = access == null ? AccessConfig.defaults() : access;
    }

    /**
     * Loopback names only, no keys.
     *
     * @param host the interface to bind
     * @param port the TCP port
     * @param maxUploadBytes the largest uploaded file
     * @param maxBodyBytes the largest JSON or form body
     * @param corsOrigins browser origins allowed to call the API cross-origin
     */
    public HttpServerConfig(String host, int port, long maxUploadBytes, long maxBodyBytes, List<String> corsOrigins) {
        this(host, port, maxUploadBytes, maxBodyBytes, corsOrigins, AccessConfig.defaults());
    }

    /**
     * Same-origin only.
     *
     * @param host the interface to bind
     * @param port the TCP port
     * @param maxUploadBytes the largest uploaded file
     * @param maxBodyBytes the largest JSON or form body
     */
    public HttpServerConfig(String host, int port, long maxUploadBytes, long maxBodyBytes) {
        this(host, port, maxUploadBytes, maxBodyBytes, List.of());
    }

    /** @return 127.0.0.1:8080, 10 MiB uploads (as vLLM-Omni), 1 MiB JSON bodies */
    public static HttpServerConfig defaults() {
        return new HttpServerConfig("127.0.0.1", DEFAULT_PORT, 10L * 1024 * 1024, 1024 * 1024);
    }

    /**
     * @param newPort a port
     * @return a copy listening there
     */
    public HttpServerConfig withPort(int newPort) {
        return new HttpServerConfig(host, newPort, maxUploadBytes, maxBodyBytes, corsOrigins, access);
    }

    /**
     * @param bytes the largest upload
     * @return a copy with that limit
     */
    public HttpServerConfig withMaxUploadBytes(long bytes) {
        return new HttpServerConfig(host, port, bytes, maxBodyBytes, corsOrigins, access);
    }

    /**
     * @param origins browser origins allowed to call the API cross-origin
     * @return a copy allowing them
     */
    public HttpServerConfig withCorsOrigins(List<String> origins) {
        return new HttpServerConfig(host, port, maxUploadBytes, maxBodyBytes, origins, access);
    }

    /**
     * @param newAccess allowed host names and API keys
     * @return a copy with them
     */
    public HttpServerConfig withAccess(AccessConfig newAccess) {
        return new HttpServerConfig(host, port, maxUploadBytes, maxBodyBytes, corsOrigins, newAccess);
    }

    /**
     * @param newHost the interface to bind
     * @return a copy binding it
     */
    public HttpServerConfig withHost(String newHost) {
        return new HttpServerConfig(newHost, port, maxUploadBytes, maxBodyBytes, corsOrigins, access);
    }
}
