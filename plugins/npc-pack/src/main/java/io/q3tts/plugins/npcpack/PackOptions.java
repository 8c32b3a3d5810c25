package io.q3tts.plugins.npcpack;

import io.q3tts.ports.in.synthesis.GenerationOptions;
import io.q3tts.ports.model.AudioFormat;
import io.q3tts.ports.model.Ids;
import io.q3tts.ports.model.InvalidArgumentException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * The output and generation options of a pack; every error names its request field.
 *
 * @param format the per-line file format: WAV always; FLAC, MP3 or Opus only without per-line
 *     processing (see {@link #from})
 * @param sampleRate the per-line files' rate, or null to keep the model's (24 kHz)
 * @param targetLufs the integrated loudness each line is normalised to (peaks kept at -1 dBFS), or null for off
 * @param retries extra takes allowed per line after a failure or a runaway, 0..{@value #MAX_RETRIES}
 * @param runawayRatio a take longer than this many times the text's expected length is a runaway
 * @param gapSeconds silence between lines in the preview track
 * @param maxNewTokens the frame cap of every step, or null for the model's default
 * @param language the language of characters that name none ({@code auto} by default)
 * @param designModel the VoiceDesign model, or null to let the core pick
 * @param cloneModel the Base model, or null to let the core pick
 * @param customVoiceModel the CustomVoice model, or null to let the core pick
 * @param nonStreaming lay each line's text out non-streaming ({@code non_streaming_mode}, default true:
 *     the streaming layout speeds up through long clones, QwenLM/Qwen3-TTS#239)
 */
record PackOptions(AudioFormat format, Integer sampleRate, Double targetLufs, int retries, double runawayRatio,
                   double gapSeconds, Integer maxNewTokens, String language, String designModel, String cloneModel,
                   String customVoiceModel, boolean nonStreaming) {

    /** Loudness target when none is given (a common level for game dialogue). */
    static final double DEFAULT_TARGET_LUFS = -18;
    /** Most extra takes per line. */
    static final int MAX_RETRIES = 5;
    /** Rates the per-line files can have. */
    static final List<Integer> RATES = List.of(8_000, 11_025, 16_000, 22_050, 24_000, 32_000, 44_100, 48_000);

    /**
     * Reads the options; values may be JSON numbers or text.
     *
     * @param field the raw value of a request field, or null if absent
     * @return the options
     * @throws InvalidArgumentException naming the first bad field
     */
    static PackOptions from(Function<String, Object> field) {
        AudioFormat format = AudioFormat.parse(text(field, "format"), "format");
        if (format == AudioFormat.PCM) {
            throw new InvalidArgumentException("format", "format pcm (headerless) is not a file format; use wav.");
        }
        Integer rate = null;
        String rateText = text(field, "sample_rate");
        if (rateText != null && !rateText.equalsIgnoreCase("native")) {
            int r = (int) number(rateText, "sample_rate");
            if (!RATES.contains(r) || r != number(rateText, "sample_rate")) {
                throw new InvalidArgumentException("sample_rate", "sample_rate must be one of " + RATES + " or native; got "
                        + rateText + ".");
            }
            rate = r;
        }
        Double target = DEFAULT_TARGET_LUFS;
        String targetText = text(field, "target_lufs");
        if (targetText != null) {
            if (targetText.equalsIgnoreCase("off") || targetText.equalsIgnoreCase("none")) {
                target = null;
            } else {
                double t = number(targetText, "target_lufs");
                if (!(t >= -40 && t <= -5)) {
                    throw new InvalidArgumentException("target_lufs", "target_lufs must be between -40 and -5 LUFS, or off; got "
                            + targetText + ".");
                }
                target = t;
            }
        }
        int retries = (int) integer(field, "retries", 2, 0, MAX_RETRIES);
        double ratio = bounded(field, "runaway_ratio", 3, 1.5, 20);
        double gap = bounded(field, "gap_seconds", 0.5, 0, 5);
        Integer maxNewTokens = null;
        if (text(field, "max_new_tokens") != null) {
            maxNewTokens = (int) integer(field, "max_new_tokens", 0, 1, Integer.MAX_VALUE);
            GenerationOptions.builder().maxNewTokens(maxNewTokens).build();
        }
        String language = text(field, "language");
        language = language == null ? "auto" : language.toLowerCase(Locale.ROOT);
        if (!language.matches("[a-z][a-z_]{0,31}")) {
            throw new InvalidArgumentException("language", "language must be a language key such as english or auto.");
        }
        Object rawLayout = field.apply("non_streaming_mode");
        String layout = rawLayout instanceof Boolean flag ? flag.toString() : text(field, "non_streaming_mode");
        boolean nonStreaming = true;
        if (layout != null) {
            if (!layout.equalsIgnoreCase("true") && !layout.equalsIgnoreCase("false")) {
                throw new InvalidArgumentException("non_streaming_mode", "non_streaming_mode must be true or false; got "
                        + layout + ".");
            }
            nonStreaming = Boolean.parseBoolean(layout.toLowerCase(Locale.ROOT));
        }
        return new PackOptions(format, rate, target, retries, ratio, gap, maxNewTokens, language,
                model(field, "design_model"), model(field, "clone_model"), model(field, "custom_voice_model"), nonStreaming);
    }

    /** @return the options as the payload stores them (read back by {@link #from}) */
    Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("format", format.key());
        m.put("sample_rate", sampleRate == null ? "native" : sampleRate);
        m.put("target_lufs", targetLufs == null ? "off" : targetLufs);
        m.put("retries", retries);
        m.put("runaway_ratio", runawayRatio);
        m.put("gap_seconds", gapSeconds);
        if (maxNewTokens != null) {
            m.put("max_new_tokens", maxNewTokens);
        }
        m.put("language", language);
        putIf(m, "design_model", designModel);
        putIf(m, "clone_model", cloneModel);
        putIf(m, "custom_voice_model", customVoiceModel);
        m.put("non_streaming_mode", nonStreaming);
        return m;
    }

    /** @return whether the lines are delivered as generated (no resampling, no loudness gain) */
    boolean asGenerated() {
        return sampleRate == null && targetLufs == null;
    }

    /** @return the file extension of the per-line files */
    String extension() {
        return format.key();
    }

    private static void putIf(Map<String, Object> m, String key, String value) {
        if (value != null) {
            m.put(key, value);
        }
    }

    private static String model(Function<String, Object> field, String name) {
        String v = text(field, name);
        return v == null ? null : Ids.requireSafe(v, name);
    }

    private static String text(Function<String, Object> field, String name) {
        Object v = field.apply(name);
        if (v == null) {
            return null;
        }
        if (v instanceof String || v instanceof Number) {
            String s = v.toString().strip();
            return s.isEmpty() ? null : s;
        }
        throw new InvalidArgumentException(name, name + " must be a string or a number.");
    }

    private static double number(String text, String name) {
        try {
            double d = Double.parseDouble(text);
            if (Double.isFinite(d)) {
                return d;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new InvalidArgumentException(name, name + " must be a number; got '" + Names.shorten(text) + "'.");
    }

    private static long integer(Function<String, Object> field, String name, long fallback, long min, long max) {
        String t = text(field, name);
        if (t == null) {
            return fallback;
        }
        double d = number(t, name);
        if (d != Math.rint(d) || d < min || d > max) {
            throw new InvalidArgumentException(name, name + " must be a whole number"
                    + (max == Integer.MAX_VALUE ? " >= " + min : " from " + min + " to " + max) + "; got " + t + ".");
        }
        return (long) d;
    }

    private static double bounded(Function<String, Object> field, String name, double fallback, double min, double max) {
        String t = text(field, name);
        if (t == null) {
            return fallback;
        }
        double d = number(t, name);
        if (d < min || d > max) {
            throw new InvalidArgumentException(name, name + " must be between " + min + " and " + max + "; got " + t + ".");
        }
        return d;
    }
}
