/**
 * Driving ports for jobs: every synthesis runs as a job that passes the GPU policy (a bounded
 * FIFO queue in front of a fixed number of slots). Submit ({@link io.q3tts.ports.in.job.SubmitJobUseCase}),
 * inspect ({@link io.q3tts.ports.in.job.GetJobUseCase}, {@link io.q3tts.ports.in.job.ListJobsUseCase},
 * {@link io.q3tts.ports.in.job.GetQueueStatusUseCase}), follow
 * ({@link io.q3tts.ports.in.job.WatchJobUseCase}: {@link io.q3tts.ports.in.job.JobEvent}s) and
 * cancel ({@link io.q3tts.ports.in.job.CancelJobUseCase}).
 */
package io.q3tts.ports.in.job;
