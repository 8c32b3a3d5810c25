package io.q3tts.adapters.ui.jte;

import java.util.List;

/**
 * What the shell layout needs besides the page fragment.
 *
 * @param title the page title
 * @param nav every navigation entry: core pages first, then the plugin pages by order and title
 * @param activeHref the current page's path, highlighted in the navigation
 * @param pageKind a short key the scripts dispatch on ({@code home}, {@code outputs}, {@code task}, ...)
 * @param apiUrl the server the page's scripts call ({@code http(s)://host[:port]}), or empty for the one
 *     that served the page
 */
public record Shell(String title, List<NavLink> nav, String activeHref, String pageKind, String apiUrl) {

    /** @return whether the page calls another server (remote mode) */
    public boolean remote() {
        return !apiUrl.isEmpty();
    }

    /**
     * @param link a navigation entry
     * @return whether it is the current page
     */
    public boolean active(NavLink link) {
        return link.href().equals(activeHref);
    }
}
