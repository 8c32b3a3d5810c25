package io.q3tts.ports.in.output;

import java.util.List;

/** Use case: page through the output history. Thread-safe. */
public interface ListOutputsUseCase {

    /**
     * @param query paging and filter, never null
     * @return outputs, newest first, never null
     */
    List<OutputView> listOutputs(ListOutputsQuery query);
}
