package io.q3tts.app.cli;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Parses {@code --name value}, {@code --name=value} and {@code --flag} options against a fixed
 * set of option specs. Positional arguments are not accepted: every input is named, which keeps
 * error messages unambiguous.
 */
final class Options {

    /**
     * @param name long name without dashes
     * @param valueName placeholder shown in help; null for a flag
     * @param help one-line description
     */
    record Spec(String name, String valueName, String help) {
        boolean takesValue() {
            return valueName != null;
        }
    }

    private final String command;
    private final Map<String, String> values;

    private Options(String command, Map<String, String> values) {
        this.command = command;
        this.values = values;
    }

    /**
     * @param command command name for messages
     * @param specs allowed options
     * @param args the arguments after the command name
     * @return parsed options; {@code --help}/{@code -h} is reported as the flag {@code help}
     * @throws UsageException on unknown, repeated or incomplete options
     */
    static Options parse(String command, List<Spec> specs, List<String> args) throws UsageException {
        Map<String, Spec> byName = new LinkedHashMap<>();
        for (Spec spec : specs) {
            byName.put(spec.name(), spec);
        }
        Map<String, String> values = new LinkedHashMap<>();
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            if (arg.equals("-h") || arg.equals("--help")) {
                values.put("help", "");
                continue;
            }
            if (!arg.startsWith("--") || arg.length() == 2) {
                throw new UsageException("unexpected argument '" + arg + "' for '" + command
                        + "'; options are written --name value");
            }
            String name = arg.substring(2);
            String inline = null;
            int eq = name.indexOf('=');
            if (eq >= 0) {
                inline = name.substring(eq + 1);
                name = name.substring(0, eq);
            }
            Spec spec = byName.get(name);
            if (spec == null) {
                throw new UsageException("unknown option --" + name + " for '" + command + "'; see 'q3tts help " + command + "'");
            }
            if (values.containsKey(name)) {
                throw new UsageException("option --" + name + " is given more than once");
            }
            if (spec.takesValue()) {
                if (inline == null) {
                    if (i + 1 >= args.size()) {
                        throw new UsageException("option --" + name + " needs a value (" + spec.valueName() + ")");
                    }
                    inline = args.get(++i);
                }
                values.put(name, inline);
            } else {
                if (inline != null) {
                    throw new UsageException("option --" + name + " is a flag and takes no value");
                }
                values.put(name, "");
            }
        }
        return new Options(command, values);
    }

    boolean has(String name) {
        return values.containsKey(name);
    }

    Optional<String> get(String name) {
        return Optional.ofNullable(values.get(name));
    }

    String require(String name, String why) throws UsageException {
        String v = values.get(name);
        if (v == null || v.isBlank()) {
            throw new UsageException("'" + command + "' needs --" + name + " (" + why + ")");
        }
        return v;
    }

    Optional<Integer> integer(String name) throws UsageException {
        String v = values.get(name);
        if (v == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(Integer.parseInt(v.strip()));
        } catch (NumberFormatException e) {
            throw new UsageException("--" + name + " must be an integer, got '" + v + "'");
        }
    }

    Optional<Long> longValue(String name) throws UsageException {
        String v = values.get(name);
        if (v == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(Long.parseLong(v.strip()));
        } catch (NumberFormatException e) {
            throw new UsageException("--" + name + " must be an integer, got '" + v + "'");
        }
    }

    Optional<Double> number(String name) throws UsageException {
        String v = values.get(name);
        if (v == null) {
            return Optional.empty();
        }
        try {
            double d = Double.parseDouble(v.strip());
            if (!Double.isFinite(d)) {
                throw new NumberFormatException();
            }
            return Optional.of(d);
        } catch (NumberFormatException e) {
            throw new UsageException("--" + name + " must be a number, got '" + v + "'");
        }
    }

    /** @return help lines for the specs, aligned */
    static String describe(List<Spec> specs) {
        StringBuilder sb = new StringBuilder();
        int width = 0;
        for (Spec s : specs) {
            width = Math.max(width, label(s).length());
        }
        for (Spec s : specs) {
            String label = label(s);
            sb.append("  ").append(label).append(" ".repeat(width - label.length() + 2)).append(s.help()).append('\n');
        }
        return sb.toString();
    }

    private static String label(Spec s) {
        return "--" + s.name() + (s.takesValue() ? " " + s.valueName() : "");
    }
}
