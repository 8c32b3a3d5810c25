package io.q3tts.domain.cluster;

import static io.q3tts.domain.testing.FakeCatalog.model;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.q3tts.domain.Q3ttsCore;
import io.q3tts.domain.residency.ResidencyPolicy;
import io.q3tts.domain.scheduling.SchedulerPolicy;
import io.q3tts.domain.testing.FakeAudioCodec;
import io.q3tts.domain.testing.FakeCatalog;
import io.q3tts.domain.testing.FakeClock;
import io.q3tts.domain.testing.FakeLoader;
import io.q3tts.domain.testing.FakeSynthesizer;
import io.q3tts.domain.testing.InMemoryOutputRepository;
import io.q3tts.domain.testing.InMemoryPipelineRunStore;
import io.q3tts.domain.testing.InMemoryVoiceRepository;
import io.q3tts.ports.in.synthesis.CloneVoice;
import io.q3tts.ports.in.synthesis.SynthesisOutcome;
import io.q3tts.ports.in.synthesis.SynthesizeCustomVoiceCommand;
import io.q3tts.ports.in.synthesis.SynthesizeCustomVoiceUseCase;
import io.q3tts.ports.in.synthesis.SynthesizeVoiceCloneCommand;
import io.q3tts.ports.in.synthesis.SynthesizeVoiceCloneUseCase;
import io.q3tts.ports.model.AudioFormat;
import io.q3tts.ports.model.CancellationToken;
import io.q3tts.ports.model.EncodedAudio;
import io.q3tts.ports.model.InvalidArgumentException;
import io.q3tts.ports.model.ModelTask;
import io.q3tts.ports.model.VoiceOrigin;
import io.q3tts.ports.out.cluster.Step;
import io.q3tts.ports.out.cluster.StepExecutor;
import io.q3tts.ports.out.cluster.StepObserver;
import io.q3tts.ports.out.cluster.StepQueue;
import io.q3tts.ports.out.cluster.StepResult;
import io.q3tts.ports.out.cluster.StepWork;
import io.q3tts.ports.out.inference.SpeechSynthesizer;
import io.q3tts.ports.out.inference.SynthesisListener;
import io.q3tts.ports.out.inference.SynthesisRequest;
import io.q3tts.ports.out.inference.SynthesisResult;
import io.q3tts.ports.out.inference.VoicePrompt;
import io.q3tts.ports.out.voice.VoiceRecord;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * An accepting core whose engine is {@link ClusterModelLoader} and a worker core running the steps
 * through {@link StepRunner}, joined by an in-process queue (a test double for the port): outputs
 * stay with the accepting core and name the worker, saved voices travel as clips and land in the
 * worker's cache under their content id, and a worker's error reaches the caller unchanged.
 */
class ClusterCoreTest {

    private final FakeClock clock = new FakeClock();
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private final InMemoryVoiceRepository library = new InMemoryVoiceRepository();
    private final InMemoryOutputRepository outputs = new InMemoryOutputRepository();
    private final InMemoryVoiceRepository workerCache = new InMemoryVoiceRepository();
    private final FakeLoader acceptingLoader = new FakeLoader();
    private final FakeLoader workerLoader = new FakeLoader();
    private final List<Step> dispatched = new CopyOnWriteArrayList<>();
    private final List<FakeSynthesizer> workerSynthesizers = new CopyOnWriteArrayList<>();
    private Q3ttsCore accepting;
    private Q3ttsCore worker;

    private static FakeCatalog catalog() {
        return new FakeCatalog().add(model("custom", ModelTask.CUSTOM_VOICE)).add(model("base", ModelTask.VOICE_CLONE));
    }

    private Q3ttsCore core(FakeCatalog catalog, io.q3tts.ports.out.catalog.ModelLoader loader,
                           io.q3tts.ports.out.voice.VoiceRepository voices, InMemoryOutputRepository out) {
        FakeAudioCodec codec = new FakeAudioCodec();
        return Q3ttsCore.builder().catalog(catalog).loader(loader).voices(voices).outputs(out).encoder(codec)
                .decoder(codec).effects(codec).clock(clock).executor(executor)
                .schedulerPolicy(new SchedulerPolicy(4, 4, 1, 4, Duration.ofSeconds(30), Duration.ofSeconds(10), Duration.ZERO))
                .residencyPolicy(new ResidencyPolicy(4, 1, Duration.ZERO, Duration.ofSeconds(30)))
                .pipelineRuns(new InMemoryPipelineRunStore()).build();
    }

    /** The queue as a direct call: what the NATS adapter does across processes, minus the transport. */
    private StepQueue directQueue(StepExecutor executor) {
        return new StepQueue() {
            @Override
            public StepResult run(Step step, StepObserver observer, CancellationToken cancellation) {
                dispatched.add(step);
                observer.started("w1");
                return executor.execute(step, observer, cancellation);
            }

            @Override
            public Subscription serve(String workerId, Set<String> modelIds, int concurrency, StepExecutor e) {
                throw new UnsupportedOperationException();
            }

            @Override
            public String describe() {
                return "in-process";
            }

            @Override
            public void close() {
            }
        };
    }

    private void start() {
        workerLoader.synthesizers = d -> {
            FakeSynthesizer s = new FakeSynthesizer(d);
            workerSynthesizers.add(s);
            return s;
        };
        worker = core(catalog(), workerLoader, workerCache, new InMemoryOutputRepository());
        accepting = core(catalog(), new ClusterModelLoader(directQueue(worker.stepExecutor("w1")), library, acceptingLoader),
                library, outputs);
    }

    @AfterEach
    void stop() {
        if (accepting != null) {
            accepting.close();
        }
        if (worker != null) {
            worker.close();
        }
        executor.shutdownNow();
    }

    @Test
    void givenACustomVoiceJob_whenRunOnAWorker_thenTheOutputIsStoredHereWithTheWorkersAudioAndName() {
        start();
        SynthesisOutcome outcome = accepting.useCase(SynthesizeCustomVoiceUseCase.class).synthesizeCustomVoice(
                new SynthesizeCustomVoiceCommand(null, "Hello there.", "English", "Ryan", null, null, null), e -> { },
                CancellationToken.none());

        assertEquals(List.of(), acceptingLoader.events, "the accepting process loads no generation model");
        assertEquals(1, dispatched.size());
        assertEquals("custom", dispatched.get(0).modelId());
        assertEquals("Hello there.", workerSynthesizers.get(0).seen().get(0).text(), "the worker's engine ran it");
        assertEquals("w1", outcome.output().parameters().get("worker"));
        assertEquals("w1", accepting.useCase(io.q3tts.ports.in.job.GetJobUseCase.class).getJob(outcome.job().id()).worker(),
                "the job names its worker too");
        assertEquals(FakeSynthesizer.FRAMES * FakeSynthesizer.SAMPLES_PER_FRAME,
                Math.round(outcome.output().durationSeconds() * 24_000));
        assertTrue(outputs.records.containsKey(outcome.output().id()));
    }

    @Test
    void givenASavedVoice_whenClonedOnAWorker_thenItsClipTravelsAndIsCachedUnderItsContentId() {
        start();
        byte[] clip = FakeAudioCodec.clip(3, 24_000);
        library.create(new VoiceRecord("hero", "Hero", "", VoiceOrigin.UPLOADED, "auto", "It says this.", false, null, null, 3,
                Instant.EPOCH, Instant.EPOCH), new EncodedAudio(AudioFormat.WAV, clip, 24_000, 3));

        accepting.useCase(SynthesizeVoiceCloneUseCase.class).synthesizeVoiceClone(new SynthesizeVoiceCloneCommand(null,
                "Again.", null, new CloneVoice.SavedVoice("hero"), null, null), e -> { }, CancellationToken.none());
        accepting.useCase(SynthesizeVoiceCloneUseCase.class).synthesizeVoiceClone(new SynthesizeVoiceCloneCommand(null,
                "Once more.", null, new CloneVoice.SavedVoice("hero"), null, null), e -> { }, CancellationToken.none());

        StepWork.Synthesize work = assertInstanceOf(StepWork.Synthesize.class, dispatched.get(0).work());
        String contentId = work.voice().id();
        assertEquals(ClusterModelLoader.contentId(clip, "It says this.", false), contentId);
        assertEquals(new VoicePrompt.Saved(contentId), work.request().voicePrompt());
        assertEquals(new VoicePrompt.Saved(contentId), workerSynthesizers.get(0).seen().get(1).voicePrompt());
        assertEquals(1, workerCache.list().size(), "one cached voice for two steps with the same reference");
        assertEquals("It says this.", workerCache.find(contentId).orElseThrow().transcript());

        library.update(new VoiceRecord("hero", "Hero", "", VoiceOrigin.UPLOADED, "auto", "It now says that.", false, null, null,
                3, Instant.EPOCH, Instant.EPOCH));
        accepting.useCase(SynthesizeVoiceCloneUseCase.class).synthesizeVoiceClone(new SynthesizeVoiceCloneCommand(null,
                "Edited.", null, new CloneVoice.SavedVoice("hero"), null, null), e -> { }, CancellationToken.none());
        assertEquals(2, workerCache.list().size(), "a new transcript is a new voice on the worker, never a stale prompt");
    }

    @Test
    void givenAModelThatFailsOnEveryWorker_whenALaterRequestNamesNoModel_thenItGetsTheCatalogsFirstModelNotTheBrokenOne() {
        // The accepting core "loads" every model it dispatches to, the broken one included: it must not count as
        // the resident model an unnamed request prefers (the cluster test's NPC pack once went to it).
        workerLoader.synthesizers = d -> d.id().equals("custom-broken") ? new SpeechSynthesizer() {
            @Override
            public io.q3tts.ports.out.inference.SynthesizerInfo info() {
                return new FakeSynthesizer(d).info();
            }

            @Override
            public SynthesisResult synthesize(SynthesisRequest request, SynthesisListener listener, CancellationToken c) {
                throw new io.q3tts.ports.model.ModelException("The talker graph cannot be loaded.");
            }
        } : new FakeSynthesizer(d);
        FakeCatalog catalog = catalog().add(model("custom-broken", ModelTask.CUSTOM_VOICE));
        worker = core(catalog, workerLoader, workerCache, new InMemoryOutputRepository());
        accepting = core(catalog, new ClusterModelLoader(directQueue(worker.stepExecutor("w1")), library, acceptingLoader),
                library, outputs);
        SynthesizeCustomVoiceUseCase synth = accepting.useCase(SynthesizeCustomVoiceUseCase.class);
        assertThrows(io.q3tts.ports.model.ModelException.class, () -> synth.synthesizeCustomVoice(new SynthesizeCustomVoiceCommand(
                "custom-broken", "Hi.", "English", "Ryan", null, null, null), x -> { }, CancellationToken.none()));

        SynthesisOutcome unnamed = synth.synthesizeCustomVoice(new SynthesizeCustomVoiceCommand(null, "Hello.", "English", "Ryan",
                null, null, null), x -> { }, CancellationToken.none());

        assertEquals("custom", dispatched.getLast().modelId(), "catalog order, not the most recently used (broken) model");
        assertEquals("w1", unnamed.output().parameters().get("worker"));
    }

    @Test
    void givenAWorkerError_whenTheJobRuns_thenTheCallerGetsTheSameError() {
        workerLoader.synthesizers = d -> new SpeechSynthesizer() {
            @Override
            public io.q3tts.ports.out.inference.SynthesizerInfo info() {
                return new FakeSynthesizer(d).info();
            }

            @Override
            public SynthesisResult synthesize(SynthesisRequest request, SynthesisListener listener, CancellationToken c) {
                throw new InvalidArgumentException("voice", "No such speaker on this worker.");
            }
        };
        worker = core(catalog(), workerLoader, workerCache, new InMemoryOutputRepository());
        accepting = core(catalog(), new ClusterModelLoader(directQueue(worker.stepExecutor("w1")), library, acceptingLoader),
                library, outputs);
        InvalidArgumentException e = assertThrows(InvalidArgumentException.class, () -> accepting.useCase(
                SynthesizeCustomVoiceUseCase.class).synthesizeCustomVoice(new SynthesizeCustomVoiceCommand(null, "Hi.", "English",
                "Ryan", null, null, null), x -> { }, CancellationToken.none()));
        assertEquals("voice", e.field());
        assertEquals("No such speaker on this worker.", e.getMessage());
        assertTrue(outputs.records.isEmpty());
    }
}
