package io.q3tts.domain.testing;

import io.q3tts.ports.model.EncodedAudio;
import io.q3tts.ports.model.NotFoundException;
import io.q3tts.ports.out.output.OutputQuery;
import io.q3tts.ports.out.output.OutputRecord;
import io.q3tts.ports.out.output.OutputRepository;
import io.q3tts.ports.out.output.OutputRun;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/** Outputs in maps; ids are out-0001, out-0002, ... */
public final class InMemoryOutputRepository implements OutputRepository {

    public final Map<String, OutputRecord> records = new ConcurrentHashMap<>();
    public final Map<String, EncodedAudio> audio = new ConcurrentHashMap<>();
    public final Map<String, EncodedAudio> inputs = new ConcurrentHashMap<>();
    public final Map<String, byte[]> files = new ConcurrentHashMap<>();
    public final AtomicInteger discarded = new AtomicInteger();
    private final AtomicInteger next = new AtomicInteger();

    @Override
    public OutputRun begin() {
        String id = String.format("out-%04d", next.incrementAndGet());
        return new OutputRun() {
            boolean completed;

            @Override
            public String id() {
                return id;
            }

            @Override
            public Path writeInput(String name, EncodedAudio a) {
                inputs.put(id + "/" + name, a);
                return Path.of("outputs", id, name);
            }

            @Override
            public void writeFile(String relativePath, byte[] content) {
                files.put(id + "/" + relativePath, content.clone());
            }

            @Override
            public OutputRecord complete(OutputRecord record, EncodedAudio a) {
                if (completed) {
                    throw new IllegalStateException("completed twice");
                }
                completed = true;
                records.put(id, record);
                audio.put(id, a);
                return record;
            }

            @Override
            public void close() {
                if (!completed) {
                    inputs.keySet().removeIf(k -> k.startsWith(id + "/"));
                    files.keySet().removeIf(k -> k.startsWith(id + "/"));
                    discarded.incrementAndGet();
                }
            }
        };
    }

    @Override
    public List<OutputRecord> list(OutputQuery query) {
        return records.values().stream().sorted(Comparator.comparing(OutputRecord::id).reversed())
                .filter(r -> query.beforeId() == null || r.id().compareTo(query.beforeId()) < 0)
                .filter(query::matches).limit(query.limit()).toList();
    }

    @Override
    public Optional<OutputRecord> find(String outputId) {
        return Optional.ofNullable(records.get(outputId));
    }

    @Override
    public EncodedAudio readAudio(String outputId) {
        EncodedAudio a = audio.get(outputId);
        if (a == null) {
            throw new NotFoundException("output_id", "none");
        }
        return a;
    }

    @Override
    public byte[] readFile(String outputId, String relativePath) {
        byte[] f = files.get(outputId + "/" + relativePath);
        if (f == null) {
            throw new NotFoundException("file", "none");
        }
        return f.clone();
    }

    @Override
    public boolean delete(String outputId) {
        audio.remove(outputId);
        return records.remove(outputId) != null;
    }
}
