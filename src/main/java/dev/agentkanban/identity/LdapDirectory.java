package dev.agentkanban.identity;

import com.unboundid.ldap.sdk.BindRequest;
import com.unboundid.ldap.sdk.Filter;
import com.unboundid.ldap.sdk.LDAPConnection;
import com.unboundid.ldap.sdk.LDAPException;
import com.unboundid.ldap.sdk.LDAPURL;
import com.unboundid.ldap.sdk.ResultCode;
import com.unboundid.ldap.sdk.SearchResult;
import com.unboundid.ldap.sdk.SearchResultEntry;
import com.unboundid.ldap.sdk.SearchScope;
import com.unboundid.ldap.sdk.SimpleBindRequest;
import com.unboundid.util.ssl.SSLUtil;
import com.unboundid.util.ssl.TrustStoreTrustManager;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * Bind authentication against an LDAP directory ({@code LDAP_URL}, off when empty): the user's entry is
 * found by {@code LDAP_USER_ATTRIBUTE} (default {@code uid}) under {@code LDAP_USER_BASE}, searching as
 * {@code LDAP_BIND_DN} (or anonymously), then the directory checks the password by a bind as that entry.
 * The groups under {@code LDAP_GROUP_BASE} whose {@code member} names the entry give the workspace role
 * through {@code LDAP_GROUP_ROLES} ({@code group-cn:role,...}; the highest role wins). Filters are
 * built by the SDK, which escapes the username: no LDAP injection.
 */
@Component
class LdapDirectory {

    private static final Logger log = LoggerFactory.getLogger(LdapDirectory.class);

    /** Who the directory says signed in. */
    record Person(String dn, String username, String displayName, String email, Role role, List<String> groups) {}

    private final String url;
    private final String bindDn;
    private final String bindPassword;
    private final String userBase;
    private final String userAttribute;
    private final String groupBase;
    private final String memberAttribute;
    private final Map<String, Role> groupRoles;
    private final String workspace;

    LdapDirectory(
            @Value("${kanban.ldap.url:}") String url,
            @Value("${kanban.ldap.bind-dn:}") String bindDn,
            @Value("${kanban.ldap.bind-password:}") String bindPassword,
            @Value("${kanban.ldap.user-base:}") String userBase,
            @Value("${kanban.ldap.user-attribute:uid}") String userAttribute,
            @Value("${kanban.ldap.group-base:}") String groupBase,
            @Value("${kanban.ldap.group-member-attribute:member}") String memberAttribute,
            @Value("${kanban.ldap.group-roles:}") String groupRoles,
            @Value("${kanban.ldap.workspace:}") String workspace) {
        this.url = url.trim();
        this.bindDn = bindDn.trim();
        this.bindPassword = bindPassword;
        this.userBase = userBase.trim();
        this.userAttribute = userAttribute.trim();
        this.groupBase = groupBase.trim();
        this.memberAttribute = memberAttribute.trim();
        this.groupRoles = parseRoles("LDAP_GROUP_ROLES", groupRoles);
        this.workspace = workspace.trim();
        if (enabled() && this.groupRoles.isEmpty()) {
            throw new IllegalStateException("LDAP_URL is set but LDAP_GROUP_ROLES is empty: name the groups that"
                    + " give access, e.g. LDAP_GROUP_ROLES=kanban-admins:admin,developers:member");
        }
    }

    boolean enabled() {
        return !url.isEmpty();
    }

    /** The workspace LDAP users join (a slug), or empty for the default workspace. */
    String workspace() {
        return workspace;
    }

    /**
     * {@code name:role,...} (names compared without case; the last colon separates, so names may hold
     * colons) from the environment variable {@code variable}, which a bad pair names in the error.
     */
    static Map<String, Role> parseRoles(String variable, String text) {
        Map<String, Role> roles = new LinkedHashMap<>();
        for (String pair : text.split(",")) {
            if (pair.isBlank()) {
                continue;
            }
            int colon = pair.lastIndexOf(':');
            if (colon <= 0) {
                throw new IllegalStateException(variable + ": '" + pair.trim() + "' is not name:role");
            }
            String role = pair.substring(colon + 1).trim();
            try {
                roles.put(pair.substring(0, colon).trim().toLowerCase(), Role.fromWire(role));
            } catch (IllegalArgumentException e) {
                throw new IllegalStateException(
                        variable + ": '" + role + "' is not a role (viewer, agent, member or admin)");
            }
        }
        return roles;
    }

    /**
     * The person when the directory accepts the password and a group of theirs gives a role; empty when
     * the user is unknown, the password wrong, or no group gives access. A directory that cannot be
     * reached is an error (the caller answers 503), not a wrong password.
     */
    Optional<Person> authenticate(String username, String password) {
        if (!enabled() || username.isBlank() || password.isEmpty()) {
            return Optional.empty();
        }
        try (LDAPConnection c = connect()) {
            if (!bindDn.isEmpty()) {
                c.bind(new SimpleBindRequest(bindDn, bindPassword));
            }
            SearchResult found = c.search(
                    userBase,
                    SearchScope.SUB,
                    Filter.createEqualityFilter(userAttribute, username),
                    "cn",
                    "displayName",
                    "mail",
                    userAttribute);
            if (found.getEntryCount() != 1) {
                return Optional.empty();
            }
            SearchResultEntry entry = found.getSearchEntries().get(0);
            BindRequest asUser = new SimpleBindRequest(entry.getDN(), password);
            try {
                c.bind(asUser);
            } catch (LDAPException e) {
                if (e.getResultCode() == ResultCode.INVALID_CREDENTIALS) {
                    return Optional.empty();
                }
                throw e;
            }
            if (!bindDn.isEmpty()) {
                c.bind(new SimpleBindRequest(bindDn, bindPassword));
            }
            List<String> groups = new ArrayList<>();
            SearchResult memberOf = c.search(
                    groupBase.isEmpty() ? userBase : groupBase,
                    SearchScope.SUB,
                    Filter.createEqualityFilter(memberAttribute, entry.getDN()),
                    "cn");
            for (SearchResultEntry g : memberOf.getSearchEntries()) {
                String cn = g.getAttributeValue("cn");
                if (cn != null) {
                    groups.add(cn);
                }
            }
            Role role = null;
            for (String g : groups) {
                Role r = groupRoles.get(g.toLowerCase());
                if (r != null && (role == null || r.atLeast(role))) {
                    role = r;
                }
            }
            if (role == null) {
                log.info("LDAP user {} signed in but is in no group of LDAP_GROUP_ROLES ({})", username, groups);
                return Optional.empty();
            }
            String name = entry.getAttributeValue(userAttribute);
            String display = entry.getAttributeValue("displayName") != null
                    ? entry.getAttributeValue("displayName")
                    : entry.getAttributeValue("cn");
            return Optional.of(new Person(
                    entry.getDN(),
                    name == null ? username : name,
                    display,
                    entry.getAttributeValue("mail"),
                    role,
                    groups));
        } catch (LDAPException e) {
            throw new IllegalStateException("the LDAP directory failed: " + e.getResultCode(), e);
        }
    }

    private LDAPConnection connect() throws LDAPException {
        LDAPURL u = new LDAPURL(url);
        if ("ldaps".equalsIgnoreCase(u.getScheme())) {
            try {
                // the JDK's trust store (javax.net.ssl.trustStore where set): a directory's certificate is checked
                SSLUtil ssl = new SSLUtil(new TrustStoreTrustManager(System.getProperty(
                        "javax.net.ssl.trustStore", System.getProperty("java.home") + "/lib/security/cacerts")));
                return new LDAPConnection(ssl.createSSLSocketFactory(), u.getHost(), u.getPort());
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("LDAPS: " + e.getMessage(), e);
            }
        }
        return new LDAPConnection(u.getHost(), u.getPort());
    }
}
