package io.q3tts.app.server;

import io.q3tts.adapters.audio.CodecAudioDecoder;
import io.q3tts.adapters.audio.CodecAudioEncoder;
import io.q3tts.adapters.audio.WsolaAudioEffects;
import io.q3tts.adapters.storage.fs.FsModelCatalog;
import io.q3tts.adapters.storage.fs.FsOutputRepository;
import io.q3tts.adapters.storage.fs.FsJobStore;
import io.q3tts.adapters.storage.fs.FsPipelineRunStore;
import io.q3tts.adapters.storage.fs.FsVoiceRepository;
import io.q3tts.app.config.Q3ttsConfig;
import io.q3tts.ports.out.audio.AudioDecoder;
import io.q3tts.ports.out.audio.AudioEffects;
import io.q3tts.ports.out.audio.AudioEncoder;
import io.q3tts.ports.out.catalog.ModelCatalog;
import io.q3tts.ports.out.output.OutputRepository;
import io.q3tts.ports.out.job.JobStore;
import io.q3tts.ports.out.pipeline.PipelineRunStore;
import io.q3tts.ports.out.time.Clock;
import io.q3tts.ports.out.voice.VoiceRepository;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The storage and audio adapters the server runs on: one instance of each, built by
 * {@link #onDisk(Q3ttsConfig.Paths)} in production.
 *
 * @param catalog the installed model bundles
 * @param bundleDirs the folder of a model id in {@code catalog}, or null if unknown (for the ONNX loader)
 * @param voices the voice library
 * @param outputs the output history
 * @param encoder encodes responses
 * @param decoder decodes uploads
 * @param effects changes the tempo of synthesized audio ({@code speed})
 * @param unusableBundles the bundle folders the catalog found but cannot offer, each as
 *     {@code "folder: reason"}; for the start-up summary
 * @param pipelineRuns unfinished pipeline runs, kept across restarts
 * @param jobStore the records of asynchronous jobs, kept across restarts
 */
public record DrivenPorts(ModelCatalog catalog, Function<String, Path> bundleDirs, VoiceRepository voices,
                          OutputRepository outputs, AudioEncoder encoder, AudioDecoder decoder, AudioEffects effects,
                          Supplier<List<String>> unusableBundles, PipelineRunStore pipelineRuns, JobStore jobStore) {

    /** The folder, inside the outputs folder, that keeps unfinished pipeline runs (hidden: not an output). */
    public static final String PIPELINE_RUNS = ".pipelines";
    /** The folder, inside the outputs folder, that keeps the records of asynchronous jobs. */
    public static final String JOB_RECORDS = ".jobs";

    /** @throws NullPointerException naming the first missing port */
    public DrivenPorts {
        Objects.requireNonNull(catalog, "catalog");
        Objects.requireNonNull(bundleDirs, "bundleDirs");
        Objects.requireNonNull(voices, "voices");
        Objects.requireNonNull(outputs, "outputs");
        Objects.requireNonNull(encoder, "encoder");
        Objects.requireNonNull(decoder, "decoder");
        Objects.requireNonNull(effects, "effects");
        Objects.requireNonNull(unusableBundles, "unusableBundles");
        Objects.requireNonNull(pipelineRuns, "pipelineRuns");
        Objects.requireNonNull(jobStore, "jobStore");
    }

    /**
     * The production adapters: bundles, voices and outputs in the configured folders (the voices and
     * outputs folders are created if missing; a missing models folder is an empty catalog), unfinished
     * pipeline runs in {@value #PIPELINE_RUNS} and asynchronous job records in {@value #JOB_RECORDS}
     * inside the outputs folder, audio
     * through the codec adapter, output ids from the system clock.
     *
     * @param paths the data folders
     * @return the ports
     * @throws io.q3tts.ports.model.StorageException if the voices or outputs folder cannot be opened
     */
    public static DrivenPorts onDisk(Q3ttsConfig.Paths paths) {
        FsModelCatalog catalog = new FsModelCatalog(paths.models());
        return new DrivenPorts(catalog, catalog::bundleDir, new FsVoiceRepository(paths.voices()),
                new FsOutputRepository(paths.outputs(), Clock.system()), new CodecAudioEncoder(), new CodecAudioDecoder(),
                new WsolaAudioEffects(),
                () -> catalog.unusable().stream().map(u -> u.folder() + ": " + u.reason()).toList(),
                new FsPipelineRunStore(paths.outputs().resolve(PIPELINE_RUNS)),
                new FsJobStore(paths.outputs().resolve(JOB_RECORDS)));
    }
}
