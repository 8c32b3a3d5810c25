/**
 * The output history: {@link io.q3tts.domain.output.OutputService} implements the output use cases;
 * {@link io.q3tts.domain.output.AudioConversion} re-encodes stored WAV into the requested container.
 */
package io.q3tts.domain.output;
