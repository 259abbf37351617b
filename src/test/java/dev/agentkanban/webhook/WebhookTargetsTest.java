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
        for (String url : List.of(
                "http://127.0.0.1:8080/hook",
                "http://localhost/hook",
                "https://10.1.2.3/h",
                "http://172.16.0.1/h",
                "http://192.168.1.10/h",
                "http://169.254.169.254/latest/meta-data",
                "http://0.0.0.0:9/h",
                "http://100.64.0.1/h",
                "http://[::1]/h",
                "http://[fe80::1]/h",
                "http://[fd12:3456::1]/h",
                "http://[::ffff:10.0.0.1]/h",
                "http://[::]/h")) {
            assertThatThrownBy(() -> production.require("url", url))
                    .as(url)
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
        assertThat(production.require("url", "http://[2606:4700:4700::1111]/hook"))
                .isEqualTo("http://[2606:4700:4700::1111]/hook");
    }

    @Test
    void developmentAndAnExplicitSettingAllowLocalReceivers() {
        assertThat(development.require("url", "http://127.0.0.1:9/hook")).isEqualTo("http://127.0.0.1:9/hook");
        assertThat(productionAllowingPrivate.require("url", "http://10.0.0.5/hook"))
                .isEqualTo("http://10.0.0.5/hook");
        assertThat(development.refusal(URI.create("http://10.0.0.5/"))).isEmpty();
    }

    /** A name that does not resolve now is registered; each delivery resolves and checks it again. */
    @Test
    void aNameThatDoesNotResolveYetIsTakenAndRefusedOnlyAtDelivery() {
        for (WebhookTargets targets : List.of(development, production)) {
            assertThat(targets.require("url", "https://hooks.example.invalid/kanban"))
                    .isEqualTo("https://hooks.example.invalid/kanban");
            assertThat(targets.refusal(java.net.URI.create("https://hooks.example.invalid/kanban")))
                    .hasValueSatisfying(reason -> assertThat(reason).contains("does not resolve"));
        }
    }

    @Test
    void everyEnvironmentWantsAnAbsoluteHttpUrlWithAHost() {
        for (WebhookTargets targets : List.of(development, production)) {
            for (Map.Entry<String, String> bad : Map.of(
                            "ftp://example.com/x",
                            "must be an absolute http",
                            "http:///no-host",
                            "must be an absolute http",
                            "mailto:hooks@example.com",
                            "must be an absolute http",
                            "not a url",
                            "is not a valid URL",
                            " ",
                            "must not be blank",
                            "http://127.0.0.1:99999/x",
                            "has no valid port",
                            "http://127.0.0.1:0/x",
                            "has no valid port",
                            "http://user:pass@127.0.0.1:8080/x",
                            "must not carry a user name or password")
                    .entrySet()) {
                assertThatThrownBy(() -> targets.require("url", bad.getKey()))
                        .as(bad.getKey())
                        .isInstanceOfSatisfying(
                                ApiException.class,
                                e -> assertThat(e.getMessage()).contains(bad.getValue()));
            }
        }
    }

    @Test
    void productionRefusesAddressesThatEmbedOrRouteToRefusedIpv4Ranges() {
        for (String url : List.of(
                "http://[::127.0.0.1]/h",
                "http://[::10.0.0.1]/h",
                "http://[64:ff9b::7f00:1]/h",
                "http://[64:ff9b::a9fe:a9fe]/h",
                "http://[64:ff9b:1::808:808]/h",
                "http://[2002:7f00:1::]/h",
                "http://[2002:a00:1::]/h",
                "http://[2001:0:4136:e378:8000:63bf:3fff:fdd2]/h",
                "http://[2001:db8::1]/h",
                "http://[ff02::1]/h",
                "http://[100::1]/h",
                "http://240.0.0.1/h",
                "http://255.255.255.255/h",
                "http://198.18.0.1/h",
                "http://198.19.255.254/h",
                "http://192.0.2.1/h",
                "http://198.51.100.7/h",
                "http://203.0.113.9/h",
                "http://192.0.0.8/h",
                "http://224.0.0.1/h")) {
            assertThatThrownBy(() -> production.require("url", url))
                    .as(url)
                    .isInstanceOf(ApiException.class)
                    .hasMessageContaining("public addresses");
        }
    }

    @Test
    void embeddedPublicAddressesAreStillPublic() {
        assertThat(production.require("url", "http://[64:ff9b::808:808]/h")).isEqualTo("http://[64:ff9b::808:808]/h");
        assertThat(production.require("url", "http://[2002:808:808::1]/h")).isEqualTo("http://[2002:808:808::1]/h");
        assertThat(production.require("url", "http://198.20.0.1/h")).isEqualTo("http://198.20.0.1/h");
        assertThat(production.require("url", "http://223.255.255.1/h")).isEqualTo("http://223.255.255.1/h");
    }
}
