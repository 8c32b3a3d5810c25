package io.q3tts.domain;

import io.q3tts.domain.testing.Gate;
import io.q3tts.ports.in.job.GetQueueStatusUseCase;
import io.q3tts.ports.in.job.JobListener;
import io.q3tts.ports.in.job.SubmitJobCommand;
import io.q3tts.ports.in.job.SubmitJobUseCase;
import io.q3tts.ports.model.CancellationToken;
import static io.q3tts.domain.testing.FakeCatalog.model;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.q3tts.domain.residency.ResidencyPolicy;
import io.q3tts.domain.scheduling.SchedulerPolicy;
import io.q3tts.domain.testing.Await;
import io.q3tts.domain.testing.FakeAudioCodec;
import io.q3tts.domain.testing.FakeCatalog;
import io.q3tts.domain.testing.FakeClock;
import io.q3tts.domain.testing.FakeLoader;
import io.q3tts.domain.testing.FakeSynthesizer;
import io.q3tts.domain.testing.InMemoryOutputRepository;
import io.q3tts.domain.testing.InMemoryPipelineRunStore;
import io.q3tts.domain.testing.InMemoryVoiceRepository;
import io.q3tts.ports.in.job.CancelJobUseCase;
import io.q3tts.ports.in.job.DismissJobUseCase;
import io.q3tts.ports.in.job.GetJobUseCase;
import io.q3tts.ports.in.job.JobEvent;
import io.q3tts.ports.in.job.JobId;
import io.q3tts.ports.in.job.JobKind;
import io.q3tts.ports.in.job.JobState;
import io.q3tts.ports.in.job.JobView;
import io.q3tts.ports.in.job.ListJobsQuery;
import io.q3tts.ports.in.job.ListJobsUseCase;
import io.q3tts.ports.in.job.WatchJobUseCase;
import io.q3tts.ports.in.output.GetOutputFileUseCase;
import io.q3tts.ports.in.output.GetOutputUseCase;
import io.q3tts.ports.in.output.ListOutputsQuery;
import io.q3tts.ports.in.output.ListOutputsUseCase;
import io.q3tts.ports.in.output.OutputView;
import io.q3tts.ports.in.pipeline.GetPipelineRequestUseCase;
import io.q3tts.ports.in.pipeline.PipelineContext;
import io.q3tts.ports.in.pipeline.PipelineJobsUseCase;
import io.q3tts.ports.in.pipeline.PipelineOutput;
import io.q3tts.ports.in.pipeline.PipelineWork;
import io.q3tts.ports.in.synthesis.SynthesisOutcome;
import io.q3tts.ports.in.synthesis.SynthesizeCustomVoiceCommand;
import io.q3tts.ports.in.synthesis.SynthesizeCustomVoiceUseCase;
import io.q3tts.ports.model.AudioFormat;
import io.q3tts.ports.model.ConflictException;
import io.q3tts.ports.model.EncodedAudio;
import io.q3tts.ports.model.InvalidArgumentException;
import io.q3tts.ports.model.ModelException;
import io.q3tts.ports.model.ModelTask;
import io.q3tts.ports.model.NotFoundException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Pipelines through the assembled core: jobs, step checkpoints, one output with files, resume, cancel. */
class PipelineCoreTest {

    private final FakeClock clock = new FakeClock();
    private final FakeLoader loader = new FakeLoader();
    private final FakeCatalog catalog = new FakeCatalog().add(model("custom", ModelTask.CUSTOM_VOICE));
    private final InMemoryOutputRepository outputs = new InMemoryOutputRepository();
    private final InMemoryPipelineRunStore runs = new InMemoryPipelineRunStore();
    private final FakeAudioCodec codec = new FakeAudioCodec();
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private final List<Q3ttsCore> cores = new CopyOnWriteArrayList<>();
    /** Steps actually synthesized (not taken from a checkpoint), over every core. */
    private final List<String> synthesized = new CopyOnWriteArrayList<>();
    /** Fail the step with this index once (then clear), or -1. */
    private final AtomicInteger failAt = new AtomicInteger(-1);
    private volatile CountDownLatch stepGate;

    private Q3ttsCore core() {
        loader.synthesizers = FakeSynthesizer::new;
        return core(new SchedulerPolicy(1, 8, 1, 4, Duration.ofSeconds(30), Duration.ofSeconds(10), Duration.ZERO));
    }

    private Q3ttsCore core(SchedulerPolicy policy) {
        Q3ttsCore core = Q3ttsCore.builder().catalog(catalog).loader(loader).voices(new InMemoryVoiceRepository())
                .outputs(outputs).encoder(codec).decoder(codec).effects(codec).clock(clock).executor(executor)
                .schedulerPolicy(policy)
                .residencyPolicy(new ResidencyPolicy(1, 1, Duration.ZERO, Duration.ofSeconds(30)))
                .pipelineRuns(runs).build();
        cores.add(core);
        core.useCase(PipelineJobsUseCase.class).registerPipeline("lines", payload -> work(core, payload));
        core.useCase(PipelineJobsUseCase.class).registerPipeline("together", payload -> together(core, payload));
        return core;
    }

    /** A pipeline that speaks all its lines as steps submitted together ({@link PipelineContext#runSteps}). */
    private PipelineWork together(Q3ttsCore core, byte[] payload) {
        List<String> lines = new String(payload, StandardCharsets.UTF_8).lines().toList();
        return new PipelineWork() {
            @Override
            public String summary() {
                return lines.size() + " lines together";
            }

            @Override
            public ModelTask task() {
                return ModelTask.CUSTOM_VOICE;
            }

            @Override
            public String modelId() {
                return null;
            }

            @Override
            public PipelineOutput run(PipelineContext ctx) {
                List<java.util.function.Supplier<byte[]>> steps = new java.util.ArrayList<>();
                for (int i = 0; i < lines.size(); i++) {
                    String key = "line-" + i;
                    String line = lines.get(i);
                    steps.add(() -> ctx.checkpoint(key).orElseGet(() -> {
                        byte[] pcm = core.useCase(SynthesizeCustomVoiceUseCase.class).synthesizeCustomVoice(
                                new SynthesizeCustomVoiceCommand(null, line, null, "ryan", null, null, AudioFormat.PCM),
                                ctx.stepListener(), ctx.cancellation()).audio().bytes();
                        ctx.saveCheckpoint(key, pcm);
                        synthesized.add(line);
                        return pcm;
                    }));
                }
                java.io.ByteArrayOutputStream mix = new java.io.ByteArrayOutputStream();
                ctx.progress(0, lines.size(), "lines");
                ctx.runSteps(steps).forEach(mix::writeBytes);
                byte[] wav = codec.encode(new io.q3tts.ports.model.PcmAudio(toFloats(mix.toByteArray()), 24_000),
                        AudioFormat.WAV).bytes();
                return new PipelineOutput(new EncodedAudio(AudioFormat.WAV, wav, 24_000, mix.size() / 2 / 24_000.0),
                        ModelTask.CUSTOM_VOICE, "custom", true, String.join("\n", lines), "english", "ryan", null, null,
                        Map.of("seed", "1"), 4 * lines.size(), Map.of());
            }
        };
    }

    /** A pipeline that speaks each line of the payload, checkpointing each line's PCM. */
    private PipelineWork work(Q3ttsCore core, byte[] payload) {
        String text = new String(payload, StandardCharsets.UTF_8);
        if (text.isBlank()) {
            throw new InvalidArgumentException("text", "text is empty.");
        }
        List<String> lines = text.lines().toList();
        return new PipelineWork() {
            @Override
            public String summary() {
                return lines.size() + " lines";
            }

            @Override
            public ModelTask task() {
                return ModelTask.CUSTOM_VOICE;
            }

            @Override
            public String modelId() {
                return null;
            }

            @Override
            public PipelineOutput run(PipelineContext ctx) {
                Map<String, byte[]> files = new LinkedHashMap<>();
                java.io.ByteArrayOutputStream mix = new java.io.ByteArrayOutputStream();
                for (int i = 0; i < lines.size(); i++) {
                    ctx.progress(i, lines.size(), "line " + (i + 1));
                    String key = "line-" + i;
                    byte[] pcm = ctx.checkpoint(key).orElse(null);
                    if (pcm == null) {
                        CountDownLatch gate = stepGate;
                        try {
                            while (gate != null && !gate.await(10, TimeUnit.MILLISECONDS)) {
                                ctx.cancellation().throwIfCancelled();
                            }
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                        // A cancel that came while the gate was closed must win over the gate opening just after it.
                        ctx.cancellation().throwIfCancelled();
                        if (failAt.compareAndSet(i, -1)) {
                            throw new ModelException("step " + i + " broke");
                        }
                        SynthesisOutcome o = core.useCase(SynthesizeCustomVoiceUseCase.class).synthesizeCustomVoice(
                                new SynthesizeCustomVoiceCommand(null, lines.get(i), null, "ryan", null, null, AudioFormat.PCM),
                                ctx.stepListener(), ctx.cancellation());
                        pcm = o.audio().bytes();
                        ctx.saveCheckpoint(key, pcm);
                        synthesized.add(lines.get(i));
                    }
                    files.put("lines/" + String.format("%04d", i + 1) + ".pcm", pcm);
                    mix.writeBytes(pcm);
                }
                ctx.progress(lines.size(), lines.size(), "done");
                byte[] wav = codec.encode(new io.q3tts.ports.model.PcmAudio(toFloats(mix.toByteArray()), 24_000),
                        AudioFormat.WAV).bytes();
                files.put("manifest.json", ("{\"lines\":" + lines.size() + ",\"resumed\":" + ctx.resumedCheckpoints() + "}")
                        .getBytes(StandardCharsets.UTF_8));
                return new PipelineOutput(new EncodedAudio(AudioFormat.WAV, wav, 24_000, mix.size() / 2 / 24_000.0),
                        ModelTask.CUSTOM_VOICE, "custom", true, String.join("\n", lines), "english", "ryan", null, null,
                        Map.of("seed", "1"), 4 * lines.size(), files);
            }
        };
    }

    private static float[] toFloats(byte[] pcm) {
        float[] f = new float[pcm.length / 2];
        for (int i = 0; i < f.length; i++) {
            f[i] = (short) ((pcm[2 * i] & 0xff) | (pcm[2 * i + 1] << 8)) / 32768f;
        }
        return f;
    }

    @AfterEach
    void stop() {
        cores.forEach(Q3ttsCore::close);
        executor.shutdownNow();
    }

    private JobView awaitEnd(Q3ttsCore core, JobId id) {
        Await.until(() -> core.useCase(GetJobUseCase.class).getJob(id).state().isTerminal());
        return core.useCase(GetJobUseCase.class).getJob(id);
    }

    @Test
    void givenAPipeline_whenSubmitted_thenItRunsAsAJobWithStepProgressAndStoresOneOutputWithFiles() {
        Q3ttsCore core = core();
        stepGate = new CountDownLatch(1);
        JobView admitted = core.useCase(PipelineJobsUseCase.class).submitPipeline("lines", "One.\nTwo.\nThree.".getBytes());
        assertEquals(JobKind.PIPELINE, admitted.kind());
        assertEquals("lines", admitted.pipeline());
        assertEquals("custom", admitted.modelId());
        List<JobEvent> events = new CopyOnWriteArrayList<>();
        core.useCase(WatchJobUseCase.class).watchJob(admitted.id(), events::add);
        stepGate.countDown();
        JobView end = awaitEnd(core, admitted.id());

        assertEquals(JobState.DONE, end.state(), () -> String.valueOf(end.error()));
        assertEquals(3, end.progress().steps());
        assertEquals(3, end.progress().stepsDone());
        assertTrue(events.stream().anyMatch(e -> e instanceof JobEvent.Progress p && p.progress().steps() == 3
                && p.progress().stepsDone() == 1 && "line 2".equals(p.progress().stage())));
        OutputView out = core.useCase(GetOutputUseCase.class).getOutput(end.result().outputId());
        assertEquals("lines", out.pipeline());
        assertEquals(List.of("lines/0001.pcm", "lines/0002.pcm", "lines/0003.pcm", "manifest.json"), out.files());
        assertEquals("{\"lines\":3,\"resumed\":0}", new String(core.useCase(GetOutputFileUseCase.class)
                .getOutputFile(out.id(), "manifest.json"), StandardCharsets.UTF_8));
        assertThrows(NotFoundException.class, () -> core.useCase(GetOutputFileUseCase.class).getOutputFile(out.id(), "x.wav"));
        assertEquals(List.of(out.id()), core.useCase(ListOutputsUseCase.class)
                .listOutputs(new ListOutputsQuery(10, null, null, null, null, "lines", null, null)).stream()
                .map(OutputView::id).toList());
        assertTrue(runs.runs.isEmpty(), "a finished run leaves no stored state");
        assertEquals(List.of("One.", "Two.", "Three."), synthesized);
    }

    @Test
    void givenAStepFails_whenResumed_thenFinishedStepsAreNotRedoneAndTheResultIsTheSame() {
        Q3ttsCore core = core();
        PipelineJobsUseCase pipelines = core.useCase(PipelineJobsUseCase.class);
        JobView reference = awaitEnd(core, pipelines.submitPipeline("lines", "A.\nB.\nC.\nD.".getBytes()).id());
        byte[] expected = outputs.audio.get(reference.result().outputId()).bytes();
        synthesized.clear();

        failAt.set(2);
        JobId id = pipelines.submitPipeline("lines", "A.\nB.\nC.\nD.".getBytes()).id();
        JobView failed = awaitEnd(core, id);
        assertEquals(JobState.FAILED, failed.state());
        assertEquals(List.of("A.", "B."), synthesized);
        assertEquals(2, runs.checkpointCount(id.value()), "finished steps stay checkpointed");
        assertTrue(runs.find(id.value()).orElseThrow().failed(), "marked failed");
        Q3ttsCore restarted = core();
        assertEquals(List.of(), restarted.resumeInterruptedPipelines(), "a failed run is not restarted by itself");
        restarted.close();

        JobView resumed = awaitEnd(core, pipelines.resumePipeline(id).id());
        assertEquals(JobState.DONE, resumed.state());
        assertEquals(id, resumed.id(), "a resumed run keeps its id");
        assertEquals(List.of("A.", "B.", "C.", "D."), synthesized, "only C and D were generated again");
        assertArrayEquals(expected, outputs.audio.get(resumed.result().outputId()).bytes());
        assertEquals("{\"lines\":4,\"resumed\":2}", new String(outputs.files.get(resumed.result().outputId() + "/manifest.json"),
                StandardCharsets.UTF_8));
        assertThrows(NotFoundException.class, () -> pipelines.resumePipeline(id), "nothing left to resume");
    }

    @Test
    void givenARunInterruptedByShutdown_whenANewCoreStarts_thenItResumesUnderTheSameId() throws Exception {
        Q3ttsCore first = core();
        stepGate = new CountDownLatch(1);
        JobId id = first.useCase(PipelineJobsUseCase.class).submitPipeline("lines", "X.\nY.".getBytes()).id();
        Await.until(() -> first.useCase(GetJobUseCase.class).getJob(id).state() == JobState.RUNNING);
        first.close();
        assertEquals(JobState.CANCELLED, first.useCase(GetJobUseCase.class).getJob(id).state());
        assertTrue(runs.find(id.value()).isPresent(), "the run stays stored for the next start");

        stepGate = null;
        Q3ttsCore second = core();
        assertEquals(List.of(id), second.resumeInterruptedPipelines());
        JobView end = awaitEnd(second, id);
        assertEquals(JobState.DONE, end.state(), () -> String.valueOf(end.error()));
        assertTrue(runs.runs.isEmpty());
    }

    @Test
    void givenAUserCancel_whenRunning_thenTheJobEndsCancelledAndCanBeResumedOrDismissed() {
        Q3ttsCore core = core();
        stepGate = new CountDownLatch(1);
        JobId id = core.useCase(PipelineJobsUseCase.class).submitPipeline("lines", "X.\nY.".getBytes()).id();
        Await.until(() -> core.useCase(GetJobUseCase.class).getJob(id).state() == JobState.RUNNING);
        core.useCase(CancelJobUseCase.class).cancelJob(id);
        stepGate.countDown();
        assertEquals(JobState.CANCELLED, awaitEnd(core, id).state());
        assertTrue(runs.find(id.value()).orElseThrow().failed(), "kept for a resume, but not restarted at the next start");
        assertTrue(outputs.records.isEmpty());
        assertEquals("X.\nY.", new String(core.useCase(GetPipelineRequestUseCase.class).getPipelineRequest(id).payload(),
                StandardCharsets.UTF_8), "the stored request, for edit and retry");

        JobView resumed = awaitEnd(core, core.useCase(PipelineJobsUseCase.class).resumePipeline(id).id());
        assertEquals(JobState.DONE, resumed.state(), () -> String.valueOf(resumed.error()));
        assertTrue(runs.runs.isEmpty());

        stepGate = new CountDownLatch(1);
        JobId again = core.useCase(PipelineJobsUseCase.class).submitPipeline("lines", "Z.".getBytes()).id();
        Await.until(() -> core.useCase(GetJobUseCase.class).getJob(again).state() == JobState.RUNNING);
        assertThrows(ConflictException.class, () -> core.useCase(DismissJobUseCase.class).dismissJob(again), "cancel first");
        core.useCase(CancelJobUseCase.class).cancelJob(again);
        awaitEnd(core, again);
        core.useCase(DismissJobUseCase.class).dismissJob(again);
        assertTrue(runs.runs.isEmpty(), "a dismissed run is deleted");
        assertThrows(NotFoundException.class, () -> core.useCase(GetJobUseCase.class).getJob(again), "and forgotten");
        assertThrows(NotFoundException.class, () -> core.useCase(DismissJobUseCase.class).dismissJob(again));
    }

    @Test
    void givenAQueuedPipeline_whenCancelledBeforeItStarts_thenItIsKeptForResumingOnly() {
        Q3ttsCore core = core();
        stepGate = new CountDownLatch(1);
        PipelineJobsUseCase pipelines = core.useCase(PipelineJobsUseCase.class);
        JobId first = pipelines.submitPipeline("lines", "A.".getBytes()).id();
        JobId second = pipelines.submitPipeline("lines", "B.".getBytes()).id();
        JobId third = pipelines.submitPipeline("lines", "C.".getBytes()).id();
        Await.until(() -> core.useCase(GetJobUseCase.class).getJob(third).state() == JobState.QUEUED
                && core.useCase(GetJobUseCase.class).getJob(first).state() == JobState.RUNNING);
        core.useCase(CancelJobUseCase.class).cancelJob(third);
        stepGate.countDown();
        awaitEnd(core, first);
        awaitEnd(core, second);
        assertEquals(JobState.CANCELLED, awaitEnd(core, third).state());
        Await.until(() -> runs.runs.size() == 1 && runs.runs.get(third.value()).failed());
        assertEquals(List.of("A.", "B."), synthesized.stream().sorted().toList());
    }

    @Test
    void givenAPipeline_whenItsStepsAreListed_thenEachNamesThePipelineAsItsParent() {
        Q3ttsCore core = core();
        JobId id = core.useCase(PipelineJobsUseCase.class).submitPipeline("lines", "P.\nQ.".getBytes()).id();
        assertEquals(JobState.DONE, awaitEnd(core, id).state());
        List<JobView> all = core.useCase(ListJobsUseCase.class).listJobs(new ListJobsQuery(EnumSet.allOf(JobState.class), 100));
        List<JobView> steps = all.stream().filter(j -> j.kind() == JobKind.CUSTOM_VOICE).toList();
        assertEquals(2, steps.size(), "a job per line: " + all);
        steps.forEach(s -> assertEquals(id, s.parent(), "a step names its pipeline"));
        assertEquals(null, core.useCase(GetJobUseCase.class).getJob(id).parent(), "the pipeline itself has no parent");
    }

    @Test
    void givenBadInput_whenSubmitted_thenTheHandlersErrorComesBackAndNothingIsStoredOrQueued() {
        Q3ttsCore core = core();
        PipelineJobsUseCase pipelines = core.useCase(PipelineJobsUseCase.class);
        InvalidArgumentException e = assertThrows(InvalidArgumentException.class, () -> pipelines.submitPipeline("lines", "  ".getBytes()));
        assertEquals("text", e.field());
        NotFoundException unknown = assertThrows(NotFoundException.class, () -> pipelines.submitPipeline("nope", new byte[1]));
        assertEquals("pipeline", unknown.field());
        assertTrue(runs.runs.isEmpty());
    }

    /** A synthesizer that batches 4 rows (the default, sequential engine call) and records each call's rows. */
    private static final class BatchingSynthesizer implements io.q3tts.ports.out.inference.SpeechSynthesizer {
        final FakeSynthesizer inner;
        final List<Integer> calls = new CopyOnWriteArrayList<>();

        BatchingSynthesizer(io.q3tts.ports.out.catalog.ModelDescriptor model) {
            inner = new FakeSynthesizer(model);
        }

        @Override
        public io.q3tts.ports.out.inference.SynthesizerInfo info() {
            return inner.info();
        }

        @Override
        public io.q3tts.ports.out.inference.BatchCapabilities batchCapabilities() {
            return new io.q3tts.ports.out.inference.BatchCapabilities(4, false, 0);
        }

        @Override
        public io.q3tts.ports.out.inference.SynthesisResult synthesize(io.q3tts.ports.out.inference.SynthesisRequest request,
                io.q3tts.ports.out.inference.SynthesisListener listener, io.q3tts.ports.model.CancellationToken cancellation) {
            return inner.synthesize(request, listener, cancellation);
        }

        @Override
        public void synthesizeBatch(List<io.q3tts.ports.out.inference.BatchItem> rows,
                                    io.q3tts.ports.out.inference.BatchFeed feed) {
            calls.add(rows.size());
            io.q3tts.ports.out.inference.SpeechSynthesizer.super.synthesizeBatch(rows, feed);
        }
    }

    @Test
    void givenABatchingModel_whenAPipelineRunsItsStepsTogether_thenTheyWaitTogetherAndReachTheEngineAsOneBatch() {
        List<BatchingSynthesizer> made = new CopyOnWriteArrayList<>();
        loader.synthesizers = m -> {
            BatchingSynthesizer b = new BatchingSynthesizer(m);
            made.add(b);
            return b;
        };
        Q3ttsCore core = core(new SchedulerPolicy(1, 8, 1, 4, Duration.ofSeconds(30), Duration.ofSeconds(10), Duration.ZERO,
                8, 1L << 30));
        SynthesizeCustomVoiceCommand single = new SynthesizeCustomVoiceCommand(null, "warm", null, "ryan", null, null, AudioFormat.PCM);
        core.useCase(SynthesizeCustomVoiceUseCase.class).synthesizeCustomVoice(single, JobListener.NONE, CancellationToken.none());
        BatchingSynthesizer engine = made.getFirst();
        Gate busy = new Gate();
        engine.inner.gates.add(busy);
        JobView blocker = core.useCase(SubmitJobUseCase.class).submitJob(SubmitJobCommand.of(single));
        Await.latch(busy.entered);

        JobView run = core.useCase(PipelineJobsUseCase.class).submitPipeline("together", "A.\nB.\nC.\nD.\nE.".getBytes());
        List<Integer> stepsDone = new CopyOnWriteArrayList<>();
        core.useCase(WatchJobUseCase.class).watchJob(run.id(), e -> {
            if (e instanceof JobEvent.Progress p && p.progress().steps() == 5) {
                stepsDone.add(p.progress().stepsDone());
            }
        });
        Await.until(() -> core.useCase(GetQueueStatusUseCase.class).getQueueStatus().gpuQueued() == 4);
        busy.open();
        JobView end = awaitEnd(core, run.id());

        assertEquals(JobState.DONE, end.state(), () -> String.valueOf(end.error()));
        assertEquals(JobState.DONE, awaitEnd(core, blocker.id()).state());
        assertEquals(List.of(1, 1, 4, 1), engine.calls,
                "the warm-up, the blocker, the four steps of the first wave in one call, then the fifth step");
        assertEquals(5, synthesized.size());
        assertTrue(stepsDone.containsAll(List.of(1, 2, 3, 4)), "the count moves as the wave's steps end: " + stepsDone);
        assertEquals(stepsDone.stream().sorted().toList(), stepsDone, "and never moves back");
    }
}
