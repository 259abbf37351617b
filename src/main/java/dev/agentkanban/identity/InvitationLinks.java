package dev.agentkanban.identity;

import dev.agentkanban.identity.IdentityRecords.Member;
import dev.agentkanban.identity.IdentityRecords.Session;
import dev.agentkanban.identity.IdentityRecords.User;
import dev.agentkanban.platform.ApiException;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Invitations by link: a workspace admin creates a link holding a random secret (only its SHA-256 is
 * stored) that expires ({@code expires_in_hours}, default 72, at most 30 days) and works once. The admin
 * copies the link (or the mail support sends it, where configured); whoever opens it joins with the
 * role named, signed in already or creating their account on the way.
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

    InvitationLinks(
            Identities identities,
            IdentityRepository repo,
            SignInRepository links,
            SecurityLog securityLog,
            PasswordEncoder passwords,
            TransactionTemplate tx) {
        this.identities = identities;
        this.repo = repo;
        this.links = links;
        this.securityLog = securityLog;
        this.passwords = passwords;
        this.tx = tx;
    }

    /** A link as created: the only time its secret is shown. */
    record CreatedLink(long id, long workspaceId, Role role, String email, Instant expiresAt, String token) {}

    /** What a link invites to (shown before joining). */
    record LinkInfo(long workspaceId, String workspaceName, Role role, Instant expiresAt) {}

    CreatedLink create(Caller caller, long workspaceId, Role role, String email, Integer expiresInHours) {
        if (identities.workspace(caller, workspaceId).role() != Role.ADMIN) {
            throw Roles.forbidden("only the workspace's admins can invite");
        }
        Duration ttl = expiresInHours == null ? DEFAULT_TTL : Duration.ofHours(expiresInHours);
        if (ttl.isNegative() || ttl.isZero() || ttl.compareTo(MAX_TTL) > 0) {
            throw ApiException.invalid("expires_in_hours", "must be between 1 and " + MAX_TTL.toHours());
        }
        String token = Credentials.newApiToken().replace(Credentials.API_TOKEN_PREFIX, "inv_");
        Instant expires = Instant.now().plus(ttl);
        long id = tx.execute(s -> {
            long created = links.insertInvitationLink(
                    workspaceId, role, Credentials.hash(token), expires, email, caller.userId());
            securityLog.record(
                    caller.userId(),
                    "invitation_link_created",
                    null,
                    workspaceId,
                    Map.of("invitation_id", created, "role", role.toString(), "expires_at", expires.toString()));
            return created;
        });
        return new CreatedLink(id, workspaceId, role, email, expires, token);
    }

    LinkInfo info(String token) {
        var link = links.invitationLink(Credentials.hash(token)).orElseThrow(InvitationLinks::unknown);
        return new LinkInfo(link.workspaceId(), link.workspaceName(), link.role(), link.expiresAt());
    }

    /** The signed-in caller joins the link's workspace (a member already keeps their role). */
    Member accept(Caller caller, String token) {
        return tx.execute(s -> {
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
