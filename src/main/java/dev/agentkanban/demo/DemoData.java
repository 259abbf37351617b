package dev.agentkanban.demo;

import dev.agentkanban.board.Board;
import dev.agentkanban.board.BoardRequests.CreateBoard;
import dev.agentkanban.board.Boards;
import dev.agentkanban.identity.CurrentRequest;
import dev.agentkanban.identity.Identities;
import dev.agentkanban.identity.IdentityRecords.User;
import dev.agentkanban.identity.RequestContext;
import dev.agentkanban.identity.Role;
import dev.agentkanban.identity.Workspaces;
import dev.agentkanban.platform.Transactions;
import dev.agentkanban.task.Priority;
import dev.agentkanban.task.TaskRequests.CancelTask;
import dev.agentkanban.task.TaskRequests.CreateTask;
import dev.agentkanban.task.TaskView;
import dev.agentkanban.task.Tasks;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * With {@code SEED_DEMO_DATA=true}, fills an empty database with a demo board (default columns), the
 * default tags, six sample tasks of varied priority and status, and a demo user whose random password
 * is printed once. The demo is seeded twice: into the {@code default} workspace (where a newcomer, the
 * first admin and named agent sessions are), and into a workspace of its own, {@code tenant_demo}, which
 * seed 003's requests name ({@code X-Tenant-Id: tenant_demo}); the demo user is an admin of both. A
 * database that holds any board or task, or a workspace besides the default one, is never touched (so a
 * second start seeds nothing); an advisory lock keeps two instances starting together from both seeding.
 */
@Component
class DemoData implements ApplicationRunner {

    private static final Logger log = LoggerFactory.getLogger(DemoData.class);
    private static final long SEED_LOCK = 0x6b616e62616e01L;
    static final String DEMO_USER = "demo";
    /** Seed 003's demo tenant: its requests send {@code X-Tenant-Id: tenant_demo}. */
    static final String DEMO_TENANT = "tenant_demo";

    private final boolean enabled;
    private final Boards boards;
    private final Tasks tasks;
    private final Transactions tx;
    private final JdbcClient jdbc;
    private final Workspaces workspaces;
    private final Identities identities;

    DemoData(
            @Value("${kanban.seed-demo-data}") boolean enabled,
            Boards boards,
            Tasks tasks,
            Transactions tx,
            JdbcClient jdbc,
            Workspaces workspaces,
            Identities identities) {
        this.enabled = enabled;
        this.boards = boards;
        this.tasks = tasks;
        this.tx = tx;
        this.jdbc = jdbc;
        this.workspaces = workspaces;
        this.identities = identities;
    }

    @Override
    public void run(ApplicationArguments args) {
        if (enabled) {
            RequestContext system = new RequestContext(workspaces.defaultWorkspaceId(), "system", Role.ADMIN);
            CurrentRequest.runAs(system, this::seedIfEmpty);
        }
    }

    /** Seeds and returns true, or returns false when the database already holds boards or tasks. */
    boolean seedIfEmpty() {
        return tx.write(() -> {
            jdbc.sql("select pg_advisory_xact_lock(:key)")
                    .param("key", SEED_LOCK)
                    .query((rs, n) -> 1)
                    .single();
            // empty: no other workspace (whose boards the workspace's row-level security would hide), no board,
            // no task, and no demo account left from an earlier seed whose board was deleted since
            boolean empty =
                    jdbc.sql("""
                            select (select count(*) from workspaces) <= 1
                               and not exists (select 1 from boards) and not exists (select 1 from tasks)
                               and not exists (select 1 from users where username = :demo)
                            """).param("demo", DEMO_USER).query(Boolean.class).single();
            if (!empty) {
                log.info("SEED_DEMO_DATA is set but the database is not empty: no demo data added");
                return false;
            }
            long ws = CurrentRequest.get().workspaceId();
            jdbc.sql("select insert_default_tags(:ws)")
                    .param("ws", ws)
                    .query((rs, n) -> 1)
                    .single();
            Board board = seedBoard();
            String password = randomPassword();
            User demo = identities.provision(DEMO_USER, password, ws, Role.ADMIN, false);
            // seed 003's tenant: its requests name the workspace tenant_demo (X-Tenant-Id); its own copy
            // of the demo (the workspace brings the default tags), the demo user its admin
            long tenant = identities.provisionWorkspace(DEMO_TENANT, "Demo (tenant_demo)");
            identities.provisionMember(tenant, demo.id(), Role.ADMIN);
            Board tenantBoard = CurrentRequest.runAs(
                    new RequestContext(tenant, CurrentRequest.get().actor(), Role.ADMIN), this::seedBoard);
            log.info(
                    "Demo data seeded: board {} with 6 tasks, and board {} with 6 tasks in workspace {}",
                    board.id(),
                    tenantBoard.id(),
                    DEMO_TENANT);
            // printed once, at the start that created it; only its hash is stored
            System.out.println("Demo sign-in: username '" + DEMO_USER + "', password '" + password + "'");
            return true;
        });
    }

    /** The demo board with its six sample tasks, in the request's workspace. */
    private Board seedBoard() {
        Board board = boards.create(new CreateBoard("Demo board", "A first look at Agent Kanban", null));
        Instant now = Instant.now();
        create(board, "Set up CI pipeline", "Done", Priority.HIGH, "Platform", null, List.of("infrastructure"));
        create(
                board,
                "Fix login redirect loop",
                "In Progress",
                Priority.URGENT,
                "Auth",
                now.plus(2, ChronoUnit.DAYS),
                List.of("bug", "urgent"));
        create(
                board,
                "Write API documentation",
                "To Do",
                Priority.MEDIUM,
                "Docs",
                now.plus(7, ChronoUnit.DAYS),
                List.of("documentation"));
        create(
                board,
                "Investigate slow board load",
                "To Do",
                Priority.HIGH,
                "Performance",
                now.minus(1, ChronoUnit.DAYS),
                List.of("bug"));
        create(board, "Add dark mode", "Backlog", Priority.LOW, "UI", null, List.of("feature"));
        TaskView dropped = create(
                board,
                "Evaluate a second database engine",
                "Backlog",
                Priority.MEDIUM,
                "Platform",
                null,
                List.of("infrastructure"));
        tasks.cancel(dropped.id(), null, new CancelTask("PostgreSQL covers every need").reason());
        return board;
    }

    private static String randomPassword() {
        byte[] bytes = new byte[12];
        new java.security.SecureRandom().nextBytes(bytes);
        return java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private TaskView create(
            Board board, String title, String column, Priority priority, String epic, Instant due, List<String> tags) {
        return tasks.create(new CreateTask(
                board.id(),
                null,
                column,
                title,
                "Sample task for the demo board.",
                null,
                priority,
                epic,
                null,
                null,
                null,
                due,
                null,
                Map.of("demo", true),
                tags,
                null,
                null,
                null,
                null));
    }
}
