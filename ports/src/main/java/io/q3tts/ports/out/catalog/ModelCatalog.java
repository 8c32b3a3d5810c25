package io.q3tts.ports.out.catalog;

import io.q3tts.ports.model.StorageException;
import java.util.List;
import java.util.Optional;

/**
 * Driven port: the model bundles installed on this machine (for the file-system adapter, the
 * bundle folders under {@code models/}).
 *
 * <p>Implementations are thread-safe. They may re-scan on every call or cache; a bundle added
 * while running appears at the latest after {@link #refresh()}.
 */
public interface ModelCatalog {

    /**
     * @return every installed bundle, in a stable order (real weights before random ones, then by id);
     *     never null, possibly empty
     * @throws StorageException if the model folder cannot be read
     */
    List<ModelDescriptor> list();

    /**
     * @param modelId a model id, never null
     * @return the bundle with that id, or empty
     * @throws StorageException if the model folder cannot be read
     */
    Optional<ModelDescriptor> find(String modelId);

    /**
     * Re-reads the installed bundles. The default does nothing (for catalogs that never cache).
     *
     * @throws StorageException if the model folder cannot be read
     */
    default void refresh() {
    }
}
