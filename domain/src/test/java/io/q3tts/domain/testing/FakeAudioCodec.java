package io.q3tts.domain.testing;

import io.q3tts.ports.model.AudioFormat;
import io.q3tts.ports.model.AudioUpload;
import io.q3tts.ports.model.EncodedAudio;
import io.q3tts.ports.model.PcmAudio;
import io.q3tts.ports.model.UnsupportedException;
import io.q3tts.ports.model.UnsupportedMediaException;
import io.q3tts.ports.out.audio.AudioDecoder;
import io.q3tts.ports.out.audio.AudioEffects;
import io.q3tts.ports.out.audio.AudioEncoder;
import java.nio.ByteBuffer;
import java.util.EnumSet;
import java.util.Set;

/**
 * "Encodes" any format as: magic FAKE, format ordinal, rate, sample count (no samples kept); a tempo
 * change keeps only the length rule (silence of {@code round(n / speed)} samples).
 */
public final class FakeAudioCodec implements AudioEncoder, AudioDecoder, AudioEffects {

    private static final int MAGIC = 0x46414b45;

    public static byte[] clip(double seconds, int rate) {
        return ByteBuffer.allocate(16).putInt(MAGIC).putInt(AudioFormat.WAV.ordinal()).putInt(rate)
                .putInt((int) Math.round(seconds * rate)).array();
    }

    @Override
    public Set<AudioFormat> formats() {
        return EnumSet.of(AudioFormat.WAV, AudioFormat.PCM, AudioFormat.MP3);
    }

    @Override
    public EncodedAudio encode(PcmAudio audio, AudioFormat format) {
        if (!formats().contains(format)) {
            throw new UnsupportedException("response_format", "no " + format);
        }
        byte[] b = ByteBuffer.allocate(16).putInt(MAGIC).putInt(format.ordinal()).putInt(audio.sampleRate())
                .putInt(audio.samples().length).array();
        return new EncodedAudio(format, b, audio.sampleRate(), audio.durationSeconds());
    }

    @Override
    public PcmAudio decode(AudioUpload upload) {
        ByteBuffer b = ByteBuffer.wrap(upload.bytes());
        if (upload.bytes().length < 16 || b.getInt() != MAGIC) {
            throw new UnsupportedMediaException(upload.field(), upload.field() + " is not a readable audio file.");
        }
        b.getInt();
        int rate = b.getInt();
        return new PcmAudio(new float[b.getInt()], rate);
    }

    @Override
    public PcmAudio changeTempo(PcmAudio audio, double speed) {
        return new PcmAudio(new float[(int) Math.round(audio.samples().length / speed)], audio.sampleRate());
    }
}
