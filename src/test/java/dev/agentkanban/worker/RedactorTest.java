package dev.agentkanban.worker;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** What the redaction removes before text goes to a model, and what it leaves alone. */
class RedactorTest {

    @Test
    void tokensAndKeysWithKnownPrefixesAreRedacted() {
        String text =
                "Use sk-proj-abcdefghijklmnop1234 and ghp_0123456789abcdefABCDEF0123456789abcd, AWS AKIAIOSFODNN7EXAMPLE,"
                        + " our akt_9f8e7d6c5b4a39281706 token and xoxb-123456789012-abcdefghijkl.";
        String out = Redactor.redact(text);
        assertThat(out).doesNotContain("sk-proj", "ghp_", "AKIAIOSFODNN7EXAMPLE", "akt_9f8e", "xoxb-");
        assertThat(out).startsWith("Use [REDACTED] and [REDACTED], AWS [REDACTED],");
    }

    @Test
    void valuesAfterSecretSoundingKeysAreRedacted() {
        assertThat(Redactor.redact("login with password: hunter2 please"))
                .isEqualTo("login with password: [REDACTED] please");
        assertThat(Redactor.redact("DB_PASSWORD=s3cr3t! in .env")).isEqualTo("DB_PASSWORD=[REDACTED] in .env");
        assertThat(Redactor.redact("export GITHUB_TOKEN: abc")).isEqualTo("export GITHUB_TOKEN: [REDACTED]");
        assertThat(Redactor.redact("set password=s3cr3t! in .env")).isEqualTo("set password=[REDACTED] in .env");
        assertThat(Redactor.redact("curl -H 'Authorization: Bearer abc.def.ghi' /api"))
                .isEqualTo("curl -H 'Authorization: Bearer [REDACTED] /api");
        assertThat(Redactor.redact("api_key = 12345")).isEqualTo("api_key = [REDACTED]");
    }

    @Test
    void jwtsUrlCredentialsLongRandomStringsAndPrivateKeysAreRedacted() {
        String jwt = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U";
        assertThat(Redactor.redact("token " + jwt)).isEqualTo("token [REDACTED]");
        assertThat(Redactor.redact("connect to postgresql://app:Secr3t@db.internal:5432/app"))
                .isEqualTo("connect to postgresql://[REDACTED]@db.internal:5432/app");
        assertThat(Redactor.redact("the value a8F3kL9qZ2xW7mN4pR6tY1uV5bC0dE8g leaked"))
                .isEqualTo("the value [REDACTED] leaked");
        String key =
                "here:\n-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA7\nabcdef\n-----END RSA PRIVATE KEY-----\nthanks";
        assertThat(Redactor.redact(key))
                .doesNotContain("MIIEowIBAAKCAQEA7", "abcdef")
                .contains("[REDACTED]")
                .endsWith("thanks");
    }

    @Test
    void ordinaryTaskTextIsLeftAlone() {
        String text =
                "Billing: refunds are rounded wrongly in src/main/java/dev/agentkanban/billing/RefundCalculator.java"
                        + " since v1.2.3 (see https://example.com/issues/42). The key point: 3 customers saw it; token refresh works."
                        + " Asia-Pacific users and the sk-learn-pipelines job too; getUserPreferencesForNotificationChannels is slow.";
        assertThat(Redactor.redact(text)).isEqualTo(text);
        assertThat(Redactor.redact(null)).isNull();
        assertThat(Redactor.redact("")).isEmpty();
    }

    @Test
    void longAdversarialInputIsProcessedInOnePass() {
        // inputs that make backtracking patterns explode: long runs of token characters and separators
        String run = "a".repeat(200_000) + "=" + "1".repeat(200_000) + " password:" + " :".repeat(100_000);
        String out = Redactor.redact(run);
        assertThat(out).isNotEmpty();
        assertThat(out.length()).isLessThanOrEqualTo(run.length());
    }
}
