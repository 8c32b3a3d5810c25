package io.q3tts.domain.testing;

import io.q3tts.ports.model.ModelTask;
import io.q3tts.ports.out.catalog.ModelCatalog;
import io.q3tts.ports.out.catalog.ModelDescriptor;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** An in-memory catalog. */
public final class FakeCatalog implements ModelCatalog {

    private final List<ModelDescriptor> models = new ArrayList<>();

    public FakeCatalog add(ModelDescriptor d) {
        models.add(d);
        return this;
    }

    public static ModelDescriptor model(String id, ModelTask... tasks) {
        boolean custom = Set.of(tasks).contains(ModelTask.CUSTOM_VOICE);
        boolean tts = Set.of(tasks).stream().anyMatch(ModelTask::isGeneration);
        return new ModelDescriptor(id, id.toUpperCase(), Set.of(tasks), tts ? "0.6B" : null, "fp32", true,
                custom ? List.of("ryan", "vivian") : List.of(), tts ? List.of("auto", "english", "chinese") : List.of(),
                false, 24_000, 0);
    }

    @Override
    public List<ModelDescriptor> list() {
        return List.copyOf(models);
    }

    @Override
    public Optional<ModelDescriptor> find(String modelId) {
        return models.stream().filter(m -> m.id().equals(modelId)).findFirst();
    }
}
