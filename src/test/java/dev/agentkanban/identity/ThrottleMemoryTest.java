package dev.agentkanban.identity;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentkanban.platform.ApiException;
import java.time.Duration;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpStatus;

/**
 * The guessing throttles keep their memory bounded without letting a guesser wipe it: a spray of more
 * made-up usernames (or addresses) than they keep must not lift the backoff of the account under
 * attack, nor the bucket of an address that used up its tries. Plain unit tests, no Spring.
 */
class ThrottleMemoryTest {

    private static final Supplier<Object> WRONG_PASSWORD = () -> {
        throw new ApiException(
                HttpStatus.UNAUTHORIZED, "invalid-credentials", "Unauthorized", "invalid username or password", null);
    };

    /** The status the throttle answers a wrong password with: 401 let through to the check, 429 refused before it. */
    private static int status(LoginThrottle throttle, String username, String address) {
        try {
            throttle.attempt(username, address, WRONG_PASSWORD);
            throw new AssertionError("a wrong password was accepted");
        } catch (ApiException e) {
            return e.status().value();
        }
    }

    /** One wrong password for each of more new usernames than the throttle keeps, from many addresses. */
    private static void spray(LoginThrottle throttle) {
        for (int i = 0; i <= LoginThrottle.MAX_ENTRIES + 1; i++) {
            status(throttle, "spray-" + i, "10.200." + ((i >> 8) & 255) + "." + (i & 255));
        }
    }

    @Test
    void aSprayOfMadeUpUsernamesDoesNotLiftAnAccountsBackoff() {
        LoginThrottle throttle = new LoginThrottle(10, Duration.ofMinutes(5));
        for (int i = 0; i < 10; i++) {
            assertThat(status(throttle, "victim", "10.0.0." + i)).isEqualTo(401);
        }
        assertThat(status(throttle, "victim", "10.0.1.1")).as("in backoff").isEqualTo(429);

        spray(throttle);

        assertThat(status(throttle, "victim", "10.0.1.2"))
                .as("still in backoff after the spray")
                .isEqualTo(429);
    }

    @Test
    void aSprayOfMadeUpUsernamesDoesNotRefillAnAddresssTries() {
        // no account backoff in the way: only the per-username-and-address bucket
        LoginThrottle throttle = new LoginThrottle(1_000_000, Duration.ofMinutes(5));
        for (int i = 0; i < 5; i++) {
            assertThat(status(throttle, "victim", "10.0.0.1")).isEqualTo(401);
        }
        assertThat(status(throttle, "victim", "10.0.0.1")).isEqualTo(429);

        spray(throttle);

        assertThat(status(throttle, "victim", "10.0.0.1"))
                .as("the address's tries are still used up after the spray")
                .isEqualTo(429);
    }

    @Test
    void aSprayOfAddressesDoesNotLiftAnAddresssInvalidCredentialLimit() {
        InvalidCredentialThrottle throttle = new InvalidCredentialThrottle(3);
        for (int i = 0; i < 3; i++) {
            throttle.invalid("192.168.0.1");
        }
        assertThat(throttle.refusal("192.168.0.1")).isPresent();

        for (int i = 0; i <= InvalidCredentialThrottle.MAX_ADDRESSES + 1; i++) {
            throttle.invalid("10." + ((i >> 16) & 255) + "." + ((i >> 8) & 255) + "." + (i & 255));
        }

        assertThat(throttle.refusal("192.168.0.1"))
                .as("still refused after the spray")
                .isPresent();
    }
}
