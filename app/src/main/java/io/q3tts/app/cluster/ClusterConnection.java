package io.q3tts.app.cluster;

import io.q3tts.adapters.queue.nats.NatsStepQueue;
import io.q3tts.app.config.Q3ttsConfig;
import io.q3tts.app.server.ServerSettings;
import io.q3tts.domain.scheduling.SchedulerPolicy;
import io.q3tts.ports.out.cluster.StepQueue;
import java.time.Duration;

/** Builds the cluster pieces from the configuration. */
public final class ClusterConnection {

    private ClusterConnection() {
    }

    /**
     * Connects to the configured NATS server and prepares the queue's stream and stores.
     *
     * @param cluster the {@code cluster.*} settings, enabled
     * @return the queue; the caller closes it
     * @throws io.q3tts.ports.model.UnavailableException with a plain message if NATS cannot be reached
     */
    public static StepQueue connect(Q3ttsConfig.Cluster cluster) {
        return NatsStepQueue.connect(new NatsStepQueue.Settings(cluster.natsUrl(), cluster.credentials(),
                Duration.ofSeconds(cluster.ackWaitSeconds()), cluster.maxDeliver(), Duration.ofHours(cluster.resultTtlHours())));
    }

    /**
     * The accepting server's GPU lane in cluster mode: a job holds a slot while its step is out on the
     * queue, so the slots are the steps dispatched at once ({@code cluster.max_in_flight}); the queue
     * capacity and with it queue positions and 429 stay as configured. Every generation model may be
     * "resident" at once, since a dispatching model holds no memory.
     *
     * @param settings the settings from the configuration
     * @param cluster the {@code cluster.*} settings
     * @return the settings for a dispatching server
     */
    public static ServerSettings dispatchingServer(ServerSettings settings, Q3ttsConfig.Cluster cluster) {
        SchedulerPolicy p = settings.scheduler();
        return settings.withScheduler(new SchedulerPolicy(cluster.maxInFlight(), p.gpuQueueCapacity(), p.tokenizerSlots(),
                p.tokenizerQueueCapacity(), p.initialRunEstimate(), p.cancelGrace(), p.maxRunTime()))
                .withResidency(new io.q3tts.domain.residency.ResidencyPolicy(64, settings.residency().maxResidentTokenizers(),
                        settings.residency().idleUnloadAfter(), settings.residency().evictionTimeout()));
    }
}
