package dev.agentkanban.identity;

import dev.agentkanban.identity.IdentityRecords.Me;
import dev.agentkanban.identity.IdentityRecords.Session;
import dev.agentkanban.identity.IdentityRequests.AgentSession;
import dev.agentkanban.identity.IdentityRequests.Login;
import dev.agentkanban.identity.IdentityRequests.SsoCode;
import dev.agentkanban.platform.ApiException;
import dev.agentkanban.platform.ShownOnce;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.validation.Valid;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.support.ServletUriComponentsBuilder;

@RestController
@RequestMapping("/api/v1/auth")
class AuthController {

    private final Identities identities;
    private final LoginThrottle throttle;
    private final SingleSignOn sso;

    AuthController(Identities identities, LoginThrottle throttle, SingleSignOn sso) {
        this.identities = identities;
        this.throttle = throttle;
        this.sso = sso;
    }

    @ShownOnce
    @PostMapping(value = "/login", consumes = MediaType.APPLICATION_JSON_VALUE)
    Session login(@Valid @RequestBody Login login, HttpServletRequest request) {
        return signIn(login.username(), login.password(), login.code(), request);
    }

    @ShownOnce
    @PostMapping(value = "/login", consumes = MediaType.APPLICATION_FORM_URLENCODED_VALUE)
    Session loginForm(
            @RequestParam(required = false) String username,
            @RequestParam(required = false) String password,
            @RequestParam(required = false) String code,
            HttpServletRequest request) {
        if (username == null || username.isBlank() || password == null || password.isEmpty()) {
            throw ApiException.invalid(
                    username == null || username.isBlank() ? "username" : "password", "must not be blank");
        }
        return signIn(username, password, code, request);
    }

    /** A wrong password or second factor counts against the throttle; a correct password still waiting for its code does not. */
    private Session signIn(String username, String password, String code, HttpServletRequest request) {
        return throttle.attempt(
                identities.throttleName(username),
                request.getRemoteAddr(),
                () -> identities.login(username, password, code));
    }

    @ShownOnce
    @PostMapping("/session")
    Session session(@Valid @RequestBody AgentSession request) {
        return identities.agentSession(request.username());
    }

    /** A new token of the caller's session, valid for the TTL from now (the web page renews while in use). */
    @ShownOnce
    @PostMapping("/renew")
    Session renew() {
        return identities.renew(CurrentCaller.get());
    }

    /** Who the caller is; seed 002's {@code GET .../session} ("get current session") answers the same. */
    @GetMapping({"/me", "/session"})
    Me me() {
        return identities.me(CurrentCaller.get());
    }

    /** Whether the login page offers single sign-on, with which provider, and whether passwords are off. */
    @GetMapping("/sso")
    SingleSignOn.Offer sso() {
        return sso.offer();
    }

    /** The session of a finished single sign-on, for its single-use code (the web page calls this). */
    @ShownOnce
    @PostMapping("/sso/exchange")
    Session ssoExchange(@Valid @RequestBody SsoCode code) {
        return sso.exchange(code.code());
    }

    /** Where the browser goes next to sign out at the identity provider too (RP-initiated logout). */
    record LoggedOut(String endSessionUrl) {}

    /**
     * Ends the request's credential: 204, or 200 with {@code end_session_url} for a session signed in
     * through an identity provider that supports RP-initiated logout.
     */
    @PostMapping("/logout")
    ResponseEntity<LoggedOut> logout() {
        Caller caller = CurrentCaller.get();
        var endSession = sso.endSessionUrl(
                caller, ServletUriComponentsBuilder.fromCurrentContextPath().toUriString());
        identities.logout(caller);
        return endSession
                .map(url -> ResponseEntity.ok(new LoggedOut(url)))
                .orElseGet(() -> ResponseEntity.noContent().build());
    }
}
