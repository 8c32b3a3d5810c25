/**
 * Driving ports for pipelines: long, multi-step work of a plugin (narrate a book, read a script,
 * build an NPC pack, voice a subtitle file) that runs as one job of kind
 * {@link io.q3tts.ports.in.job.JobKind#PIPELINE}. Each step is an ordinary synthesis job, so the GPU
 * policy still applies step by step; the pipeline job itself holds no GPU slot.
 *
 * <p>A plugin registers a {@link io.q3tts.ports.in.pipeline.PipelineHandler} once, then submits
 * serialized requests ({@link io.q3tts.ports.in.pipeline.PipelineJobsUseCase}). The request is
 * persisted, finished steps are checkpointed ({@link io.q3tts.ports.in.pipeline.PipelineContext}),
 * and an interrupted run (crash, restart) resumes from its checkpoints when the service starts
 * again. The result becomes one output: a main track plus named files (per-step audio, manifests).
 */
package io.q3tts.ports.in.pipeline;
