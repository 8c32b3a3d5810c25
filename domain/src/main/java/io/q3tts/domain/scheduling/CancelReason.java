package io.q3tts.domain.scheduling;

/** Why a ticket's cancellation token fired. */
public enum CancelReason {
    /** A caller asked ({@code CancelJobUseCase}, a client disconnect). */
    USER,
    /** The job ran longer than {@link SchedulerPolicy#maxRunTime()}. */
    TIMEOUT,
    /** The scheduler is shutting down. */
    SHUTDOWN
}
