package dev.agentkanban.identity;

import dev.agentkanban.identity.IdentityRecords.Member;
import dev.agentkanban.identity.IdentityRecords.Session;
import dev.agentkanban.identity.IdentityRecords.User;
import dev.agentkanban.platform.ApiException;
import dev.agentkanban.platform.MailQueue;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Invitations by link: a workspace admin creates a link holding a random secret (only its SHA-256 is
 * stored) that expires ({@code expires_in_hours}, default 72, at most 30 days) and works once. With an
 * e-mail address and mail configured ({@link MailQueue}), the link is mailed through the durable mail
 * outbox in the same transaction; otherwise the admin copies it. Whoever opens it joins with the role
 * named, signed in already or creating their account on the way.
 */
@Service
class InvitationLinks {

    static final Duration DEFAULT_TTL = Duration.ofHours(72);
    static final Duration MAX_TTL = Duration.ofDays(30);

    private final Identities identities;
    private final IdentityRepository repo;
    private final SignInRepository links;
    private final SecurityLog securityLog;
    private final PasswordEncoder passwords;
    private final TransactionTemplate tx;
    private final MailQueue mail;
    private final OidcSettings oidc;

    InvitationLinks(
            Identities identities,
            IdentityRepository repo,
            SignInRepository links,
            SecurityLog securityLog,
            PasswordEncoder passwords,
            TransactionTemplate tx,
            MailQueue mail,
            OidcSettings oidc) {
        this.mail = mail;
        this.oidc = oidc;
        this.identities = identities;
        this.repo = repo;
        this.links = links;
        this.securityLog = securityLog;
        this.passwords = passwords;
        this.tx = tx;
    }

    /** A link as created: the only time its secret is shown. */
    record CreatedLink(
            long id, long workspaceId, Role role, String email, Instant expiresAt, String token, boolean mailed) {}

    /** What a link invites to (shown before joining). */
    record LinkInfo(long workspaceId, String workspaceName, Role role, Instant expiresAt) {}

    /**
     * Creates a link; {@code page} is the address of the page that redeems it, to which the secret is
     * appended after {@code #}. Mailed to {@code email} when given and mail is configured.
     */
    CreatedLink create(Caller caller, long workspaceId, Role role, String email, Integer expiresInHours, String page) {
        var workspace = administered(caller, workspaceId);
        Duration ttl = expiresInHours == null ? DEFAULT_TTL : Duration.ofHours(expiresInHours);
        if (ttl.isNegative() || ttl.isZero() || ttl.compareTo(MAX_TTL) > 0) {
            throw ApiException.invalid("expires_in_hours", "must be between 1 and " + MAX_TTL.toHours());
        }
        String token = Credentials.newApiToken().replace(Credentials.API_TOKEN_PREFIX, "inv_");
        Instant expires = Instant.now().plus(ttl);
        String address = email == null || email.isBlank() ? null : email.strip();
        boolean[] mailed = {false};
        long id = tx.execute(s -> {
            long created = links.insertInvitationLink(
                    workspaceId, role, Credentials.hash(token), expires, address, caller.userId());
            if (address != null && mail.enabled()) {
                mailed[0] = mail.enqueue(
                        address,
                        "Invitation to " + workspace.name() + " on Agent Kanban",
                        invitationText(caller, workspace.name(), role, expires, page + token),
                        "invitation-link:" + created);
            }
            securityLog.record(
                    caller.userId(),
                    "invitation_link_created",
                    null,
                    workspaceId,
                    Map.of(
                            "invitation_id",
                            created,
                            "role",
                            role.toString(),
                            "expires_at",
                            expires.toString(),
                            "mailed",
                            mailed[0]));
            return created;
        });
        return new CreatedLink(id, workspaceId, role, address, expires, token, mailed[0]);
    }

    private IdentityRecords.Workspace administered(Caller caller, long workspaceId) {
        var workspace = identities.workspace(caller, workspaceId);
        if (workspace.role() != Role.ADMIN) {
            throw Roles.forbidden("only the workspace's admins can invite");
        }
        return workspace;
    }

    /** The workspace's links that still work (unused, unexpired), for its admins. */
    List<SignInRepository.PendingLink> pending(Caller caller, long workspaceId) {
        administered(caller, workspaceId);
        return tx.execute(s -> links.pendingLinks(workspaceId));
    }

    /** Withdraws an unused link: it stops working at once (404 when it is used, expired or unknown). */
    void revoke(Caller caller, long workspaceId, long id) {
        administered(caller, workspaceId);
        tx.executeWithoutResult(s -> {
            if (!links.deleteLink(workspaceId, id)) {
                throw unknown();
            }
            securityLog.record(
                    caller.userId(), "invitation_link_revoked", null, workspaceId, Map.of("invitation_id", id));
        });
    }

    private static String invitationText(Caller inviter, String workspace, Role role, Instant expires, String link) {
        String who = inviter.displayName() == null || inviter.displayName().isBlank()
                ? inviter.username()
                : inviter.displayName();
        return who + " invited you to the workspace \"" + workspace + "\" on Agent Kanban, as " + role + ".\n\n"
                + "Open this link to join (it works once, until "
                + expires.truncatedTo(java.time.temporal.ChronoUnit.MINUTES)
                + " UTC):\n" + link + "\n\n"
                + "You can sign in there or create your account. If you did not expect this invitation, ignore this"
                + " mail.\n";
    }

    LinkInfo info(String token) {
        var link = links.invitationLink(Credentials.hash(token)).orElseThrow(InvitationLinks::unknown);
        return new LinkInfo(link.workspaceId(), link.workspaceName(), link.role(), link.expiresAt());
    }

    /**
     * The signed-in caller joins the link's workspace (a member already keeps their role); not an account
     * a named session made, and the link stays unused then.
     */
    Member accept(Caller caller, String token) {
        return tx.execute(s -> {
            identities.refuseNamedSessionAccount(caller);
            var link = links.takeInvitationLink(Credentials.hash(token)).orElseThrow(InvitationLinks::unknown);
            if (repo.role(link.workspaceId(), caller.userId()).isEmpty()) {
                repo.putMember(link.workspaceId(), caller.userId(), link.role());
            }
            joined(caller.userId(), link, false);
            return repo.members(link.workspaceId()).stream()
                    .filter(m -> m.userId() == caller.userId())
                    .findFirst()
                    .orElseThrow();
        });
    }

    /** Someone without an account creates one with the link and joins; answers their first session. */
    Session redeem(String token, String username, String password, String email) {
        if (oidc.ssoOnly()) {
            // passwords are off: the invited person signs in through the provider and accepts the link then
            throw new ApiException(
                    org.springframework.http.HttpStatus.FORBIDDEN,
                    "password-sign-in-disabled",
                    "Forbidden",
                    "this server signs people in through " + oidc.providerName()
                            + " only: sign in there first, then open the link again to join",
                    Map.of("sso_login_url", OidcSettings.LOGIN_PATH));
        }
        User user = tx.execute(s -> {
            var link = links.takeInvitationLink(Credentials.hash(token)).orElseThrow(InvitationLinks::unknown);
            if (repo.userByName(username.trim()).isPresent()) {
                throw ApiException.conflict(
                        "username-taken", "that username is taken; sign in and accept the invitation instead");
            }
            long id = repo.insertUser(
                    username.trim(),
                    username.trim(),
                    email,
                    "user",
                    passwords.encode(password),
                    false,
                    link.workspaceId());
            repo.putMember(link.workspaceId(), id, link.role());
            joined(id, link, true);
            return repo.user(id).orElseThrow();
        });
        return identities.signedIn(user, "password", null);
    }

    private void joined(long userId, SignInRepository.LinkInvitation link, boolean newAccount) {
        securityLog.record(
                userId,
                "invitation_accepted",
                userId,
                link.workspaceId(),
                Map.of("invitation_id", link.id(), "role", link.role().toString(), "new_account", newAccount));
    }

    private static ApiException unknown() {
        return new ApiException(
                org.springframework.http.HttpStatus.NOT_FOUND,
                "not-found",
                "Not found",
                "the invitation link is unknown, used already or expired",
                null);
    }
}
