package io.q3tts.adapters.http;

import java.util.List;
import java.util.Locale;

/**
 * Who may reach the server: the host names a request may address it by and the API keys a
 * client must present (docs/security.md).
 *
 * @param allowedHosts extra {@code Host} names besides the always-allowed loopback names and IP
 *     literals: {@code name}, {@code .example.org} (that domain and every sub-domain), or {@code *}
 *     (any name: turns off the DNS-rebinding protection)
 * @param apiKeys keys accepted as {@code Authorization: Bearer <key>}; empty: no key needed. Never
 *     logged ({@link #toString()} leaves them out)
 * @param allowUnauthenticatedRemote start on a non-loopback address without API keys (the operator
 *     said so explicitly; a warning is logged)
 */
public record AccessConfig(List<String> allowedHosts, List<String> apiKeys, boolean allowUnauthenticatedRemote) {

    /** The configuration key that lists extra host names, named in refusals so the user knows what to set. */
    public static final String ALLOWED_HOSTS_KEY = "http.allowed_hosts";
    /** Its environment variable. */
    public static final String ALLOWED_HOSTS_ENV = "Q3TTS_HTTP_ALLOWED_HOSTS";

    /** @throws IllegalArgumentException on a blank key or host */
    public AccessConfig {
        allowedHosts = allowedHosts.stream().map(h -> h.strip().toLowerCase(Locale.ROOT)).toList();
        apiKeys = List.copyOf(apiKeys);
        if (allowedHosts.stream().anyMatch(String::isEmpty) || apiKeys.stream().anyMatch(String::isBlank)) {
            throw new IllegalArgumentException("host names and API keys must not be blank");
        }
    }

    /** @return loopback names and IP literals only, no keys */
    public static AccessConfig defaults() {
        return new AccessConfig(List.of(), List.of(), false);
    }

    /** @return whether requests must carry a key */
    public boolean keysRequired() {
        return !apiKeys.isEmpty();
    }

    @Override
    public String toString() {
        return "AccessConfig[allowedHosts=" + allowedHosts + ", apiKeys=" + apiKeys.size() + " configured"
                + ", allowUnauthenticatedRemote=" + allowUnauthenticatedRemote + "]";
    }
}
