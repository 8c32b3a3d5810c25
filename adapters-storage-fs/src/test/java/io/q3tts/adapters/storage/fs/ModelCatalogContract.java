package io.q3tts.adapters.storage.fs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.q3tts.ports.out.catalog.ModelCatalog;
import io.q3tts.ports.out.catalog.ModelDescriptor;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The {@link ModelCatalog} contract over a catalog that holds at least one bundle. */
abstract class ModelCatalogContract {

    /** @return a catalog with at least one model */
    protected abstract ModelCatalog catalog();

    @Test
    void listsInAStableOrderRealWeightsFirst() {
        List<ModelDescriptor> models = catalog().list();
        assertFalse(models.isEmpty());
        assertEquals(models.stream().sorted(Comparator.comparing(ModelDescriptor::randomWeights)
                .thenComparing(ModelDescriptor::id)).toList(), models);
        assertEquals(models, catalog().list());
    }

    @Test
    void findsEachListedModelById() {
        for (ModelDescriptor m : catalog().list()) {
            assertEquals(m, catalog().find(m.id()).orElseThrow());
        }
        assertTrue(catalog().find("no-such-model").isEmpty());
        assertTrue(catalog().find("../models").isEmpty());
        catalog().refresh();
        assertFalse(catalog().list().isEmpty());
    }
}
