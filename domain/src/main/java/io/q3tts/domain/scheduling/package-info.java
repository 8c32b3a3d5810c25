/**
 * The GPU policy: {@link io.q3tts.domain.scheduling.WorkScheduler} admits work into lanes
 * ({@link io.q3tts.domain.scheduling.Lane}: generation, tokenizer) with fixed slots and bounded FIFO
 * queues, refuses overflow with a retry-after estimate, cancels, enforces run-time limits and
 * abandons workers that ignore cancellation. Numbers come from
 * {@link io.q3tts.domain.scheduling.SchedulerPolicy}; time from the injected clock.
 */
package io.q3tts.domain.scheduling;
