/**
 * Driven ports: what the q3tts core needs from the outside world, one subpackage per concern.
 */
package io.q3tts.ports.out;
