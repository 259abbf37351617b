package dev.agentkanban.identity;

import dev.agentkanban.platform.ApiException;
import org.springframework.http.HttpStatus;

/** Role checks for feature code: {@code Roles.require(Role.MEMBER)} before a change only members may make. */
public final class Roles {

    private Roles() {}

    public static void require(Role minimum) {
        Role role = CurrentRequest.get().role();
        if (!role.atLeast(minimum)) {
            throw forbidden("this needs the " + minimum + " role in the workspace; you have " + role);
        }
    }

    public static ApiException forbidden(String detail) {
        return new ApiException(HttpStatus.FORBIDDEN, "forbidden", "Forbidden", detail, null);
    }
}
