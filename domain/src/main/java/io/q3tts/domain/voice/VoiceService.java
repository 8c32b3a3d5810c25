package io.q3tts.domain.voice;

import io.q3tts.domain.output.AudioConversion;
import io.q3tts.ports.in.voice.CreateVoiceCommand;
import io.q3tts.ports.in.voice.CreateVoiceUseCase;
import io.q3tts.ports.in.voice.DeleteVoiceUseCase;
import io.q3tts.ports.in.voice.GetVoiceClipUseCase;
import io.q3tts.ports.in.voice.GetVoiceUseCase;
import io.q3tts.ports.in.voice.ListVoicesUseCase;
import io.q3tts.ports.in.voice.UpdateVoiceCommand;
import io.q3tts.ports.in.voice.UpdateVoiceUseCase;
import io.q3tts.ports.in.voice.VoiceView;
import io.q3tts.ports.model.AudioFormat;
import io.q3tts.ports.model.ConflictException;
import io.q3tts.ports.model.EncodedAudio;
import io.q3tts.ports.model.Ids;
import io.q3tts.ports.model.NotFoundException;
import io.q3tts.ports.model.PcmAudio;
import io.q3tts.ports.model.VoiceOrigin;
import io.q3tts.ports.out.audio.AudioDecoder;
import io.q3tts.ports.out.audio.AudioEncoder;
import io.q3tts.ports.out.time.Clock;
import io.q3tts.ports.out.voice.VoiceRecord;
import io.q3tts.ports.out.voice.VoiceRepository;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/** The voice-library use cases. Storage only; prompts are computed on first clone. Thread-safe. */
public final class VoiceService implements ListVoicesUseCase, GetVoiceUseCase, GetVoiceClipUseCase, CreateVoiceUseCase,
        UpdateVoiceUseCase, DeleteVoiceUseCase {

    private final VoiceRepository voices;
    private final AudioEncoder encoder;
    private final AudioDecoder decoder;
    private final AudioConversion conversion;
    private final UploadLimits limits;
    private final Clock clock;

    /**
     * @param voices the voice store
     * @param encoder to store clips as WAV
     * @param decoder to read uploads
     * @param limits upload limits
     * @param clock timestamps
     */
    public VoiceService(VoiceRepository voices, AudioEncoder encoder, AudioDecoder decoder, UploadLimits limits, Clock clock) {
        this.voices = Objects.requireNonNull(voices, "voices");
        this.encoder = Objects.requireNonNull(encoder, "encoder");
        this.decoder = Objects.requireNonNull(decoder, "decoder");
        this.conversion = new AudioConversion(encoder, decoder);
        this.limits = Objects.requireNonNull(limits, "limits");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public List<VoiceView> listVoices() {
        return voices.list().stream().map(VoiceService::view).toList();
    }

    @Override
    public VoiceView getVoice(String voiceId) {
        return view(find(voiceId));
    }

    @Override
    public EncodedAudio getVoiceClip(String voiceId, AudioFormat format) {
        VoiceRecord v = find(voiceId);
        if (format != null) {
            conversion.requireSupported(format);
        }
        return conversion.convert(voices.readReferenceClip(v.id()), format);
    }

    @Override
    public VoiceView createVoice(CreateVoiceCommand command) {
        String id = Ids.slug(command.name(), "name");
        requireNameFree(id, command.name(), null);
        limits.checkSize(command.referenceClip());
        PcmAudio clip = decoder.decode(command.referenceClip());
        limits.checkReference(clip, command.referenceClip().field());
        EncodedAudio wav = ReferenceClips.stored(command.referenceClip(), clip, encoder);
        Instant now = clock.now();
        VoiceRecord record = new VoiceRecord(id, command.name(), command.description(), VoiceOrigin.UPLOADED,
                command.language(), command.transcript(), command.xVectorOnly(), null, null, clip.durationSeconds(), now, now);
        return view(voices.create(record, wav));
    }

    @Override
    public VoiceView updateVoice(UpdateVoiceCommand command) {
        VoiceRecord old = find(command.voiceId());
        String name = command.name() != null ? command.name() : old.name();
        if (!name.equalsIgnoreCase(old.name())) {
            requireNameFree(null, name, old.id());
        }
        String transcript = command.transcript() != null ? command.transcript() : old.transcript();
        VoiceRecord updated = new VoiceRecord(old.id(), name,
                command.description() != null ? command.description() : old.description(), old.origin(),
                command.language() != null ? command.language() : old.language(), transcript, old.xVectorOnly(),
                old.designInstruct(), old.sourceModelId(), old.clipSeconds(), old.createdAt(), laterOf(clock.now(), old.createdAt()));
        VoiceRecord stored = voices.update(updated);
        if (!Objects.equals(transcript, old.transcript())) {
            voices.clearPrompts(old.id());
        }
        return view(stored);
    }

    @Override
    public void deleteVoice(String voiceId) {
        Ids.requireSafe(voiceId, "voice_id");
        if (!voices.delete(voiceId)) {
            throw notFound(voiceId, "voice_id");
        }
    }

    /**
     * Checks that a new voice's id and name are free.
     *
     * @param id the id the voice would get, or null to check only the name
     * @param name the display name
     * @param exceptId a voice to ignore (the one being renamed), or null
     * @throws ConflictException (field {@code name}) if taken
     */
    public void requireNameFree(String id, String name, String exceptId) {
        if (id != null && voices.find(id).isPresent()) {
            throw new ConflictException("name", "A voice with the id '" + id + "' already exists; choose another name.");
        }
        for (VoiceRecord v : voices.list()) {
            if (!v.id().equals(exceptId) && v.name().equalsIgnoreCase(name)) {
                throw new ConflictException("name", "A voice named '" + v.name() + "' already exists.");
            }
        }
    }

    /**
     * @param r a stored record
     * @return its view
     */
    public static VoiceView view(VoiceRecord r) {
        return new VoiceView(r.id(), r.name(), r.description(), r.origin(), r.language(), r.transcript(), r.xVectorOnly(),
                r.designInstruct(), r.sourceModelId(), r.clipSeconds(), r.createdAt(), r.updatedAt());
    }

    private VoiceRecord find(String voiceId) {
        Ids.requireSafe(voiceId, "voice_id");
        return voices.find(voiceId).orElseThrow(() -> notFound(voiceId, "voice_id"));
    }

    private static NotFoundException notFound(String id, String field) {
        return new NotFoundException(field, "Voice '" + id + "' does not exist.");
    }

    private static Instant laterOf(Instant a, Instant b) {
        return a.isAfter(b) ? a : b;
    }
}
