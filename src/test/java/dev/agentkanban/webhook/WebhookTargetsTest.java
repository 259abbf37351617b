package dev.agentkanban.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.agentkanban.platform.ApiException;
import java.net.URI;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Which webhook targets are allowed: the SSRF guard of production, and what every environment requires. */
class WebhookTargetsTest {

    private final WebhookTargets production = new WebhookTargets("production", false);
    private final WebhookTargets development = new WebhookTargets("development", false);
    private final WebhookTargets productionAllowingPrivate = new WebhookTargets("production", true);

    @Test
    void productionRefusesLoopbackPrivateLinkLocalAndUnspecifiedTargets() {
        for (String url : List.of("http://127.0.0.1:8080/hook", "http://localhost/hook", "https://10.1.2.3/h", "http://172.16.0.1/h",
                "http://192.168.1.10/h", "http://169.254.169.254/latest/meta-data", "http://0.0.0.0:9/h", "http://100.64.0.1/h",
                "http://[::1]/h", "http://[fe80::1]/h", "http://[fd12:3456::1]/h", "http://[::ffff:10.0.0.1]/h", "http://[::]/h")) {
            assertThatThrownBy(() -> production.require("url", url)).as(url)
                    .isInstanceOfSatisfying(ApiException.class, e -> {
                        assertThat(e.status().value()).isEqualTo(422);
                        assertThat(e.getMessage()).startsWith("url: ").contains("public addresses");
                        assertThat(e.properties().get("errors").toString()).contains("url");
                    });
        }
    }

    @Test
    void productionAllowsPublicAddresses() {
        assertThat(production.require("url", "https://93.184.215.14/hook")).isEqualTo("https://93.184.215.14/hook");
        assertThat(production.require("url", "http://[2606:4700:4700::1111]/hook")).isEqualTo("http://[2606:4700:4700::1111]/hook");
    }

    @Test
    void developmentAndAnExplicitSettingAllowLocalReceivers() {
        assertThat(development.require("url", "http://127.0.0.1:9/hook")).isEqualTo("http://127.0.0.1:9/hook");
        assertThat(productionAllowingPrivate.require("url", "http://10.0.0.5/hook")).isEqualTo("http://10.0.0.5/hook");
        assertThat(development.refusal(URI.create("http://10.0.0.5/"))).isEmpty();
    }

    @Test
    void everyEnvironmentWantsAnAbsoluteHttpUrlWithAHost() {
        for (WebhookTargets targets : List.of(development, production)) {
            for (Map.Entry<String, String> bad : Map.of("ftp://example.com/x", "must be an absolute http",
                    "http:///no-host", "must be an absolute http", "mailto:hooks@example.com", "must be an absolute http",
                    "not a url", "is not a valid URL", " ", "must not be blank").entrySet()) {
                assertThatThrownBy(() -> targets.require("url", bad.getKey())).as(bad.getKey())
                        .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.getMessage()).contains(bad.getValue()));
            }
        }
    }
}
