package dev.agentkanban.platform;

import java.math.BigDecimal;
import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.convert.DurationStyle;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.EnumerablePropertySource;
import org.springframework.core.env.PropertySource;

/**
 * Refuses, before anything starts, a documented variable whose value is not of its setting's kind:
 * {@code MCP_ENABLED=maybe} would otherwise be taken as false and {@code RATE_LIMIT_ENABLED=perhaps}
 * ignored, and {@code TOKEN_TTL_MINUTES=abc} would stop the start with a wall of stack frames instead
 * of a line naming the variable ({@link InvalidSetting}).
 *
 * <p>The kinds come from the application's own configuration, so there is no second list to keep: every
 * property of {@code application.yml} whose value is {@code ${VARIABLE:default}} takes its kind from the
 * default: {@code true}/{@code false} a yes-or-no, a whole number, a decimal number, or an ISO-8601
 * duration ({@code PT15M}; Spring's {@code 15m} also). Anything else (text, URLs, lists, rates) is
 * checked where it is used. The value is the variable's as the service reads it: the environment, a
 * {@code --NAME=value} argument or a system property.
 */
class SettingTypesEnvironmentPostProcessor implements EnvironmentPostProcessor {

    enum Kind {
        YES_OR_NO("true or false"),
        YES_NO_OR_AUTO("true, false or auto"),
        WHOLE_NUMBER("a whole number"),
        NUMBER("a number"),
        DURATION("a duration such as PT15M or 15m");

        final String description;

        Kind(String description) {
            this.description = description;
        }

        /** The kind a default value shows, or null when the setting is text of some other shape. */
        static Kind of(String defaultValue) {
            if (defaultValue.equals("true") || defaultValue.equals("false")) {
                return YES_OR_NO;
            }
            if (defaultValue.equals("auto")) {
                return YES_NO_OR_AUTO;
            }
            if (parses(defaultValue, WHOLE_NUMBER)) {
                return WHOLE_NUMBER;
            }
            if (parses(defaultValue, NUMBER)) {
                return NUMBER;
            }
            if (defaultValue.startsWith("P") && parses(defaultValue, DURATION)) {
                return DURATION;
            }
            return null;
        }

        boolean accepts(String value) {
            return parses(value.strip(), this);
        }

        private static boolean parses(String value, Kind kind) {
            try {
                switch (kind) {
                    case YES_OR_NO -> {
                        // only these: the conditions that turn features on or off read nothing else as true
                        return value.equalsIgnoreCase("true") || value.equalsIgnoreCase("false");
                    }
                    case YES_NO_OR_AUTO -> {
                        return parses(value, YES_OR_NO) || value.equalsIgnoreCase("auto");
                    }
                    case WHOLE_NUMBER -> Long.parseLong(value);
                    case NUMBER -> new BigDecimal(value);
                    case DURATION -> DurationStyle.detectAndParse(value);
                }
                return !value.isEmpty();
            } catch (RuntimeException notOfThisKind) {
                return false;
            }
        }
    }

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        for (PropertySource<?> source : environment.getPropertySources()) {
            if (source instanceof EnumerablePropertySource<?> config
                    && source.getName().contains("application")) {
                for (String name : config.getPropertyNames()) {
                    if (config.getProperty(name) instanceof CharSequence raw) {
                        check(environment, raw.toString());
                    }
                }
            }
        }
    }

    /**
     * {@code raw} is a configured value; only a whole {@code ${VARIABLE:default}} names a variable, and
     * a default that is itself such a placeholder ({@code ${A:${B:false}}})
     * gives the kind of its own default.
     */
    private static void check(ConfigurableEnvironment environment, String raw) {
        String[] placeholder = placeholder(raw);
        if (placeholder == null) {
            return;
        }
        String defaultValue = placeholder[1];
        for (String[] inner = placeholder(defaultValue); inner != null; inner = placeholder(defaultValue)) {
            defaultValue = inner[1];
        }
        Kind kind = Kind.of(defaultValue);
        String value = environment.getProperty(placeholder[0]);
        if (kind != null && value != null && !kind.accepts(value)) {
            throw new InvalidSetting(
                    placeholder[0],
                    "'" + printable(value) + "' is not " + kind.description + " (the default is " + defaultValue + ")");
        }
    }

    /** The variable and the default of {@code ${VARIABLE:default}}, or null when {@code raw} is not one. */
    private static String[] placeholder(String raw) {
        int colon = raw.indexOf(':');
        if (!raw.startsWith("${") || !raw.endsWith("}") || colon < 3) {
            return null;
        }
        String variable = raw.substring(2, colon);
        boolean named = variable.chars().allMatch(c -> (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_');
        return named ? new String[] {variable, raw.substring(colon + 1, raw.length() - 1)} : null;
    }

    /** The value as the report shows it: at most 60 characters, control characters as '?'. */
    private static String printable(String value) {
        String shown = value.length() > 60 ? value.substring(0, 60) + "..." : value;
        return shown.codePoints()
                .map(c -> Character.isISOControl(c) ? '?' : c)
                .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append)
                .toString();
    }
}
