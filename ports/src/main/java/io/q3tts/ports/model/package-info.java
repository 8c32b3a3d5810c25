/**
 * Shared vocabulary of all ports, driving and driven alike: the error hierarchy
 * ({@link io.q3tts.ports.model.Q3ttsException} and its subclasses, each tagged with an
 * {@link io.q3tts.ports.model.ErrorType}), the cooperative
 * {@link io.q3tts.ports.model.CancellationToken}, and the small value types both sides exchange
 * (audio: {@link io.q3tts.ports.model.PcmAudio}, {@link io.q3tts.ports.model.EncodedAudio},
 * {@link io.q3tts.ports.model.AudioUpload}, {@link io.q3tts.ports.model.AudioFormat}; models:
 * {@link io.q3tts.ports.model.ModelTask}; tokenizer codes: {@link io.q3tts.ports.model.SpeechCodes};
 * id rules: {@link io.q3tts.ports.model.Ids}).
 *
 * <p>Depends on the JDK only. Everything here is immutable and thread-safe unless stated.
 */
package io.q3tts.ports.model;
