/**
 * Ports: the framework-free contract between the q3tts core and everything outside it.
 *
 * <p>This module depends on the JDK only. Shared value types and the error vocabulary live in
 * {@link io.q3tts.ports.model}; driven ports (what the core needs from technology adapters)
 * live under {@code io.q3tts.ports.out}.
 */
package io.q3tts.ports;
