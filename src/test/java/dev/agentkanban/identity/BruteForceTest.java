package dev.agentkanban.identity;

import static dev.agentkanban.support.Http.obj;
import static org.assertj.core.api.Assertions.assertThat;

import dev.agentkanban.support.ApiTest;
import dev.agentkanban.support.Http;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.TestPropertySource;

/**
 * Guessing is slowed per account across addresses, and per address for tokens. Requests come from
 * several loopback addresses (127.0.0.x, all of which reach the server on Linux) over raw sockets,
 * as an attacker with several machines would send them.
 */
@TestPropertySource(
        properties = {
            "kanban.invalid-credentials-per-minute=5",
            // an account backs off after its 6th failure in a row, for a minute first (far longer than the test)
            "kanban.login.account-free-failures=6",
            "kanban.login.account-first-delay=PT1M"
        })
class BruteForceTest extends ApiTest {

    /** The status line's code of a request sent from {@code local} (an HTTP/1.1 exchange on one socket). */
    private int from(String local, String method, String path, String authorization, String json) throws IOException {
        try (Socket s = new Socket()) {
            s.bind(new InetSocketAddress(local, 0));
            s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
            s.setSoTimeout(30_000);
            byte[] body = json == null ? new byte[0] : json.getBytes(StandardCharsets.UTF_8);
            String head = method + " " + path + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n"
                    + (authorization == null ? "" : "Authorization: " + authorization + "\r\n")
                    + (json == null ? "" : "Content-Type: application/json\r\nContent-Length: " + body.length + "\r\n")
                    + "\r\n";
            OutputStream out = s.getOutputStream();
            out.write(head.getBytes(StandardCharsets.US_ASCII));
            out.write(body);
            out.flush();
            InputStream in = s.getInputStream();
            String response = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            return Integer.parseInt(response.substring(9, 12));
        }
    }

    private int login(String local, String username, String password) throws IOException {
        return from(
                local,
                "POST",
                "/api/v1/auth/login",
                null,
                Http.JSON.writeValueAsString(obj("username", username, "password", password)));
    }

    @Test
    void guessesFromManyAddressesSlowTheAccountButNotItsKnownAddresses() throws IOException {
        identities.provision("target", "the-real-password", defaultWorkspace, Role.MEMBER, false);
        assertThat(login("127.0.0.9", "target", "the-real-password")).isEqualTo(200); // the owner's usual address

        for (int i = 0; i < 5; i++) {
            assertThat(login("127.0.0.2", "target", "guess-" + i)).isEqualTo(401);
        }
        assertThat(login("127.0.0.2", "target", "one-more-guess")).isEqualTo(429); // this address and name
        assertThat(login("127.0.0.3", "target", "sixth-guess")).isEqualTo(401); // the account's 6th failure
        assertThat(login("127.0.0.4", "target", "seventh-guess")).isEqualTo(429); // the account backs off

        // another address guessing right gets no answer on the password: the account is backing off
        assertThat(login("127.0.0.5", "target", "the-real-password")).isEqualTo(429);
        // the owner, from where they signed in before, is not locked out
        assertThat(login("127.0.0.9", "target", "the-real-password")).isEqualTo(200);
        // and the success ends the backoff everywhere
        assertThat(login("127.0.0.5", "target", "the-real-password")).isEqualTo(200);
    }

    /**
     * The database finds an account by {@code lower(username)}, which folds more than Java's lower case
     * does: "İ" (capital I with a dot) is "i" there, but "i" plus a combining dot in Java. Each spelling
     * of a name was a throttle key of its own, so every "i" in a username doubled a guesser's budget.
     */
    @Test
    void anotherSpellingOfTheSameAccountSharesItsBackoff() throws IOException {
        identities.provision("imogen", "the-real-password", defaultWorkspace, Role.MEMBER, false);
        for (int i = 0; i < 6; i++) {
            assertThat(login("127.0.1." + (i + 1), "imogen", "guess-" + i)).isEqualTo(401);
        }
        assertThat(login("127.0.1.20", "imogen", "seventh-guess")).isEqualTo(429); // the account backs off
        assertThat(jdbc.sql("select count(*) from users where lower(username) = lower('\u0130mogen')")
                        .query(Long.class)
                        .single())
                .as("the database finds the account by the other spelling")
                .isEqualTo(1);

        assertThat(login("127.0.1.21", "\u0130mogen", "eighth-guess"))
                .as("the other spelling is the same account, backing off")
                .isEqualTo(429);
        assertThat(login("127.0.1.22", "IMOGEN", "ninth-guess")).isEqualTo(429);
    }

    @Test
    void theAccountBackoffIsBounded() {
        LoginThrottle throttle = new LoginThrottle(10, Duration.ofSeconds(1));
        assertThat(throttle.delay(10)).isEqualTo(Duration.ofSeconds(1));
        assertThat(throttle.delay(13)).isEqualTo(Duration.ofSeconds(8));
        assertThat(throttle.delay(10_000)).isEqualTo(Duration.ofMinutes(15));
    }

    @Test
    void anAddressSendingInvalidTokensIsThrottled() throws IOException {
        for (int i = 0; i < 5; i++) {
            assertThat(from("127.0.0.7", "GET", "/api/v1/boards", "Bearer akt_guess" + i, null))
                    .isEqualTo(401);
        }
        assertThat(from("127.0.0.7", "GET", "/api/v1/boards", "Bearer akt_guess-again", null))
                .isEqualTo(429);
        assertThat(from("127.0.0.7", "GET", "/api/v1/boards", "Bearer not-even-a-jwt", null))
                .isEqualTo(429);
        // other addresses are not affected
        assertThat(from("127.0.0.8", "GET", "/api/v1/boards", "Bearer akt_guess", null))
                .isEqualTo(401);
        assertThat(http.get("/api/v1/boards").status()).isEqualTo(200);
    }
}
