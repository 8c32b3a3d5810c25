/**
 * The {@code StepQueue} port on NATS JetStream ({@link io.q3tts.adapters.queue.nats.NatsStepQueue}):
 * steps on a work-queue stream with one durable pull consumer per model, results and travelling
 * voice clips in object stores, progress and cancellation as plain NATS messages. The only module
 * that knows NATS.
 */
package io.q3tts.adapters.queue.nats;
