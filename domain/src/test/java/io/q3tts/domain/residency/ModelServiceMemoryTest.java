package io.q3tts.domain.residency;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.q3tts.domain.testing.FakeCatalog;
import io.q3tts.domain.testing.FakeClock;
import io.q3tts.domain.testing.FakeLoader;
import io.q3tts.ports.in.models.LoadModelCommand;
import io.q3tts.ports.in.models.ModelResidency;
import io.q3tts.ports.in.models.ModelView;
import io.q3tts.ports.in.models.UnloadModelCommand;
import io.q3tts.ports.model.ModelTask;
import io.q3tts.ports.out.catalog.LoadedModel;
import io.q3tts.ports.out.catalog.ModelDescriptor;
import io.q3tts.ports.out.catalog.ModelLoader;
import io.q3tts.ports.out.inference.ClonePromptEncoder;
import io.q3tts.ports.out.inference.SpeechSynthesizer;
import io.q3tts.ports.out.tokenizer.SpeechTokenizer;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The models use cases report what a model needs to load and what a resident one holds. */
class ModelServiceMemoryTest {

    private static final long SIZE = 3L * 1024 * 1024 * 1024;

    private final AtomicLong resident = new AtomicLong(123_456);
    private final FakeCatalog catalog = new FakeCatalog()
            .add(new ModelDescriptor("big", "Big", Set.of(ModelTask.CUSTOM_VOICE), "1.7B", "fp32", false, List.of("ryan"),
                    List.of("auto"), true, 24_000, SIZE))
            .add(FakeCatalog.model("plain", ModelTask.VOICE_DESIGN));

    /** The fake loader's models, reporting {@link #resident} for "big" and the port's default otherwise. */
    private final ModelLoader loader = new ModelLoader() {
        private final FakeLoader fake = new FakeLoader();

        @Override
        public LoadedModel load(ModelDescriptor model) {
            LoadedModel m = fake.load(model);
            if (!model.id().equals("big")) {
                return m;
            }
            return new LoadedModel() {
                @Override
                public ModelDescriptor descriptor() {
                    return m.descriptor();
                }

                @Override
                public Optional<SpeechSynthesizer> synthesizer() {
                    return m.synthesizer();
                }

                @Override
                public Optional<ClonePromptEncoder> clonePromptEncoder() {
                    return m.clonePromptEncoder();
                }

                @Override
                public Optional<SpeechTokenizer> speechTokenizer() {
                    return m.speechTokenizer();
                }

                @Override
                public long memoryBytes() {
                    return resident.get();
                }

                @Override
                public void close() {
                    m.close();
                }
            };
        }
    };

    private final ModelService service = new ModelService(catalog, new ModelResidencyManager(catalog, loader,
            new ResidencyPolicy(2, 1, Duration.ZERO, Duration.ofSeconds(5)), new FakeClock()));

    @Test
    void anUnloadedModelShowsTheSizeItNeedsAndHoldsNothing() {
        ModelView v = service.getModel("big");
        assertEquals(ModelResidency.AVAILABLE, v.residency());
        assertEquals(SIZE, v.sizeBytes());
        assertEquals(0, v.memoryBytes());
    }

    @Test
    void aResidentModelShowsWhatItHoldsNowAndDropsItWhenUnloaded() {
        ModelView loaded = service.loadModel(new LoadModelCommand("big"));
        assertEquals(ModelResidency.LOADED, loaded.residency());
        assertEquals(123_456, loaded.memoryBytes());
        assertEquals(SIZE, loaded.sizeBytes());
        resident.set(SIZE);
        assertEquals(SIZE, service.getModel("big").memoryBytes(), "read live: it grows as parts open");
        assertEquals(0, service.unloadModel(new UnloadModelCommand("big")).memoryBytes());
    }

    @Test
    void aModelWithoutItsOwnFigureFallsBackToTheCatalogsEstimate() {
        service.loadModel(new LoadModelCommand("plain"));
        ModelView v = service.listModels().stream().filter(m -> m.id().equals("plain")).findFirst().orElseThrow();
        assertEquals(0, v.sizeBytes(), "the fake catalog knows no size");
        assertEquals(0, v.memoryBytes());
    }
}
