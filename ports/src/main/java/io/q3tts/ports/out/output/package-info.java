/**
 * Driven port for the output history: {@link io.q3tts.ports.out.output.OutputRepository}, one
 * folder per run ({@link io.q3tts.ports.out.output.OutputRun}) with audio and metadata JSON
 * ({@link io.q3tts.ports.out.output.OutputRecord}).
 */
package io.q3tts.ports.out.output;
