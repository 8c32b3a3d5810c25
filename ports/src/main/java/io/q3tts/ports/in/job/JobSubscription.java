package io.q3tts.ports.in.job;

/** A listener's registration with a job; closing it stops the events. */
@FunctionalInterface
public interface JobSubscription extends AutoCloseable {

    /** Detaches the listener. Idempotent, never throws. */
    @Override
    void close();
}
