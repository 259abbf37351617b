package dev.agentkanban.identity;

import dev.agentkanban.identity.IdentityRecords.Member;
import dev.agentkanban.identity.IdentityRecords.Session;
import dev.agentkanban.identity.IdentityRequests.CreateInvitationLink;
import dev.agentkanban.identity.IdentityRequests.InvitationToken;
import dev.agentkanban.identity.IdentityRequests.RedeemInvitation;
import dev.agentkanban.platform.Page;
import dev.agentkanban.platform.PageRequest;
import dev.agentkanban.platform.ShownOnce;
import jakarta.validation.Valid;
import java.net.URI;
import java.time.Instant;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.support.ServletUriComponentsBuilder;

/**
 * Invitation links: created, listed (while unused and unexpired) and withdrawn by a workspace admin (the answer holds the link to copy; its secret sits
 * after {@code #}, so it never reaches a server log), read and redeemed by whoever opens it. The
 * secret travels in request bodies, never in a URL the server sees.
 */
@RestController
class InvitationLinkController {

    /** A created link: the secret and the page that redeems it, shown this once. */
    record Created(
            long id,
            long workspaceId,
            Role role,
            String email,
            Instant expiresAt,
            String token,
            String link,
            boolean mailed) {}

    private final InvitationLinks links;

    InvitationLinkController(InvitationLinks links) {
        this.links = links;
    }

    @ShownOnce
    @PostMapping("/api/v1/workspaces/{id}/invitation-links")
    ResponseEntity<Created> create(@PathVariable long id, @Valid @RequestBody CreateInvitationLink request) {
        String page = ServletUriComponentsBuilder.fromCurrentContextPath()
                        .path("/invite.html")
                        .toUriString() + "#";
        InvitationLinks.CreatedLink c =
                links.create(CurrentCaller.get(), id, request.role(), request.email(), request.expiresInHours(), page);
        return ResponseEntity.created(URI.create("/api/v1/workspaces/" + id + "/invitation-links/" + c.id()))
                .body(new Created(
                        c.id(),
                        c.workspaceId(),
                        c.role(),
                        c.email(),
                        c.expiresAt(),
                        c.token(),
                        page + c.token(),
                        c.mailed()));
    }

    /** The workspace's unused, unexpired links (without their secrets), newest first. */
    @GetMapping("/api/v1/workspaces/{id}/invitation-links")
    Page<SignInRepository.PendingLink> pending(
            @PathVariable long id,
            @RequestParam(required = false) Integer limit,
            @RequestParam(required = false) Long offset) {
        return Page.of(links.pending(CurrentCaller.get(), id), PageRequest.of(limit, offset));
    }

    /** Withdraws an unused link. */
    @DeleteMapping("/api/v1/workspaces/{id}/invitation-links/{invitationId}")
    ResponseEntity<Void> revoke(@PathVariable long id, @PathVariable long invitationId) {
        links.revoke(CurrentCaller.get(), id, invitationId);
        return ResponseEntity.noContent().build();
    }

    @PostMapping("/api/v1/invitations/link/info")
    InvitationLinks.LinkInfo info(@Valid @RequestBody InvitationToken request) {
        return links.info(request.token().trim());
    }

    @PostMapping("/api/v1/invitations/link/accept")
    Member accept(@Valid @RequestBody InvitationToken request) {
        return links.accept(CurrentCaller.get(), request.token().trim());
    }

    @ShownOnce
    @PostMapping("/api/v1/invitations/link/redeem")
    Session redeem(@Valid @RequestBody RedeemInvitation request) {
        return links.redeem(request.token().trim(), request.username(), request.password(), request.email());
    }
}
