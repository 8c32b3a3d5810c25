/**
 * Scale-out wiring: {@link io.q3tts.app.cluster.ClusterConnection} turns the {@code cluster.*}
 * configuration into the NATS work queue and the accepting server's dispatch policy;
 * {@link io.q3tts.app.cluster.WorkerCommand} is {@code q3tts worker}, a process that serves its
 * models' steps from the queue (docs/scale-out.md).
 */
package io.q3tts.app.cluster;
