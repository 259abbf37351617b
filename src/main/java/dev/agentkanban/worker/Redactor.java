package dev.agentkanban.worker;

import java.util.Locale;
import java.util.Set;

/**
 * Removes secret-looking strings from text before it leaves the machine for a model. One pass over
 * the text, word by word (a word is a run of non-whitespace), with plain character checks: no regular
 * expression, so no input can make it backtrack; the time is linear in the text's length. A redacted
 * word becomes {@value #MARK}. What counts as a secret:
 * <ul>
 * <li>words starting with a known token prefix ({@code sk-}, {@code ghp_}, {@code github_pat_},
 * {@code xoxb-}, {@code AKIA}, {@code glpat-}, {@code AIza}, this service's {@code akt_}, ...; case
 * as written) followed by 8 or more characters with a digit among them;</li>
 * <li>JSON web tokens (three dot-separated base64url parts starting with {@code eyJ});</li>
 * <li>the value after a secret-sounding key: {@code password=...}, {@code token: ...},
 * {@code Authorization: Bearer ...}, {@code api_key ...};</li>
 * <li>URLs with credentials ({@code scheme://user:secret@host}): the credentials only;</li>
 * <li>long random-looking words: 24 or more characters of letters, digits and {@code +/_-=}, with
 * both letters and digits;</li>
 * <li>everything between {@code -----BEGIN} and {@code -----END} of a private key.</li>
 * </ul>
 */
final class Redactor {

    static final String MARK = "[REDACTED]";

    private static final String[] PREFIXES = {
        "sk-",
        "sk_live_",
        "sk_test_",
        "rk_live_",
        "pk_live_",
        "ghp_",
        "gho_",
        "ghu_",
        "ghs_",
        "ghr_",
        "github_pat_",
        "glpat-",
        "xoxb-",
        "xoxp-",
        "xoxa-",
        "xoxs-",
        "AKIA",
        "ASIA",
        "AIza",
        "akt_",
        "ya29.",
        "npm_",
        "pypi-",
        "hf_",
        "SG."
    };
    private static final Set<String> KEYS = Set.of(
            "password",
            "passwd",
            "pwd",
            "passphrase",
            "secret",
            "token",
            "api_key",
            "apikey",
            "api-key",
            "access_key",
            "access_token",
            "secret_key",
            "client_secret",
            "private_key",
            "authorization",
            "bearer",
            "credentials");
    private static final int LONG = 24;

    private Redactor() {}

    static String redact(String text) {
        if (text == null || text.isEmpty()) {
            return text;
        }
        StringBuilder out = new StringBuilder(text.length());
        int i = 0;
        int n = text.length();
        boolean redactNext = false;
        boolean afterKey = false; // the previous word was a key without a separator ("api_key = ...")
        boolean inKey = false;
        while (i < n) {
            char c = text.charAt(i);
            if (Character.isWhitespace(c)) {
                out.append(c);
                i++;
                continue;
            }
            int end = i;
            while (end < n && !Character.isWhitespace(text.charAt(end))) {
                end++;
            }
            String word = text.substring(i, end);
            if (inKey) {
                if (word.startsWith("-----END")) {
                    inKey = false;
                    out.append(word);
                }
                // the key's body is dropped (the BEGIN line was replaced by the mark)
            } else if (word.startsWith("-----BEGIN") && privateKeyHeader(text, end)) {
                inKey = true;
                out.append(MARK);
            } else if (afterKey && (word.equals("=") || word.equals(":"))) {
                out.append(word);
                afterKey = false;
                redactNext = true;
            } else if (redactNext && !isKeyWord(word)) {
                out.append(MARK);
                redactNext = false;
                afterKey = false;
            } else {
                redactNext = false;
                out.append(redactWord(word));
                boolean key = isKeyWord(word);
                redactNext = key && endsWithSeparatorOrKey(word);
                afterKey = key && !redactNext;
            }
            i = end;
        }
        return out.toString();
    }

    /** True when the rest of the line after {@code -----BEGIN} says PRIVATE KEY. */
    private static boolean privateKeyHeader(String text, int from) {
        int lineEnd = text.indexOf('\n', from);
        String line = text.substring(Math.max(0, from - 10), lineEnd < 0 ? text.length() : lineEnd);
        return line.contains("PRIVATE KEY");
    }

    /** A secret-sounding key ("password:", "token=", "Bearer") whose value is the next word. */
    private static boolean isKeyWord(String word) {
        return secretKey(keyOf(word));
    }

    /** A key in the list, or one ending in one of them after {@code _ - .} ({@code DB_PASSWORD}, {@code github.token}). */
    private static boolean secretKey(String key) {
        if (KEYS.contains(key)) {
            return true;
        }
        for (String k : KEYS) {
            int at = key.length() - k.length() - 1;
            if (at > 0 && key.endsWith(k) && "_-.".indexOf(key.charAt(at)) >= 0) {
                return true;
            }
        }
        return false;
    }

    private static boolean endsWithSeparatorOrKey(String word) {
        char last = word.charAt(word.length() - 1);
        String key = keyOf(word);
        return last == ':' || last == '=' || key.equals("bearer") || key.equals("authorization");
    }

    /** The word lower case without surrounding quotes, punctuation and a trailing separator. */
    private static String keyOf(String word) {
        int s = 0;
        int e = word.length();
        while (s < e && "\"'`*(<[{".indexOf(word.charAt(s)) >= 0) {
            s++;
        }
        while (e > s && "\"'`*:=,;)>]}".indexOf(word.charAt(e - 1)) >= 0) {
            e--;
        }
        return word.substring(s, e).toLowerCase(Locale.ROOT);
    }

    private static String redactWord(String word) {
        // key=value or key:value in one word
        int sep = indexOfSeparator(word);
        if (sep > 0 && sep < word.length() - 1 && secretKey(keyOf(word.substring(0, sep + 1)))) {
            return word.substring(0, sep + 1) + MARK;
        }
        // scheme://user:secret@host
        int scheme = word.indexOf("://");
        if (scheme > 0) {
            int at = word.indexOf('@', scheme + 3);
            int slash = word.indexOf('/', scheme + 3);
            if (at > 0
                    && (slash < 0 || at < slash)
                    && word.indexOf(':', scheme + 3) > 0
                    && word.indexOf(':', scheme + 3) < at) {
                return word.substring(0, scheme + 3) + MARK + word.substring(at);
            }
            return word;
        }
        String core = strip(word);
        if (core.isEmpty()) {
            return word;
        }
        for (String p : PREFIXES) {
            if (core.startsWith(p) && core.length() >= p.length() + 8 && hasDigit(core, p.length())) {
                return word.replace(core, MARK);
            }
        }
        if (jwt(core) || randomLooking(core)) {
            return word.replace(core, MARK);
        }
        return word;
    }

    private static boolean hasDigit(String s, int from) {
        for (int i = from; i < s.length(); i++) {
            if (s.charAt(i) >= '0' && s.charAt(i) <= '9') {
                return true;
            }
        }
        return false;
    }

    private static int indexOfSeparator(String word) {
        for (int i = 0; i < word.length(); i++) {
            char c = word.charAt(i);
            if (c == '=' || c == ':') {
                return i;
            }
        }
        return -1;
    }

    /** The word without surrounding punctuation. */
    private static String strip(String word) {
        int s = 0;
        int e = word.length();
        while (s < e && !tokenChar(word.charAt(s))) {
            s++;
        }
        while (e > s && !tokenChar(word.charAt(e - 1))) {
            e--;
        }
        return word.substring(s, e);
    }

    private static boolean tokenChar(char c) {
        return (c >= 'a' && c <= 'z')
                || (c >= 'A' && c <= 'Z')
                || (c >= '0' && c <= '9')
                || c == '_'
                || c == '-'
                || c == '+'
                || c == '/'
                || c == '='
                || c == '.';
    }

    private static boolean jwt(String s) {
        if (!s.startsWith("eyJ") || s.length() < 20) {
            return false;
        }
        int dots = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '.') {
                dots++;
            } else if (!tokenChar(c)) {
                return false;
            }
        }
        return dots == 2;
    }

    /** 24+ characters of a token alphabet, with letters and digits mixed (not a word, a path or a number). */
    private static boolean randomLooking(String s) {
        if (s.length() < LONG) {
            return false;
        }
        int letters = 0;
        int digits = 0;
        int upper = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c >= '0' && c <= '9') {
                digits++;
            } else if (Character.isLetter(c)) {
                letters++;
                if (Character.isUpperCase(c)) {
                    upper++;
                }
            } else if (c != '_' && c != '-' && c != '+' && c != '/' && c != '=') {
                return false;
            }
        }
        // identifiers like some_long_function_name_2 have few digits; secrets mix many of both
        return letters > 0 && digits >= 4 && (upper > 0 || digits * 4 >= s.length());
    }
}
