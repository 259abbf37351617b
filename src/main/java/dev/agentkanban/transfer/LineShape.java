package dev.agentkanban.transfer;

import java.util.List;

/**
 * The shapes of a TODO.md line, read by hand in one pass each instead of by regular expressions: a
 * pattern such as {@code \s*-?\s*\[( |x)\]\s*$} searched along a line backtracks in cubic time on a
 * run of spaces (issue 12: 1,600 spaces took 4.7 s, and the import limit allows lines of megabytes).
 * Every method here looks at each character a bounded number of times. "Space" means what {@code \s}
 * means in a Java pattern: space, tab, line feed, vertical tab, form feed, carriage return.
 */
final class LineShape {

    private LineShape() {}

    /** A task line: its checkbox and the text after it (may be empty). */
    record Task(boolean checked, String rest) {}

    /** A suffix found at the end of the text: where it starts (its leading spaces included) and its value. */
    record Suffix(int start, String value) {}

    static boolean space(char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == 0x0B || c == '\f' || c == '\r';
    }

    private static int skipSpaces(String s, int i) {
        while (i < s.length() && space(s.charAt(i))) {
            i++;
        }
        return i;
    }

    /** The index after the last non-space character. */
    private static int trimEnd(String s, int end) {
        while (end > 0 && space(s.charAt(end - 1))) {
            end--;
        }
        return end;
    }

    /** The index of the first character of the run of spaces that ends at {@code end}. */
    private static int spacesBefore(String s, int end) {
        while (end > 0 && space(s.charAt(end - 1))) {
            end--;
        }
        return end;
    }

    /** A code fence: optional indentation, then three backticks or tildes. */
    static boolean isFence(String line) {
        int i = skipSpaces(line, 0);
        return line.startsWith("```", i) || line.startsWith("~~~", i);
    }

    /** The text of a level-two heading ({@code ## text}, not {@code ###}), or null. */
    static String heading(String line) {
        if (!line.startsWith("##") || (line.length() > 2 && line.charAt(2) == '#')) {
            return null;
        }
        return line.substring(skipSpaces(line, 2));
    }

    private static boolean bullet(char c) {
        return c == '-' || c == '*' || c == '+';
    }

    /** The columns of the line's leading spaces and tabs (a tab counts 4). */
    static int indent(String line) {
        int columns = 0;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c == ' ') {
                columns++;
            } else if (c == '\t') {
                columns += 4;
            } else {
                break;
            }
        }
        return columns;
    }

    /** {@code - [ ] text} or {@code - [x] text} (any of - * +, indentation allowed), or null. */
    static Task task(String line) {
        int i = skipSpaces(line, 0);
        if (i >= line.length() || !bullet(line.charAt(i))) {
            return null;
        }
        int afterBullet = i + 1;
        i = skipSpaces(line, afterBullet);
        if (i == afterBullet || i + 2 >= line.length() || line.charAt(i) != '[' || line.charAt(i + 2) != ']') {
            return null;
        }
        char mark = line.charAt(i + 1);
        if (mark != ' ' && mark != 'x' && mark != 'X') {
            return null;
        }
        int afterBox = i + 3;
        int text = skipSpaces(line, afterBox);
        if (afterBox < line.length() && text == afterBox) {
            return null; // "- [ ]x": no space after the box
        }
        return new Task(mark != ' ', line.substring(text));
    }

    /** Looks like a task line but is not one: a bullet, then a bracket of up to three characters. */
    static boolean isTaskLike(String line) {
        int i = skipSpaces(line, 0);
        if (i >= line.length() || !bullet(line.charAt(i))) {
            return false;
        }
        i = skipSpaces(line, i + 1);
        if (i >= line.length() || line.charAt(i) != '[') {
            return false;
        }
        for (int j = i + 1; j < line.length() && j <= i + 4; j++) {
            if (line.charAt(j) == ']') {
                return true;
            }
        }
        return false;
    }

    /** {@code (id:N)} at the end (N of 1 to 18 digits, case-insensitive, spaces around allowed), or null. */
    static Suffix idSuffix(String s) {
        int end = trimEnd(s, s.length());
        if (end == 0 || s.charAt(end - 1) != ')') {
            return null;
        }
        int digitsEnd = end - 1;
        int digits = digitsEnd;
        while (digits > 0 && Character.isDigit(s.charAt(digits - 1)) && s.charAt(digits - 1) <= '9') {
            digits--;
        }
        int count = digitsEnd - digits;
        if (count < 1 || count > 18) {
            return null;
        }
        int colon = spacesBefore(s, digits) - 1;
        if (colon < 3
                || s.charAt(colon) != ':'
                || !s.regionMatches(true, colon - 2, "id", 0, 2)
                || s.charAt(colon - 3) != '(') {
            return null;
        }
        return new Suffix(spacesBefore(s, colon - 3), s.substring(digits, digitsEnd));
    }

    /** A repeated checkbox at the end ({@code [ ]}, {@code [x]}, optionally after a dash), or null; the value is the mark. */
    static Suffix checkboxSuffix(String s) {
        int end = trimEnd(s, s.length());
        if (end < 3 || s.charAt(end - 1) != ']' || s.charAt(end - 3) != '[') {
            return null;
        }
        char mark = s.charAt(end - 2);
        if (mark != ' ' && mark != 'x' && mark != 'X') {
            return null;
        }
        int start = spacesBefore(s, end - 3);
        if (start > 0 && s.charAt(start - 1) == '-') {
            start = spacesBefore(s, start - 1);
        }
        return new Suffix(start, String.valueOf(mark));
    }

    /** A priority in parentheses at the end ({@code (high)}, case-insensitive), or null; the value is the word. */
    static Suffix prioritySuffix(String s, List<String> words) {
        int end = trimEnd(s, s.length());
        if (end == 0 || s.charAt(end - 1) != ')') {
            return null;
        }
        for (String word : words) {
            int open = end - 2 - word.length();
            if (open >= 0 && s.charAt(open) == '(' && s.regionMatches(true, open + 1, word, 0, word.length())) {
                return new Suffix(spacesBefore(s, open), s.substring(open + 1, end - 1));
            }
        }
        return null;
    }

    /** A brace followed (after spaces) by a quote or a closing brace: text that was meant as a JSON object. */
    static boolean looksLikeJson(String s) {
        return jsonStart(s) >= 0;
    }

    /** Where the first brace that opens what looks like a JSON object is; -1 when there is none. */
    static int jsonStart(String s) {
        for (int i = s.indexOf('{'); i >= 0; i = s.indexOf('{', i + 1)) {
            if (opensObject(s, i)) {
                return i;
            }
        }
        return -1;
    }

    /** Whether the brace at {@code brace} is followed, after spaces, by a quote or a closing brace. */
    static boolean opensObject(String s, int brace) {
        int j = skipSpaces(s, brace + 1);
        return j < s.length() && (s.charAt(j) == '"' || s.charAt(j) == '}');
    }
}
