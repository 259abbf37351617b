package dev.agentkanban.identity;

import dev.agentkanban.platform.ApiException;
import org.springframework.http.HttpStatus;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;

/** The authenticated caller of the running request. */
final class CurrentCaller {

    private CurrentCaller() {}

    public static Caller get() {
        Authentication auth = SecurityContextHolder.getContext().getAuthentication();
        if (auth != null && auth.getPrincipal() instanceof Caller caller) {
            return caller;
        }
        throw new ApiException(
                HttpStatus.UNAUTHORIZED, "unauthorized", "Unauthorized", "authentication required", null);
    }
}
