package dev.agentkanban.transfer;

import dev.agentkanban.KanbanApplication;
import dev.agentkanban.support.TestDatabase;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.springframework.boot.WebApplicationType;
import org.springframework.context.ApplicationContext;

/** Runs the transfer commands in tests and captures what they print. */
final class CliRuns {

    private CliRuns() {}

    /** How the jar starts a command's application (see KanbanApplication.main). */
    static final TransferCli.Launcher LAUNCHER = args -> KanbanApplication.start(WebApplicationType.NONE, args);

    /** What a command printed and returned. */
    record Run(int exit, String out, String err) {}

    record Streams(PrintStream out, PrintStream err) {}

    interface Command {
        int run(Streams streams);
    }

    /** The command as {@code java -jar} runs it: its own application, without a web server, on the test database. */
    static Run cli(String mode, String... args) {
        TestDatabase db = TestDatabase.get();
        String url = db.username == null
                ? db.jdbcUrl
                : db.jdbcUrl + (db.jdbcUrl.contains("?") ? "&" : "?") + "user=" + db.username;
        List<String> all = new ArrayList<>(List.of(args));
        all.add("--database-url");
        all.add(url);
        return capture(s -> TransferCli.run(mode, all.toArray(String[]::new), CliRuns.LAUNCHER, s.out(), s.err()));
    }

    /** The command inside a running application (the test's own; no second start). */
    static Run inApp(ApplicationContext context, String mode, String... args) {
        return capture(s -> TransferCli.execute(context, TransferCli.parse(mode, args), s.out(), s.err()));
    }

    static Run capture(Command command) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = command.run(new Streams(
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8)));
        return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }
}
