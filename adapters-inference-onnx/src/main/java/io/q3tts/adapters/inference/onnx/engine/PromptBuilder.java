package io.q3tts.adapters.inference.onnx.engine;

import io.q3tts.adapters.inference.onnx.bundle.Manifest;
import io.q3tts.ports.model.InvalidArgumentException;
import java.util.Arrays;
import java.util.Objects;

/**
 * Builds talker prompts exactly as the official {@code Qwen3TTSForConditionalGeneration.generate}
 * and {@code generate_icl_prompt} do, including their positional slicing of the token lists
 * ({@code [:3]}, {@code [3:-5]}, {@code [3:4]}, {@code [4:-5]}, {@code [3:-2]}) even where a text
 * tokenises unexpectedly.
 *
 * <p>All text-side vectors come from one text-projection run per prompt (role, instruct, text,
 * reference text and {@code [bos, eos, pad]} batched together); codec-side vectors come from the
 * codec embedding tables. Thread-safe.
 */
public final class PromptBuilder {

    private final TextProjector projector;
    private final CodecEmbeddings codec;
    private final Manifest.TextTokens text;
    private final Manifest.CodecTokens tokens;
    private final int hidden;

    /**
     * @param projector the text projection
     * @param codec the codec embedding tables
     * @param text special text ids
     * @param tokens special codec ids
     */
    public PromptBuilder(TextProjector projector, CodecEmbeddings codec, Manifest.TextTokens text,
                         Manifest.CodecTokens tokens) {
        this.projector = Objects.requireNonNull(projector, "projector");
        this.codec = Objects.requireNonNull(codec, "codec");
        this.text = Objects.requireNonNull(text, "text");
        this.tokens = Objects.requireNonNull(tokens, "tokens");
        this.hidden = codec.hidden();
    }

    /**
     * @param spec the prompt inputs
     * @return the prompt
     * @throws InvalidArgumentException if an x-vector has the wrong size or a reference code is out of range
     */
    public TalkerPrompt build(PromptSpec spec) {
        long[] ids = spec.inputIds();
        long[] role = PySlice.slice(ids, 0, 3);
        long[] instruct = spec.instructIds() == null ? new long[0] : spec.instructIds();
        long[] textIds = PySlice.slice(ids, 3, -5);
        boolean icl = spec.icl() != null;
        long[] refIds = icl ? PySlice.slice(spec.icl().refIds(), 3, -2) : new long[0];
        // ids[3:4] is only needed on its own when ids[3:-5] is empty (it is then a suffix token).
        long[] first = (!icl && spec.streamingText() && textIds.length == 0) ? PySlice.slice(ids, 3, 4) : new long[0];

        // One projection run: [instruct | role | ref | text | first | bos eos pad].
        long[] all = concat(instruct, role, refIds, textIds, first,
                new long[] {text.ttsBos(), text.ttsEos(), text.ttsPad()});
        float[] tp = projector.project(all);
        int oInstruct = 0;
        int oRole = oInstruct + instruct.length;
        int oRef = oRole + role.length;
        int oText = oRef + refIds.length;
        int oFirst = oText + textIds.length;
        int oSpecial = oFirst + first.length;
        float[] bos = row(tp, oSpecial);
        float[] eos = row(tp, oSpecial + 1);
        float[] pad = row(tp, oSpecial + 2);

        // Codec prefix K: [think, think_bos, lang, think_eos] or [nothink, think_bos, think_eos], speaker, pad, bos.
        int[] prefixIds = spec.languageId() == null
                ? new int[] {tokens.nothink(), tokens.thinkBos(), tokens.thinkEos()}
                : new int[] {tokens.think(), tokens.thinkBos(), spec.languageId(), tokens.thinkEos()};
        int kLen = prefixIds.length + (spec.speaker() != null ? 1 : 0) + 2;
        float[][] k = new float[kLen][];
        int ki = 0;
        for (int id : prefixIds) {
            k[ki++] = codecRow(id);
        }
        if (spec.speaker() != null) {
            k[ki++] = speakerVector(spec.speaker());
        }
        k[ki++] = codecRow(tokens.pad());
        k[ki] = codecRow(tokens.bos());

        Rows out = new Rows(hidden);
        out.addFrom(tp, oInstruct, instruct.length);
        out.addFrom(tp, oRole, role.length);
        for (int i = 0; i < kLen - 1; i++) {
            out.addSum(i < kLen - 2 ? pad : bos, k[i]);
        }

        Rows trailing = new Rows(hidden);
        if (icl) {
            buildIcl(spec, tp, oRef, refIds.length + textIds.length, eos, pad, out, trailing);
        } else if (spec.streamingText()) {
            float[] t1 = textIds.length > 0 ? row(tp, oText) : (first.length > 0 ? row(tp, oFirst) : null);
            if (t1 == null) {
                throw new InvalidArgumentException("text", "the tokenised prompt is too short to hold a text");
            }
            out.addSum(t1, k[kLen - 1]);
            // ids[4:-5] == ids[3:-5][1:]
            for (int i = 1; i < textIds.length; i++) {
                trailing.add(row(tp, oText + i));
            }
            trailing.add(eos);
        } else {
            float[] cePad = codecRow(tokens.pad());
            for (int i = 0; i < textIds.length; i++) {
                out.addSum(row(tp, oText + i), cePad);
            }
            out.addSum(eos, cePad);
            out.addSum(pad, codecRow(tokens.bos()));
            trailing.add(pad);
        }
        return new TalkerPrompt(out.toArray(), out.count, trailing.toArray(), trailing.count, pad, hidden,
                textIds.length);
    }

    private void buildIcl(PromptSpec spec, float[] tp, int oRefText, int t1Rows, float[] eos, float[] pad,
                          Rows out, Rows trailing) {
        // text_embed = TP(ref ++ text) ++ eos   (T1 rows)
        int t1 = t1Rows + 1;
        float[][] textEmbed = new float[t1][];
        for (int i = 0; i < t1Rows; i++) {
            textEmbed[i] = row(tp, oRefText + i);
        }
        textEmbed[t1Rows] = eos;
        // codec_embed = CE(bos) ++ [sum_j Ej(ref_code[f, j])]   (T2 rows)
        int[][] refCodes = spec.icl().refCodes();
        int t2 = refCodes.length + 1;
        float[][] codecEmbed = new float[t2][];
        codecEmbed[0] = codecRow(tokens.bos());
        for (int f = 0; f < refCodes.length; f++) {
            int[] c = refCodes[f];
            if (c.length != codec.groups()) {
                throw new InvalidArgumentException("ref_audio", "reference frame " + f + " has " + c.length
                        + " codes, expected " + codec.groups());
            }
            for (int j = 0; j < c.length; j++) {
                if (c[j] < 0 || c[j] >= 2048) {
                    throw new InvalidArgumentException("ref_audio", "reference code " + c[j] + " is out of range");
                }
            }
            float[] v = new float[hidden];
            codec.frameSum(c, v, 0);
            codecEmbed[f + 1] = v;
        }
        if (!spec.streamingText()) {
            float[] cePad = codecRow(tokens.pad());
            for (float[] t : textEmbed) {
                out.addSum(t, cePad);
            }
            for (float[] c : codecEmbed) {
                out.addSum(c, pad);
            }
            trailing.add(pad);
        } else if (t1 > t2) {
            for (int i = 0; i < t2; i++) {
                out.addSum(textEmbed[i], codecEmbed[i]);
            }
            for (int i = t2; i < t1; i++) {
                trailing.add(textEmbed[i]);
            }
        } else {
            for (int i = 0; i < t2; i++) {
                out.addSum(i < t1 ? textEmbed[i] : pad, codecEmbed[i]);
            }
            trailing.add(pad);
        }
    }

    private float[] speakerVector(PromptSpec.SpeakerSlot slot) {
        if (slot.codecId() != null) {
            return codecRow(slot.codecId());
        }
        if (slot.embedding().length != hidden) {
            throw new InvalidArgumentException("ref_audio", "the speaker embedding has " + slot.embedding().length
                    + " values but this model needs " + hidden + "; was it made by another model size?");
        }
        return slot.embedding();
    }

    private float[] codecRow(int id) {
        if (id < 0 || id >= codec.codecVocab()) {
            throw new InvalidArgumentException("speaker", "codec id " + id + " is out of range");
        }
        float[] v = new float[hidden];
        codec.copyCodec(id, v, 0);
        return v;
    }

    private float[] row(float[] tp, int index) {
        return Arrays.copyOfRange(tp, index * hidden, (index + 1) * hidden);
    }

    private static long[] concat(long[]... parts) {
        int n = 0;
        for (long[] p : parts) {
            n += p.length;
        }
        long[] out = new long[n];
        int o = 0;
        for (long[] p : parts) {
            System.arraycopy(p, 0, out, o, p.length);
            o += p.length;
        }
        return out;
    }

    /** A growable row-major float matrix. */
    private static final class Rows {
        private final int width;
        private float[] data = new float[0];
        private int count;

        Rows(int width) {
            this.width = width;
        }

        private int grow() {
            if ((count + 1) * width > data.length) {
                data = Arrays.copyOf(data, Math.max((count + 1) * width, data.length * 2));
            }
            return count++ * width;
        }

        void add(float[] v) {
            int o = grow();
            System.arraycopy(v, 0, data, o, width);
        }

        void addSum(float[] a, float[] b) {
            int o = grow();
            for (int i = 0; i < width; i++) {
                data[o + i] = a[i] + b[i];
            }
        }

        void addFrom(float[] src, int firstRow, int rows) {
            for (int r = 0; r < rows; r++) {
                int o = grow();
                System.arraycopy(src, (firstRow + r) * width, data, o, width);
            }
        }

        float[] toArray() {
            return Arrays.copyOf(data, count * width);
        }
    }
}
