/**
 * Driving ports: the use cases the outside world (HTTP, CLI, plugins) calls, one subpackage per
 * area: {@code synthesis}, {@code job}, {@code voice}, {@code output}, {@code models},
 * {@code tokenizer}. Interfaces are {@code <Verb><Noun>UseCase} with one method; inputs are
 * self-validating command records that throw {@code InvalidArgumentException} naming the API field.
 *
 * <p>Implemented by the domain. Driving ports never depend on the driven ports in
 * {@code io.q3tts.ports.out}; both share only {@link io.q3tts.ports.model}.
 */
package io.q3tts.ports.in;
