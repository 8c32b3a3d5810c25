package io.q3tts.adapters.audio;

import io.q3tts.lib.dsp.TimeStretch;
import io.q3tts.ports.model.PcmAudio;
import io.q3tts.ports.out.audio.AudioEffects;

/** {@link AudioEffects} on the shared DSP library: tempo by WSOLA ({@link TimeStretch}). Stateless and thread-safe. */
public final class WsolaAudioEffects implements AudioEffects {

    @Override
    public PcmAudio changeTempo(PcmAudio audio, double speed) {
        return new PcmAudio(TimeStretch.stretch(audio.samples(), audio.sampleRate(), speed), audio.sampleRate());
    }
}
