package io.q3tts.domain.testing;

import io.q3tts.ports.out.pipeline.PipelineRunStore;
import io.q3tts.ports.out.pipeline.StoredPipelineRun;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** Pipeline runs in maps; survives a "restart" when the same instance is handed to a new core. */
public final class InMemoryPipelineRunStore implements PipelineRunStore {

    public final Map<String, StoredPipelineRun> runs = new ConcurrentHashMap<>();
    public final Map<String, Map<String, byte[]>> checkpoints = new ConcurrentHashMap<>();

    @Override
    public void create(StoredPipelineRun run) {
        if (runs.putIfAbsent(run.runId(), run) != null) {
            throw new IllegalStateException("exists");
        }
        checkpoints.put(run.runId(), new ConcurrentHashMap<>());
    }

    @Override
    public List<StoredPipelineRun> list() {
        List<StoredPipelineRun> out = new ArrayList<>(runs.values());
        out.sort(Comparator.comparing(StoredPipelineRun::createdAt).thenComparing(StoredPipelineRun::runId));
        return out;
    }

    @Override
    public Optional<StoredPipelineRun> find(String runId) {
        return Optional.ofNullable(runs.get(runId));
    }

    @Override
    public Optional<byte[]> readCheckpoint(String runId, String key) {
        return Optional.ofNullable(checkpoints.getOrDefault(runId, Map.of()).get(key));
    }

    @Override
    public void writeCheckpoint(String runId, String key, byte[] data) {
        Map<String, byte[]> m = checkpoints.get(runId);
        if (m == null) {
            throw new IllegalStateException("no run " + runId);
        }
        m.put(key, data.clone());
    }

    @Override
    public int checkpointCount(String runId) {
        return checkpoints.getOrDefault(runId, Map.of()).size();
    }

    @Override
    public void markFailed(String runId, boolean failed) {
        StoredPipelineRun r = runs.get(runId);
        if (r == null) {
            throw new IllegalStateException("no run " + runId);
        }
        runs.put(runId, new StoredPipelineRun(r.runId(), r.pipelineId(), r.payload(), r.createdAt(), failed));
    }

    @Override
    public void delete(String runId) {
        runs.remove(runId);
        checkpoints.remove(runId);
    }
}
