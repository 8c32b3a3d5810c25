package io.q3tts.domain.testing;

import io.q3tts.ports.model.CancellationToken;
import io.q3tts.ports.model.ModelTask;
import io.q3tts.ports.model.PcmAudio;
import io.q3tts.ports.model.SpeechCodes;
import io.q3tts.ports.out.catalog.LoadedModel;
import io.q3tts.ports.out.catalog.ModelDescriptor;
import io.q3tts.ports.out.catalog.ModelLoader;
import io.q3tts.ports.out.inference.ClonePrompt;
import io.q3tts.ports.out.inference.ClonePromptEncoder;
import io.q3tts.ports.out.inference.SpeechSynthesizer;
import io.q3tts.ports.out.tokenizer.SpeechTokenizer;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/** Loads fake models and records "load x" / "close x" in order. */
public final class FakeLoader implements ModelLoader {

    public final List<String> events = new CopyOnWriteArrayList<>();
    /** What a loaded model's synthesizer does; replace before loading. */
    public volatile Function<ModelDescriptor, SpeechSynthesizer> synthesizers = FakeSynthesizer::new;
    /** Thrown by clone-prompt encoding when set. */
    public volatile RuntimeException promptFailure;

    @Override
    public LoadedModel load(ModelDescriptor model) {
        events.add("load " + model.id());
        SpeechSynthesizer synth = model.generates() ? synthesizers.apply(model) : null;
        return new LoadedModel() {
            @Override
            public ModelDescriptor descriptor() {
                return model;
            }

            @Override
            public Optional<SpeechSynthesizer> synthesizer() {
                return Optional.ofNullable(synth);
            }

            @Override
            public Optional<ClonePromptEncoder> clonePromptEncoder() {
                if (!model.supports(ModelTask.VOICE_CLONE)) {
                    return Optional.empty();
                }
                return Optional.of(new ClonePromptEncoder() {
                    @Override
                    public String cacheKey() {
                        return "fake-" + model.id();
                    }

                    @Override
                    public ClonePrompt encode(io.q3tts.ports.out.inference.VoicePrompt.ReferenceAudio reference,
                                              CancellationToken cancellation) {
                        if (promptFailure != null) {
                            throw promptFailure;
                        }
                        events.add("prompt " + reference.audio().getFileName());
                        return new ClonePrompt(cacheKey(), new byte[] {1, 2, 3}, false);
                    }
                });
            }

            @Override
            public Optional<SpeechTokenizer> speechTokenizer() {
                if (!model.supports(ModelTask.TOKENIZER)) {
                    return Optional.empty();
                }
                return Optional.of(new SpeechTokenizer() {
                    @Override
                    public int sampleRate() {
                        return 24_000;
                    }

                    @Override
                    public double frameRate() {
                        return 12.5;
                    }

                    @Override
                    public int codebooks() {
                        return 16;
                    }

                    @Override
                    public SpeechCodes encode(PcmAudio audio, CancellationToken cancellation) {
                        int frames = (int) Math.ceil(audio.durationSeconds() * 12.5);
                        return new SpeechCodes(new int[frames][16], 12.5);
                    }

                    @Override
                    public PcmAudio decode(SpeechCodes codes, CancellationToken cancellation) {
                        return new PcmAudio(new float[codes.frameCount() * 1920], 24_000);
                    }
                });
            }

            @Override
            public void close() {
                events.add("close " + model.id());
            }
        };
    }
}
