package io.q3tts.app.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Reads the configuration in layers, each overriding the one before:
 * <ol>
 *   <li>built-in defaults (the same values as the shipped {@code configs/default.yaml});</li>
 *   <li>{@code configs/default.yaml};</li>
 *   <li>{@code configs/<env>.yaml} when {@code Q3TTS_ENV=<env>} is set (the file must then exist);</li>
 *   <li>environment variables: {@code MODELS_DIR}, {@code VOICES_DIR}, {@code OUTPUTS_DIR},
 *       {@code PLUGINS_DIR} for the paths, {@code Q3TTS_<SECTION>_<KEY>} for every other key
 *       (e.g. {@code Q3TTS_SERVER_PORT}, {@code Q3TTS_SCHEDULER_GPU_SLOTS}). Empty variables count as unset.
 *       List keys ({@code http.cors_origins}) are YAML lists in files and comma-separated in variables.</li>
 * </ol>
 * The configuration folder is {@code <base>/configs}, or {@code Q3TTS_CONFIG_DIR}. Relative paths
 * resolve against the base folder (the working directory when started normally). Unknown keys in a
 * file are errors (a typo must not be silently ignored); every problem is collected and reported
 * together in one {@link ConfigException}.
 */
public final class ConfigLoader {

    /** The base configuration file in the configuration folder. */
    public static final String DEFAULT_FILE = "default.yaml";
    /** Selects {@code configs/<env>.yaml}. */
    public static final String ENV_SELECTOR = "Q3TTS_ENV";
    /** Overrides the configuration folder. */
    public static final String CONFIG_DIR = "Q3TTS_CONFIG_DIR";
    static final String BUILT_IN = "built-in default";

    private static final Pattern ENV_NAME = Pattern.compile("[a-z0-9][a-z0-9_-]{0,31}");
    private static final Pattern INTEGER = Pattern.compile("[+-]?\\d{1,9}");

    /** One configuration key: its default, its environment variable and how its text is checked. */
    private record Key(String name, String defaultValue, String envVar, Function<String, String> check, boolean list,
                       boolean secret) {

        Key(String name, String defaultValue, String envVar, Function<String, String> check) {
            this(name, defaultValue, envVar, check, false, false);
        }

        String section() {
            return name.substring(0, name.indexOf('.'));
        }

        String leaf() {
            return name.substring(name.indexOf('.') + 1);
        }
    }

    private static final List<Key> KEYS = List.of(
            key("server.host", "127.0.0.1", ConfigLoader::host),
            key("server.port", "8420", range(1, 65535)),
            new Key("paths.models", "models", "MODELS_DIR", ConfigLoader::path),
            new Key("paths.voices", "voices", "VOICES_DIR", ConfigLoader::path),
            new Key("paths.outputs", "outputs", "OUTPUTS_DIR", ConfigLoader::path),
            new Key("paths.plugins", "plugins", "PLUGINS_DIR", ConfigLoader::path),
            key("engine.device", "auto", oneOf("auto", "cpu", "cuda")),
            key("engine.device_kv", "false", ConfigLoader::bool),
            key("engine.static_kv", "false", ConfigLoader::bool),
            key("scheduler.gpu_slots", "1", range(1, 16)),
            key("scheduler.queue_capacity", "16", range(1, 10_000)),
            key("scheduler.tokenizer_slots", "2", range(0, 16)),
            key("scheduler.max_batch", "8", range(1, 32)),
            key("scheduler.kv_budget_mb", "1024", range(16, 65_536)),
            key("pipelines.max_running", "2", range(1, 16)),
            key("pipelines.queue_capacity", "16", range(0, 1000)),
            key("residency.max_resident", "1", range(1, 16)),
            key("residency.idle_unload_minutes", "15", range(0, 10_080)),
            key("limits.upload_limit_mb", "10", range(1, 2048)),
            key("generation.runaway_guard", "true", ConfigLoader::bool),
            key("generation.streaming_first_chunk_frames", "4", range(1, 64)),
            key("generation.runaway_guard_min_frames", "100", range(1, 100_000)),
            key("generation.runaway_guard_frames_per_token", "10", range(0, 1000)),
            key("log.level", "info", oneOf("trace", "debug", "info", "warn", "error")),
            key("ui.api_url", "", ConfigLoader::apiUrl),
            listKey("http.cors_origins", ConfigLoader::origins),
            listKey("http.allowed_hosts", ConfigLoader::hostNames),
            secretListKey("auth.api_keys", ConfigLoader::apiKeys),
            key("auth.allow_unauthenticated_remote", "false", ConfigLoader::bool),
            key("cluster.nats_url", "", ConfigLoader::natsUrl),
            key("cluster.credentials", "", s -> s.isBlank() ? null : path(s)),
            key("cluster.worker_id", "", ConfigLoader::workerId),
            key("cluster.local_worker", "false", ConfigLoader::bool),
            key("cluster.ack_wait_seconds", "30", range(2, 3600)),
            key("cluster.max_deliver", "3", range(1, 100)),
            key("cluster.max_in_flight", "64", range(1, 10_000)),
            key("cluster.result_ttl_hours", "24", range(1, 8760)));

    private final Path baseDir;
    private final Map<String, String> env;

    /**
     * @param baseDir the folder relative paths resolve against (and that holds {@code configs/})
     * @param env the environment, e.g. {@link System#getenv()}
     */
    public ConfigLoader(Path baseDir, Map<String, String> env) {
        this.baseDir = Objects.requireNonNull(baseDir, "baseDir").toAbsolutePath().normalize();
        this.env = Map.copyOf(Objects.requireNonNull(env, "env"));
    }

    /**
     * Loads from the working directory and the process environment.
     *
     * @return the configuration
     * @throws ConfigException listing every problem
     */
    public static LoadedConfig loadDefault() {
        return new ConfigLoader(Path.of(""), System.getenv()).load();
    }

    /** @return every key, in file order, e.g. {@code "server.port"} */
    public static List<String> keys() {
        return KEYS.stream().map(Key::name).toList();
    }

    /**
     * @param key a key such as {@code "server.port"}
     * @return the environment variable that overrides it, e.g. {@code "Q3TTS_SERVER_PORT"}
     */
    public static String envVar(String key) {
        return KEYS.stream().filter(k -> k.name().equals(key)).findFirst().map(Key::envVar)
                .orElseThrow(() -> new IllegalArgumentException("unknown key " + key));
    }

    /**
     * @return the configuration
     * @throws ConfigException listing every problem, each naming the key and the source of its value
     */
    public LoadedConfig load() {
        List<String> problems = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        Map<String, String> values = new LinkedHashMap<>();
        Map<String, String> sources = new LinkedHashMap<>();
        for (Key k : KEYS) {
            values.put(k.name(), k.defaultValue());
            sources.put(k.name(), BUILT_IN);
        }

        Path configDir = configDir(problems);
        if (configDir != null) {
            Path defaults = configDir.resolve(DEFAULT_FILE);
            if (Files.exists(defaults)) {
                readFile(defaults, values, sources, problems);
            }
            String envName = blankToNull(env.get(ENV_SELECTOR));
            if (envName != null) {
                if (!ENV_NAME.matcher(envName).matches()) {
                    problems.add(ENV_SELECTOR + ": must be a lower-case name such as 'dev' or 'prod', got '" + envName + "'");
                } else if (!Files.isRegularFile(configDir.resolve(envName + ".yaml"))) {
                    problems.add(ENV_SELECTOR + ": names '" + envName + "' but " + display(configDir.resolve(envName + ".yaml"))
                            + " does not exist");
                } else {
                    readFile(configDir.resolve(envName + ".yaml"), values, sources, problems);
                }
            }
        }

        for (Key k : KEYS) {
            String v = blankToNull(env.get(k.envVar()));
            if (v != null) {
                values.put(k.name(), v.strip());
                sources.put(k.name(), k.envVar());
            }
        }
        warnAboutUnknownVariables(warnings);

        for (Key k : KEYS) {
            String error = k.check().apply(values.get(k.name()));
            if (error != null) {
                // A secret's value never reaches a message: the problem alone says what to fix.
                problems.add(k.name() + " (from " + sources.get(k.name()) + "): " + error
                        + (k.secret() ? "" : ", got '" + values.get(k.name()) + "'"));
            }
        }
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
        return new LoadedConfig(build(values), sources, warnings);
    }

    private Path configDir(List<String> problems) {
        String override = blankToNull(env.get(CONFIG_DIR));
        if (override == null) {
            return baseDir.resolve("configs");
        }
        try {
            Path dir = baseDir.resolve(override).normalize();
            if (!Files.isDirectory(dir)) {
                problems.add(CONFIG_DIR + ": '" + override + "' is not a folder");
                return null;
            }
            return dir;
        } catch (InvalidPathException e) {
            problems.add(CONFIG_DIR + ": not a valid path, got '" + override + "'");
            return null;
        }
    }

    private void readFile(Path file, Map<String, String> values, Map<String, String> sources, List<String> problems) {
        String source = display(file);
        JsonNode root;
        try {
            root = new ObjectMapper(new YAMLFactory()).readTree(file.toFile());
        } catch (JsonProcessingException e) {
            problems.add(source + ": not valid YAML (" + e.getOriginalMessage() + ")");
            return;
        } catch (IOException e) {
            problems.add(source + ": cannot be read (" + e.getMessage() + ")");
            return;
        }
        if (root == null || root.isMissingNode() || root.isNull()) {
            return;
        }
        if (!root.isObject()) {
            problems.add(source + ": must be a mapping of sections (server:, paths:, ...)");
            return;
        }
        Set<String> sections = new TreeSet<>(KEYS.stream().map(Key::section).toList());
        for (Iterator<Map.Entry<String, JsonNode>> it = root.properties().iterator(); it.hasNext();) {
            Map.Entry<String, JsonNode> section = it.next();
            if (!sections.contains(section.getKey())) {
                problems.add(source + ": unknown section '" + section.getKey() + "' (known: " + String.join(", ", sections) + ")");
                continue;
            }
            if (section.getValue().isNull()) {
                continue;
            }
            if (!section.getValue().isObject()) {
                problems.add(source + ": section '" + section.getKey() + "' must be a mapping of keys");
                continue;
            }
            for (Iterator<Map.Entry<String, JsonNode>> kv = section.getValue().properties().iterator(); kv.hasNext();) {
                Map.Entry<String, JsonNode> e = kv.next();
                String name = section.getKey() + "." + e.getKey();
                if (name.equals("engine.fp16")) {
                    problems.add(source + ": engine.fp16 was removed: a bundle's precision is chosen when it is exported "
                            + "(tools/export --fp16 for CUDA); delete the key");
                } else if (!values.containsKey(name)) {
                    problems.add(source + ": unknown key '" + name + "' (known in " + section.getKey() + ": "
                            + String.join(", ", KEYS.stream().filter(k -> k.section().equals(section.getKey())).map(Key::leaf).toList())
                            + ")");
                } else if (isList(name) && (e.getValue().isArray() || e.getValue().isNull())) {
                    String joined = listText(e.getValue());
                    if (joined == null) {
                        problems.add(name + " (from " + source + "): must be a list of single values"
                                + (isSecret(name) ? "" : ", got '" + e.getValue().toString() + "'"));
                    } else {
                        values.put(name, joined);
                        sources.put(name, source);
                    }
                } else if (!e.getValue().isValueNode() || e.getValue().isNull()) {
                    problems.add(name + " (from " + source + "): must be a single value" + (isSecret(name) ? ""
                            : ", got '" + (e.getValue().isNull() ? "" : e.getValue().toString()) + "'"));
                } else {
                    values.put(name, e.getValue().asText().strip());
                    sources.put(name, source);
                }
            }
        }
    }

    private static boolean isSecret(String name) {
        return KEYS.stream().anyMatch(k -> k.secret() && k.name().equals(name));
    }

    private static boolean isList(String name) {
        return KEYS.stream().anyMatch(k -> k.list() && k.name().equals(name));
    }

    /** A YAML list as the comma-separated text its environment variable would hold; null if an item is not a value. */
    private static String listText(JsonNode list) {
        List<String> items = new ArrayList<>();
        for (JsonNode item : list) {
            if (!item.isValueNode() || item.isNull()) {
                return null;
            }
            items.add(item.asText().strip());
        }
        return String.join(",", items);
    }

    /** A misspelt override would otherwise be ignored without a trace. */
    private void warnAboutUnknownVariables(List<String> warnings) {
        for (String name : new TreeSet<>(env.keySet())) {
            for (String section : new TreeSet<>(KEYS.stream().map(Key::section).toList())) {
                String prefix = "Q3TTS_" + section.toUpperCase(Locale.ROOT) + "_";
                List<String> known = KEYS.stream().map(Key::envVar).filter(v -> v.startsWith(prefix)).toList();
                if (name.startsWith(prefix) && !known.contains(name)) {
                    warnings.add(name + " is not a configuration variable and is ignored (known: "
                            + String.join(", ", known) + ")");
                }
            }
        }
    }

    private Q3ttsConfig build(Map<String, String> v) {
        return new Q3ttsConfig(
                new Q3ttsConfig.Server(v.get("server.host"), Integer.parseInt(v.get("server.port").strip())),
                new Q3ttsConfig.Paths(resolve(v.get("paths.models")), resolve(v.get("paths.voices")),
                        resolve(v.get("paths.outputs")), resolve(v.get("paths.plugins"))),
                new Q3ttsConfig.Engine(Q3ttsConfig.Device.valueOf(v.get("engine.device").toUpperCase(Locale.ROOT)),
                        parseBool(v.get("engine.device_kv")), parseBool(v.get("engine.static_kv"))),
                new Q3ttsConfig.Scheduler(integer(v, "scheduler.gpu_slots"), integer(v, "scheduler.queue_capacity"),
                        integer(v, "scheduler.tokenizer_slots"), integer(v, "scheduler.max_batch"),
                        integer(v, "scheduler.kv_budget_mb")),
                new Q3ttsConfig.Pipelines(integer(v, "pipelines.max_running"), integer(v, "pipelines.queue_capacity")),
                new Q3ttsConfig.Residency(integer(v, "residency.max_resident"), integer(v, "residency.idle_unload_minutes")),
                new Q3ttsConfig.Limits(integer(v, "limits.upload_limit_mb")),
                new Q3ttsConfig.Generation(parseBool(v.get("generation.runaway_guard")),
                        integer(v, "generation.streaming_first_chunk_frames"),
                        integer(v, "generation.runaway_guard_min_frames"),
                        integer(v, "generation.runaway_guard_frames_per_token")),
                new Q3ttsConfig.Log(Q3ttsConfig.Level.valueOf(v.get("log.level").toUpperCase(Locale.ROOT))),
                new Q3ttsConfig.Ui(stripSlash(v.get("ui.api_url").strip())),
                new Q3ttsConfig.Http(splitList(v.get("http.cors_origins")).stream().map(ConfigLoader::stripSlash).toList(),
                        splitList(v.get("http.allowed_hosts"))),
                new Q3ttsConfig.Auth(splitList(v.get("auth.api_keys")), parseBool(v.get("auth.allow_unauthenticated_remote"))),
                new Q3ttsConfig.Cluster(v.get("cluster.nats_url").strip(),
                        v.get("cluster.credentials").isBlank() ? null : resolve(v.get("cluster.credentials").strip()),
                        v.get("cluster.worker_id").strip(), parseBool(v.get("cluster.local_worker")),
                        integer(v, "cluster.ack_wait_seconds"),
                        integer(v, "cluster.max_deliver"), integer(v, "cluster.max_in_flight"),
                        integer(v, "cluster.result_ttl_hours")));
    }

    private Path resolve(String path) {
        return baseDir.resolve(path).normalize();
    }

    private String display(Path file) {
        Path abs = file.toAbsolutePath().normalize();
        return abs.startsWith(baseDir) ? baseDir.relativize(abs).toString().replace('\\', '/') : abs.toString();
    }

    private static int integer(Map<String, String> v, String key) {
        return Integer.parseInt(v.get(key).strip());
    }

    private static Key key(String name, String defaultValue, Function<String, String> check) {
        String env = "Q3TTS_" + name.toUpperCase(Locale.ROOT).replace('.', '_');
        return new Key(name, defaultValue, env, check);
    }

    private static Key listKey(String name, Function<String, String> check) {
        String env = "Q3TTS_" + name.toUpperCase(Locale.ROOT).replace('.', '_');
        return new Key(name, "", env, check, true, false);
    }

    private static Key secretListKey(String name, Function<String, String> check) {
        String env = "Q3TTS_" + name.toUpperCase(Locale.ROOT).replace('.', '_');
        return new Key(name, "", env, check, true, true);
    }

    private static List<String> splitList(String s) {
        return Arrays.stream(s.split(",")).map(String::strip).filter(t -> !t.isEmpty()).toList();
    }

    private static String stripSlash(String s) {
        return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
    }

    /**
     * The UI's API server: empty (this server) or a bare origin. A path would be silently dropped or
     * doubled when the pages join it with {@code /api/v1/...}, so it is refused rather than guessed at.
     */
    private static String apiUrl(String s) {
        String t = s.strip();
        return t.isEmpty() ? null : originProblem(t, "must be empty (the UI uses this server) or");
    }

    private static final Pattern HOST_NAME = Pattern.compile("\\*|\\.?[A-Za-z0-9]([A-Za-z0-9.-]{0,252})?");

    private static String hostNames(String s) {
        for (String h : splitList(s)) {
            if (!HOST_NAME.matcher(h).matches()) {
                return "must be a comma-separated list of host names without port (e.g. gpu-box), '.domain' for a domain "
                        + "and its sub-domains, or '*' for any ('" + h + "' is not)";
            }
        }
        return null;
    }

    /** Never echoes a key: the message names the position only. */
    private static String apiKeys(String s) {
        List<String> keys = splitList(s);
        for (int i = 0; i < keys.size(); i++) {
            String k = keys.get(i);
            if (k.length() < 16 || k.chars().anyMatch(c -> c <= ' ' || c > '~')) {
                return "each key must be at least 16 printable ASCII characters without spaces (key " + (i + 1) + " is not)";
            }
        }
        return null;
    }

    private static String origins(String s) {
        for (String origin : splitList(s)) {
            if (origin.equals("*")) {
                continue;
            }
            String problem = originProblem(origin, "must be a comma-separated list of '*' or origins, each");
            if (problem != null) {
                return problem + " ('" + origin + "' is not)";
            }
        }
        return null;
    }

    /** @return null if {@code text} is {@code http(s)://host[:port]} (a trailing slash allowed), else the problem */
    private static String originProblem(String text, String lead) {
        String shape = lead + " an http(s)://host[:port] URL without path, query or fragment";
        URI uri;
        try {
            uri = new URI(text);
        } catch (URISyntaxException e) {
            return shape;
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        boolean bare = (uri.getRawPath() == null || uri.getRawPath().isEmpty() || uri.getRawPath().equals("/"))
                && uri.getRawQuery() == null && uri.getRawFragment() == null && uri.getRawUserInfo() == null;
        return (scheme.equals("http") || scheme.equals("https")) && uri.getHost() != null && uri.getPort() <= 65_535 && bare
                ? null : shape;
    }

    /** Empty (single process) or a NATS URL list: {@code nats://}, {@code tls://}, {@code ws(s)://} with a host. */
    private static String natsUrl(String s) {
        String shape = "must be empty (no cluster) or a NATS URL such as nats://127.0.0.1:4222 (several: comma-separated)";
        if (s.isBlank()) {
            return null;
        }
        for (String url : splitList(s)) {
            try {
                URI uri = new URI(url);
                String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
                if (!List.of("nats", "tls", "ws", "wss").contains(scheme) || uri.getHost() == null) {
                    return shape;
                }
            } catch (URISyntaxException e) {
                return shape;
            }
        }
        return null;
    }

    private static String workerId(String s) {
        return s.isBlank() || io.q3tts.ports.model.Ids.isSafe(s.strip()) ? null
                : "must be empty (host name and process id) or 1-64 letters, digits, '.', '_' or '-'";
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }

    private static Function<String, String> range(int min, int max) {
        return s -> {
            String t = s.strip();
            if (!INTEGER.matcher(t).matches()) {
                return "must be a whole number " + min + "-" + max;
            }
            int n = Integer.parseInt(t);
            return n < min || n > max ? "must be " + min + "-" + max : null;
        };
    }

    private static Function<String, String> oneOf(String... options) {
        return s -> List.of(options).contains(s.strip().toLowerCase(Locale.ROOT)) ? null
                : "must be one of " + String.join(", ", options);
    }

    private static String bool(String s) {
        try {
            parseBool(s);
            return null;
        } catch (IllegalArgumentException e) {
            return "must be true or false";
        }
    }

    private static boolean parseBool(String s) {
        return switch (s.strip().toLowerCase(Locale.ROOT)) {
            case "true", "yes", "on", "1" -> true;
            case "false", "no", "off", "0" -> false;
            default -> throw new IllegalArgumentException(s);
        };
    }

    private static String host(String s) {
        return s.isBlank() || s.chars().anyMatch(c -> Character.isWhitespace(c) || c == '/') ? "must be a host name or IP address" : null;
    }

    private static String path(String s) {
        if (s.isBlank() || s.indexOf('\0') >= 0) {
            return "must be a folder path";
        }
        try {
            Path.of(s);
            return null;
        } catch (InvalidPathException e) {
            return "must be a folder path";
        }
    }
}
