package dev.agentkanban.platform;

/**
 * A setting the service cannot start with: the start stops with a short report naming the variable and
 * the rule (see {@link InvalidSettingAnalyzer}), not with a wall of stack frames.
 */
public class InvalidSetting extends IllegalArgumentException {

    private final String variable;

    /** {@code variable} as the operator sets it (an environment variable), and why its value is refused. */
    public InvalidSetting(String variable, String why) {
        super(variable + ": " + why);
        this.variable = variable;
    }

    public String variable() {
        return variable;
    }
}
