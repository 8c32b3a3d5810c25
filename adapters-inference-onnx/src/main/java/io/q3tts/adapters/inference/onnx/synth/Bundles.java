package io.q3tts.adapters.inference.onnx.synth;

import io.q3tts.adapters.inference.onnx.bundle.Bundle;
import io.q3tts.adapters.inference.onnx.bundle.Manifest;
import io.q3tts.adapters.inference.onnx.bundle.OrtRuntime;
import io.q3tts.ports.model.NotFoundException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;

/** Opening a bundle folder with the ports' error vocabulary: a missing folder or manifest is "not found". */
final class Bundles {

    private Bundles() { }

    /**
     * @param dir the bundle folder
     * @param runtime the ONNX runtime
     * @return the opened bundle
     * @throws NotFoundException if there is no folder, or no bundle in it
     * @throws io.q3tts.ports.model.ModelException if the bundle is incomplete or invalid
     */
    static Bundle open(Path dir, OrtRuntime runtime) {
        Objects.requireNonNull(dir, "dir");
        if (!Files.isDirectory(dir)) {
            throw new NotFoundException("Model folder not found: " + dir + ".");
        }
        if (!Files.isRegularFile(dir.resolve(Manifest.FILE))) {
            throw new NotFoundException(dir + " is not a q3tts model bundle (it has no " + Manifest.FILE
                    + "); export one with tools/export.");
        }
        return Bundle.open(dir, runtime);
    }
}
