package dev.agentkanban.identity;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** RFC 6238 appendix B test vectors, and the rules around them (window, single use, base32). */
class TotpTest {

    private static final byte[] SHA1_KEY = "12345678901234567890".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] SHA256_KEY = "12345678901234567890123456789012".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] SHA512_KEY =
            "1234567890123456789012345678901234567890123456789012345678901234".getBytes(StandardCharsets.US_ASCII);

    @ParameterizedTest(name = "T={0}: {1} / {2} / {3}")
    @CsvSource({
        "59, 94287082, 46119246, 90693936",
        "1111111109, 07081804, 68084774, 25091201",
        "1111111111, 14050471, 67062674, 99943326",
        "1234567890, 89005924, 91819424, 93441116",
        "2000000000, 69279037, 90698825, 38618901",
        "20000000000, 65353130, 77737706, 47863826"
    })
    void matchesTheRfc6238TestVectors(long time, String sha1, String sha256, String sha512) {
        long step = Totp.step(time);
        assertThat(Totp.code(SHA1_KEY, step, 8, "HmacSHA1")).isEqualTo(sha1);
        assertThat(Totp.code(SHA256_KEY, step, 8, "HmacSHA256")).isEqualTo(sha256);
        assertThat(Totp.code(SHA512_KEY, step, 8, "HmacSHA512")).isEqualTo(sha512);
    }

    @Test
    void sixDigitCodesAreTheLastSixOfTheRfcValues() {
        assertThat(Totp.code(SHA1_KEY, Totp.step(59), 6, "HmacSHA1")).isEqualTo("287082");
        assertThat(Totp.code(SHA1_KEY, Totp.step(1111111109), 6, "HmacSHA1")).isEqualTo("081804");
    }

    @Test
    void aCodeIsAcceptedOneStepEitherSideAndOnlyOnce() {
        long now = 1111111111;
        String current = Totp.code(SHA1_KEY, Totp.step(now), 6, "HmacSHA1");
        String previous = Totp.code(SHA1_KEY, Totp.step(now) - 1, 6, "HmacSHA1");
        String twoAgo = Totp.code(SHA1_KEY, Totp.step(now) - 2, 6, "HmacSHA1");
        assertThat(Totp.verify(SHA1_KEY, current, now, 0)).isEqualTo(Totp.step(now));
        assertThat(Totp.verify(SHA1_KEY, previous, now, 0)).isEqualTo(Totp.step(now) - 1);
        assertThat(Totp.verify(SHA1_KEY, twoAgo, now, 0)).isEqualTo(-1);
        // used once: its step is the last used one, so the same code is refused
        assertThat(Totp.verify(SHA1_KEY, current, now, Totp.step(now))).isEqualTo(-1);
        // and an older code after a newer one was used is refused too
        assertThat(Totp.verify(SHA1_KEY, previous, now, Totp.step(now))).isEqualTo(-1);
    }

    @Test
    void malformedCodesAreRefused() {
        assertThat(Totp.verify(SHA1_KEY, null, 59, 0)).isEqualTo(-1);
        assertThat(Totp.verify(SHA1_KEY, "28708", 59, 0)).isEqualTo(-1);
        assertThat(Totp.verify(SHA1_KEY, "2870822", 59, 0)).isEqualTo(-1);
        assertThat(Totp.verify(SHA1_KEY, "28708a", 59, 0)).isEqualTo(-1);
    }

    @Test
    void base32RoundTripsAndMatchesRfc4648() {
        assertThat(Totp.base32("foobar".getBytes(StandardCharsets.US_ASCII))).isEqualTo("MZXW6YTBOI");
        assertThat(Totp.base32(SHA1_KEY)).isEqualTo("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ");
        byte[] secret = Totp.newSecret();
        assertThat(Totp.fromBase32(Totp.base32(secret))).isEqualTo(secret);
    }

    @Test
    void theKeyUriNamesIssuerAccountAndSecret() {
        assertThat(Totp.uri("Agent Kanban", "alice", SHA1_KEY))
                .isEqualTo("otpauth://totp/Agent%20Kanban:alice?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
                        + "&issuer=Agent%20Kanban&algorithm=SHA1&digits=6&period=30");
    }
}
