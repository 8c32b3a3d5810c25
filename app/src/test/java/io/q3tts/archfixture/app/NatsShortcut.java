package io.q3tts.archfixture.app;

import io.nats.client.Options;

/** A violation: composition code building a NATS client itself instead of going through the queue adapter. */
public final class NatsShortcut {

    private NatsShortcut() {
    }

    /** @return NATS options, which only the queue adapter may build */
    public static Options options() {
        return new Options.Builder().build();
    }
}
