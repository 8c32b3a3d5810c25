package io.q3tts.plugins.testkit;

import io.q3tts.ports.in.job.JobError;
import io.q3tts.ports.in.job.JobId;
import io.q3tts.ports.in.job.JobKind;
import io.q3tts.ports.in.job.JobListener;
import io.q3tts.ports.in.job.JobProgress;
import io.q3tts.ports.in.job.JobResult;
import io.q3tts.ports.in.job.JobState;
import io.q3tts.ports.in.job.JobTimings;
import io.q3tts.ports.in.job.JobView;
import io.q3tts.ports.in.pipeline.PipelineContext;
import io.q3tts.ports.in.pipeline.PipelineHandler;
import io.q3tts.ports.in.pipeline.PipelineJobsUseCase;
import io.q3tts.ports.in.pipeline.PipelineOutput;
import io.q3tts.ports.in.pipeline.PipelineWork;
import io.q3tts.ports.model.CancellationToken;
import io.q3tts.ports.model.CancelledException;
import io.q3tts.ports.model.ConflictException;
import io.q3tts.ports.model.Ids;
import io.q3tts.ports.model.NotFoundException;
import io.q3tts.ports.model.Q3ttsException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A {@link PipelineJobsUseCase} for plugin unit tests: runs a submitted pipeline at once on the
 * caller's thread (a run that throws a {@code Q3ttsException} comes back FAILED or CANCELLED, with
 * its checkpoints kept for {@link #resumePipeline}; any other exception propagates), keeps checkpoints in memory (so a test can fail a run part-way, resume it and
 * see which steps ran again) and records every output and progress report.
 *
 * <p>Not the host's implementation (that queues and persists); use it to test a plugin's own logic.
 */
public final class InlinePipelineJobs implements PipelineJobsUseCase {

    private final Map<String, PipelineHandler> handlers = new ConcurrentHashMap<>();
    private final Map<String, Map<String, byte[]>> checkpoints = new ConcurrentHashMap<>();
    private final Map<String, byte[]> payloads = new ConcurrentHashMap<>();
    private final Map<String, String> pipelineOf = new ConcurrentHashMap<>();
    private final Map<String, PipelineOutput> outputs = new LinkedHashMap<>();
    private final List<String> progress = new ArrayList<>();
    private final List<RuntimeException> failures = new ArrayList<>();
    private int next;

    @Override
    public void registerPipeline(String pipelineId, PipelineHandler handler) {
        handlers.put(Ids.requireSafe(pipelineId, "pipeline"), handler);
    }

    @Override
    public JobView submitPipeline(String pipelineId, byte[] payload) {
        PipelineHandler handler = handlers.get(pipelineId);
        if (handler == null) {
            throw new NotFoundException("pipeline", "No pipeline '" + pipelineId + "' is registered.");
        }
        PipelineWork work = handler.prepare(payload.clone());
        String id;
        synchronized (this) {
            id = "job-" + (++next);
        }
        payloads.put(id, payload.clone());
        pipelineOf.put(id, pipelineId);
        checkpoints.put(id, new ConcurrentHashMap<>());
        return run(id, pipelineId, work, 0);
    }

    @Override
    public JobView resumePipeline(JobId jobId) {
        String id = jobId.value();
        if (!payloads.containsKey(id)) {
            throw new NotFoundException("job_id", "No unfinished pipeline run '" + id + "'.");
        }
        if (outputs.containsKey(id)) {
            throw new ConflictException("job_id", "Run '" + id + "' already finished.");
        }
        String pipelineId = pipelineOf.get(id);
        PipelineWork work = handlers.get(pipelineId).prepare(payloads.get(id).clone());
        return run(id, pipelineId, work, checkpoints.get(id).size());
    }

    private JobView run(String id, String pipelineId, PipelineWork work, int resumed) {
        JobId jobId = new JobId(id);
        Map<String, byte[]> store = checkpoints.get(id);
        PipelineContext context = new PipelineContext() {
            @Override
            public JobId jobId() {
                return jobId;
            }

            @Override
            public CancellationToken cancellation() {
                return CancellationToken.none();
            }

            @Override
            public void progress(int done, int total, String stage) {
                synchronized (InlinePipelineJobs.this) {
                    progress.add(done + "/" + total + " " + stage);
                }
            }

            @Override
            public JobListener stepListener() {
                return JobListener.NONE;
            }

            @Override
            public Optional<byte[]> checkpoint(String key) {
                return Optional.ofNullable(store.get(Ids.requireSafe(key, "key")));
            }

            @Override
            public void saveCheckpoint(String key, byte[] data) {
                store.put(Ids.requireSafe(key, "key"), data.clone());
            }

            @Override
            public int resumedCheckpoints() {
                return resumed;
            }
        };
        Instant now = Instant.now();
        try {
            PipelineOutput output = work.run(context);
            synchronized (this) {
                outputs.put(id, output);
            }
            return new JobView(jobId, JobKind.PIPELINE, output.modelId(), output.randomWeights(), work.summary(),
                    JobState.DONE, new JobProgress(0, 0, 0, 1), new JobTimings(now, now, Instant.now()),
                    new JobResult("out-" + id, null), null, pipelineId);
        } catch (Q3ttsException e) {
            synchronized (this) {
                failures.add(e);
            }
            return new JobView(jobId, JobKind.PIPELINE, work.modelId() == null ? "auto" : work.modelId(), false,
                    work.summary(), e instanceof CancelledException ? JobState.CANCELLED : JobState.FAILED,
                    JobProgress.NONE, new JobTimings(now, now, Instant.now()), null, JobError.of(e), pipelineId);
        }
    }

    /** @return the errors runs failed with (a step's {@code Q3ttsException}), in order */
    public synchronized List<RuntimeException> failures() {
        return List.copyOf(failures);
    }

    /** @return the outputs of finished runs by job id, in finishing order */
    public synchronized Map<String, PipelineOutput> outputs() {
        return new LinkedHashMap<>(outputs);
    }

    /** @return every progress report as {@code "done/total stage"}, in order */
    public synchronized List<String> progress() {
        return List.copyOf(progress);
    }

    /**
     * @param jobId a run
     * @return the checkpoint keys it has saved
     */
    public List<String> checkpointKeys(String jobId) {
        return List.copyOf(checkpoints.getOrDefault(jobId, Map.of()).keySet());
    }
}
