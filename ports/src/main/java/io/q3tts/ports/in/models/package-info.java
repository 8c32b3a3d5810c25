/**
 * Driving ports for installed models: list and inspect them ({@link io.q3tts.ports.in.models.ModelView},
 * including the random-weight flag and residency), load and unload them. Which models stay resident
 * is otherwise decided by the domain's residency policy (at most N resident, LRU eviction, idle unload).
 */
package io.q3tts.ports.in.models;
