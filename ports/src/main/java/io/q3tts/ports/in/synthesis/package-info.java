/**
 * Driving ports for speech synthesis, one use case per task: custom voice, voice design, voice
 * clone, and design-then-clone. Each takes a self-validating command record (which is also a
 * {@link io.q3tts.ports.in.job.JobRequest}, so it can be submitted asynchronously with
 * {@link io.q3tts.ports.in.job.SubmitJobUseCase}) and blocks until the job is done.
 */
package io.q3tts.ports.in.synthesis;
