package io.q3tts.adapters.http;

import io.q3tts.ports.in.job.GetQueueStatusUseCase;
import io.q3tts.ports.in.models.GetModelUseCase;
import io.q3tts.ports.in.models.ListModelsUseCase;
import io.q3tts.ports.in.models.LoadModelCommand;
import io.q3tts.ports.in.models.LoadModelUseCase;
import io.q3tts.ports.in.models.ModelView;
import io.q3tts.ports.in.models.UnloadModelCommand;
import io.q3tts.ports.in.models.UnloadModelUseCase;
import io.q3tts.ports.in.output.DeleteOutputUseCase;
import io.q3tts.ports.in.output.GetOutputAudioUseCase;
import io.q3tts.ports.in.output.GetOutputUseCase;
import io.q3tts.ports.in.output.OutputView;
import io.q3tts.ports.model.AudioFormat;
import io.q3tts.ports.in.output.ListOutputsQuery;
import io.q3tts.ports.in.output.ListOutputsUseCase;
import io.q3tts.ports.in.voice.CreateVoiceCommand;
import io.q3tts.ports.in.voice.CreateVoiceUseCase;
import io.q3tts.ports.in.voice.DeleteVoiceUseCase;
import io.q3tts.ports.in.voice.GetVoiceClipUseCase;
import io.q3tts.ports.in.voice.GetVoiceUseCase;
import io.q3tts.ports.in.voice.ListVoicesUseCase;
import io.q3tts.ports.in.voice.UpdateVoiceCommand;
import io.q3tts.ports.in.voice.UpdateVoiceUseCase;
import io.q3tts.ports.in.voice.VoiceView;
import io.q3tts.ports.model.AudioUpload;
import io.q3tts.ports.model.EncodedAudio;
import io.q3tts.ports.model.Ids;
import io.q3tts.ports.model.ModelTask;
import io.q3tts.ports.model.Q3ttsException;
import io.q3tts.ports.web.HttpMethod;
import io.q3tts.ports.web.WebRequest;
import io.q3tts.ports.web.WebResponse;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The voice library, the output history, the models and the health check. */
final class LibraryRoutes {

    private final UseCaseLookup useCases;
    private final long maxUpload;
    private final boolean keysRequired;

    /**
     * @param useCases the core's driving ports
     * @param maxUpload the largest upload, in bytes
     * @param keysRequired whether every request needs an API key (health says so, never which keys)
     */
    LibraryRoutes(UseCaseLookup useCases, long maxUpload, boolean keysRequired) {
        this.useCases = useCases;
        this.maxUpload = maxUpload;
        this.keysRequired = keysRequired;
    }

    List<Route> routes() {
        return List.of(
                Route.core(HttpMethod.GET, "/api/v1/health", "Liveness, queue load and installed models", this::health),
                Route.core(HttpMethod.GET, "/api/v1/voices", "List saved voices",
                        r -> WebResponse.json(Views.list("voices",
                                useCases.useCase(ListVoicesUseCase.class).listVoices().stream().map(Views::voice).toList()))),
                Route.core(HttpMethod.POST, "/api/v1/voices", "Save a voice from an uploaded clip (multipart)",
                        r -> createVoice(r, useCases, maxUpload)),
                Route.core(HttpMethod.GET, "/api/v1/voices/{id}", "One saved voice",
                        r -> WebResponse.json(Views.voice(useCases.useCase(GetVoiceUseCase.class).getVoice(id(r, "voice_id"))))),
                Route.core(HttpMethod.PATCH, "/api/v1/voices/{id}", "Change a voice's name, description, language or transcript",
                        this::updateVoice),
                Route.core(HttpMethod.DELETE, "/api/v1/voices/{id}", "Delete a saved voice", r -> {
                    useCases.useCase(DeleteVoiceUseCase.class).deleteVoice(id(r, "voice_id"));
                    return WebResponse.noContent();
                }),
                Route.core(HttpMethod.GET, "/api/v1/voices/{id}/clip", "A voice's reference clip (?format=)", r -> audio(
                        useCases.useCase(GetVoiceClipUseCase.class).getVoiceClip(id(r, "voice_id"), Requests.downloadFormat(r)), r)),
                Route.core(HttpMethod.GET, "/api/v1/outputs",
                        "Page through the output history (?limit=&before=&task=&voice=&model=&pipeline=&since=&until=)",
                        this::listOutputs),
                Route.core(HttpMethod.GET, "/api/v1/outputs/{id}", "One output's metadata",
                        r -> WebResponse.json(Views.output(useCases.useCase(GetOutputUseCase.class).getOutput(id(r, "output_id"))))),
                Route.core(HttpMethod.GET, "/api/v1/outputs/{id}/audio", "Download an output (?format=&sample_rate=)", r -> audio(
                        useCases.useCase(GetOutputAudioUseCase.class).getOutputAudio(id(r, "output_id"), Requests.downloadFormat(r)), r)),
                Route.core(HttpMethod.GET, "/api/v1/outputs/{id}/files/<path>",
                        "One extra file of an output (a pipeline's per-line audio, manifest, zip); names in the output's files",
                        this::outputFile),
                Route.core(HttpMethod.GET, "/api/v1/outputs/{id}/zip",
                        "An output as one zip: the main track (audio.wav) and every file of the run", this::outputZip),
                Route.core(HttpMethod.DELETE, "/api/v1/outputs/{id}", "Delete an output", r -> {
                    useCases.useCase(DeleteOutputUseCase.class).deleteOutput(id(r, "output_id"));
                    return WebResponse.noContent();
                }),
                Route.core(HttpMethod.GET, "/api/v1/models", "Installed models: tasks, random-weights flag, residency",
                        r -> WebResponse.json(Views.list("models",
                                useCases.useCase(ListModelsUseCase.class).listModels().stream().map(Views::model).toList()))),
                Route.core(HttpMethod.GET, "/api/v1/models/{id}", "One model",
                        r -> WebResponse.json(Views.model(useCases.useCase(GetModelUseCase.class).getModel(id(r, "model"))))),
                Route.core(HttpMethod.POST, "/api/v1/models/{id}/load", "Load a model now", r -> WebResponse.json(Views.model(
                        useCases.useCase(LoadModelUseCase.class).loadModel(new LoadModelCommand(id(r, "model")))))),
                Route.core(HttpMethod.POST, "/api/v1/models/{id}/unload", "Unload a model", r -> WebResponse.json(Views.model(
                        useCases.useCase(UnloadModelUseCase.class).unloadModel(new UnloadModelCommand(id(r, "model")))))));
    }

    /** Path ids are checked here too, so {@code ..} and friends never reach a use case. */
    static String id(WebRequest r, String field) {
        return Ids.requireSafe(r.pathParam("id"), field);
    }

    private static WebResponse audio(EncodedAudio audio, WebRequest r) {
        EncodedAudio out = Requests.sampleRate(r).map(v -> Pcm.resample(audio, v)).orElse(audio);
        return WebResponse.bytes(out.mediaType(), out.bytes())
                .withHeader("X-Q3tts-Sample-Rate", Integer.toString(out.sampleRate()));
    }

    /**
     * Creates a voice from a multipart upload: {@code name}, {@code audio_sample} (file), {@code ref_text},
     * {@code x_vector_only_mode}, {@code description}, {@code language}. Shared with the OpenAI route.
     */
    static WebResponse createVoice(WebRequest r, UseCaseLookup useCases, long maxUpload) {
        AudioUpload clip = Requests.upload(r, "audio_sample", maxUpload)
                .or(() -> Requests.upload(r, "audio", maxUpload)).orElse(null);
        VoiceView v = useCases.useCase(CreateVoiceUseCase.class).createVoice(new CreateVoiceCommand(
                r.optionalString("name").orElse(null),
                r.optionalString("description").or(() -> r.optionalString("speaker_description")).orElse(null),
                r.optionalString("language").orElse(null), clip,
                r.optionalString("ref_text").orElse(null),
                r.optionalBoolean("x_vector_only_mode").orElse(false)));
        return WebResponse.json(201, Views.voice(v)).withHeader("Location", "/api/v1/voices/" + v.id());
    }

    private WebResponse updateVoice(WebRequest r) {
        VoiceView v = useCases.useCase(UpdateVoiceUseCase.class).updateVoice(new UpdateVoiceCommand(id(r, "voice_id"),
                r.optionalString("name").orElse(null), r.optionalString("description").orElse(null),
                r.optionalString("language").orElse(null), r.optionalString("ref_text").orElse(null)));
        return WebResponse.json(Views.voice(v));
    }

    private WebResponse listOutputs(WebRequest r) {
        ListOutputsQuery q = new ListOutputsQuery(r.optionalInt("limit").orElse(ListOutputsQuery.DEFAULT_LIMIT),
                r.queryParam("before").orElse(null),
                r.queryParam("task").filter(t -> !t.isBlank()).map(t -> ModelTask.parse(t, "task")).orElse(null),
                nonBlank(r, "voice"), nonBlank(r, "model"), nonBlank(r, "pipeline"), instant(r, "since"), instant(r, "until"));
        return WebResponse.json(Views.list("outputs",
                useCases.useCase(ListOutputsUseCase.class).listOutputs(q).stream().map(Views::output).toList()));
    }

    private static String nonBlank(WebRequest r, String name) {
        return r.queryParam(name).map(String::strip).filter(v -> !v.isEmpty()).orElse(null);
    }

    /** An ISO-8601 instant, or a date ({@code 2026-11-24}, midnight UTC). */
    private static java.time.Instant instant(WebRequest r, String name) {
        String v = nonBlank(r, name);
        if (v == null) {
            return null;
        }
        try {
            return v.length() == 10 ? java.time.LocalDate.parse(v).atStartOfDay(java.time.ZoneOffset.UTC).toInstant()
                    : java.time.Instant.parse(v);
        } catch (java.time.format.DateTimeParseException e) {
            throw new io.q3tts.ports.model.InvalidArgumentException(name, name
                    + " must be a date (2026-11-24) or an ISO-8601 instant (2026-11-24T10:00:00Z); got '" + v + "'.");
        }
    }

    private WebResponse outputFile(WebRequest r) {
        String id = id(r, "output_id");
        String path = r.pathParam("path");
        byte[] bytes = useCases.useCase(io.q3tts.ports.in.output.GetOutputFileUseCase.class).getOutputFile(id, path);
        String name = path.substring(path.lastIndexOf('/') + 1);
        return WebResponse.bytes(Views.mediaType(name), bytes)
                .withHeader("Content-Disposition", "inline; filename=\"" + name + "\"");
    }

    /**
     * The main track as WAV plus every listed file, in one zip. Zips the run already holds (an NPC
     * pack's {@code pack.zip}) are left out: their parts are in it anyway. Built in memory: a run's
     * files are bounded by the pipelines' limits.
     */
    private WebResponse outputZip(WebRequest r) {
        String id = id(r, "output_id");
        OutputView o = useCases.useCase(GetOutputUseCase.class).getOutput(id);
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        try (java.util.zip.ZipOutputStream zip = new java.util.zip.ZipOutputStream(bytes)) {
            zip.putNextEntry(new java.util.zip.ZipEntry("audio.wav"));
            zip.write(useCases.useCase(GetOutputAudioUseCase.class).getOutputAudio(id, AudioFormat.WAV).bytes());
            zip.closeEntry();
            for (String path : o.files()) {
                if (path.endsWith(".zip") || path.equals("audio.wav")) {
                    continue;
                }
                zip.putNextEntry(new java.util.zip.ZipEntry(path));
                zip.write(useCases.useCase(io.q3tts.ports.in.output.GetOutputFileUseCase.class).getOutputFile(id, path));
                zip.closeEntry();
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("an in-memory zip cannot fail to write", e);
        }
        String name = "q3tts-" + (o.pipeline() == null ? "output" : o.pipeline()) + "-" + id + ".zip";
        return WebResponse.bytes("application/zip", bytes.toByteArray())
                .withHeader("Content-Disposition", "attachment; filename=\"" + name + "\"");
    }

    private WebResponse health(WebRequest r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("status", "ok");
        // Lets the UI's "copy as curl" and connect pages add the key header (as a placeholder, never a key).
        m.put("api_keys", keysRequired);
        try {
            m.put("queue", Views.queue(useCases.useCase(GetQueueStatusUseCase.class).getQueueStatus()));
            List<ModelView> models = useCases.useCase(ListModelsUseCase.class).listModels();
            m.put("models", models.size());
            m.put("models_loaded", models.stream().filter(v -> v.residency().name().equals("LOADED")).count());
            m.put("random_weights_only", !models.isEmpty() && models.stream().allMatch(ModelView::randomWeights));
        } catch (Q3ttsException e) {
            m.put("status", "degraded");
            m.put("detail", Optional.ofNullable(e.getMessage()).orElse(""));
        }
        return WebResponse.json(m);
    }
}
