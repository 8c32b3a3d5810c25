package io.q3tts.adapters.ui.jte;

import java.util.Map;

/**
 * The shell's icon set: small inline SVGs (stroke icons on a 24-unit grid), so the UI needs no icon
 * font or network. A plugin names one in its {@code NavEntry}; an unknown name gets a plain dot.
 */
public final class Icons {

    private static final Map<String, String> PATHS = Map.ofEntries(
            Map.entry("home", "<path d='M3 11l9-8 9 8'/><path d='M5 10v10h14V10'/>"),
            Map.entry("list", "<path d='M8 6h13M8 12h13M8 18h13'/><circle cx='4' cy='6' r='1'/><circle cx='4' cy='12' r='1'/><circle cx='4' cy='18' r='1'/>"),
            Map.entry("user", "<circle cx='12' cy='8' r='4'/><path d='M4 21c0-4 4-7 8-7s8 3 8 7'/>"),
            Map.entry("cpu", "<rect x='6' y='6' width='12' height='12' rx='1'/><path d='M9 2v4M15 2v4M9 18v4M15 18v4M2 9h4M2 15h4M18 9h4M18 15h4'/>"),
            Map.entry("mic", "<rect x='9' y='2' width='6' height='12' rx='3'/><path d='M5 11a7 7 0 0 0 14 0M12 18v4'/>"),
            Map.entry("wand", "<path d='M4 20L16 8M14 4l1 2 2 1-2 1-1 2-1-2-2-1 2-1z'/>"),
            Map.entry("copy", "<rect x='8' y='8' width='12' height='12' rx='2'/><path d='M16 8V5a1 1 0 0 0-1-1H5a1 1 0 0 0-1 1v10a1 1 0 0 0 1 1h3'/>"),
            Map.entry("sparkles", "<path d='M12 3l2 5 5 2-5 2-2 5-2-5-5-2 5-2zM19 15l1 2 2 1-2 1-1 2-1-2-2-1 2-1z'/>"),
            Map.entry("book", "<path d='M4 4h6a2 2 0 0 1 2 2v14a2 2 0 0 0-2-2H4zM20 4h-6a2 2 0 0 0-2 2v14a2 2 0 0 1 2-2h6z'/>"),
            Map.entry("captions", "<rect x='3' y='5' width='18' height='14' rx='2'/><path d='M7 11h3M7 15h6M14 11h3M16 15h1'/>"),
            Map.entry("users", "<circle cx='9' cy='8' r='3.5'/><path d='M2 20c0-3.5 3-6 7-6s7 2.5 7 6'/><circle cx='17' cy='9' r='2.5'/><path d='M17 14c2.8 0 5 2 5 5'/>"),
            Map.entry("script", "<path d='M6 3h10l4 4v14H6z'/><path d='M9 9h6M9 13h8M9 17h5'/>"),
            Map.entry("plug", "<path d='M9 2v6M15 2v6M6 8h12v3a6 6 0 0 1-12 0zM12 17v5'/>"),
            Map.entry("grid", "<rect x='3' y='3' width='7' height='7'/><rect x='14' y='3' width='7' height='7'/><rect x='3' y='14' width='7' height='7'/><rect x='14' y='14' width='7' height='7'/>"));

    private static final String DOT = "<circle cx='12' cy='12' r='3'/>";

    private Icons() {
    }

    /**
     * @param name an icon name, or null
     * @return the SVG element (trusted markup from the table above, never user input)
     */
    public static String svg(String name) {
        String paths = name == null ? DOT : PATHS.getOrDefault(name, DOT);
        return "<svg class='icon' viewBox='0 0 24 24' width='18' height='18' fill='none' stroke='currentColor' "
                + "stroke-width='2' stroke-linecap='round' stroke-linejoin='round' aria-hidden='true'>" + paths + "</svg>";
    }
}
