package io.q3tts.ports.in.voice;

import java.util.List;

/** Use case: every saved voice, sorted by name. Thread-safe. */
public interface ListVoicesUseCase {

    /** @return the voices, never null */
    List<VoiceView> listVoices();
}
