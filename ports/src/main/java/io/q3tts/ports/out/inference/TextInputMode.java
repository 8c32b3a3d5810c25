package io.q3tts.ports.out.inference;

/**
 * How the target text is laid out in the prompt. This changes the prompt, and so the audio, but
 * both modes see the whole text before generation starts: "streaming" only simulates text that
 * arrives while speaking (the official docstring says so too).
 */
public enum TextInputMode {
    /**
     * The official per-task default: {@link #NON_STREAMING} for {@link TaskType#CUSTOM_VOICE} and
     * {@link TaskType#VOICE_DESIGN}, {@link #STREAMING} for {@link TaskType#VOICE_CLONE}.
     */
    TASK_DEFAULT,
    /** The text is fed one token per generated frame ({@code non_streaming_mode=False}). */
    STREAMING,
    /** The whole text sits in the prompt before the first frame ({@code non_streaming_mode=True}). */
    NON_STREAMING;

    /**
     * @param task the task the mode applies to, never null
     * @return whether this mode, resolved for {@code task}, feeds the text in streaming layout
     */
    public boolean isStreamingFor(TaskType task) {
        return switch (this) {
            case STREAMING -> true;
            case NON_STREAMING -> false;
            case TASK_DEFAULT -> task == TaskType.VOICE_CLONE;
        };
    }
}
