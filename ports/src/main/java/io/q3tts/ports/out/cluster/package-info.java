/**
 * Driven port for spreading GPU work over several processes: {@link io.q3tts.ports.out.cluster.StepQueue}
 * carries {@link io.q3tts.ports.out.cluster.Step}s from the process that accepted a job to worker
 * processes that serve the step's model, and their {@link io.q3tts.ports.out.cluster.StepResult}s back.
 * The domain decides what a step is and how a worker runs it; the adapter decides the transport.
 */
package io.q3tts.ports.out.cluster;
