package dev.agentkanban.transfer;

import dev.agentkanban.identity.CurrentRequest;
import dev.agentkanban.identity.RequestContext;
import dev.agentkanban.identity.Role;
import dev.agentkanban.platform.ApiException;
import dev.agentkanban.platform.Ids;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.context.ApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The import/export commands of the jar. Each starts the application without a web server on
 * {@code --database-url} (else {@code DATABASE_URL}, else the embedded database like {@code serve}),
 * and acts as a system actor named after the command with the admin role in {@code --workspace}
 * (slug or id; the default workspace otherwise). Exit codes: 0 done, 1 failed (nothing changed),
 * 2 wrong usage.
 */
public final class TransferCli {

    public static final List<String> MODES = List.of(
            "migrate-todo", "export-todo", "import-csv", "export-csv", "export-json", "import-json", "import-trello");

    private static final Set<String> FLAGS = Set.of("dry-run", "help");
    private static final Set<String> OPTIONS = Set.of("board", "workspace", "database-url", "output");
    /** The options and flags each command takes besides --workspace, --database-url and --help. */
    private static final Map<String, Set<String>> ACCEPTS = Map.of(
            "migrate-todo", Set.of("dry-run", "board"),
            "export-todo", Set.of("board", "output"),
            "import-csv", Set.of("board"),
            "export-csv", Set.of("board", "output"),
            "export-json", Set.of("output"),
            "import-json", Set.of(),
            "import-trello", Set.of("board"));

    private static final String USAGE = """
            Usage:
              migrate-todo <file> [--dry-run] [--board NAME|ID] [--workspace W] [--database-url URL]
              export-todo [--board NAME|ID] [--output FILE] [--workspace W] [--database-url URL]
              import-csv <file> --board NAME|ID [--workspace W] [--database-url URL]
              export-csv --board NAME|ID [--output FILE] [--workspace W] [--database-url URL]
              export-json [--output FILE] [--workspace W] [--database-url URL]
              import-json <file> [--workspace W] [--database-url URL]    (into a workspace without boards)
              import-trello <file> [--board NEW-BOARD-NAME] [--workspace W] [--database-url URL]
            """;

    private TransferCli() {}

    /** A command line, read: the file argument and the options. */
    record Command(String mode, String file, Map<String, String> options, Set<String> flags) {

        String option(String name) {
            return options.get(name);
        }

        boolean flag(String name) {
            return flags.contains(name);
        }
    }

    /** Wrong usage: exit code 2. */
    static final class UsageException extends RuntimeException {
        UsageException(String message) {
            super(message);
        }
    }

    /**
     * Starts the application context a command runs in, without a web server: the application's own
     * start-up (configured or embedded database), handed in so that this feature does not depend on it.
     */
    @FunctionalInterface
    public interface Launcher {
        ConfigurableApplicationContext start(String... springArgs) throws Exception;
    }

    public static int run(String mode, String[] args, Launcher launcher) {
        return run(mode, args, launcher, System.out, System.err);
    }

    static int run(String mode, String[] args, Launcher launcher, PrintStream out, PrintStream err) {
        Command command;
        try {
            command = parse(mode, args);
        } catch (UsageException e) {
            err.println("error: " + e.getMessage());
            err.print(USAGE);
            return 2;
        }
        if (command.flag("help")) {
            out.print(USAGE);
            return 0;
        }
        if (command.file() != null && !Files.isRegularFile(Path.of(command.file()))) {
            // before the application starts: a mistyped path answers at once, with nothing else printed
            err.println("error: no such file: " + command.file());
            return 2;
        }
        List<String> spring = new ArrayList<>(List.of(
                "--logging.level.root=WARN",
                "--kanban.seed-demo-data=false",
                "--spring.datasource.hikari.maximum-pool-size=4",
                // a start that fails (database unreachable, ...) is said in one line below, not as the
                // context's and SpringApplication's stack traces (failure analyses are still printed)
                "--logging.level.org.springframework.boot.SpringApplication=OFF",
                "--logging.level.org.springframework.context.annotation.AnnotationConfigApplicationContext=OFF",
                // no background loops in a command (CommandLifecycle)
                "--kanban.command=" + command.mode()));
        if (command.option("database-url") != null) {
            spring.add("--DATABASE_URL=" + command.option("database-url"));
        }
        // the command's output may go to stdout: everything the application logs while it runs goes to stderr
        PrintStream stdout = System.out;
        System.setOut(err);
        try (ConfigurableApplicationContext context = launcher.start(spring.toArray(String[]::new))) {
            return execute(context, command, out, err);
        } catch (Exception e) {
            err.println("error: the application could not start: " + rootMessage(e));
            return 1;
        } finally {
            System.setOut(stdout);
        }
    }

    /** The message of the innermost cause that has one (the database's refusal, not the bean chain). */
    static String rootMessage(Throwable e) {
        String message = e.getMessage();
        for (Throwable t = e.getCause(); t != null && t != t.getCause(); t = t.getCause()) {
            if (t.getMessage() != null && !t.getMessage().isBlank()) {
                message = t.getMessage();
            }
        }
        return message == null ? e.toString() : message.strip();
    }

    /** Runs a parsed command in a started application (the tests' entry, without a second start). */
    static int execute(ApplicationContext context, Command command, PrintStream out, PrintStream err) {
        try {
            RequestContext ctx =
                    new RequestContext(workspace(context, command.option("workspace")), command.mode(), Role.ADMIN);
            return CurrentRequest.runAs(ctx, () -> dispatch(context, command, out, err));
        } catch (UsageException e) {
            err.println("error: " + e.getMessage());
            return 2;
        } catch (ApiException e) {
            err.println("error: " + e.getMessage()
                    + (command.mode().startsWith("import") || command.mode().startsWith("migrate")
                            ? " (nothing was imported)"
                            : ""));
            if (e.properties().get("errors") instanceof List<?> errors) {
                errors.forEach(f -> err.println(
                        "  " + (f instanceof ApiException.FieldError fe ? fe.field() + ": " + fe.message() : f)));
            }
            return 1;
        } catch (RuntimeException e) {
            err.println("error: " + command.mode() + " failed"
                    + (command.mode().startsWith("export") ? "" : "; nothing was changed") + ": " + e.getMessage());
            return 1;
        }
    }

    private static int dispatch(ApplicationContext context, Command command, PrintStream out, PrintStream err) {
        return switch (command.mode()) {
            case "migrate-todo" -> migrateTodo(context.getBean(TodoImport.class), command, out, err);
            case "export-todo" -> {
                TodoExport.Exported exported =
                        context.getBean(TodoExport.class).export(BoardTarget.ofArgument(command.option("board")));
                write(exported.text().getBytes(StandardCharsets.UTF_8), command, out, err);
                yield 0;
            }
            case "import-csv" -> {
                byte[] bytes = read(Path.of(command.file()));
                PrintedProgress progress = new PrintedProgress(err, command.mode(), "tasks");
                CsvTransfer.CsvReport report = context.getBean(CsvTransfer.class)
                        .importCsv(
                                TransferController.text(bytes, null),
                                BoardTarget.ofArgument(command.option("board")),
                                false,
                                progress);
                progress.finished();
                out.print(report.describe());
                yield 0;
            }
            case "export-csv" -> {
                CsvTransfer.Exported exported =
                        context.getBean(CsvTransfer.class).export(BoardTarget.ofArgument(command.option("board")));
                write(exported.text().getBytes(StandardCharsets.UTF_8), command, out, err);
                yield 0;
            }
            case "export-json" -> {
                try (OutputStream target = target(command, out)) {
                    context.getBean(JsonExport.class).export(target);
                } catch (IOException e) {
                    throw new IllegalStateException(
                            "could not write " + command.option("output") + ": " + e.getMessage(), e);
                }
                if (command.option("output") != null) {
                    err.println("Wrote " + command.option("output"));
                }
                yield 0;
            }
            case "import-json" -> {
                try (InputStream in = Files.newInputStream(existing(Path.of(command.file())))) {
                    PrintedProgress progress = new PrintedProgress(err, command.mode(), "tasks");
                    JsonImport.Restored restored =
                            context.getBean(JsonImport.class).restore(in, progress);
                    progress.finished();
                    out.print(restored.describe());
                } catch (IOException e) {
                    throw new UsageException("cannot read " + command.file() + ": " + e.getMessage());
                }
                yield 0;
            }
            case "import-trello" -> {
                JsonNode export;
                try (InputStream in = Files.newInputStream(existing(Path.of(command.file())))) {
                    export = context.getBean(JsonMapper.class).readTree(in);
                } catch (IOException e) {
                    throw new UsageException("cannot read " + command.file() + ": " + e.getMessage());
                } catch (JacksonException e) {
                    // a file that is there but is not JSON is a failed import (1), not wrong usage (2)
                    throw ApiException.badRequest(command.file() + " is not valid JSON: " + e.getOriginalMessage());
                }
                PrintedProgress progress = new PrintedProgress(err, command.mode(), "cards");
                TrelloImport.TrelloReport report = context.getBean(TrelloImport.class)
                        .importBoard(export, command.option("board"), false, progress);
                progress.finished();
                out.print(report.describe());
                yield 0;
            }
            default -> throw new UsageException("unknown command " + command.mode());
        };
    }

    /**
     * The TODO.md migration: a dry run prints the plan and writes nothing; a real run first copies the
     * file byte for byte to {@code <file>.backup} (a different older backup is kept, the new one numbered)
     * and then imports what it backed up, in one transaction.
     */
    private static int migrateTodo(TodoImport todo, Command command, PrintStream out, PrintStream err) {
        Path file = Path.of(command.file());
        byte[] bytes = read(file);
        String text = TransferController.text(bytes, null);
        BoardTarget target = BoardTarget.ofArgument(command.option("board"));
        PrintedProgress progress = new PrintedProgress(err, command.mode(), "tasks");
        if (command.flag("dry-run")) {
            TodoImport.TodoReport plan = todo.run(text, target, true, progress);
            progress.finished();
            out.print(plan.describe());
            return 0;
        }
        Path backup = backup(file, bytes);
        TodoImport.TodoReport report = todo.run(text, target, false, progress).withBackup(backup.toString());
        progress.finished();
        out.print(report.describe());
        return 0;
    }

    static Path backup(Path file, byte[] bytes) {
        try {
            Path backup = file.resolveSibling(file.getFileName() + ".backup");
            for (int n = 1; Files.exists(backup) && Files.mismatch(backup, file) != -1; n++) {
                backup = file.resolveSibling(file.getFileName() + ".backup." + n);
            }
            if (!Files.exists(backup)
                    && Files.getFileStore(file)
                            .supportsFileAttributeView(java.nio.file.attribute.PosixFileAttributeView.class)) {
                // no more readable than the file it copies (a 600 file's backup is not world-readable)
                Files.createFile(
                        backup,
                        java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                                Files.getPosixFilePermissions(file)));
            }
            Files.write(backup, bytes);
            return backup;
        } catch (IOException e) {
            throw new IllegalStateException(
                    "could not write the backup of " + file + " (" + e.getMessage() + "); nothing was imported", e);
        }
    }

    static byte[] read(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new UsageException("no such file: " + file);
        } catch (IOException e) {
            throw new UsageException("cannot read " + file + ": " + e.getMessage());
        }
    }

    private static void write(byte[] bytes, Command command, PrintStream out, PrintStream err) {
        String output = command.option("output");
        try {
            if (output == null) {
                out.write(bytes);
                out.flush();
            } else {
                Files.write(Path.of(output), bytes);
                err.println("Wrote " + output + " (" + bytes.length + " bytes)");
            }
        } catch (IOException e) {
            throw new IllegalStateException("could not write " + output + ": " + e.getMessage(), e);
        }
    }

    /** Where an export streams to: the {@code --output} file, else stdout (which stays open). */
    static OutputStream target(Command command, PrintStream out) throws IOException {
        String output = command.option("output");
        if (output != null) {
            return Files.newOutputStream(Path.of(output));
        }
        return new FilterOutputStream(out) {
            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                out.write(b, off, len);
            }

            @Override
            public void close() throws IOException {
                out.flush();
            }
        };
    }

    static Path existing(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new UsageException("no such file: " + file);
        }
        return file;
    }

    /** The workspace by slug or id; the default workspace when none is named. */
    private static long workspace(ApplicationContext context, String named) {
        JdbcClient jdbc = context.getBean(JdbcClient.class);
        String slug = named == null ? "default" : named.strip();
        Long id = Ids.parse(slug);
        List<Long> found = id != null
                ? jdbc.sql("select id from workspaces where id = :id")
                        .param("id", id)
                        .query(Long.class)
                        .list()
                : jdbc.sql("select id from workspaces where slug = :slug")
                        .param("slug", slug)
                        .query(Long.class)
                        .list();
        if (found.isEmpty()) {
            throw new UsageException("no workspace '" + slug + "'");
        }
        return found.getFirst();
    }

    static Command parse(String mode, String[] args) {
        if (!MODES.contains(mode)) {
            throw new UsageException("unknown command " + mode);
        }
        Map<String, String> options = new HashMap<>();
        Set<String> flags = new java.util.HashSet<>();
        String file = null;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (arg.equals("-h") || arg.equals("--help")) {
                flags.add("help");
            } else if (arg.startsWith("--")) {
                String name = arg.substring(2);
                String value = null;
                int eq = name.indexOf('=');
                if (eq >= 0) {
                    value = name.substring(eq + 1);
                    name = name.substring(0, eq);
                }
                if ((FLAGS.contains(name) || OPTIONS.contains(name))
                        && !name.equals("help")
                        && !name.equals("workspace")
                        && !name.equals("database-url")
                        && !ACCEPTS.get(mode).contains(name)) {
                    throw new UsageException(mode + " does not take --" + name);
                }
                if (FLAGS.contains(name) && value == null) {
                    flags.add(name);
                } else if (OPTIONS.contains(name)) {
                    if (value == null) {
                        if (i + 1 >= args.length) {
                            throw new UsageException("--" + name + " needs a value");
                        }
                        value = args[++i];
                    }
                    options.put(name, value);
                } else {
                    throw new UsageException("unknown option --" + name);
                }
            } else if (file == null) {
                file = arg;
            } else {
                throw new UsageException("unexpected argument " + arg);
            }
        }
        boolean needsFile = mode.startsWith("import") || mode.startsWith("migrate");
        if (needsFile && file == null && !flags.contains("help")) {
            throw new UsageException(mode + " needs a file");
        }
        if (!needsFile && file != null) {
            throw new UsageException("unexpected argument " + file);
        }
        return new Command(mode, file, Map.copyOf(options), Set.copyOf(flags));
    }
}
