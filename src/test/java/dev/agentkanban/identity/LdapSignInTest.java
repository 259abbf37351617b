package dev.agentkanban.identity;

import static dev.agentkanban.support.Http.obj;
import static org.assertj.core.api.Assertions.assertThat;

import com.unboundid.ldap.listener.InMemoryDirectoryServer;
import com.unboundid.ldap.listener.InMemoryDirectoryServerConfig;
import com.unboundid.ldap.listener.InMemoryListenerConfig;
import com.unboundid.ldap.sdk.Modification;
import com.unboundid.ldap.sdk.ModificationType;
import dev.agentkanban.support.ApiTest;
import dev.agentkanban.support.Http.Response;
import java.net.InetAddress;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * LDAP bind sign-in against a real directory: UnboundID's in-memory directory server (as Spring
 * Security's own tests use) listening on a loopback port, searched and bound over LDAP by the app.
 */
class LdapSignInTest extends ApiTest {

    static final String BASE = "dc=example,dc=org";
    static final InMemoryDirectoryServer DIRECTORY = start();

    static InMemoryDirectoryServer start() {
        try {
            InMemoryDirectoryServerConfig config = new InMemoryDirectoryServerConfig(BASE);
            config.addAdditionalBindCredentials("cn=kanban-reader," + BASE, "reader-secret");
            config.setListenerConfigs(
                    InMemoryListenerConfig.createLDAPConfig("ldap", InetAddress.getLoopbackAddress(), 0, null));
            InMemoryDirectoryServer server = new InMemoryDirectoryServer(config);
            server.add("dn: " + BASE, "objectClass: domain", "dc: example");
            server.add("dn: ou=people," + BASE, "objectClass: organizationalUnit", "ou: people");
            server.add("dn: ou=groups," + BASE, "objectClass: organizationalUnit", "ou: groups");
            person(server, "lara", "Lara Lopez", "lara-secret");
            person(server, "oscar", "Oscar Ortiz", "oscar-secret");
            person(server, "vic", "Vic Vega", "vic-secret");
            group(server, "kanban-admins", "lara");
            group(server, "readers", "vic");
            group(server, "unrelated", "oscar");
            server.startListening();
            return server;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static void person(InMemoryDirectoryServer server, String uid, String cn, String password) throws Exception {
        server.add(
                "dn: uid=" + uid + ",ou=people," + BASE,
                "objectClass: inetOrgPerson",
                "uid: " + uid,
                "cn: " + cn,
                "sn: " + cn.substring(cn.indexOf(' ') + 1),
                "mail: " + uid + "@example.org",
                "userPassword: " + password);
    }

    static void group(InMemoryDirectoryServer server, String cn, String uid) throws Exception {
        server.add(
                "dn: cn=" + cn + ",ou=groups," + BASE,
                "objectClass: groupOfNames",
                "cn: " + cn,
                "member: uid=" + uid + ",ou=people," + BASE);
    }

    @DynamicPropertySource
    static void ldap(DynamicPropertyRegistry registry) {
        registry.add("kanban.ldap.url", () -> "ldap://127.0.0.1:" + DIRECTORY.getListenPort());
        registry.add("kanban.ldap.bind-dn", () -> "cn=kanban-reader," + BASE);
        registry.add("kanban.ldap.bind-password", () -> "reader-secret");
        registry.add("kanban.ldap.user-base", () -> "ou=people," + BASE);
        registry.add("kanban.ldap.group-base", () -> "ou=groups," + BASE);
        registry.add("kanban.ldap.group-roles", () -> "kanban-admins:admin, developers:member, readers:viewer");
    }

    @AfterAll
    void stopDirectory() {
        DIRECTORY.shutDown(true);
    }

    private Response login(String username, String password) {
        return http.anonymous().post("/api/v1/auth/login", obj("username", username, "password", password));
    }

    @Test
    void aDirectoryUserSignsInAndIsCreatedWithTheRoleOfTheirGroup() {
        Response r = login("lara", "lara-secret");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.json().get("user").get("display_name").asString()).isEqualTo("Lara Lopez");
        assertThat(r.json().get("user").get("email").asString()).isEqualTo("lara@example.org");
        assertThat(roleInDefaultWorkspace("lara")).isEqualTo("admin");
        assertThat(jdbc.sql(
                                "select password_hash is null and external_source = 'ldap' from users where username = 'lara'")
                        .query(Boolean.class)
                        .single())
                .as("no password is stored here")
                .isTrue();
        assertThat(count("identity_audit where action = 'sso_user_provisioned' and detail->>'source' = 'ldap'"))
                .isEqualTo(1);
        String token = r.json().get("access_token").asString();
        assertThat(http.withToken(token).get("/api/v1/boards").status()).isEqualTo(200);
        assertThat(count("user_sessions where method = 'ldap'")).isEqualTo(1);
    }

    @Test
    void aWrongPasswordOrAnInjectedFilterIsRefused() {
        assertThat(login("vic", "wrong-secret").status()).isEqualTo(401);
        assertThat(login("*", "vic-secret").status()).isEqualTo(401);
        assertThat(login("vic)(uid=*", "vic-secret").status()).isEqualTo(401);
        assertThat(count("identity_audit where action = 'sign_in_failed'")).isGreaterThanOrEqualTo(3);
        assertThat(count("users where username in ('*', 'vic)(uid=*')")).isZero();
    }

    @Test
    void someoneInNoMappedGroupCannotSignIn() {
        assertThat(login("oscar", "oscar-secret").status()).isEqualTo(401);
        assertThat(count("users where username = 'oscar'")).isZero();
    }

    @Test
    void aGroupChangeInTheDirectoryChangesTheRoleAtTheNextSignIn() throws Exception {
        Response first = login("vic", "vic-secret");
        assertThat(first.status()).as(first.body()).isEqualTo(200);
        assertThat(roleInDefaultWorkspace("vic")).isEqualTo("viewer");
        DIRECTORY.modify(
                "cn=kanban-admins,ou=groups," + BASE,
                new Modification(ModificationType.ADD, "member", "uid=vic,ou=people," + BASE));
        Response second = login("vic", "vic-secret");
        assertThat(second.status()).as(second.body()).isEqualTo(200);
        assertThat(roleInDefaultWorkspace("vic")).isEqualTo("admin");
        assertThat(count("identity_audit where action = 'member_role_changed' and detail->>'by' = 'ldap'"))
                .isEqualTo(1);
    }

    @Test
    void localAccountsStillSignInWithTheirPassword() {
        assertThat(login("tester", "tester-password").status()).isEqualTo(200);
        assertThat(login("tester", "wrong-password").status()).isEqualTo(401);
    }
}
