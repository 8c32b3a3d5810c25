/**
 * Driven ports: what the q3tts core needs from the outside world, one subpackage per concern:
 * {@code inference} (speech synthesis, clone prompts), {@code catalog} (installed model bundles and
 * loading them), {@code tokenizer} (the speech codec), {@code voice} (voice library),
 * {@code output} (generated-audio history), {@code audio} (containers), {@code time} (clock).
 *
 * <p>Driven ports never depend on the driving ports in {@code io.q3tts.ports.in} (and vice versa);
 * both share only {@link io.q3tts.ports.model}.
 */
package io.q3tts.ports.out;
