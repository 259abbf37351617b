package dev.agentkanban.notification;

import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;

/**
 * Finds {@code @username} mentions in a text, in one left-to-right pass without regular expressions
 * (linear in the text's length, whatever it holds). A mention starts at an {@code @} at the start of
 * the text or after a character that cannot be part of a name (so {@code ann@example.org} is no
 * mention), and takes the longest run of name characters ({@code A-Z a-z 0-9 _ . -}, as usernames
 * allow); trailing dots and dashes are sentence punctuation, not the name. Names come back lowercased,
 * each once, in order of first appearance, at most {@link #MAX} of them.
 */
final class Mentions {

    /** The most mentions one text can make (more are ignored, not an error). */
    static final int MAX = 50;

    private static final int MAX_NAME = 100;

    private Mentions() {}

    static Set<String> in(String text) {
        Set<String> names = new LinkedHashSet<>();
        if (text == null) {
            return names;
        }
        int n = text.length();
        int i = 0;
        while (i < n && names.size() < MAX) {
            char c = text.charAt(i);
            if (c != '@' || (i > 0 && isNameChar(text.charAt(i - 1)))) {
                i++;
                continue;
            }
            int start = i + 1;
            int end = start;
            while (end < n && isNameChar(text.charAt(end))) {
                end++;
            }
            int last = end;
            while (last > start && (text.charAt(last - 1) == '.' || text.charAt(last - 1) == '-')) {
                last--;
            }
            if (last > start && last - start <= MAX_NAME) {
                names.add(text.substring(start, last).toLowerCase(Locale.ROOT));
            }
            i = Math.max(end, i + 1);
        }
        return names;
    }

    private static boolean isNameChar(char c) {
        return (c >= 'a' && c <= 'z')
                || (c >= 'A' && c <= 'Z')
                || (c >= '0' && c <= '9')
                || c == '_'
                || c == '.'
                || c == '-';
    }
}
