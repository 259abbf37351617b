package dev.agentkanban.identity;

import dev.agentkanban.identity.IdentityRequests.RequireTwoFactor;
import jakarta.validation.Valid;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * Whether a workspace requires two-factor sign-in: then a person's signed-in session that did not pass
 * a second factor is refused there (403 {@code two-factor-required}) until they enrol and sign in
 * again. API tokens and agents' named sessions are not affected.
 */
@RestController
class WorkspaceTwoFactorController {

    record Requirement(long workspaceId, boolean required) {}

    private final Identities identities;

    WorkspaceTwoFactorController(Identities identities) {
        this.identities = identities;
    }

    @GetMapping("/api/v1/workspaces/{id}/two-factor")
    Requirement get(@PathVariable long id) {
        return new Requirement(id, identities.requiresTwoFactor(CurrentCaller.get(), id));
    }

    @PutMapping("/api/v1/workspaces/{id}/two-factor")
    Requirement put(@PathVariable long id, @Valid @RequestBody RequireTwoFactor request) {
        identities.requireTwoFactor(CurrentCaller.get(), id, request.required());
        return new Requirement(id, request.required());
    }
}
