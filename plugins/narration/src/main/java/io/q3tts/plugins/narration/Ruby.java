package io.q3tts.plugins.narration;

/** How Aozora Bunko ruby ({@code 下人《げにん》}, {@code ｜丹塗《にぬり》}) is read. */
public enum Ruby {
    /** The base text is read and the reading dropped ({@code 下人《げにん》} is read as 下人). */
    BASE,
    /** The reading replaces the base ({@code 下人《げにん》} is read as げにん): for rare readings. */
    READING
}
