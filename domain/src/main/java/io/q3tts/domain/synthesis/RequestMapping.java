package io.q3tts.domain.synthesis;

import io.q3tts.ports.in.synthesis.GenerationOptions;
import io.q3tts.ports.out.inference.GenerationDefaults;
import io.q3tts.ports.out.inference.SamplingParams;
import io.q3tts.ports.out.inference.SynthesisRequest;
import io.q3tts.ports.out.inference.TextInputMode;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/** Maps the driving side's generation options to the driven side's request types. */
final class RequestMapping {

    private RequestMapping() {
    }

    /**
     * Overlays the options on the model's defaults field by field, as the official wrapper's
     * {@code _merge_generate_kwargs} does (set value, else the model's generation config, else the
     * hard default, the last two already merged in {@code defaults}); a missing seed is drawn here
     * so the output records it.
     */
    static SamplingParams sampling(GenerationOptions o, GenerationDefaults defaults) {
        SamplingParams d = defaults.sampling();
        long seed = o.seed() != null ? o.seed() : ThreadLocalRandom.current().nextLong(1L << 53);
        return new SamplingParams(
                or(o.doSample(), d.doSample()),
                or(o.temperature(), d.temperature()),
                or(o.topK(), d.topK()),
                or(o.topP(), d.topP()),
                or(o.repetitionPenalty(), d.repetitionPenalty()),
                or(o.subtalkerDoSample(), d.subtalkerDoSample()),
                or(o.subtalkerTemperature(), d.subtalkerTemperature()),
                or(o.subtalkerTopK(), d.subtalkerTopK()),
                or(o.subtalkerTopP(), d.subtalkerTopP()),
                seed);
    }

    static int maxNewTokens(GenerationOptions o, GenerationDefaults defaults) {
        return o.maxNewTokens() != null ? o.maxNewTokens() : defaults.maxNewTokens();
    }

    static TextInputMode textInputMode(GenerationOptions o) {
        if (o.streamingText() == null) {
            return TextInputMode.TASK_DEFAULT;
        }
        return o.streamingText() ? TextInputMode.STREAMING : TextInputMode.NON_STREAMING;
    }

    /** The effective settings of a request, as the output's {@code parameters}. */
    static Map<String, String> parameters(SynthesisRequest r) {
        SamplingParams s = r.sampling();
        Map<String, String> p = new LinkedHashMap<>();
        p.put("do_sample", String.valueOf(s.doSample()));
        p.put("temperature", String.valueOf(s.temperature()));
        p.put("top_k", String.valueOf(s.topK()));
        p.put("top_p", String.valueOf(s.topP()));
        p.put("repetition_penalty", String.valueOf(s.repetitionPenalty()));
        p.put("subtalker_do_sample", String.valueOf(s.subtalkerDoSample()));
        p.put("subtalker_temperature", String.valueOf(s.subtalkerTemperature()));
        p.put("subtalker_top_k", String.valueOf(s.subtalkerTopK()));
        p.put("subtalker_top_p", String.valueOf(s.subtalkerTopP()));
        if (s.seed() != null) {
            p.put("seed", String.valueOf(s.seed()));
        }
        p.put("max_new_tokens", String.valueOf(r.maxNewTokens()));
        p.put("streaming_text", String.valueOf(r.streamingTextInput()));
        return p;
    }

    private static <T> T or(T value, T fallback) {
        return value != null ? value : fallback;
    }
}
