package io.q3tts.adapters.ui.jte;

/**
 * One entry of the shell's navigation, as the layout template reads it.
 *
 * @param label the link text
 * @param href the page path
 * @param icon an icon name of the shell's set ({@link Icons}), or null
 * @param description one sentence (home page cards), or empty
 * @param core whether it is a core page (shown in the first group)
 */
public record NavLink(String label, String href, String icon, String description, boolean core) {
}
