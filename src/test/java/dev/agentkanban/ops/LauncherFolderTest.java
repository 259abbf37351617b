package dev.agentkanban.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * bin/agent-kanban unpacks the jar into AGENT_KANBAN_APP_DIR and replaces what it unpacked there when
 * the jar is newer. A mistaken folder must never lose its own files: the script used to delete the
 * whole folder.
 */
class LauncherFolderTest {

    @TempDir
    Path tmp;

    @Test
    void aFolderWithOtherFilesIsNotUnpackedIntoNorDeleted() throws Exception {
        Path folder = Files.createDirectories(tmp.resolve("home"));
        Files.writeString(folder.resolve("precious.txt"), "mine");
        Result r = launch(folder);
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.output()).contains("holds other files");
        assertThat(folder.resolve("precious.txt")).hasContent("mine");
        assertThat(folder.resolve("lib")).doesNotExist();
    }

    @Test
    void anEarlierUnpackingIsReplacedWithoutTouchingAnythingElse() throws Exception {
        Path folder = Files.createDirectories(tmp.resolve("app"));
        Files.writeString(folder.resolve("agent-kanban.jar"), "old");
        Files.createDirectories(folder.resolve("lib"));
        Files.writeString(folder.resolve("lib").resolve("old.jar"), "old");
        Files.writeString(folder.resolve("notes.txt"), "kept");
        // the jar handed over is not a real one: the unpacking fails after the old files went
        launch(folder);
        assertThat(folder.resolve("notes.txt")).hasContent("kept");
        assertThat(folder.resolve("lib").resolve("old.jar")).doesNotExist();
    }

    private record Result(int exit, String output) {}

    private Result launch(Path folder) throws IOException, InterruptedException {
        Path jar = tmp.resolve("agent-kanban.jar");
        Files.writeString(jar, "not a jar");
        // newer than anything unpacked before
        jar.toFile().setLastModified(System.currentTimeMillis() + 60_000);
        ProcessBuilder pb = new ProcessBuilder("sh", "bin/agent-kanban", "--help").redirectErrorStream(true);
        pb.environment().put("AGENT_KANBAN_JAR", jar.toString());
        pb.environment().put("AGENT_KANBAN_APP_DIR", folder.toString());
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new Result(p.exitValue(), out);
    }
}
