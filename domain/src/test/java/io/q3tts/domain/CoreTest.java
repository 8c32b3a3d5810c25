package io.q3tts.domain;

import static io.q3tts.domain.testing.FakeCatalog.model;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
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
import io.q3tts.domain.testing.Gate;
import io.q3tts.domain.testing.InMemoryOutputRepository;
import io.q3tts.domain.testing.InMemoryVoiceRepository;
import io.q3tts.ports.in.job.CancelJobUseCase;
import io.q3tts.ports.in.job.GetJobUseCase;
import io.q3tts.ports.in.job.JobEvent;
import io.q3tts.ports.in.job.JobId;
import io.q3tts.ports.in.job.JobState;
import io.q3tts.ports.in.job.JobView;
import io.q3tts.ports.in.job.ListJobsQuery;
import io.q3tts.ports.in.job.ListJobsUseCase;
import io.q3tts.ports.in.job.SubmitJobCommand;
import io.q3tts.ports.in.job.SubmitJobUseCase;
import io.q3tts.ports.in.job.WatchJobUseCase;
import io.q3tts.ports.in.models.ListModelsUseCase;
import io.q3tts.ports.in.models.ModelResidency;
import io.q3tts.ports.in.output.GetOutputAudioUseCase;
import io.q3tts.ports.in.synthesis.CloneVoice;
import io.q3tts.ports.in.synthesis.DesignThenCloneCommand;
import io.q3tts.ports.in.synthesis.DesignThenCloneOutcome;
import io.q3tts.ports.in.synthesis.DesignThenCloneUseCase;
import io.q3tts.ports.in.synthesis.GenerationOptions;
import io.q3tts.ports.in.job.JobListener;
import io.q3tts.ports.in.output.GetOutputUseCase;
import io.q3tts.ports.in.synthesis.SynthesisOutcome;
import io.q3tts.ports.in.synthesis.SynthesizeCustomVoiceCommand;
import io.q3tts.ports.in.synthesis.SynthesizeCustomVoiceUseCase;
import io.q3tts.ports.in.synthesis.SynthesizeVoiceCloneCommand;
import io.q3tts.ports.in.synthesis.SynthesizeVoiceCloneUseCase;
import io.q3tts.ports.in.tokenizer.DecodeSpeechCommand;
import io.q3tts.ports.in.tokenizer.DecodeSpeechTokensUseCase;
import io.q3tts.ports.in.tokenizer.EncodeSpeechCommand;
import io.q3tts.ports.in.tokenizer.EncodeSpeechResult;
import io.q3tts.ports.in.tokenizer.EncodeSpeechTokensUseCase;
import io.q3tts.ports.in.voice.CreateVoiceCommand;
import io.q3tts.ports.in.voice.CreateVoiceUseCase;
import io.q3tts.ports.in.voice.UpdateVoiceCommand;
import io.q3tts.ports.in.voice.UpdateVoiceUseCase;
import io.q3tts.ports.in.voice.VoiceView;
import io.q3tts.ports.model.AudioFormat;
import io.q3tts.ports.model.AudioUpload;
import io.q3tts.ports.model.CancellationToken;
import io.q3tts.ports.model.CancelledException;
import io.q3tts.ports.model.ConflictException;
import io.q3tts.ports.model.EncodedAudio;
import io.q3tts.ports.model.ErrorType;
import io.q3tts.ports.model.InvalidArgumentException;
import io.q3tts.ports.model.ModelException;
import io.q3tts.ports.model.ModelTask;
import io.q3tts.ports.model.NotFoundException;
import io.q3tts.ports.model.OverloadedException;
import io.q3tts.ports.model.PayloadTooLargeException;
import io.q3tts.ports.model.UnsupportedException;
import io.q3tts.ports.model.UnsupportedMediaException;
import io.q3tts.ports.model.VoiceOrigin;
import io.q3tts.ports.out.catalog.ModelDescriptor;
import io.q3tts.ports.out.inference.GenerationDefaults;
import io.q3tts.ports.out.inference.SynthesisRequest;
import io.q3tts.ports.out.inference.VoicePrompt;
import io.q3tts.ports.out.voice.VoiceRecord;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The assembled core with fake driven ports: jobs, synthesis, voices, tokenizer end to end. */
class CoreTest {

    private final FakeClock clock = new FakeClock();
    private final FakeLoader loader = new FakeLoader();
    private final FakeCatalog catalog = new FakeCatalog()
            .add(model("custom", ModelTask.CUSTOM_VOICE))
            .add(model("design", ModelTask.VOICE_DESIGN))
            .add(model("base", ModelTask.VOICE_CLONE))
            .add(model("codec", ModelTask.TOKENIZER));
    private final InMemoryVoiceRepository voices = new InMemoryVoiceRepository();
    private final InMemoryOutputRepository outputs = new InMemoryOutputRepository();
    private final FakeAudioCodec codec = new FakeAudioCodec();
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private final List<FakeSynthesizer> synthesizers = new CopyOnWriteArrayList<>();
    private Q3ttsCore core;
    private io.q3tts.domain.testing.InMemoryJobStore jobStore = new io.q3tts.domain.testing.InMemoryJobStore();

    private Q3ttsCore core(int queueCapacity) {
        loader.synthesizers = d -> {
            FakeSynthesizer s = new FakeSynthesizer(d);
            synthesizers.add(s);
            return s;
        };
        core = Q3ttsCore.builder().catalog(catalog).loader(loader).voices(voices).outputs(outputs).encoder(codec)
                .decoder(codec).effects(codec).clock(clock).executor(executor)
                .schedulerPolicy(new SchedulerPolicy(1, queueCapacity, 1, 4, Duration.ofSeconds(30), Duration.ofSeconds(10),
                        Duration.ZERO))
                .residencyPolicy(new ResidencyPolicy(1, 1, Duration.ZERO, Duration.ofSeconds(30)))
                .pipelineRuns(new io.q3tts.domain.testing.InMemoryPipelineRunStore())
                .jobStore(jobStore)
                .build();
        return core;
    }

    @AfterEach
    void stop() {
        if (core != null) {
            core.close();
        }
        executor.shutdownNow();
    }

    private static SynthesizeCustomVoiceCommand custom(String text) {
        return new SynthesizeCustomVoiceCommand(null, text, "English", "Ryan", null, null, null);
    }

    /** Makes the next synthesis on {@code modelId} wait at a gate; loads the model first. */
    private Gate gateNext(String modelId) {
        core.useCase(io.q3tts.ports.in.models.LoadModelUseCase.class)
                .loadModel(new io.q3tts.ports.in.models.LoadModelCommand(modelId));
        FakeSynthesizer s = synthesizers.get(synthesizers.size() - 1);
        Gate gate = new Gate();
        s.gates.add(gate);
        return gate;
    }

    @Test
    void givenACustomVoiceRequest_whenSynthesized_thenEventsArriveInOrderAndTheOutputIsStored() {
        core(4);
        List<JobEvent> events = new CopyOnWriteArrayList<>();
        SynthesisOutcome outcome = core.useCase(SynthesizeCustomVoiceUseCase.class)
                .synthesizeCustomVoice(new SynthesizeCustomVoiceCommand(null, "Hello there.", null, "ryan", null,
                        GenerationOptions.builder().seed(7L).temperature(0.5).build(), AudioFormat.MP3), events::add,
                        CancellationToken.none());

        assertEquals(JobState.DONE, outcome.job().state());
        assertEquals("custom", outcome.job().modelId());
        assertTrue(outcome.job().randomWeights());
        assertEquals(AudioFormat.MP3, outcome.audio().format());
        assertEquals("Hello there.", outcome.output().text());
        assertEquals("7", outcome.output().parameters().get("seed"));
        assertEquals("0.5", outcome.output().parameters().get("temperature"));
        assertEquals(AudioFormat.WAV, outputs.audio.get(outcome.output().id()).format(), "stored as WAV");

        List<String> kinds = events.stream().map(CoreTest::describe).toList();
        assertEquals(List.of("QUEUED", "RUNNING", "progress 1", "progress 2", "progress 3", "progress 4", "audio 0",
                "audio 3840 last", "DONE"), kinds);
        JobView last = ((JobEvent.StateChanged) events.get(events.size() - 1)).job();
        assertEquals(1.0, last.progress().fraction());
        assertNotNull(last.timings().finishedAt());
    }

    @Test
    void givenAModelWithAGenerationConfig_whenOptionsAreUnset_thenEachComesFromTheModelAsTheOfficialWrapperMergesThem() {
        ModelDescriptor base = model("greedy-custom", ModelTask.CUSTOM_VOICE);
        catalog.add(new ModelDescriptor(base.id(), base.displayName(), base.tasks(), base.size(), base.precision(),
                base.randomWeights(), base.speakers(), base.languages(), base.supportsInstruct(), base.sampleRate(),
                base.approxMemoryBytes(), GenerationDefaults.fromGenerationConfig(java.util.Map.of(
                        "do_sample", false, "subtalker_dosample", false, "repetition_penalty", 1.5, "max_new_tokens", 12))));
        core(4);
        SynthesisOutcome plain = core.useCase(SynthesizeCustomVoiceUseCase.class).synthesizeCustomVoice(
                new SynthesizeCustomVoiceCommand("greedy-custom", "Hello.", "English", "Ryan", null, null, null),
                JobListener.NONE, CancellationToken.none());
        SynthesisRequest r = synthesizers.getLast().seen().getLast();
        assertEquals(false, r.sampling().doSample());
        assertEquals(false, r.sampling().subtalkerDoSample());
        assertEquals(1.5, r.sampling().repetitionPenalty());
        assertEquals(12, r.maxNewTokens());
        assertEquals(0.9, r.sampling().temperature(), "a key the config lacks: the official hard default");
        assertEquals("12", plain.output().parameters().get("max_new_tokens"));
        assertEquals("false", plain.output().parameters().get("do_sample"));

        core.useCase(SynthesizeCustomVoiceUseCase.class).synthesizeCustomVoice(
                new SynthesizeCustomVoiceCommand("greedy-custom", "Hello.", "English", "Ryan", null,
                        GenerationOptions.builder().doSample(true).maxNewTokens(40).build(), null),
                JobListener.NONE, CancellationToken.none());
        SynthesisRequest set = synthesizers.getLast().seen().getLast();
        assertEquals(true, set.sampling().doSample(), "a set value wins");
        assertEquals(40, set.maxNewTokens());
        assertEquals(1.5, set.sampling().repetitionPenalty(), "the unset ones still come from the model");

        core.useCase(SynthesizeCustomVoiceUseCase.class).synthesizeCustomVoice(
                new SynthesizeCustomVoiceCommand("custom", "Hello.", "English", "Ryan", null, null, null),
                JobListener.NONE, CancellationToken.none());
        SynthesisRequest official = synthesizers.getLast().seen().getLast();
        assertEquals(SynthesisRequest.DEFAULT_MAX_NEW_TOKENS, official.maxNewTokens(), "no config: the wrapper's hard defaults");
        assertEquals(true, official.sampling().doSample());
    }

    @Test
    void givenReturnCodes_whenSynthesized_thenTheOutputKeepsACodesFileListedInItsFiles() {
        core(4);
        SynthesisOutcome with = core.useCase(SynthesizeCustomVoiceUseCase.class).synthesizeCustomVoice(
                new SynthesizeCustomVoiceCommand(null, "Hello.", "English", "Ryan", null,
                        GenerationOptions.builder().returnCodes(true).build(), null),
                JobListener.NONE, CancellationToken.none());
        assertEquals(List.of("codes.json"), with.output().files());
        String json = new String(outputs.files.get(with.output().id() + "/codes.json"), java.nio.charset.StandardCharsets.US_ASCII);
        assertTrue(json.contains("\"format\": \"q3tts-codes\""), json);
        assertTrue(json.contains("\"frames\": " + with.output().frames()), json);
        assertTrue(json.contains("[0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15]"), json);

        SynthesisOutcome without = core.useCase(SynthesizeCustomVoiceUseCase.class).synthesizeCustomVoice(custom("Hello."),
                JobListener.NONE, CancellationToken.none());
        assertTrue(without.output().files().isEmpty());
        assertTrue(outputs.files.keySet().stream().noneMatch(k -> k.startsWith(without.output().id() + "/")));
    }

    @Test
    void givenASpeed_whenSynthesized_thenTheStoredAudioIsRetimedRecordedAndNotStreamedAtTheModelsPace() {
        core(4);
        List<JobEvent> events = new CopyOnWriteArrayList<>();
        SynthesisOutcome plain = core.useCase(SynthesizeCustomVoiceUseCase.class).synthesizeCustomVoice(custom("Hello."),
                JobListener.NONE, CancellationToken.none());
        SynthesisOutcome fast = core.useCase(SynthesizeCustomVoiceUseCase.class)
                .synthesizeCustomVoice(new SynthesizeCustomVoiceCommand(null, "Hello.", "English", "Ryan", null,
                        GenerationOptions.builder().speed(2.0).build(), null), events::add, CancellationToken.none());

        assertEquals(plain.output().durationSeconds() / 2, fast.output().durationSeconds(), 1e-3);
        assertEquals("2.0", fast.output().parameters().get("speed"));
        assertEquals("1.0", plain.output().parameters().get("speed"));
        assertTrue(events.stream().noneMatch(e -> e instanceof JobEvent.Audio), "chunks at the model's pace are not streamed");
    }

    private static String describe(JobEvent e) {
        return switch (e) {
            case JobEvent.StateChanged s -> s.job().state().name();
            case JobEvent.Progress p -> "progress " + p.progress().frames();
            case JobEvent.Audio a -> "audio " + a.startSample() + (a.last() ? " last" : "");
        };
    }

    @Test
    void givenARunningJob_whenMoreAreSubmitted_thenTheyQueueInOrderAndRunOneAtATime() {
        core(4);
        Gate gate = gateNext("custom");
        SubmitJobUseCase submit = core.useCase(SubmitJobUseCase.class);
        List<JobEvent> firstEvents = new CopyOnWriteArrayList<>();
        JobView first = submit.submitJob(new SubmitJobCommand(custom("one"), firstEvents::add));
        Await.latch(gate.entered);
        List<JobEvent> thirdEvents = new CopyOnWriteArrayList<>();
        JobView second = submit.submitJob(SubmitJobCommand.of(custom("two")));
        JobView third = submit.submitJob(new SubmitJobCommand(custom("three"), thirdEvents::add));

        GetJobUseCase get = core.useCase(GetJobUseCase.class);
        assertEquals(JobState.RUNNING, get.getJob(first.id()).state());
        assertEquals(1, second.progress().queuePosition());
        assertEquals(2, third.progress().queuePosition());
        assertEquals(List.of(third.id(), second.id(), first.id()),
                core.useCase(ListJobsUseCase.class).listJobs(ListJobsQuery.all()).stream().map(JobView::id).toList());

        gate.open();
        JobView thirdDone = awaitTerminal(third);
        assertEquals(JobState.DONE, thirdDone.state());
        List<String> texts = synthesizers.get(0).seen().stream().map(SynthesisRequest::text).toList();
        assertEquals(List.of("one", "two", "three"), texts);
        List<Integer> positions = thirdEvents.stream().filter(e -> e instanceof JobEvent.StateChanged)
                .map(e -> ((JobEvent.StateChanged) e).job()).filter(j -> j.state() == JobState.QUEUED)
                .map(j -> j.progress().queuePosition()).toList();
        assertEquals(List.of(2, 1), positions, "the third job hears itself move up");
    }

    @Test
    void givenAJobAClusterWorkerRan_whenTheServerRestarts_thenItStillNamesTheWorker() {
        java.time.Instant t = java.time.Instant.parse("2026-12-07T10:00:00Z");
        jobStore.save(new io.q3tts.ports.out.job.StoredJob("job-w", "CUSTOM_VOICE", "m", true, "Hello",
                "{\"input\":\"Hello\"}", "DONE", t, t.plusSeconds(1), t.plusSeconds(2), "out-1", null, null, null, null,
                "worker-b"));
        core(4);
        assertEquals(List.of(), core.restoreJobs());
        JobView back = core.useCase(GetJobUseCase.class).getJob(JobId.of("job-w"));
        assertEquals("worker-b", back.worker());
        assertEquals(JobState.DONE, back.state());
    }

    @Test
    void givenDurableJobs_whenTheServerDiesAndRestarts_thenEachAnswersInterruptedWithItsRequestOrDone() {
        core(4);
        SubmitJobUseCase submit = core.useCase(SubmitJobUseCase.class);
        JobView done = awaitTerminal(submit.submitJob(new SubmitJobCommand(custom("zero"), null, "{\"input\":\"zero\"}")));
        assertEquals(JobState.DONE, done.state());
        Gate gate = gateNext("custom");
        JobView running = submit.submitJob(new SubmitJobCommand(custom("one"), null, "{\"input\":\"one\"}"));
        Await.latch(gate.entered);
        JobView queued = submit.submitJob(new SubmitJobCommand(custom("two"), null, "{\"input\":\"two\"}"));
        JobView blocking = submit.submitJob(SubmitJobCommand.of(custom("not kept")));
        io.q3tts.domain.testing.InMemoryJobStore onDisk = jobStore.copy();
        assertEquals(3, onDisk.list().size(), "only durable jobs are recorded");
        gate.open();
        core.close();

        // A new core on what the crash left (the first one never got to record the end of its jobs).
        jobStore = onDisk;
        core(4);
        assertEquals(java.util.Set.of(running.id(), queued.id()), java.util.Set.copyOf(core.restoreJobs()));
        GetJobUseCase get = core.useCase(GetJobUseCase.class);
        assertEquals(JobState.DONE, get.getJob(done.id()).state());
        assertEquals(done.result(), get.getJob(done.id()).result());
        for (JobView j : List.of(running, queued)) {
            JobView after = get.getJob(j.id());
            assertEquals(JobState.CANCELLED, after.state());
            assertTrue(after.error().message().startsWith("Interrupted by a server restart"), after.error().message());
            assertTrue(after.error().message().contains(j == running ? "was running" : "was queued"), after.error().message());
            assertEquals(j.request(), after.request());
        }
        assertEquals("{\"input\":\"one\"}", get.getJob(running.id()).request());
        assertThrows(io.q3tts.ports.model.NotFoundException.class, () -> get.getJob(blocking.id()));
        assertEquals(List.of("CANCELLED", "CANCELLED", "DONE"), onDisk.list().stream().map(r -> r.state()).sorted().toList(),
                "the interruption is recorded, so it is reported once");
    }

    private JobView awaitTerminal(JobView job) {
        java.util.concurrent.CompletableFuture<JobView> end = new java.util.concurrent.CompletableFuture<>();
        core.useCase(WatchJobUseCase.class).watchJob(job.id(), e -> {
            if (e instanceof JobEvent.StateChanged s && s.isTerminal()) {
                end.complete(s.job());
            }
        });
        return Await.future(end);
    }

    @Test
    void givenABatchingModel_whenJobsWaitTogether_thenTheyRunAsOneBatchEachWithItsOwnPositionProgressOutputAndCancel() {
        io.q3tts.domain.testing.FakeBatchSynthesizer engine = new io.q3tts.domain.testing.FakeBatchSynthesizer(
                new io.q3tts.ports.out.inference.BatchCapabilities(8, false, 0));
        loader.synthesizers = d -> engine;
        core = Q3ttsCore.builder().catalog(catalog).loader(loader).voices(voices).outputs(outputs).encoder(codec)
                .decoder(codec).effects(codec).clock(clock).executor(executor)
                .schedulerPolicy(new SchedulerPolicy(1, 8, 1, 4, Duration.ofSeconds(30), Duration.ofSeconds(10),
                        Duration.ZERO, 8, 1L << 30))
                .residencyPolicy(new ResidencyPolicy(1, 1, Duration.ZERO, Duration.ofSeconds(30)))
                .pipelineRuns(new io.q3tts.domain.testing.InMemoryPipelineRunStore())
                .build();
        core.useCase(SynthesizeCustomVoiceUseCase.class).synthesizeCustomVoice(custom("warm"), JobListener.NONE,
                io.q3tts.ports.model.CancellationToken.none());
        Gate step = new Gate();
        engine.stepGates.add(step);
        SubmitJobUseCase submit = core.useCase(SubmitJobUseCase.class);
        JobView first = submit.submitJob(SubmitJobCommand.of(custom("first")));
        Await.latch(step.entered);
        JobView a = submit.submitJob(SubmitJobCommand.of(custom("a")));
        JobView b = submit.submitJob(SubmitJobCommand.of(custom("b")));
        JobView c = submit.submitJob(SubmitJobCommand.of(custom("c")));
        assertEquals(List.of(1, 2, 3), List.of(a, b, c).stream().map(j -> j.progress().queuePosition()).toList());

        assertEquals(JobState.CANCELLED, core.useCase(CancelJobUseCase.class).cancelJob(b.id()).state());
        assertEquals(2, core.useCase(GetJobUseCase.class).getJob(c.id()).progress().queuePosition());
        step.open();

        JobView firstDone = awaitTerminal(first);
        JobView aDone = awaitTerminal(a);
        JobView cDone = awaitTerminal(c);
        assertEquals(List.of(JobState.DONE, JobState.DONE, JobState.DONE), List.of(firstDone.state(), aDone.state(), cDone.state()));
        assertEquals(List.of(List.of("warm"), List.of("first"), List.of("a", "c")),
                engine.calls.stream().map(l -> l.stream().sorted().toList()).toList(),
                "a and c waited together and ran as one engine call; the cancelled b never ran");
        assertEquals(io.q3tts.domain.testing.FakeBatchSynthesizer.FRAMES, aDone.progress().frames(), "each row's own progress");
        assertTrue(!aDone.result().outputId().equals(cDone.result().outputId()), "each row stores its own output");
        assertEquals("a", core.useCase(GetOutputUseCase.class).getOutput(aDone.result().outputId()).text());
    }

    @Test
    void givenAFullQueue_whenSubmitting_thenOverloadedWithRetryAfterAndNoJobIsKept() {
        core(1);
        Gate gate = gateNext("custom");
        SubmitJobUseCase submit = core.useCase(SubmitJobUseCase.class);
        submit.submitJob(SubmitJobCommand.of(custom("one")));
        Await.latch(gate.entered);
        submit.submitJob(SubmitJobCommand.of(custom("two")));
        OverloadedException e = assertThrows(OverloadedException.class, () -> submit.submitJob(SubmitJobCommand.of(custom("three"))));
        assertTrue(e.retryAfter().isPresent());
        assertEquals(2, core.useCase(ListJobsUseCase.class).listJobs(ListJobsQuery.all()).size());
        gate.open();
    }

    @Test
    void givenAQueuedJob_whenCancelled_thenItEndsCancelledWithoutRunning() {
        core(4);
        Gate gate = gateNext("custom");
        SubmitJobUseCase submit = core.useCase(SubmitJobUseCase.class);
        JobView first = submit.submitJob(SubmitJobCommand.of(custom("one")));
        Await.latch(gate.entered);
        JobView second = submit.submitJob(SubmitJobCommand.of(custom("two")));

        JobView cancelled = core.useCase(CancelJobUseCase.class).cancelJob(second.id());

        assertEquals(JobState.CANCELLED, cancelled.state());
        assertEquals(ErrorType.CANCELLED, cancelled.error().type());
        assertEquals(0, core.useCase(io.q3tts.ports.in.job.GetQueueStatusUseCase.class).getQueueStatus().gpuQueued());
        gate.open();
        assertEquals(JobState.DONE, awaitTerminal(first).state());
        assertEquals(List.of("one"), synthesizers.get(0).seen().stream().map(SynthesisRequest::text).toList());
    }

    @Test
    void givenARunningJob_whenCancelled_thenItEndsCancelledAndTheNextJobRuns() {
        core(4);
        Gate gate = gateNext("custom");
        SubmitJobUseCase submit = core.useCase(SubmitJobUseCase.class);
        JobView first = submit.submitJob(SubmitJobCommand.of(custom("one")));
        Await.latch(gate.entered);
        JobView second = submit.submitJob(SubmitJobCommand.of(custom("two")));

        JobState right = core.useCase(CancelJobUseCase.class).cancelJob(first.id()).state();
        assertTrue(right == JobState.RUNNING || right == JobState.CANCELLED, "it ends when the worker stops: " + right);
        assertEquals(JobState.CANCELLED, awaitTerminal(first).state());
        assertEquals(JobState.DONE, awaitTerminal(second).state());
        assertEquals(0, outputs.records.values().stream().filter(r -> r.text().equals("one")).count());
        assertEquals(1, outputs.discarded.get(), "the cancelled run's folder was discarded");
    }

    @Test
    void givenABlockingCallWaiting_whenTheCallerCancels_thenCancelledExceptionAndTheJobIsCancelled() throws Exception {
        core(4);
        Gate gate = gateNext("custom");
        core.useCase(SubmitJobUseCase.class).submitJob(SubmitJobCommand.of(custom("one")));
        Await.latch(gate.entered);
        CancellationToken caller = CancellationToken.create();
        List<JobEvent> events = new CopyOnWriteArrayList<>();
        Future<SynthesisOutcome> call = executor.submit(() -> core.useCase(SynthesizeCustomVoiceUseCase.class)
                .synthesizeCustomVoice(custom("two"), events::add, caller));
        Await.until(() -> !events.isEmpty());
        caller.cancel();
        var e = assertThrows(java.util.concurrent.ExecutionException.class, call::get);
        assertInstanceOf(CancelledException.class, e.getCause());
        JobView job = ((JobEvent.StateChanged) events.get(events.size() - 1)).job();
        assertEquals(JobState.CANCELLED, job.state());
        gate.open();
    }

    @Test
    void givenModelDependentMistakes_whenSubmitted_thenTheyFailAtOnceNamingTheField() {
        core(4);
        SubmitJobUseCase submit = core.useCase(SubmitJobUseCase.class);
        assertEquals("voice", assertThrows(InvalidArgumentException.class, () -> submit.submitJob(SubmitJobCommand.of(
                new SynthesizeCustomVoiceCommand(null, "x", null, "nobody", null, null, null)))).field());
        assertEquals("language", assertThrows(InvalidArgumentException.class, () -> submit.submitJob(SubmitJobCommand.of(
                new SynthesizeCustomVoiceCommand(null, "x", "klingon", "ryan", null, null, null)))).field());
        assertEquals("model", assertThrows(UnsupportedException.class, () -> submit.submitJob(SubmitJobCommand.of(
                new SynthesizeCustomVoiceCommand("design", "x", null, "ryan", null, null, null)))).field());
        assertEquals("model", assertThrows(NotFoundException.class, () -> submit.submitJob(SubmitJobCommand.of(
                new SynthesizeCustomVoiceCommand("nope", "x", null, "ryan", null, null, null)))).field());
        assertEquals("response_format", assertThrows(UnsupportedException.class, () -> submit.submitJob(SubmitJobCommand.of(
                new SynthesizeCustomVoiceCommand(null, "x", null, "ryan", null, null, AudioFormat.OPUS)))).field());
        assertEquals("voice", assertThrows(NotFoundException.class, () -> submit.submitJob(SubmitJobCommand.of(
                new SynthesizeVoiceCloneCommand(null, "x", null, new CloneVoice.SavedVoice("ghost"), null, null)))).field());
        assertEquals("ref_audio", assertThrows(UnsupportedMediaException.class, () -> submit.submitJob(SubmitJobCommand.of(
                new SynthesizeVoiceCloneCommand(null, "x", null, new CloneVoice.UploadedReference(
                        AudioUpload.of("ref_audio", new byte[] {1, 2, 3}), "hi", false), null, null)))).field());
        assertEquals("ref_audio", assertThrows(InvalidArgumentException.class, () -> submit.submitJob(SubmitJobCommand.of(
                new SynthesizeVoiceCloneCommand(null, "x", null, new CloneVoice.UploadedReference(
                        AudioUpload.of("ref_audio", FakeAudioCodec.clip(0.5, 16_000)), "hi", false), null, null)))).field());
        assertTrue(core.useCase(ListJobsUseCase.class).listJobs(ListJobsQuery.all()).isEmpty());
        assertTrue(loader.events.isEmpty(), "nothing was loaded for rejected requests");
    }

    @Test
    void givenAnUploadedReference_whenCloned_thenItIsStoredWithTheRunAndPassedByPath() {
        core(4);
        SynthesisOutcome outcome = core.useCase(SynthesizeVoiceCloneUseCase.class).synthesizeVoiceClone(
                new SynthesizeVoiceCloneCommand(null, "Say this.", null, new CloneVoice.UploadedReference(
                        new AudioUpload("ref_audio", FakeAudioCodec.clip(3, 16_000), "me.wav", "audio/wav"), "hello", false),
                        null, null), e -> { }, CancellationToken.none());
        String id = outcome.output().id();
        assertTrue(outputs.inputs.containsKey(id + "/reference.wav"));
        VoicePrompt prompt = synthesizers.get(0).seen().get(0).voicePrompt();
        VoicePrompt.ReferenceAudio ref = assertInstanceOf(VoicePrompt.ReferenceAudio.class, prompt);
        assertEquals("hello", ref.transcript());
        assertTrue(ref.audio().endsWith("reference.wav"));
    }

    @Test
    void givenDesignThenClone_whenDone_thenTheVoiceIsSavedWithItsPromptAndCanBeCloned() {
        core(4);
        DesignThenCloneOutcome outcome = core.useCase(DesignThenCloneUseCase.class).designThenClone(
                new DesignThenCloneCommand(null, null, "Old Wizard", "a grumpy old wizard", "You shall not pass.", "english", null),
                e -> { }, CancellationToken.none());

        VoiceView voice = outcome.voice();
        assertEquals("old-wizard", voice.id());
        assertEquals(VoiceOrigin.DESIGNED, voice.origin());
        assertEquals("You shall not pass.", voice.transcript());
        assertEquals("a grumpy old wizard", voice.designInstruct());
        assertEquals("design", voice.sourceModelId());
        assertEquals(outcome.sample().id(), outcome.job().result().outputId());
        assertEquals("old-wizard", outcome.job().result().voiceId());
        assertTrue(voices.prompts.containsKey("old-wizard/fake-base"));
        assertEquals(List.of("load design", "close design", "load base", "prompt reference.wav"), loader.events);

        SynthesisOutcome cloned = core.useCase(SynthesizeVoiceCloneUseCase.class).synthesizeVoiceClone(
                new SynthesizeVoiceCloneCommand(null, "Fly, you fools.", null, new CloneVoice.SavedVoice("old-wizard"), null, null),
                e -> { }, CancellationToken.none());
        assertEquals("old-wizard", cloned.output().voiceId());

        assertEquals("name", assertThrows(ConflictException.class, () -> core.useCase(DesignThenCloneUseCase.class)
                .designThenClone(new DesignThenCloneCommand(null, null, "old wizard", "x", "y", null, null), e -> { },
                        CancellationToken.none())).field());
    }

    @Test
    void givenThePromptStepFails_whenDesigningThenCloning_thenTheJobFailsAndNoVoiceIsLeft() {
        core(4);
        loader.promptFailure = new ModelException("speaker encoder broke");
        ModelException e = assertThrows(ModelException.class, () -> core.useCase(DesignThenCloneUseCase.class).designThenClone(
                new DesignThenCloneCommand(null, null, "Wiz", "a wizard", "Hello.", null, null), x -> { },
                CancellationToken.none()));
        assertEquals("speaker encoder broke", e.getMessage());
        assertTrue(voices.voices.isEmpty());
        JobView job = core.useCase(ListJobsUseCase.class).listJobs(ListJobsQuery.all()).get(0);
        assertEquals(JobState.FAILED, job.state());
        assertEquals(ErrorType.MODEL_ERROR, job.error().type());
        assertEquals(1, outputs.records.size(), "the designed sample stays in the history");
    }

    @Test
    void givenVoices_whenCreatedAndUpdated_thenNamesAreUniqueAndANewTranscriptDropsPrompts() {
        core(4);
        CreateVoiceUseCase create = core.useCase(CreateVoiceUseCase.class);
        VoiceView v = create.createVoice(new CreateVoiceCommand("Ann", null, null,
                AudioUpload.of("audio_sample", FakeAudioCodec.clip(5, 24_000)), "hello", false));
        assertEquals("ann", v.id());
        assertEquals(5.0, v.clipSeconds());
        assertEquals("name", assertThrows(ConflictException.class, () -> create.createVoice(new CreateVoiceCommand("ANN", null,
                null, AudioUpload.of("audio_sample", FakeAudioCodec.clip(5, 24_000)), "hello", false))).field());
        assertEquals("audio_sample", assertThrows(InvalidArgumentException.class, () -> create.createVoice(new CreateVoiceCommand(
                "Bob", null, null, AudioUpload.of("audio_sample", FakeAudioCodec.clip(90, 24_000)), "hello", false))).field());
        assertEquals("audio_sample", assertThrows(PayloadTooLargeException.class, () -> create.createVoice(new CreateVoiceCommand(
                "Bob", null, null, AudioUpload.of("audio_sample", new byte[11 * 1024 * 1024]), "hello", false))).field());

        voices.savePrompt("ann", "k", new byte[] {1});
        UpdateVoiceUseCase update = core.useCase(UpdateVoiceUseCase.class);
        update.updateVoice(new UpdateVoiceCommand("ann", null, "friendly", null, null));
        assertFalse(voices.prompts.isEmpty(), "a description change keeps prompts");
        VoiceView changed = update.updateVoice(new UpdateVoiceCommand("ann", "Anna", null, null, "hello again"));
        assertEquals("Anna", changed.name());
        assertEquals("friendly", changed.description());
        assertTrue(voices.prompts.isEmpty(), "a transcript change drops prompts");
    }

    @Test
    void givenTheTokenizer_whenEncodingAndDecoding_thenTheCodecModelIsUsedBesideGeneration() {
        core(4);
        EncodeSpeechResult codes = core.useCase(EncodeSpeechTokensUseCase.class).encodeSpeech(
                new EncodeSpeechCommand(null, AudioUpload.of("audio", FakeAudioCodec.clip(2, 24_000))), CancellationToken.none());
        assertEquals("codec", codes.modelId());
        assertEquals(25, codes.codes().frameCount());
        EncodedAudio audio = core.useCase(DecodeSpeechTokensUseCase.class).decodeSpeech(
                new DecodeSpeechCommand(null, codes.codes(), AudioFormat.PCM), CancellationToken.none()).audio();
        assertEquals(AudioFormat.PCM, audio.format());
        assertEquals(2.0, audio.durationSeconds());
    }

    @Test
    void givenModels_whenListed_thenResidencyAndTheRandomWeightFlagAreShown() {
        core(4);
        core.useCase(SynthesizeCustomVoiceUseCase.class).synthesizeCustomVoice(custom("x"), e -> { }, CancellationToken.none());
        var models = core.useCase(ListModelsUseCase.class).listModels();
        assertEquals(4, models.size());
        assertEquals(ModelResidency.LOADED, models.get(0).residency());
        assertEquals(ModelResidency.AVAILABLE, models.get(1).residency());
        assertTrue(models.stream().allMatch(m -> m.randomWeights()));
        assertEquals(AudioFormat.WAV, core.useCase(GetOutputAudioUseCase.class)
                .getOutputAudio(outputs.records.keySet().iterator().next(), null).format());
    }

    @Test
    void givenAFinishedJob_whenWatched_thenOnlyItsFinalSnapshotArrives() {
        core(4);
        SynthesisOutcome done = core.useCase(SynthesizeCustomVoiceUseCase.class)
                .synthesizeCustomVoice(custom("x"), e -> { }, CancellationToken.none());
        List<JobEvent> events = new CopyOnWriteArrayList<>();
        core.useCase(WatchJobUseCase.class).watchJob(done.job().id(), events::add).close();
        assertEquals(1, events.size());
        assertEquals(JobState.DONE, ((JobEvent.StateChanged) events.get(0)).job().state());
    }

    @Test
    void givenAListenerThatThrows_whenTheJobRuns_thenTheListenerIsDetachedAndTheJobStillSucceeds() {
        core(4);
        List<JobEvent> seen = new CopyOnWriteArrayList<>();
        SynthesisOutcome done = core.useCase(SynthesizeCustomVoiceUseCase.class).synthesizeCustomVoice(custom("x"), e -> {
            seen.add(e);
            if (e instanceof JobEvent.Progress) {
                throw new IllegalStateException("client went away");
            }
        }, CancellationToken.none());
        assertEquals(JobState.DONE, done.job().state());
        assertInstanceOf(JobEvent.Progress.class, seen.get(seen.size() - 1), "nothing after the throwing call");
    }

    @Test
    void givenTheCoreClosed_whenSubmitting_thenUnavailable() {
        core(4);
        core.close();
        assertEquals(ErrorType.UNAVAILABLE, assertThrows(io.q3tts.ports.model.UnavailableException.class,
                () -> core.useCase(SubmitJobUseCase.class).submitJob(SubmitJobCommand.of(custom("x")))).errorType());
        assertThrows(UnsupportedException.class, () -> core.useCase(Runnable.class));
    }

    @SuppressWarnings("unused")
    private static VoiceRecord record(String id) {
        return new VoiceRecord(id, id, "", VoiceOrigin.UPLOADED, "auto", "t", false, null, null, 1, Instant.EPOCH, Instant.EPOCH);
    }

    @SuppressWarnings("unused")
    private static ModelDescriptor descriptor(String id) {
        return model(id, ModelTask.CUSTOM_VOICE);
    }

    @Test
    void givenSamples_whenEncoded_thenTheServicesEncoderIsUsedAndUnknownFormatsNameTheField() {
        core(4);
        io.q3tts.ports.in.audio.EncodeAudioUseCase encode = core.useCase(io.q3tts.ports.in.audio.EncodeAudioUseCase.class);
        assertTrue(encode.encodableFormats().contains(AudioFormat.MP3));
        EncodedAudio mp3 = encode.encodeAudio(new io.q3tts.ports.model.PcmAudio(new float[2400], 24_000), AudioFormat.MP3);
        assertEquals(AudioFormat.MP3, mp3.format());
        assertEquals(2400, codec.decode(io.q3tts.ports.model.AudioUpload.of("a", mp3.bytes())).samples().length);
        InvalidArgumentException missing = assertThrows(InvalidArgumentException.class,
                () -> encode.encodeAudio(new io.q3tts.ports.model.PcmAudio(new float[1], 24_000), null));
        assertEquals("format", missing.field());
    }
}
