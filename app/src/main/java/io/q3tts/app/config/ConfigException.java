package io.q3tts.app.config;

import java.util.List;

/**
 * The configuration cannot be used. The message lists every problem, one per line, each naming the
 * key and the source of its value, e.g.
 * {@code server.port (from Q3TTS_SERVER_PORT): must be 1-65535, got 'abc'}.
 */
public final class ConfigException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** The individual problems (not serialized: the message holds them too). */
    private final transient List<String> problems;

    /** @param problems one message per problem, not empty */
    public ConfigException(List<String> problems) {
        super(problems.size() == 1 ? "Invalid configuration: " + problems.getFirst()
                : "Invalid configuration:\n  " + String.join("\n  ", problems));
        this.problems = List.copyOf(problems);
    }

    /** @return one message per problem */
    public List<String> problems() {
        return problems;
    }
}
