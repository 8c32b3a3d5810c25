package io.q3tts.plugins.npcpack;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.q3tts.lib.dsp.Loudness;
import io.q3tts.ports.in.audio.EncodeAudioUseCase;
import io.q3tts.ports.model.PcmAudio;
import io.q3tts.lib.dsp.Pcm16;
import io.q3tts.lib.dsp.Resampler;
import io.q3tts.ports.in.pipeline.PipelineOutput;
import io.q3tts.ports.model.AudioFormat;
import io.q3tts.ports.model.EncodedAudio;
import io.q3tts.ports.model.ModelTask;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Builds a pack's output from its kept takes: each line resampled and normalised to the loudness
 * target (peaks kept at -1 dBFS), the per-line files, {@code manifest.json}, {@code manifest.csv},
 * {@code pack.zip} (the same files, with fixed timestamps so the same takes give the same bytes) and
 * a preview track of every line in order with short gaps. Pure and deterministic.
 */
final class Packer {

    /** Largest sample value after the loudness gain (-1 dBFS): the gain is lowered rather than clipping. */
    static final float PEAK_CEILING = 0.891f;
    /** The zip's entry time: fixed, so the zip depends only on its content. */
    private static final LocalDateTime ZIP_TIME = LocalDateTime.of(2020, 1, 1, 0, 0);
    /** Columns of manifest.csv. */
    static final List<String> CSV_COLUMNS = List.of("file", "character", "line_id", "text", "emotion", "instruct",
            "duration", "voice", "seed", "attempts", "runaway", "loudness_lufs");

    private final PackRequest request;
    private final EncodeAudioUseCase encoder;
    private final Map<Long, Resampler> resamplers = new HashMap<>();

    /**
     * @param request the pack and its options
     * @param encoder encodes the processed lines when the pack is not WAV; may be null for WAV packs
     */
    Packer(PackRequest request, EncodeAudioUseCase encoder) {
        this.request = request;
        this.encoder = encoder;
    }

    /** One line, processed. */
    private record Line(PackLine line, Take take, float[] samples, int rate, byte[] file, double loudness,
                        double gainDb, boolean peakLimited) {
    }

    /**
     * @param takes the kept take of every line, in line order
     * @param designed the saved voice id of every designed character
     * @return the output
     */
    PipelineOutput pack(List<Take> takes, Map<String, String> designed) {
        PackOptions o = request.options();
        List<Line> lines = new ArrayList<>();
        for (int i = 0; i < takes.size(); i++) {
            lines.add(process(request.pack().lines().get(i), takes.get(i)));
        }
        Map<String, byte[]> files = new LinkedHashMap<>();
        for (Line l : lines) {
            files.put(l.line().file(o.extension()), l.file());
        }
        files.put("manifest.json", manifestJson(lines, designed));
        files.put("manifest.csv", manifestCsv(lines));
        files.put("pack.zip", zip(files));
        int rate = o.sampleRate() != null ? o.sampleRate() : lines.getFirst().rate();
        float[] track = track(lines, rate);
        EncodedAudio audio = new EncodedAudio(AudioFormat.WAV, Pcm16.wav(track, rate), rate, track.length / (double) rate);
        String text = lines.stream().map(l -> l.line().character() + ": " + l.line().text())
                .collect(Collectors.joining("\n"));
        Map<String, String> parameters = new LinkedHashMap<>();
        parameters.put("seed", Long.toString(request.seed()));
        o.toJson().forEach((k, v) -> parameters.put(k, String.valueOf(v)));
        parameters.put("lines", Integer.toString(lines.size()));
        parameters.put("characters", Long.toString(request.pack().characters().stream().filter(request.pack()::speaks).count()));
        return new PipelineOutput(audio, ModelTask.valueOf(mostFrequent(takes, Take::task)), mostFrequent(takes, Take::modelId),
                takes.stream().anyMatch(Take::randomWeights), text, o.language(), null, null, null, parameters,
                takes.stream().mapToInt(Take::frames).sum(), files);
    }

    private static String mostFrequent(List<Take> takes, Function<Take, String> key) {
        Map<String, Long> counts = takes.stream().collect(Collectors.groupingBy(key, LinkedHashMap::new, Collectors.counting()));
        return counts.entrySet().stream().max(Map.Entry.comparingByValue(Comparator.naturalOrder()))
                .map(Map.Entry::getKey).orElseThrow();
    }

    private Line process(PackLine line, Take take) {
        PackOptions o = request.options();
        int rate = o.sampleRate() != null ? o.sampleRate() : take.sampleRate();
        float[] samples = resample(take.samples(), take.sampleRate(), rate);
        Loudness.Normalisation n;
        if (o.targetLufs() != null) {
            // A copy: without resampling, samples is the take's own array, which must stay as synthesized.
            samples = samples.clone();
            n = Loudness.normalise(samples, rate, o.targetLufs(), PEAK_CEILING);
        } else {
            n = new Loudness.Normalisation(Loudness.integrated(samples, rate), 0, false);
        }
        byte[] file = o.format() == AudioFormat.WAV ? Pcm16.wav(samples, rate)
                : Objects.requireNonNull(encoder, "an encoder for " + o.format()).encodeAudio(new PcmAudio(samples, rate),
                        o.format()).bytes();
        return new Line(line, take, samples, rate, file, n.loudness(), n.gainDb(), n.limited());
    }

    private float[] resample(float[] samples, int from, int to) {
        if (from == to) {
            return samples;
        }
        return resamplers.computeIfAbsent(((long) from << 32) | to, k -> new Resampler(from, to)).process(samples);
    }

    private float[] track(List<Line> lines, int rate) {
        int gap = (int) Math.round(request.options().gapSeconds() * rate);
        List<float[]> parts = new ArrayList<>();
        long total = 0;
        for (Line l : lines) {
            float[] s = resample(l.samples(), l.rate(), rate);
            parts.add(s);
            total += s.length;
        }
        total += (long) gap * (lines.size() - 1);
        if (total > Integer.MAX_VALUE - 8) {
            throw new IllegalStateException("preview track too long: " + total + " samples");
        }
        float[] out = new float[(int) total];
        int pos = 0;
        for (float[] s : parts) {
            System.arraycopy(s, 0, out, pos, s.length);
            pos += s.length + gap;
        }
        return out;
    }

    private Map<String, Object> lineJson(Line l) {
        PackLine line = l.line();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("file", line.file(request.options().extension()));
        m.put("character", line.character());
        m.put("line_id", line.id());
        m.put("text", line.text());
        m.put("emotion", line.emotion());
        m.put("instruct", instructSent(line));
        m.put("duration", round(l.samples().length / (double) l.rate(), 1000));
        m.put("sample_rate", l.rate());
        m.put("voice", l.take().voice());
        m.put("seed", l.take().seed());
        m.put("attempts", l.take().attempts());
        m.put("retry_reasons", l.take().retryReasons());
        m.put("runaway", l.take().runaway());
        m.put("loudness_lufs", l.loudness() == Loudness.SILENCE ? null : round(l.loudness(), 100));
        m.put("gain_db", round(l.gainDb(), 100));
        m.put("peak_limited", l.peakLimited());
        return m;
    }

    /** @return the instruct the model was given: a preset speaker's style; cloned voices take none */
    private String instructSent(PackLine line) {
        PackCharacter c = request.pack().byId().get(line.character());
        return c.kind() == PackCharacter.Kind.PRESET ? line.styleInstruct() : null;
    }

    private byte[] manifestJson(List<Line> lines, Map<String, String> designed) {
        PackOptions o = request.options();
        Map<String, Object> pack = new LinkedHashMap<>();
        pack.put("seed", request.seed());
        pack.put("format", o.format().key());
        pack.put("sample_rate", o.sampleRate());
        pack.put("target_lufs", o.targetLufs());
        pack.put("peak_ceiling_dbfs", -1.0);
        pack.put("retries", o.retries());
        pack.put("runaway_ratio", o.runawayRatio());
        pack.put("line_count", lines.size());
        pack.put("layout", "{character}/{line_id}." + o.extension());
        List<Map<String, Object>> cast = new ArrayList<>();
        for (PackCharacter c : request.pack().characters()) {
            if (!request.pack().speaks(c)) {
                continue;
            }
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("id", c.id());
            m.put("name", c.name());
            m.put("source", c.kind().name().toLowerCase(java.util.Locale.ROOT));
            m.put("voice", switch (c.kind()) {
                case DESIGNED -> PackCharacter.SAVED + designed.get(c.id());
                case LIBRARY, PRESET -> c.voice();
            });
            m.put("description", c.description());
            m.put("language", c.language() != null ? c.language() : o.language());
            m.put("lines", lines.stream().filter(l -> l.line().character().equals(c.id())).count());
            cast.add(m);
        }
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("pack", pack);
        root.put("characters", cast);
        root.put("lines", lines.stream().map(this::lineJson).toList());
        try {
            return PackParser.JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(root);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    private byte[] manifestCsv(List<Line> lines) {
        StringBuilder out = new StringBuilder(String.join(",", CSV_COLUMNS)).append("\r\n");
        for (Line l : lines) {
            Map<String, Object> m = lineJson(l);
            List<String> cells = new ArrayList<>();
            for (String column : CSV_COLUMNS) {
                Object v = m.get(column);
                cells.add(Csv.quote(v == null ? "" : String.valueOf(v)));
            }
            out.append(String.join(",", cells)).append("\r\n");
        }
        return out.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] zip(Map<String, byte[]> files) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes, StandardCharsets.UTF_8)) {
            for (Map.Entry<String, byte[]> f : files.entrySet()) {
                ZipEntry e = new ZipEntry(f.getKey());
                e.setTimeLocal(ZIP_TIME);
                zip.putNextEntry(e);
                zip.write(f.getValue());
                zip.closeEntry();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    private static double round(double v, double scale) {
        return Math.round(v * scale) / scale;
    }
}
