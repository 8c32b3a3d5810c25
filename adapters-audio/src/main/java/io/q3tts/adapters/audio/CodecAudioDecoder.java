package io.q3tts.adapters.audio;

import io.q3tts.ports.model.AudioUpload;
import io.q3tts.ports.model.PcmAudio;
import io.q3tts.ports.model.UnsupportedMediaException;
import io.q3tts.ports.out.audio.AudioDecoder;
import java.util.Objects;

/**
 * Decodes uploads to mono float PCM at the file's own rate: WAV (8/16/24/32-bit integer, 32/64-bit
 * float, extensible headers, any channel count), FLAC, MP3, Opus and Vorbis in Ogg. Channels are averaged.
 *
 * <p>The container is recognised from the content (magic bytes), never from the file name or the
 * declared media type, which clients often get wrong. Ogg Vorbis is decoded through an installed
 * ffmpeg (no pure-Java Vorbis decoder is part of this build) and rejected with a message that says
 * so where there is none. Anything unreadable
 * fails with {@link UnsupportedMediaException} naming the upload's field.
 *
 * <p>Stateless and thread-safe.
 */
public final class CodecAudioDecoder implements AudioDecoder {

    private static final String ACCEPTED = "WAV, FLAC, MP3, Ogg Opus or Ogg Vorbis";

    /** Creates the decoder; it holds no resources. */
    public CodecAudioDecoder() {
    }

    @Override
    public PcmAudio decode(AudioUpload upload) {
        Objects.requireNonNull(upload, "upload");
        byte[] b = upload.bytes();
        String field = upload.field();
        String container;
        Decoded d;
        try {
            if (WavCodec.sniff(b)) {
                container = "WAV";
                d = WavCodec.decode(b);
            } else if (FlacCodec.sniff(b)) {
                container = "FLAC";
                d = FlacCodec.decode(b);
            } else if (OggOpusCodec.sniff(b)) {
                container = "Ogg";
                d = OggOpusCodec.decode(b);
            } else if (Mp3Codec.sniff(b)) {
                container = "MP3";
                d = Mp3Codec.decode(b);
            } else {
                throw new UnsupportedMediaException(field, field + " is not a recognised audio file; send " + ACCEPTED + ".");
            }
        } catch (MediaFormatException e) {
            throw new UnsupportedMediaException(field, field + " cannot be decoded (" + e.getMessage() + "); send "
                    + ACCEPTED + ".", e);
        }
        if (d.sampleRate() <= 0 || d.sampleRate() > 768_000) {
            throw new UnsupportedMediaException(field, field + " is a " + container + " file with an invalid sample rate ("
                    + d.sampleRate() + ").");
        }
        return new PcmAudio(d.samples(), d.sampleRate());
    }
}
