package io.q3tts.adapters.http;

import io.q3tts.ports.in.job.CancelJobUseCase;
import io.q3tts.ports.in.job.JobError;
import io.q3tts.ports.in.job.JobEvent;
import io.q3tts.ports.in.job.JobId;
import io.q3tts.ports.in.job.JobSubscription;
import io.q3tts.ports.in.job.JobState;
import io.q3tts.ports.in.job.JobView;
import io.q3tts.ports.in.job.SubmitJobCommand;
import io.q3tts.ports.in.job.SubmitJobUseCase;
import io.q3tts.ports.in.job.WatchJobUseCase;
import io.q3tts.ports.in.output.GetOutputAudioUseCase;
import io.q3tts.ports.in.output.GetOutputUseCase;
import io.q3tts.ports.in.output.OutputView;
import io.q3tts.ports.in.synthesis.SynthesisCommand;
import io.q3tts.ports.model.AudioFormat;
import io.q3tts.ports.model.CancellationToken;
import io.q3tts.ports.model.CancelledException;
import io.q3tts.ports.model.ConflictException;
import io.q3tts.ports.model.EncodedAudio;
import io.q3tts.ports.model.InvalidArgumentException;
import io.q3tts.ports.model.NotFoundException;
import io.q3tts.ports.model.OverloadedException;
import io.q3tts.ports.model.PayloadTooLargeException;
import io.q3tts.ports.model.Q3ttsException;
import io.q3tts.ports.model.UnsupportedException;
import io.q3tts.ports.model.UnsupportedMediaException;
import io.q3tts.ports.web.WebRequest;
import io.q3tts.ports.web.WebResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.IntFunction;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * The batch routes' common part: several synthesis requests in one HTTP call, each an ordinary job
 * (so the scheduler batches those of one model into one engine call).
 *
 * <p>Every item is checked before anything runs: a malformed item answers the whole request with
 * its error, the field named {@code items[i].field}. The jobs are then submitted in order; a
 * submission refused by validation against the model (unknown speaker, missing saved voice...)
 * cancels the jobs already submitted and answers with that error, named the same way. A full queue
 * refuses the request (429) only if it cannot take even the first item; later items wait for room
 * while earlier ones finish. Generation failures are reported per item; the call answers 200 with
 * every item's result.
 */
final class BatchRuns {

    /** The most items one request may carry (vLLM-Omni's limit). */
    static final int MAX_ITEMS = 32;
    /** The longest wait before asking a full queue again. */
    private static final Duration MAX_WAIT = Duration.ofSeconds(1);

    /** One checked item: its index, the command, and the container it asked for. */
    record Item(int index, SynthesisCommand command, AudioFormat format) {
    }

    /** How one item ended: with its job and output and audio, or with an error. */
    record Result(int index, JobView job, OutputView output, EncodedAudio audio, JobError error) {
        boolean ok() {
            return error == null;
        }
    }

    private final UseCaseLookup useCases;

    BatchRuns(UseCaseLookup useCases) {
        this.useCases = useCases;
    }

    /**
     * The request's items, each merged over the request's own fields (shared defaults, an item's
     * fields win), as vLLM-Omni's batch request does.
     *
     * @param r the request
     * @param batchOnly top-level fields that steer the batch and are not passed to the items
     * @return the merged items, 1 to {@value #MAX_ITEMS}
     * @throws InvalidArgumentException naming {@code body}, {@code items} or {@code items[i]}
     */
    static List<Map<String, Object>> items(WebRequest r, Set<String> batchOnly) {
        Map<String, Object> body = r.json();
        if (body == null) {
            throw new InvalidArgumentException("body", "Send a JSON object with Content-Type application/json.");
        }
        if (!(body.get("items") instanceof List<?> list) || list.isEmpty() || list.size() > MAX_ITEMS) {
            throw new InvalidArgumentException("items", "items must be a list of 1 to " + MAX_ITEMS + " request objects"
                    + (body.get("items") instanceof List<?> l ? ", got " + l.size() + "." : "."));
        }
        Map<String, Object> shared = new LinkedHashMap<>(body);
        shared.remove("items");
        batchOnly.forEach(shared::remove);
        List<Map<String, Object>> out = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            if (!(list.get(i) instanceof Map<?, ?> m)) {
                throw new InvalidArgumentException("items[" + i + "]", "items[" + i + "] must be a JSON object.");
            }
            Map<String, Object> merged = new LinkedHashMap<>(shared);
            m.forEach((k, v) -> merged.put(String.valueOf(k), v));
            for (String streaming : List.of("stream", "stream_format")) {
                if (merged.containsKey(streaming) && !Boolean.FALSE.equals(merged.get(streaming))
                        && !"audio".equals(merged.get(streaming))) {
                    throw new InvalidArgumentException("items[" + i + "]." + streaming,
                            "Batch items cannot be streamed; leave out " + streaming + " (or call the single-item route).");
                }
            }
            merged.remove("stream");
            merged.remove("stream_format");
            out.add(merged);
        }
        return out;
    }

    /**
     * Checks every item with {@code check}, naming a failing item's fields {@code items[i].field}.
     *
     * @param count the number of items
     * @param check builds item {@code i}
     * @return the checked items
     */
    static List<Item> check(int count, IntFunction<Item> check) {
        List<Item> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            try {
                out.add(check.apply(i));
            } catch (Q3ttsException e) {
                throw prefixed(e, i);
            }
        }
        return out;
    }

    /**
     * Submits every item as a job and waits for all of them.
     *
     * @param items the checked items
     * @param cancellation the client's token: firing it cancels every job of the batch
     * @return one result per item, in order
     */
    List<Result> run(List<Item> items, CancellationToken cancellation) {
        List<JobId> submitted = new ArrayList<>();
        List<CompletableFuture<JobView>> ends = new ArrayList<>();
        List<JobSubscription> subscriptions = new ArrayList<>();
        try (CancellationToken.Registration _ = cancellation.onCancel(() -> cancelAll(submitted))) {
            for (Item item : items) {
                JobView admitted = submit(item, ends, cancellation, submitted);
                synchronized (submitted) {
                    submitted.add(admitted.id());
                }
                CompletableFuture<JobView> end = new CompletableFuture<>();
                subscriptions.add(useCases.useCase(WatchJobUseCase.class).watchJob(admitted.id(), event -> {
                    if (event instanceof JobEvent.StateChanged s && s.isTerminal()) {
                        end.complete(s.job());
                    }
                }));
                ends.add(end);
            }
            List<Result> results = new ArrayList<>();
            for (int i = 0; i < items.size(); i++) {
                results.add(result(items.get(i), await(ends.get(i), cancellation)));
            }
            return results;
        } catch (RuntimeException e) {
            cancelAll(submitted);
            throw e;
        } finally {
            subscriptions.forEach(JobSubscription::close);
        }
    }

    private JobView submit(Item item, List<CompletableFuture<JobView>> earlier, CancellationToken cancellation,
                           List<JobId> submitted) {
        while (true) {
            cancellation.throwIfCancelled();
            try {
                return useCases.useCase(SubmitJobUseCase.class).submitJob(SubmitJobCommand.of(item.command()));
            } catch (OverloadedException e) {
                if (earlier.isEmpty()) {
                    throw e;
                }
                waitForRoom(earlier, e.retryAfter().orElse(MAX_WAIT), cancellation);
            } catch (Q3ttsException e) {
                cancelAll(submitted);
                throw prefixed(e, item.index());
            }
        }
    }

    /** Waits until one of this batch's earlier jobs ends (which frees a queue place) or the hint passes, capped. */
    private static void waitForRoom(List<CompletableFuture<JobView>> earlier, Duration hint, CancellationToken cancellation) {
        Duration wait = hint.compareTo(MAX_WAIT) > 0 || hint.isNegative() || hint.isZero() ? MAX_WAIT : hint;
        CompletableFuture<Object> any = CompletableFuture.anyOf(earlier.stream()
                .filter(f -> !f.isDone()).toArray(CompletableFuture[]::new));
        try (CancellationToken.Registration _ = cancellation.onCancel(() -> any.complete(null))) {
            any.get(wait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException | ExecutionException e) {
            // Time to ask the queue again.
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CancelledException("Interrupted while waiting for room in the queue.");
        }
    }

    private static JobView await(CompletableFuture<JobView> end, CancellationToken cancellation) {
        try (CancellationToken.Registration _ = cancellation.onCancel(() -> end.cancel(false))) {
            return end.get();
        } catch (java.util.concurrent.CancellationException e) {
            throw new CancelledException("The client went away; the batch was cancelled.");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CancelledException("Interrupted while waiting for the batch.");
        } catch (ExecutionException e) {
            throw new IllegalStateException("a job's end never fails", e);
        }
    }

    private Result result(Item item, JobView end) {
        if (end.state() != JobState.DONE) {
            return new Result(item.index(), end, null, null, end.error());
        }
        try {
            String outputId = end.result().outputId();
            OutputView output = useCases.useCase(GetOutputUseCase.class).getOutput(outputId);
            EncodedAudio audio = useCases.useCase(GetOutputAudioUseCase.class).getOutputAudio(outputId, item.format());
            return new Result(item.index(), end, output, audio, null);
        } catch (Q3ttsException e) {
            return new Result(item.index(), end, null, null, JobError.of(e));
        }
    }

    private void cancelAll(List<JobId> submitted) {
        List<JobId> ids;
        synchronized (submitted) {
            ids = List.copyOf(submitted);
        }
        for (JobId id : ids) {
            try {
                useCases.useCase(CancelJobUseCase.class).cancelJob(id);
            } catch (RuntimeException e) {
                // Already forgotten or finished: nothing left to cancel.
            }
        }
    }

    /**
     * @param e an item's error
     * @param index the item
     * @return the same error with its field named {@code items[index].field}
     */
    static Q3ttsException prefixed(Q3ttsException e, int index) {
        String field = "items[" + index + "]" + (e.field() == null ? "" : "." + e.field());
        String message = "Item " + index + ": " + e.getMessage();
        return switch (e.errorType()) {
            case INVALID_ARGUMENT -> new InvalidArgumentException(field, message);
            case NOT_FOUND -> new NotFoundException(field, message);
            case UNSUPPORTED -> new UnsupportedException(field, message);
            case UNSUPPORTED_MEDIA -> new UnsupportedMediaException(field, message);
            case CONFLICT -> new ConflictException(field, message);
            case PAYLOAD_TOO_LARGE -> new PayloadTooLargeException(field, message, ((PayloadTooLargeException) e).limitBytes());
            default -> e;
        };
    }

    /**
     * The response: JSON with base64 audio per item, or a zip of the audio files and {@code results.json}.
     *
     * @param results the items' results
     * @param zip whether a zip was asked for
     * @param perItem adds the route's own fields to an item's JSON (job and output views, or nothing)
     * @return the response
     */
    static WebResponse response(List<Result> results, boolean zip,
                                java.util.function.BiConsumer<Result, Map<String, Object>> perItem) {
        List<Map<String, Object>> list = new ArrayList<>();
        Map<String, byte[]> files = new LinkedHashMap<>();
        for (Result r : results) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("index", r.index());
            m.put("status", r.ok() ? "success" : "error");
            if (r.ok()) {
                m.put("media_type", r.audio().mediaType());
                m.put("sample_rate", r.audio().sampleRate());
                m.put("duration_seconds", r.audio().durationSeconds());
                if (zip) {
                    String name = String.format(Locale.ROOT, "%03d.%s", r.index(), r.audio().format().key());
                    files.put(name, r.audio().bytes());
                    m.put("file", name);
                } else {
                    m.put("audio_data", Base64.getEncoder().encodeToString(r.audio().bytes()));
                }
            }
            perItem.accept(r, m);
            list.add(m);
        }
        long ok = results.stream().filter(Result::ok).count();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("id", "batch-" + UUID.randomUUID());
        body.put("results", list);
        body.put("total", results.size());
        body.put("succeeded", ok);
        body.put("failed", results.size() - ok);
        if (!zip) {
            return WebResponse.json(body);
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream out = new ZipOutputStream(bytes)) {
            for (Map.Entry<String, byte[]> f : files.entrySet()) {
                out.putNextEntry(new ZipEntry(f.getKey()));
                out.write(f.getValue());
                out.closeEntry();
            }
            out.putNextEntry(new ZipEntry("results.json"));
            out.write(Json.bytes(body));
            out.closeEntry();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return WebResponse.bytes("application/zip", bytes.toByteArray())
                .withHeader("Content-Disposition", "attachment; filename=\"speech-batch.zip\"");
    }
}
