package dev.agentkanban.identity;

import dev.agentkanban.identity.IdentityRecords.Member;
import dev.agentkanban.identity.IdentityRecords.Workspace;
import dev.agentkanban.identity.IdentityRequests.ChangeRole;
import dev.agentkanban.identity.IdentityRequests.CreateWorkspace;
import dev.agentkanban.identity.IdentityRequests.PutMember;
import dev.agentkanban.identity.IdentityRequests.RenameWorkspace;
import dev.agentkanban.platform.Page;
import dev.agentkanban.platform.PageRequest;
import jakarta.validation.Valid;
import java.net.URI;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

@RestController
@RequestMapping("/api/v1/workspaces")
class WorkspaceController {

    private final Identities identities;

    WorkspaceController(Identities identities) {
        this.identities = identities;
    }

    @GetMapping
    Page<Workspace> list(@RequestParam(required = false) Integer limit, @RequestParam(required = false) Long offset) {
        return Page.of(identities.workspaces(CurrentCaller.get()), PageRequest.of(limit, offset));
    }

    @PostMapping
    ResponseEntity<Workspace> create(@Valid @RequestBody CreateWorkspace request) {
        Workspace ws = identities.createWorkspace(CurrentCaller.get(), request.name(), request.slug());
        return ResponseEntity.created(URI.create("/api/v1/workspaces/" + ws.id()))
                .body(ws);
    }

    @GetMapping("/{id}")
    Workspace get(@PathVariable long id) {
        return identities.workspace(CurrentCaller.get(), id);
    }

    @PatchMapping("/{id}")
    Workspace rename(@PathVariable long id, @Valid @RequestBody RenameWorkspace request) {
        return identities.renameWorkspace(CurrentCaller.get(), id, request.name());
    }

    @DeleteMapping("/{id}")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    void delete(@PathVariable long id) {
        identities.deleteWorkspace(CurrentCaller.get(), id);
    }

    @GetMapping("/{id}/members")
    Page<Member> members(
            @PathVariable long id,
            @RequestParam(required = false) Integer limit,
            @RequestParam(required = false) Long offset) {
        return Page.of(identities.members(CurrentCaller.get(), id), PageRequest.of(limit, offset));
    }

    /** 202 whether the user was added or invited, and whether such a user exists or not (see {@link Identities#addMember}). */
    @PostMapping("/{id}/members")
    ResponseEntity<Identities.MemberAdded> add(@PathVariable long id, @Valid @RequestBody PutMember request) {
        return ResponseEntity.status(HttpStatus.ACCEPTED)
                .body(identities.addMember(
                        CurrentCaller.get(), id, request.userId(), request.username(), request.role()));
    }

    @PutMapping("/{id}/members/{userId}")
    Member change(@PathVariable long id, @PathVariable long userId, @Valid @RequestBody ChangeRole request) {
        return identities.changeRole(CurrentCaller.get(), id, userId, request.role());
    }

    @PatchMapping("/{id}/members/{userId}")
    Member patch(@PathVariable long id, @PathVariable long userId, @Valid @RequestBody ChangeRole request) {
        return change(id, userId, request);
    }

    @DeleteMapping("/{id}/members/{userId}")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    void remove(@PathVariable long id, @PathVariable long userId) {
        identities.removeMember(CurrentCaller.get(), id, userId);
    }
}
