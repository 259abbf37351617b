package dev.agentkanban.identity;

import dev.agentkanban.identity.IdentityRecords.User;
import dev.agentkanban.identity.IdentityRequests.CreateUser;
import dev.agentkanban.identity.IdentityRequests.UpdateUser;
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
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

@RestController
@RequestMapping("/api/v1/users")
class UserController {

    private final Identities identities;

    UserController(Identities identities) {
        this.identities = identities;
    }

    @GetMapping
    Page<User> list(@RequestParam(required = false) Integer limit, @RequestParam(required = false) Long offset) {
        return identities.users(CurrentCaller.get(), PageRequest.of(limit, offset));
    }

    @PostMapping
    ResponseEntity<User> create(@Valid @RequestBody CreateUser r) {
        User user = identities.createUser(
                CurrentCaller.get(),
                r.username(),
                r.password(),
                r.email(),
                r.displayName(),
                r.kind(),
                r.role(),
                Boolean.TRUE.equals(r.isAdmin()));
        return ResponseEntity.created(URI.create("/api/v1/users/" + user.id())).body(user);
    }

    @GetMapping("/{id}")
    User get(@PathVariable long id) {
        return identities.user(CurrentCaller.get(), id);
    }

    @PatchMapping("/{id}")
    User update(@PathVariable long id, @Valid @RequestBody UpdateUser r) {
        return identities.updateUser(
                CurrentCaller.get(),
                id,
                r.displayName(),
                r.email(),
                r.password(),
                r.currentPassword(),
                r.disabled(),
                r.isAdmin());
    }

    @DeleteMapping("/{id}")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    void delete(@PathVariable long id) {
        identities.deleteUser(CurrentCaller.get(), id);
    }
}
