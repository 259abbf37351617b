package dev.agentkanban.identity;

import jakarta.validation.constraints.Email;
import jakarta.validation.constraints.Future;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.time.Instant;
import java.util.List;
import org.hibernate.validator.constraints.CodePointLength;

/** Request bodies of the identity API. */
final class IdentityRequests {

    private IdentityRequests() {}

    static final String USERNAME = "^[A-Za-z0-9_.@-]{1,100}$";

    record Login(
            @NotBlank @Size(max = 100) String username,
            @NotBlank @Size(max = 200) String password,
            @Size(max = 40) String code) {}

    /** The single-use code a finished single sign-on hands the web page ({@code sso_...}). */
    record SsoCode(@NotBlank @Size(max = 100) String code) {}

    /** A second-factor code: the authenticator's six digits, or a recovery code where accepted. */
    record Code(@NotBlank @Size(max = 40) String code) {}

    record RequireTwoFactor(
            @jakarta.validation.constraints.NotNull Boolean required) {}

    record AgentSession(
            @NotBlank @Pattern(regexp = USERNAME, message = "letters, digits and _ . @ - only (1-100)")
            String username) {}

    record CreateToken(
            @NotBlank @Size(max = 100) String name,

            @NotEmpty
            List<@NotNull @Pattern(regexp = "read|write|admin", message = "must be read, write or admin") String>
                    scopes,

            @Future Instant expiresAt,
            @Min(1) @Max(3650) Integer expiresInDays) {}

    record CreateWorkspace(
            @NotBlank @CodePointLength(max = 200, message = "must be at most 200 characters")
            String name,

            @Size(max = 63) String slug) {}

    record RenameWorkspace(
            @NotBlank @CodePointLength(max = 200, message = "must be at most 200 characters")
            String name) {}

    record PutMember(
            Long userId,
            @Size(max = 100) String username,
            @NotNull Role role) {}

    record ChangeRole(@NotNull Role role) {}

    record CreateUser(
            @NotBlank @Pattern(regexp = USERNAME, message = "letters, digits and _ . @ - only (1-100)")
            String username,

            @Size(min = 8, max = 200) String password,
            @Email @Size(max = 320) String email,
            @Size(max = 200) String displayName,

            @Pattern(regexp = "user|agent", message = "must be user or agent")
            String kind,

            Role role,
            Boolean isAdmin) {}

    record UpdateUser(
            @Size(max = 200) String displayName,
            @Email @Size(max = 320) String email,
            @Size(min = 8, max = 200) String password,
            @Size(max = 200) String currentPassword,
            Boolean disabled,
            Boolean isAdmin) {}

    record CreateInvitationLink(
            @jakarta.validation.constraints.NotNull Role role,
            @Email @Size(max = 320) String email,
            @Min(1) @Max(720) Integer expiresInHours) {}

    record InvitationToken(@NotBlank @Size(max = 100) String token) {}

    record RedeemInvitation(
            @NotBlank @Size(max = 100) String token,

            @NotBlank @Pattern(regexp = USERNAME, message = "letters, digits and _ . @ - only (1-100)")
            String username,

            @NotBlank @Size(min = 8, max = 200) String password,
            @Email @Size(max = 320) String email) {}
}
