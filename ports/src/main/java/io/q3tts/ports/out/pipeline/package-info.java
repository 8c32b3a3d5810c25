/**
 * Driven port for pipeline runs that must survive a restart: the submitted request and the
 * checkpoints of finished steps ({@link io.q3tts.ports.out.pipeline.PipelineRunStore}).
 */
package io.q3tts.ports.out.pipeline;
