package dev.agentkanban.identity;

import dev.agentkanban.identity.IdentityRecords.Member;
import dev.agentkanban.platform.Page;
import dev.agentkanban.platform.PageRequest;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** The caller's invitations to workspaces ({@code POST /workspaces/{id}/members} by an admin who could not add them directly). */
@RestController
@RequestMapping("/api/v1/invitations")
class InvitationController {

    private final Identities identities;

    InvitationController(Identities identities) {
        this.identities = identities;
    }

    @GetMapping
    Page<IdentityRepository.Invitation> list(
            @RequestParam(required = false) Integer limit, @RequestParam(required = false) Long offset) {
        return Page.of(identities.invitations(CurrentCaller.get()), PageRequest.of(limit, offset));
    }

    @PostMapping("/{id}/accept")
    Member accept(@PathVariable long id) {
        return identities.acceptInvitation(CurrentCaller.get(), id);
    }
}
