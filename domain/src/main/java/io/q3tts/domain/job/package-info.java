/**
 * Jobs: {@link io.q3tts.domain.job.JobService} implements the job use cases on top of the
 * scheduler; a job's state machine and ordered event delivery live in {@code Job}; what a job
 * actually does is supplied by a {@link io.q3tts.domain.job.JobRunner}.
 */
package io.q3tts.domain.job;
