package io.q3tts.domain.output;

import io.q3tts.ports.in.audio.EncodeAudioUseCase;
import io.q3tts.ports.in.output.DeleteOutputUseCase;
import io.q3tts.ports.in.output.GetOutputAudioUseCase;
import io.q3tts.ports.in.output.GetOutputFileUseCase;
import io.q3tts.ports.in.output.GetOutputUseCase;
import io.q3tts.ports.in.output.ListOutputsQuery;
import io.q3tts.ports.in.output.ListOutputsUseCase;
import io.q3tts.ports.in.output.OutputView;
import io.q3tts.ports.model.AudioFormat;
import io.q3tts.ports.model.EncodedAudio;
import io.q3tts.ports.model.Ids;
import io.q3tts.ports.model.NotFoundException;
import io.q3tts.ports.model.PcmAudio;
import io.q3tts.ports.out.output.OutputQuery;
import io.q3tts.ports.out.output.OutputRecord;
import io.q3tts.ports.out.output.OutputRepository;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/** The output-history use cases, and encoding a caller's own audio in the same containers. Thread-safe. */
public final class OutputService implements ListOutputsUseCase, GetOutputUseCase, GetOutputAudioUseCase, GetOutputFileUseCase,
        DeleteOutputUseCase, EncodeAudioUseCase {

    private final OutputRepository outputs;
    private final AudioConversion conversion;

    /**
     * @param outputs the output store, never null
     * @param conversion re-encodes audio, never null
     */
    public OutputService(OutputRepository outputs, AudioConversion conversion) {
        this.outputs = Objects.requireNonNull(outputs, "outputs");
        this.conversion = Objects.requireNonNull(conversion, "conversion");
    }

    @Override
    public List<OutputView> listOutputs(ListOutputsQuery query) {
        return outputs.list(new OutputQuery(query.limit(), query.beforeId(), query.task(), query.voiceId(), query.modelId(),
                        query.pipeline(), query.since(), query.until())).stream()
                .map(OutputService::view).toList();
    }

    @Override
    public OutputView getOutput(String outputId) {
        return view(find(outputId));
    }

    @Override
    public EncodedAudio getOutputAudio(String outputId, AudioFormat format) {
        OutputRecord r = find(outputId);
        if (format != null) {
            conversion.requireSupported(format);
        }
        return conversion.convert(outputs.readAudio(r.id()), format);
    }

    @Override
    public byte[] getOutputFile(String outputId, String relativePath) {
        // The repository checks the output and that the file is one of its files; reading the record here too would read it twice.
        Ids.requireSafe(outputId, "output_id");
        return outputs.readFile(outputId, relativePath);
    }

    @Override
    public Set<AudioFormat> encodableFormats() {
        return conversion.formats();
    }

    @Override
    public EncodedAudio encodeAudio(PcmAudio audio, AudioFormat format) {
        java.util.Objects.requireNonNull(audio, "audio");
        if (format == null) {
            throw new io.q3tts.ports.model.InvalidArgumentException("format", "format is required.");
        }
        return conversion.encode(audio, format);
    }

    @Override
    public void deleteOutput(String outputId) {
        Ids.requireSafe(outputId, "output_id");
        if (!outputs.delete(outputId)) {
            throw notFound(outputId);
        }
    }

    /**
     * @param r a stored record
     * @return its view
     */
    public static OutputView view(OutputRecord r) {
        return new OutputView(r.id(), r.jobId(), r.task(), r.modelId(), r.randomWeights(), r.text(), r.language(), r.speaker(),
                r.instruct(), r.voiceId(), r.parameters(), r.sampleRate(), r.durationSeconds(), r.frames(), r.finishReason(),
                r.createdAt(), r.elapsed(), r.pipeline(), r.files());
    }

    private OutputRecord find(String outputId) {
        Ids.requireSafe(outputId, "output_id");
        return outputs.find(outputId).orElseThrow(() -> notFound(outputId));
    }

    private static NotFoundException notFound(String id) {
        return new NotFoundException("output_id", "Output '" + id + "' does not exist.");
    }
}
