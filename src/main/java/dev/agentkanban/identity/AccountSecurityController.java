package dev.agentkanban.identity;

import dev.agentkanban.identity.IdentityRequests.Code;
import dev.agentkanban.platform.Page;
import dev.agentkanban.platform.PageRequest;
import dev.agentkanban.platform.ShownOnce;
import jakarta.validation.Valid;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/** The caller's own sign-in security: their signed-in sessions, and two-factor authentication. */
@RestController
@RequestMapping("/api/v1/auth")
class AccountSecurityController {

    private final Identities identities;
    private final TwoFactor twoFactor;

    AccountSecurityController(Identities identities, TwoFactor twoFactor) {
        this.identities = identities;
        this.twoFactor = twoFactor;
    }

    @GetMapping("/sessions")
    Page<SignInRepository.SessionInfo> sessions(
            @RequestParam(required = false) Integer limit, @RequestParam(required = false) Long offset) {
        return Page.of(identities.sessions(CurrentCaller.get()), PageRequest.of(limit, offset));
    }

    @DeleteMapping("/sessions/{id}")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    void endSession(@PathVariable long id) {
        identities.endSession(CurrentCaller.get(), id);
    }

    /** Signs out everywhere else: every other signed-in session of the caller ends; API tokens stay. */
    @DeleteMapping("/sessions")
    java.util.Map<String, Integer> endOtherSessions() {
        return java.util.Map.of("ended", identities.endOtherSessions(CurrentCaller.get()));
    }

    @GetMapping("/two-factor")
    TwoFactor.Status twoFactor() {
        return twoFactor.status(CurrentCaller.get());
    }

    @ShownOnce
    @PostMapping("/two-factor/enrolment")
    TwoFactor.Enrolment enrol() {
        return twoFactor.enrol(CurrentCaller.get());
    }

    @ShownOnce
    @PostMapping("/two-factor/confirm")
    TwoFactor.Confirmed confirm(@Valid @RequestBody Code code) {
        return twoFactor.confirm(CurrentCaller.get(), code.code());
    }

    @PostMapping("/two-factor/disable")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    void disable(@Valid @RequestBody Code code) {
        twoFactor.disable(CurrentCaller.get(), code.code());
    }
}
