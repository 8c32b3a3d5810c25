package io.q3tts.adapters.http;

import io.q3tts.ports.in.job.JobEvent;
import io.q3tts.ports.in.job.JobListener;
import io.q3tts.ports.in.job.JobView;
import io.q3tts.ports.model.CancelledException;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.Function;

/**
 * Runs a blocking synthesis on its own virtual thread and hands its events to the thread that
 * writes them to the client. The job's listener only enqueues (it sits on the generation path);
 * the writer takes items in order: the admission, progress, audio chunks as the engine's streaming
 * decoder produces them, and finally the outcome or the failure.
 */
final class AudioPipe implements JobListener {

    /** What the writer receives. */
    sealed interface Item {
    }

    /** The job's first snapshot: it passed validation and is queued (or running). */
    record Admitted(JobView job) implements Item {
    }

    /** A later state change or progress. */
    record Update(JobEvent event) implements Item {
    }

    /** Decoded audio. */
    record Chunk(JobEvent.Audio audio) implements Item {
    }

    /** The blocking call returned. */
    record Done(Object outcome) implements Item {
    }

    /** The blocking call threw. */
    record Failed(RuntimeException error) implements Item {
    }

    private final BlockingQueue<Item> queue = new LinkedBlockingQueue<>();
    private boolean admitted;

    private AudioPipe() {
    }

    /**
     * @param call the blocking use-case call, given this pipe as its listener
     * @return the pipe, already running
     */
    static AudioPipe start(Function<JobListener, Object> call) {
        AudioPipe pipe = new AudioPipe();
        Thread.ofVirtual().name("q3tts-http-synthesis").start(() -> {
            try {
                pipe.queue.add(new Done(call.apply(pipe)));
            } catch (RuntimeException e) {
                pipe.queue.add(new Failed(e));
            }
        });
        return pipe;
    }

    @Override
    public void onEvent(JobEvent event) {
        switch (event) {
            case JobEvent.StateChanged s when !admitted -> {
                admitted = true;
                queue.add(new Admitted(s.job()));
            }
            case JobEvent.Audio a -> queue.add(new Chunk(a));
            default -> queue.add(new Update(event));
        }
    }

    /** @return the next item, waiting for it */
    Item next() {
        try {
            return queue.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CancelledException("The request was interrupted.");
        }
    }

    /**
     * Waits for admission, so that validation errors (unknown speaker, full queue) still become a
     * proper status before the streamed response commits to 200.
     *
     * @return the admitted job
     * @throws RuntimeException whatever the call failed with before admission
     */
    JobView awaitAdmission() {
        while (true) {
            Item item = next();
            if (item instanceof Admitted a) {
                return a.job();
            }
            if (item instanceof Failed f) {
                throw f.error();
            }
            if (item instanceof Done d) {
                throw new IllegalStateException("the synthesis finished without reporting its job: " + d);
            }
        }
    }
}
