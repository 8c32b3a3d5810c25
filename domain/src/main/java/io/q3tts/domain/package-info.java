/**
 * The domain: policy, no technology. {@link io.q3tts.domain.Q3ttsCore} assembles the services that
 * implement the driving ports ({@code io.q3tts.ports.in}) on top of the driven ports
 * ({@code io.q3tts.ports.out}). Depends on {@code io.q3tts.ports} and the JDK only (checked by the
 * Maven enforcer and by ArchUnit); logs through {@link java.lang.System.Logger}.
 */
package io.q3tts.domain;
