package dev.agentkanban.platform;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Reports an {@link InvalidSetting} as Spring Boot reports a port in use: what is wrong, and what to do. */
class InvalidSettingAnalyzer extends AbstractFailureAnalyzer<InvalidSetting> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, InvalidSetting cause) {
        return new FailureAnalysis(
                "The service cannot start with this setting: " + cause.getMessage(),
                "Change " + cause.variable() + " (docs/configuration.md lists every setting) and start again.",
                cause);
    }
}
