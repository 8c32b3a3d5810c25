package io.q3tts.adapters.storage.fs;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import io.q3tts.ports.model.Ids;
import io.q3tts.ports.model.InvalidArgumentException;
import io.q3tts.ports.model.ModelTask;
import io.q3tts.ports.model.StorageException;
import io.q3tts.ports.out.catalog.ModelCatalog;
import io.q3tts.ports.out.catalog.ModelDescriptor;
import io.q3tts.ports.out.inference.GenerationDefaults;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The model bundles in a folder: every sub-folder with a {@code manifest.json} (as written by the
 * bundle exporter: {@code format "q3tts-bundle"}, {@code bundle_version} 1 or 2) is one model whose id
 * is the folder name.
 *
 * <p>The folder is scanned on first use and again on {@link #refresh()}; between the two the
 * result is cached (scans read every manifest, which is a few hundred kilobytes per bundle).
 * Bundles that cannot be offered are reported by {@link #unusable()} with a reason rather than
 * failing the whole catalog. A missing models folder is an empty catalog. Thread-safe.
 */
public final class FsModelCatalog implements ModelCatalog {

    /** The manifest versions this catalog understands. */
    public static final Set<Integer> SUPPORTED_VERSIONS = Set.of(1, 2);

    static final String MANIFEST = "manifest.json";
    /** The optional verbatim copy of the checkpoint's generation config. */
    static final String GENERATION_CONFIG = "generation_config.json";
    private static final String FORMAT = "q3tts-bundle";
    private static final int DEFAULT_SAMPLE_RATE = 24_000;
    private static final Pattern SIZE = Pattern.compile("(\\d+)[bB](\\d+)");

    private final Path root;
    private volatile Scan scan;

    /** One consistent view of the folder. */
    private record Scan(List<ModelDescriptor> models, List<UnusableBundle> unusable) {
    }

    /**
     * @param root the models folder, e.g. {@code models/}; need not exist yet
     */
    public FsModelCatalog(Path root) {
        this.root = Objects.requireNonNull(root, "root").toAbsolutePath().normalize();
    }

    /** @return the folder scanned (absolute) */
    public Path root() {
        return root;
    }

    /**
     * @param modelId a model id
     * @return the bundle's folder (whether or not the bundle is usable); for the model loader
     * @throws InvalidArgumentException naming {@code model} if the id is not path-safe
     */
    public Path bundleDir(String modelId) {
        return root.resolve(Ids.requireSafe(modelId, "model"));
    }

    @Override
    public List<ModelDescriptor> list() {
        return current().models();
    }

    @Override
    public Optional<ModelDescriptor> find(String modelId) {
        if (!Ids.isSafe(modelId)) {
            return Optional.empty();
        }
        return current().models().stream().filter(m -> m.id().equals(modelId)).findFirst();
    }

    /**
     * @return the bundle folders that were found but cannot be offered, by folder name; never null
     * @throws StorageException if the models folder cannot be read
     */
    public List<UnusableBundle> unusable() {
        return current().unusable();
    }

    @Override
    public void refresh() {
        scan = scanFolder();
    }

    private Scan current() {
        Scan s = scan;
        if (s == null) {
            synchronized (this) {
                s = scan;
                if (s == null) {
                    s = scanFolder();
                    scan = s;
                }
            }
        }
        return s;
    }

    private Scan scanFolder() {
        List<ModelDescriptor> models = new ArrayList<>();
        List<UnusableBundle> unusable = new ArrayList<>();
        if (!Files.isDirectory(root)) {
            return new Scan(List.of(), List.of());
        }
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(root)) {
            for (Path dir : dirs) {
                String name = dir.getFileName().toString();
                if (name.startsWith(".") || !Files.isDirectory(dir) || !Files.exists(dir.resolve(MANIFEST))) {
                    continue;
                }
                if (!Ids.isSafe(name)) {
                    unusable.add(new UnusableBundle(name, "The folder name is not a valid model id"
                            + " (1 to 64 letters, digits, '.', '_' or '-')."));
                    continue;
                }
                try {
                    models.add(describe(name, dir));
                } catch (BadBundle e) {
                    unusable.add(new UnusableBundle(name, e.getMessage()));
                }
            }
        } catch (IOException e) {
            throw new StorageException("The models folder cannot be read.", e);
        }
        models.sort(Comparator.comparing(ModelDescriptor::randomWeights).thenComparing(ModelDescriptor::id));
        unusable.sort(Comparator.comparing(UnusableBundle::folder));
        return new Scan(List.copyOf(models), List.copyOf(unusable));
    }

    /** A bundle that cannot be offered; the message is the user-facing reason. */
    private static final class BadBundle extends Exception {
        private static final long serialVersionUID = 1L;

        BadBundle(String message) {
            super(message, null, false, false);
        }
    }

    static ModelDescriptor describe(String id, Path dir) throws BadBundle {
        JsonNode m;
        try {
            m = Json.parse(Files.readAllBytes(dir.resolve(MANIFEST)));
        } catch (NoSuchFileException e) {
            throw new BadBundle("The bundle has no manifest.json.");
        } catch (IOException e) {
            throw new BadBundle("The manifest.json cannot be read or is not valid JSON.");
        }
        String format = Json.optText(m, "format");
        if (format != null && !format.equals(FORMAT)) {
            throw new BadBundle("The manifest format is '" + format + "', expected '" + FORMAT + "'.");
        }
        JsonNode version = m.get("bundle_version");
        if (version == null || !version.canConvertToInt() || !SUPPORTED_VERSIONS.contains(version.asInt())) {
            throw new BadBundle("The bundle version " + version + " is not supported (this build reads "
                    + SUPPORTED_VERSIONS + "); re-export the bundle or update q3tts.");
        }
        Set<ModelTask> tasks = EnumSet.noneOf(ModelTask.class);
        for (JsonNode t : m.path("tasks")) {
            try {
                tasks.add(ModelTask.parse(t.asText(), "tasks"));
            } catch (InvalidArgumentException e) {
                throw new BadBundle("The manifest names an unknown task '" + t.asText() + "'.");
            }
        }
        if (tasks.isEmpty()) {
            throw new BadBundle("The manifest lists no tasks.");
        }
        JsonNode model = m.path("model");
        String displayName = Json.optText(model, "name");
        if (displayName == null || displayName.isBlank()) {
            displayName = id;
        }
        boolean generates = tasks.stream().anyMatch(ModelTask::isGeneration);
        List<String> speakers = new ArrayList<>();
        if (tasks.contains(ModelTask.CUSTOM_VOICE)) {
            for (JsonNode s : m.path("speakers")) {
                String name = s.isObject() ? Json.optText(s, "name") : s.asText();
                if (name != null && !name.isBlank()) {
                    speakers.add(name.toLowerCase(Locale.ROOT));
                }
            }
        }
        Set<String> languages = new LinkedHashSet<>();
        if (generates) {
            languages.add("auto");
            m.path("supported_languages").forEach(l -> languages.add(l.asText().toLowerCase(Locale.ROOT)));
            if (languages.size() == 1) {
                m.path("languages").fieldNames().forEachRemaining(l -> languages.add(l.toLowerCase(Locale.ROOT)));
            }
        }
        int sampleRate = m.path("codec").path("output_sample_rate").asInt(DEFAULT_SAMPLE_RATE);
        try {
            return new ModelDescriptor(id, displayName, tasks, sizeClass(Json.optText(model, "size")),
                    Optional.ofNullable(Json.optText(m, "precision")).orElse("fp32"),
                    model.path("random_weights").asBoolean(false), speakers, List.copyOf(languages),
                    m.path("instruct_supported").asBoolean(false), sampleRate > 0 ? sampleRate : DEFAULT_SAMPLE_RATE,
                    weightBytes(dir), generates ? generationDefaults(dir, m) : GenerationDefaults.official());
        } catch (IllegalArgumentException e) {
            throw new BadBundle("The manifest is inconsistent: " + e.getMessage() + ".");
        }
    }

    /**
     * What unset generation arguments default to, as the official wrapper merges them: the bundle's
     * copy of the checkpoint's {@code generation_config.json} when present, else the manifest's
     * {@code generation} section (the exporter's merge of that same file), else the hard defaults.
     */
    static GenerationDefaults generationDefaults(Path dir, JsonNode manifest) throws BadBundle {
        Path file = dir.resolve(GENERATION_CONFIG);
        JsonNode config = manifest.path("generation");
        if (Files.isRegularFile(file)) {
            try {
                config = Json.parse(Files.readAllBytes(file));
            } catch (IOException e) {
                throw new BadBundle("The " + GENERATION_CONFIG + " cannot be read or is not valid JSON.");
            }
        }
        if (!config.isObject()) {
            return GenerationDefaults.official();
        }
        try {
            Map<String, Object> values = Json.MAPPER.convertValue(config, new TypeReference<Map<String, Object>>() { });
            return GenerationDefaults.fromGenerationConfig(values);
        } catch (IllegalArgumentException e) {
            throw new BadBundle("The generation defaults are invalid: " + e.getMessage() + ".");
        }
    }

    /** The exporter writes {@code "0b6"} for a 0.6B checkpoint; the API shows {@code "0.6B"}. */
    static String sizeClass(String raw) {
        if (raw == null || raw.isBlank()) {
            return null;
        }
        Matcher mm = SIZE.matcher(raw.strip());
        return mm.matches() ? mm.group(1) + "." + mm.group(2) + "B" : raw.strip();
    }

    /** The files' total size: a fair estimate of what loading costs (weights dominate). */
    private static long weightBytes(Path dir) {
        try (Stream<Path> files = Files.walk(dir, 2)) {
            return files.filter(Files::isRegularFile).mapToLong(p -> {
                try {
                    return Files.size(p);
                } catch (IOException e) {
                    return 0;
                }
            }).sum();
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }
}
