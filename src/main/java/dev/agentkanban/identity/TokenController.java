package dev.agentkanban.identity;

import dev.agentkanban.identity.IdentityRecords.ApiToken;
import dev.agentkanban.identity.IdentityRecords.IssuedApiToken;
import dev.agentkanban.identity.IdentityRequests.CreateToken;
import dev.agentkanban.platform.Page;
import dev.agentkanban.platform.PageRequest;
import dev.agentkanban.platform.ShownOnce;
import jakarta.validation.Valid;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/** The caller's API tokens: the secret is in the creation response only. */
@RestController
@RequestMapping("/api/v1/tokens")
class TokenController {

    private final Identities identities;

    TokenController(Identities identities) {
        this.identities = identities;
    }

    @ShownOnce
    @PostMapping
    ResponseEntity<IssuedApiToken> create(@Valid @RequestBody CreateToken request) {
        Instant expires = request.expiresAt() != null
                ? request.expiresAt()
                : request.expiresInDays() != null ? Instant.now().plus(Duration.ofDays(request.expiresInDays())) : null;
        IssuedApiToken token = identities.createToken(CurrentCaller.get(), request.name(), request.scopes(), expires);
        return ResponseEntity.created(URI.create("/api/v1/tokens/" + token.id()))
                .body(token);
    }

    /** The caller's tokens (never their secrets), as every list: {@code {items, total, limit, offset}}. */
    @GetMapping
    Page<ApiToken> list(@RequestParam(required = false) Integer limit, @RequestParam(required = false) Long offset) {
        return Page.of(identities.tokens(CurrentCaller.get()), PageRequest.of(limit, offset));
    }

    @DeleteMapping("/{id}")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    void revoke(@PathVariable long id) {
        identities.revokeToken(CurrentCaller.get(), id);
    }
}
