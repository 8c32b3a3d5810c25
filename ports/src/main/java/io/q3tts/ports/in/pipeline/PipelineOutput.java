package io.q3tts.ports.in.pipeline;

import io.q3tts.ports.model.AudioFormat;
import io.q3tts.ports.model.EncodedAudio;
import io.q3tts.ports.model.Ids;
import io.q3tts.ports.model.ModelTask;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * What a finished pipeline stores as its output: one main track (the mix) with the usual output
 * metadata, plus named files in the same output folder (per-step audio, manifests, a zip).
 *
 * @param audio the main track, {@link AudioFormat#WAV}, never null
 * @param task the task of the steps (the most frequent one if they differ), never null
 * @param modelId the model the steps ran on, never null
 * @param randomWeights whether that model has random weights
 * @param text what was spoken (the document, or the lines joined), never null
 * @param language the language key, never null
 * @param speaker the main preset speaker, or null
 * @param instruct the main instruct / voice description, or null
 * @param voiceId the main saved voice, or null
 * @param parameters settings for reproducing the run (seed, targets, ...), never null
 * @param frames codec frames generated over all steps
 * @param files relative path ({@link Ids#isSafeRelativePath}) to content, in listing order; never null
 */
public record PipelineOutput(
        EncodedAudio audio,
        ModelTask task,
        String modelId,
        boolean randomWeights,
        String text,
        String language,
        String speaker,
        String instruct,
        String voiceId,
        Map<String, String> parameters,
        int frames,
        Map<String, byte[]> files) {

    /** @throws IllegalArgumentException if a field is missing, the audio is not WAV or a file name is unsafe */
    public PipelineOutput {
        Objects.requireNonNull(audio, "audio");
        if (audio.format() != AudioFormat.WAV) {
            throw new IllegalArgumentException("the main track must be WAV, got " + audio.format());
        }
        Objects.requireNonNull(task, "task");
        Objects.requireNonNull(modelId, "modelId");
        Objects.requireNonNull(text, "text");
        Objects.requireNonNull(language, "language");
        parameters = Map.copyOf(Objects.requireNonNull(parameters, "parameters"));
        if (frames < 0) {
            throw new IllegalArgumentException("frames must not be negative");
        }
        Map<String, byte[]> copy = new LinkedHashMap<>();
        for (Map.Entry<String, byte[]> e : Objects.requireNonNull(files, "files").entrySet()) {
            requireRelativePath(e.getKey());
            copy.put(e.getKey(), Objects.requireNonNull(e.getValue(), e.getKey()));
        }
        files = java.util.Collections.unmodifiableMap(copy);
    }

    /**
     * @param path a relative path such as {@code parts/0001.wav} or {@code guard/line-1.wav}
     * @throws IllegalArgumentException if a segment is not path-safe or the path is reserved
     */
    public static void requireRelativePath(String path) {
        if (!Ids.isSafeRelativePath(path)) {
            throw new IllegalArgumentException("file path must be 1 to 4 path-safe segments separated by '/': " + path);
        }
        if (path.equals("audio.wav") || path.equals("metadata.json")) {
            throw new IllegalArgumentException("reserved file name: " + path);
        }
    }
}
