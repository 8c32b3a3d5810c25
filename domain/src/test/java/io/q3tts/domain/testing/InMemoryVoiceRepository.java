package io.q3tts.domain.testing;

import io.q3tts.ports.model.ConflictException;
import io.q3tts.ports.model.EncodedAudio;
import io.q3tts.ports.model.NotFoundException;
import io.q3tts.ports.out.voice.VoiceRecord;
import io.q3tts.ports.out.voice.VoiceRepository;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** Voices in maps; clip paths are fake. */
public final class InMemoryVoiceRepository implements VoiceRepository {

    public final Map<String, VoiceRecord> voices = new ConcurrentHashMap<>();
    public final Map<String, EncodedAudio> clips = new ConcurrentHashMap<>();
    public final Map<String, byte[]> prompts = new ConcurrentHashMap<>();

    @Override
    public List<VoiceRecord> list() {
        return voices.values().stream().sorted(Comparator.comparing(v -> v.name().toLowerCase())).toList();
    }

    @Override
    public Optional<VoiceRecord> find(String voiceId) {
        return Optional.ofNullable(voices.get(voiceId));
    }

    @Override
    public synchronized VoiceRecord create(VoiceRecord voice, EncodedAudio referenceClip) {
        if (voices.containsKey(voice.id())) {
            throw new ConflictException("name", "exists");
        }
        voices.put(voice.id(), voice);
        clips.put(voice.id(), referenceClip);
        return voice;
    }

    @Override
    public VoiceRecord update(VoiceRecord voice) {
        if (!voices.containsKey(voice.id())) {
            throw new NotFoundException("voice_id", "none");
        }
        voices.put(voice.id(), voice);
        return voice;
    }

    @Override
    public boolean delete(String voiceId) {
        clips.remove(voiceId);
        prompts.keySet().removeIf(k -> k.startsWith(voiceId + "/"));
        return voices.remove(voiceId) != null;
    }

    @Override
    public Path referenceClip(String voiceId) {
        if (!voices.containsKey(voiceId)) {
            throw new NotFoundException("voice", "none");
        }
        return Path.of("voices", voiceId, "reference.wav");
    }

    @Override
    public EncodedAudio readReferenceClip(String voiceId) {
        EncodedAudio a = clips.get(voiceId);
        if (a == null) {
            throw new NotFoundException("voice_id", "none");
        }
        return a;
    }

    @Override
    public Optional<byte[]> loadPrompt(String voiceId, String cacheKey) {
        return Optional.ofNullable(prompts.get(voiceId + "/" + cacheKey));
    }

    @Override
    public void savePrompt(String voiceId, String cacheKey, byte[] data) {
        if (!voices.containsKey(voiceId)) {
            throw new NotFoundException("voice", "none");
        }
        prompts.put(voiceId + "/" + cacheKey, data);
    }

    @Override
    public void clearPrompts(String voiceId) {
        prompts.keySet().removeIf(k -> k.startsWith(voiceId + "/"));
    }
}
