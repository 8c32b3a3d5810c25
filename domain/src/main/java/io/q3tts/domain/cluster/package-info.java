/**
 * Scale-out policy over the {@code StepQueue} port. On the accepting process,
 * {@link io.q3tts.domain.cluster.ClusterModelLoader} stands in for the engine: its models'
 * synthesizers and prompt encoders send each call as a step to the queue, so every job, pipeline
 * step, checkpoint and output stays in this process and only the GPU work moves. On a worker,
 * {@link io.q3tts.domain.cluster.StepRunner} runs delivered steps through the local GPU policy
 * (lane slots, residency), exactly as a local job would.
 */
package io.q3tts.domain.cluster;
