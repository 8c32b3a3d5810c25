/**
 * Driven port: durable records of asynchronous jobs ({@code POST /api/v1/jobs}), so that a job a
 * client was told about (202) is never forgotten by a crash.
 */
package io.q3tts.ports.out.job;
