package dev.agentkanban.platform;

/**
 * Ids given as text (a path segment, a query parameter, a tool argument, a file's field): the digits of
 * a non-negative id, 1 to 18 of them, so that it always fits a long. Anything else (a name, a sign,
 * spaces, other digits than ASCII ones, more digits) is not an id.
 */
public final class Ids {

    private Ids() {}

    /** The id {@code text} spells, or null when it is not one. */
    public static Long parse(String text) {
        if (text == null || text.isEmpty() || text.length() > 18) {
            return null;
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                return null;
            }
        }
        return Long.parseLong(text);
    }
}
