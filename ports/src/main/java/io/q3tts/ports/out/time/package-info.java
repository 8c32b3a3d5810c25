/**
 * Driven port for time: {@link io.q3tts.ports.out.time.Clock}. Adapters: the system clock in
 * production, a settable fake in tests.
 */
package io.q3tts.ports.out.time;
