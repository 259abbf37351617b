package dev.agentkanban.platform;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The zero-setup default: a PostgreSQL server embedded in the jar, keeping its data in a local folder
 * across restarts. Used only when no {@code DATABASE_URL} is configured.
 *
 * <p>Unlike a test database it is durable: fsync and synchronous commit are on (the library's defaults
 * turn both off). If the previous run was killed (kill -9), its PostgreSQL outlives it and still holds
 * the data folder; it is shut down cleanly before the new one starts.
 */
public final class EmbeddedDatabase implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(EmbeddedDatabase.class);

    /** The library holds a lock on this file in the data folder for as long as its JVM owns the server. */
    private static final String OWNER_LOCK = "epg-lock";

    private final EmbeddedPostgres postgres;

    private EmbeddedDatabase(EmbeddedPostgres postgres) {
        this.postgres = postgres;
    }

    public static EmbeddedDatabase start(Path dataDirectory) throws IOException {
        Path dir = dataDirectory.toAbsolutePath();
        Files.createDirectories(dir);
        stopOrphanedServer(dir);
        EmbeddedPostgres postgres = EmbeddedPostgres.builder()
                .setDataDirectory(dir)
                .setCleanDataDirectory(false)
                .setServerConfig("fsync", "on")
                .setServerConfig("synchronous_commit", "on")
                .setServerConfig("full_page_writes", "on")
                .setPGStartupWait(Duration.ofSeconds(60))
                .start();
        return new EmbeddedDatabase(postgres);
    }

    /** A JDBC URL of the embedded server's {@code postgres} database. */
    public String jdbcUrl() {
        return postgres.getJdbcUrl("postgres", "postgres");
    }

    @Override
    public void close() throws IOException {
        postgres.close();
    }

    /**
     * A server left running by a killed run: its {@code postmaster.pid} names a live postgres process
     * serving this folder while no JVM holds the owner lock. Another live run keeps the lock, and then
     * this folder is refused rather than taken over.
     */
    private static void stopOrphanedServer(Path dir) throws IOException {
        Path pidFile = dir.resolve("postmaster.pid");
        if (!Files.exists(pidFile)) {
            return;
        }
        Optional<ProcessHandle> server = serverProcess(pidFile, dir);
        if (server.isEmpty()) {
            return; // a stale pid file after a crash: PostgreSQL itself copes with that
        }
        try (FileChannel channel = new RandomAccessFile(dir.resolve(OWNER_LOCK).toFile(), "rw").getChannel();
                FileLock lock = tryLock(channel)) {
            if (lock == null) {
                throw new IllegalStateException("the data folder " + dir + " is in use by another running Agent Kanban;"
                        + " stop it or set DATA_DIR to another folder");
            }
            ProcessHandle process = server.get();
            log.warn("Stopping the embedded PostgreSQL (pid {}) left running by a previous run", process.pid());
            process.destroy(); // SIGTERM: PostgreSQL's smart shutdown, a checkpoint and a clean exit
            try {
                process.onExit().get(60, TimeUnit.SECONDS);
            } catch (Exception e) {
                throw new IllegalStateException(
                        "the embedded PostgreSQL (pid " + process.pid()
                                + ") left by a previous run did not stop; stop it and start again",
                        e);
            }
        }
    }

    private static FileLock tryLock(FileChannel channel) throws IOException {
        try {
            return channel.tryLock();
        } catch (OverlappingFileLockException e) {
            return null; // held by this very JVM
        }
    }

    private static Optional<ProcessHandle> serverProcess(Path pidFile, Path dir) throws IOException {
        List<String> lines = Files.readAllLines(pidFile);
        if (lines.size() < 2) {
            return Optional.empty();
        }
        long pid;
        try {
            pid = Long.parseLong(lines.get(0).trim());
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
        // the pid may have been reused by an unrelated process since: require postgres on this folder
        return ProcessHandle.of(pid)
                .filter(ProcessHandle::isAlive)
                .filter(p -> p.info()
                        .commandLine()
                        .map(c -> c.contains("postgres") && c.contains(dir.toString()))
                        .orElse(false));
    }
}
