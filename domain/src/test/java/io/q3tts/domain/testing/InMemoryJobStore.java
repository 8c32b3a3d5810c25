package io.q3tts.domain.testing;

import io.q3tts.ports.out.job.JobStore;
import io.q3tts.ports.out.job.StoredJob;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A {@link JobStore} in a map; {@link #copy()} is what a crash leaves on disk at that moment. */
public final class InMemoryJobStore implements JobStore {

    private final Map<String, StoredJob> jobs = new LinkedHashMap<>();

    @Override
    public synchronized void save(StoredJob job) {
        jobs.put(job.id(), job);
    }

    @Override
    public synchronized List<StoredJob> list() {
        List<StoredJob> out = new ArrayList<>(jobs.values());
        out.sort(Comparator.comparing(StoredJob::submittedAt).thenComparing(StoredJob::id));
        return out;
    }

    @Override
    public synchronized void delete(String id) {
        jobs.remove(id);
    }

    /** @return a store holding the same records now */
    public synchronized InMemoryJobStore copy() {
        InMemoryJobStore c = new InMemoryJobStore();
        c.jobs.putAll(jobs);
        return c;
    }
}
