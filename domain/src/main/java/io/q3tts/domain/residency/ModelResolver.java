package io.q3tts.domain.residency;

import io.q3tts.ports.model.ModelTask;
import io.q3tts.ports.model.NotFoundException;
import io.q3tts.ports.model.UnsupportedException;
import io.q3tts.ports.out.catalog.ModelCatalog;
import io.q3tts.ports.out.catalog.ModelDescriptor;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * Chooses the model for a request: the one named, checked to serve the task; or, when none is
 * named, a resident model that serves it (most recently used first), else (for the tokenizer, a
 * tokenizer-only bundle first, then) the first in catalog order (real weights before random ones).
 *
 * <p>The resident preference exists to spare a load. A process that dispatches its generation to
 * cluster workers holds no weights, and every model it ever used counts as "resident" there, even
 * one that fails on every worker: preferring it would send every later unnamed request to the
 * broken model and make the choice depend on what ran before. Such a resolver is built with
 * {@code preferResident} false and picks by catalog order alone. Thread-safe.
 */
public final class ModelResolver {

    private final ModelCatalog catalog;
    private final ModelResidencyManager residency;
    private final boolean preferResident;

    /**
     * @param catalog the installed bundles, never null
     * @param residency to prefer models already in memory, never null
     */
    public ModelResolver(ModelCatalog catalog, ModelResidencyManager residency) {
        this(catalog, residency, true);
    }

    /**
     * @param catalog the installed bundles, never null
     * @param residency to prefer models already in memory, never null
     * @param preferResident false where resident models hold no memory (a process dispatching to cluster workers)
     */
    public ModelResolver(ModelCatalog catalog, ModelResidencyManager residency, boolean preferResident) {
        this.catalog = Objects.requireNonNull(catalog, "catalog");
        this.residency = Objects.requireNonNull(residency, "residency");
        this.preferResident = preferResident;
    }

    /**
     * @param requestedId the model the caller named, or null
     * @param task the task it must serve
     * @param field the request field that names the model, for errors
     * @return the model, never null
     * @throws NotFoundException naming {@code field} if the named model is not installed
     * @throws UnsupportedException naming {@code field} if it does not serve the task, or no model does
     */
    public ModelDescriptor resolve(String requestedId, ModelTask task, String field) {
        if (requestedId != null) {
            ModelDescriptor d = catalog.find(requestedId).orElseThrow(() -> new NotFoundException(field,
                    "Model '" + requestedId + "' is not installed." + hint(task)));
            if (!d.supports(task)) {
                throw new UnsupportedException(field, "Model '" + requestedId + "' does not serve " + task.key() + "." + hint(task));
            }
            return d;
        }
        List<ModelDescriptor> candidates = catalog.list().stream().filter(d -> d.supports(task)).toList();
        if (candidates.isEmpty()) {
            throw new UnsupportedException(field, "No installed model serves " + task.key() + ".");
        }
        List<String> resident = preferResident ? residency.residentIds() : List.of();
        for (int i = resident.size() - 1; i >= 0; i--) {
            String id = resident.get(i);
            for (ModelDescriptor d : candidates) {
                if (d.id().equals(id)) {
                    return d;
                }
            }
        }
        if (task == ModelTask.TOKENIZER) {
            // Loading a generation bundle just for its codec could evict the model the GPU jobs use.
            for (ModelDescriptor d : candidates) {
                if (!d.generates()) {
                    return d;
                }
            }
        }
        return candidates.get(0);
    }

    private String hint(ModelTask task) {
        String ids = catalog.list().stream().filter(d -> d.supports(task)).map(ModelDescriptor::id)
                .collect(Collectors.joining(", "));
        return ids.isEmpty() ? " No installed model serves " + task.key() + "." : " Models serving " + task.key() + ": " + ids + ".";
    }
}
