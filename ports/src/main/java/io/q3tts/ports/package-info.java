/**
 * Ports: the framework-free contract between the q3tts core and everything outside it.
 *
 * <p>This module depends on the JDK only. Its packages, each with one role:
 * <ul>
 *   <li>{@link io.q3tts.ports.model}: shared vocabulary (errors, cancellation, audio and id types);</li>
 *   <li>{@code io.q3tts.ports.in.*}: driving ports, the use cases the domain implements;</li>
 *   <li>{@code io.q3tts.ports.out.*}: driven ports, what the domain needs from technology adapters;</li>
 *   <li>{@link io.q3tts.ports.plugin} and {@link io.q3tts.ports.web}: the plugin API.</li>
 * </ul>
 * Driving and driven ports do not depend on each other. See {@code docs/architecture.md}.
 */
package io.q3tts.ports;
