package dev.agentkanban.identity;

import dev.agentkanban.identity.IdentityRecords.Member;
import java.util.List;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
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
    List<IdentityRepository.Invitation> list() {
        return identities.invitations(CurrentCaller.get());
    }

    @PostMapping("/{id}/accept")
    Member accept(@PathVariable long id) {
        return identities.acceptInvitation(CurrentCaller.get(), id);
    }
}
