/**
 * Pipelines as jobs: registers the plugins' pipeline handlers, persists each submitted request and
 * its step checkpoints (driven port {@code PipelineRunStore}), runs pipelines on their own small
 * lane (their steps queue for the GPU like any job), stores the result as one output with its files,
 * and resumes interrupted runs at start-up.
 */
package io.q3tts.domain.pipeline;
