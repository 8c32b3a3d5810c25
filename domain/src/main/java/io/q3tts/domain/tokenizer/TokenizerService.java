package io.q3tts.domain.tokenizer;

import io.q3tts.domain.output.AudioConversion;
import io.q3tts.domain.residency.ModelLease;
import io.q3tts.domain.residency.ModelResidencyManager;
import io.q3tts.domain.residency.ModelResolver;
import io.q3tts.domain.scheduling.Lane;
import io.q3tts.domain.scheduling.WorkScheduler;
import io.q3tts.domain.voice.UploadLimits;
import io.q3tts.ports.in.tokenizer.DecodeSpeechCommand;
import io.q3tts.ports.in.tokenizer.DecodeSpeechResult;
import io.q3tts.ports.in.tokenizer.DecodeSpeechTokensUseCase;
import io.q3tts.ports.in.tokenizer.EncodeSpeechCommand;
import io.q3tts.ports.in.tokenizer.EncodeSpeechResult;
import io.q3tts.ports.in.tokenizer.EncodeSpeechTokensUseCase;
import io.q3tts.ports.model.CancellationToken;
import io.q3tts.ports.model.InvalidArgumentException;
import io.q3tts.ports.model.ModelTask;
import io.q3tts.ports.model.PcmAudio;
import io.q3tts.ports.model.SpeechCodes;
import io.q3tts.ports.model.UnsupportedException;
import io.q3tts.ports.out.audio.AudioDecoder;
import io.q3tts.ports.out.audio.AudioEncoder;
import io.q3tts.ports.out.catalog.ModelDescriptor;
import io.q3tts.ports.out.tokenizer.SpeechTokenizer;
import java.util.Locale;
import java.util.Objects;
import java.util.function.BiFunction;

/**
 * The speech-tokenizer use cases. Each call runs in the scheduler's {@link Lane#TOKENIZER} lane
 * (or the GPU lane when the policy has no separate tokenizer lane) and blocks until done.
 * Thread-safe.
 */
public final class TokenizerService implements EncodeSpeechTokensUseCase, DecodeSpeechTokensUseCase {

    private final WorkScheduler scheduler;
    private final ModelResolver resolver;
    private final ModelResidencyManager residency;
    private final AudioEncoder encoder;
    private final AudioDecoder decoder;
    private final AudioConversion conversion;
    private final UploadLimits limits;

    /**
     * @param scheduler runs the calls
     * @param resolver picks the model
     * @param residency leases it
     * @param encoder encodes decoded audio
     * @param decoder decodes uploads
     * @param limits upload limits
     */
    public TokenizerService(WorkScheduler scheduler, ModelResolver resolver, ModelResidencyManager residency,
                            AudioEncoder encoder, AudioDecoder decoder, UploadLimits limits) {
        this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
        this.resolver = Objects.requireNonNull(resolver, "resolver");
        this.residency = Objects.requireNonNull(residency, "residency");
        this.encoder = Objects.requireNonNull(encoder, "encoder");
        this.decoder = Objects.requireNonNull(decoder, "decoder");
        this.conversion = new AudioConversion(encoder, decoder);
        this.limits = Objects.requireNonNull(limits, "limits");
    }

    @Override
    public EncodeSpeechResult encodeSpeech(EncodeSpeechCommand command, CancellationToken cancellation) {
        ModelDescriptor model = resolver.resolve(command.modelId(), ModelTask.TOKENIZER, "model");
        limits.checkSize(command.audio());
        PcmAudio audio = decoder.decode(command.audio());
        if (audio.samples().length == 0 || audio.durationSeconds() > limits.maxTokenizerSeconds()) {
            throw new InvalidArgumentException(command.audio().field(), String.format(Locale.ROOT,
                    "%s must be between 0 and %.0f seconds long, got %.1f s.", command.audio().field(),
                    limits.maxTokenizerSeconds(), audio.durationSeconds()));
        }
        SpeechCodes codes = withTokenizer(model, "encode", cancellation, (t, token) -> t.encode(audio, token));
        return new EncodeSpeechResult(model.id(), codes, audio.durationSeconds());
    }

    @Override
    public DecodeSpeechResult decodeSpeech(DecodeSpeechCommand command, CancellationToken cancellation) {
        conversion.requireSupported(command.format());
        ModelDescriptor model = resolver.resolve(command.modelId(), ModelTask.TOKENIZER, "model");
        PcmAudio audio = withTokenizer(model, "decode", cancellation, (t, token) -> t.decode(command.codes(), token));
        return new DecodeSpeechResult(model.id(), encoder.encode(audio, command.format()));
    }

    private <T> T withTokenizer(ModelDescriptor model, String what, CancellationToken cancellation,
                                BiFunction<SpeechTokenizer, CancellationToken, T> call) {
        return scheduler.call(Lane.TOKENIZER, "tokenizer " + what + " " + model.id(), token -> {
            try (ModelLease lease = residency.acquire(model.id())) {
                SpeechTokenizer tokenizer = lease.model().speechTokenizer().orElseThrow(() -> new UnsupportedException(
                        "model", "Model '" + model.id() + "' has no speech tokenizer."));
                return call.apply(tokenizer, token);
            }
        }, cancellation);
    }
}
