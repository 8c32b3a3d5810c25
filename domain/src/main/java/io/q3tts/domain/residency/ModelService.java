package io.q3tts.domain.residency;

import io.q3tts.ports.in.models.GetModelUseCase;
import io.q3tts.ports.in.models.ListModelsUseCase;
import io.q3tts.ports.in.models.LoadModelCommand;
import io.q3tts.ports.in.models.LoadModelUseCase;
import io.q3tts.ports.in.models.ModelView;
import io.q3tts.ports.in.models.UnloadModelCommand;
import io.q3tts.ports.in.models.UnloadModelUseCase;
import io.q3tts.ports.model.Ids;
import io.q3tts.ports.model.NotFoundException;
import io.q3tts.ports.out.catalog.ModelCatalog;
import io.q3tts.ports.out.catalog.ModelDescriptor;
import java.util.List;
import java.util.Objects;

/** The model use cases: list, inspect, load, unload. Thread-safe. */
public final class ModelService implements ListModelsUseCase, GetModelUseCase, LoadModelUseCase, UnloadModelUseCase {

    private final ModelCatalog catalog;
    private final ModelResidencyManager residency;

    /**
     * @param catalog the installed bundles, never null
     * @param residency the residency manager, never null
     */
    public ModelService(ModelCatalog catalog, ModelResidencyManager residency) {
        this.catalog = Objects.requireNonNull(catalog, "catalog");
        this.residency = Objects.requireNonNull(residency, "residency");
    }

    @Override
    public List<ModelView> listModels() {
        return catalog.list().stream().map(this::view).toList();
    }

    @Override
    public ModelView getModel(String modelId) {
        return view(find(Ids.requireSafe(modelId, "model")));
    }

    @Override
    public ModelView loadModel(LoadModelCommand command) {
        ModelDescriptor d = find(command.modelId());
        residency.load(d.id());
        return view(d);
    }

    @Override
    public ModelView unloadModel(UnloadModelCommand command) {
        ModelDescriptor d = find(command.modelId());
        residency.unload(d.id());
        return view(d);
    }

    private ModelDescriptor find(String id) {
        return catalog.find(id).orElseThrow(() -> new NotFoundException("model", "Model '" + id + "' is not installed."));
    }

    private ModelView view(ModelDescriptor d) {
        ResidencySnapshot r = residency.snapshot(d.id());
        return new ModelView(d.id(), d.displayName(), d.tasks(), d.size(), d.precision(), d.randomWeights(), d.speakers(),
                d.languages(), d.supportsInstruct(), d.sampleRate(), r.state(), r.inFlight(), r.lastUsedAt(),
                d.approxMemoryBytes(), r.memoryBytes());
    }
}
