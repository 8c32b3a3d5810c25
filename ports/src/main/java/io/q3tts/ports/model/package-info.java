/**
 * Shared value types of the ports: the error vocabulary ({@link io.q3tts.ports.model.Q3ttsException}
 * and its subclasses, each tagged with an {@link io.q3tts.ports.model.ErrorType}) and the
 * cooperative {@link io.q3tts.ports.model.CancellationToken}.
 */
package io.q3tts.ports.model;
