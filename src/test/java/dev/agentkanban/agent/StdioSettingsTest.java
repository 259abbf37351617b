package dev.agentkanban.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.agentkanban.agent.StdioProxy.Settings;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** How the stdio mode finds its server and token: environment first, arguments override. */
class StdioSettingsTest {

    static Settings of(Map<String, String> env, String... args) {
        return Settings.of(args, env::get);
    }

    @Test
    void theEnvironmentNamesServerTokenAndWorkspace() {
        Settings s = of(Map.of(
                "KANBAN_URL", "http://kanban.local:8080/", "KANBAN_TOKEN", " akt_abc ", "KANBAN_WORKSPACE", "team"));
        assertThat(s).isEqualTo(new Settings("http://kanban.local:8080", "akt_abc", "team"));
    }

    @Test
    void argumentsOverrideTheEnvironmentInBothSpellings() {
        Settings s =
                of(Map.of("KANBAN_URL", "http://a", "KANBAN_TOKEN", "t1"), "--url=https://b.example", "--token", "t2");
        assertThat(s).isEqualTo(new Settings("https://b.example", "t2", null));
    }

    @Test
    void missingOrWrongSettingsSayWhatToDo() {
        assertThatThrownBy(() -> of(Map.of("KANBAN_TOKEN", "t"))).hasMessageContaining("KANBAN_URL");
        assertThatThrownBy(() -> of(Map.of("KANBAN_URL", "http://a"))).hasMessageContaining("KANBAN_TOKEN");
        assertThatThrownBy(() -> of(Map.of("KANBAN_URL", "kanban.local", "KANBAN_TOKEN", "t")))
                .hasMessageContaining("http(s)://");
        assertThatThrownBy(() -> of(Map.of("KANBAN_URL", "http://a", "KANBAN_TOKEN", "t"), "--verbose"))
                .hasMessageContaining("unknown argument --verbose");
    }
}
