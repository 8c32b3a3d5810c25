package io.q3tts.domain.scheduling;

/**
 * A ticket's place in its lane's queue at some moment.
 *
 * @param position 1-based (1 = next to start); 0 if the ticket is no longer waiting
 * @param version increases with every change of any queue; a listener applies an update only if
 *     its version is newer than the last one it applied, since updates may arrive out of order
 */
public record QueuePosition(int position, long version) {
}
