package io.q3tts.ports.out.time;

import java.time.Duration;
import java.time.Instant;

/**
 * Driven port: the current time. The domain never reads the system clock itself, so the
 * scheduler's deadlines, retry-after estimates and the idle unloading of models can be tested
 * with a fake clock.
 *
 * <p>Implementations are thread-safe and never go backwards by more than the system clock does.
 */
@FunctionalInterface
public interface Clock {

    /** @return the current instant, never null */
    Instant now();

    /**
     * @param since an earlier instant, never null
     * @return the time elapsed since then, never negative
     */
    default Duration since(Instant since) {
        Duration d = Duration.between(since, now());
        return d.isNegative() ? Duration.ZERO : d;
    }

    /** @return the wall clock ({@link Instant#now()}) */
    static Clock system() {
        return Instant::now;
    }
}
