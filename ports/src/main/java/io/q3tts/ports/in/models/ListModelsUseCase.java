package io.q3tts.ports.in.models;

import java.util.List;

/** Use case: every installed model with its residency. Thread-safe. */
public interface ListModelsUseCase {

    /** @return the models in catalog order (real weights first), never null */
    List<ModelView> listModels();
}
