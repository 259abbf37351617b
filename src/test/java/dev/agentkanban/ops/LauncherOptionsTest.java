package dev.agentkanban.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * bin/agent-kanban's memory defaults give way to JAVA_OPTS where they overlap, so that what
 * docs/operations.md tells larger deployments to set works: a collector of their own used to make the
 * JVM refuse to start ("Multiple garbage collectors selected"), and -XX:MaxRAMPercentage was silently
 * overruled by the default -Xmx. The launcher runs a stand-in java that records its arguments; the real
 * JVM then checks that those arguments start.
 */
class LauncherOptionsTest {

    @TempDir
    Path tmp;

    private static final String[] YOUNG = {"-Xmn40m", "-XX:SurvivorRatio=3"};

    @Test
    void withoutJavaOptsTheDefaultsApply() throws Exception {
        List<String> options = launch("");
        assertThat(options)
                .contains("-XX:+UseSerialGC", "-Xms64m", "-Xmx128m", "-XX:-TieredCompilation")
                .contains(YOUNG);
        assertThat(flag(options, "MaxHeapSize")).isEqualTo(128L << 20);
        // the young generation the survivors need (docs/benchmarks.md, session 25), and C2 alone
        assertThat(flag(options, "MaxNewSize")).isEqualTo(40L << 20);
        assertThat(flag(options, "SurvivorRatio")).isEqualTo(3);
        assertThat(flag(options, "TieredCompilation")).isZero();
    }

    @Test
    void aCollectorAndHeapOfTheirOwnReplaceTheDefaults() throws Exception {
        List<String> options = launch("-XX:+UseG1GC -Xmx1g");
        assertThat(options)
                .contains("-XX:+UseG1GC", "-Xmx1g")
                .doesNotContain("-XX:+UseSerialGC", "-Xmx128m", "-Xms64m")
                .doesNotContain(YOUNG);
        assertThat(flag(options, "MaxHeapSize")).isEqualTo(1L << 30);
    }

    @Test
    void aCollectorOfTheirOwnLeavesOutTheSerialCollectorsYoungGeneration() throws Exception {
        List<String> options = launch("-XX:+UseParallelGC");
        assertThat(options)
                .contains("-Xmx128m")
                .doesNotContain("-XX:+UseSerialGC")
                .doesNotContain(YOUNG);
        assertThat(flag(options, "MaxHeapSize")).isEqualTo(128L << 20);
    }

    @Test
    void aShareOfTheMemoryReplacesTheDefaultHeap() throws Exception {
        List<String> options = launch("-XX:MaxRAMPercentage=75");
        assertThat(options)
                .contains("-XX:+UseSerialGC")
                .doesNotContain("-Xmx128m", "-Xms64m")
                .doesNotContain(YOUNG);
        assertThat(flag(options, "MaxHeapSize")).isNotEqualTo(128L << 20);
    }

    @Test
    void aYoungGenerationOfTheirOwnReplacesTheDefaultOne() throws Exception {
        List<String> options = launch("-XX:NewRatio=2");
        assertThat(options).contains("-XX:+UseSerialGC", "-Xmx128m").doesNotContain(YOUNG);
        assertThat(flag(options, "MaxNewSize")).isNotEqualTo(40L << 20);
    }

    @Test
    void theQuickCompilerCanBeBroughtBack() throws Exception {
        List<String> options = launch("-XX:+TieredCompilation");
        assertThat(flag(options, "TieredCompilation")).isEqualTo(1);
    }

    @Test
    void theCLibraryIsTrimmedWhereTheJdkHasTheOption() throws Exception {
        assertThat(launch("")).contains("-XX:TrimNativeHeapInterval=1000");
        // JDK 21.0.0 does not know the option (21.0.1 and later do): the JVM would refuse to start
        assertThat(launch("", "21")).doesNotContain("-XX:TrimNativeHeapInterval=1000");
        assertThat(launch("", "21.0.0")).doesNotContain("-XX:TrimNativeHeapInterval=1000");
    }

    @Test
    void otherOptionsKeepTheDefaults() throws Exception {
        List<String> options = launch("-Dagent-kanban.aot=off -XX:ActiveProcessorCount=2");
        assertThat(options)
                .contains("-XX:+UseSerialGC", "-Xms64m", "-Xmx128m", "-Dagent-kanban.aot=off")
                .contains(YOUNG);
    }

    /** The JVM options bin/agent-kanban starts the service with (those before -jar). */
    private List<String> launch(String javaOpts) throws IOException, InterruptedException {
        return launch(javaOpts, "21.0.5");
    }

    private List<String> launch(String javaOpts, String jdkVersion) throws IOException, InterruptedException {
        Path jdk = Files.createDirectories(tmp.resolve("jdk/bin"));
        Path recorded = tmp.resolve("arguments.txt");
        Path java = jdk.resolve("java");
        Files.writeString(java, "#!/bin/sh\nprintf '%s\\n' \"$@\" > '" + recorded + "'\n");
        Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
        // a JDK older than 25, so no training run of the JDK's cache is attempted
        Files.writeString(tmp.resolve("jdk/release"), "JAVA_VERSION=\"" + jdkVersion + "\"\n");
        Path jar = tmp.resolve("agent-kanban.jar");
        Files.writeString(jar, "not a jar");
        jar.toFile().setLastModified(System.currentTimeMillis() - 60_000);
        // already unpacked, and newer than the jar: the launcher goes straight to starting it
        Path app = Files.createDirectories(tmp.resolve("app/lib")).getParent();
        Files.writeString(app.resolve("agent-kanban.jar"), "unpacked");
        Files.writeString(app.resolve(".agent-kanban-app"), "");
        ProcessBuilder pb = new ProcessBuilder("sh", "bin/agent-kanban", "serve").redirectErrorStream(true);
        pb.environment().put("AGENT_KANBAN_JAR", jar.toString());
        pb.environment().put("AGENT_KANBAN_APP_DIR", app.toString());
        pb.environment().put("JAVA_HOME", jdk.getParent().toString());
        pb.environment().put("JAVA_OPTS", javaOpts);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        List<String> options = new ArrayList<>();
        for (String a : Files.readAllLines(recorded)) {
            if (a.equals("-jar")) {
                return options;
            }
            options.add(a);
        }
        throw new AssertionError("no -jar in " + options);
    }

    /**
     * A numeric or boolean (1/0) flag's value in the real JVM started with these options; it fails the
     * test if they do not start.
     */
    private static long flag(List<String> options, String name) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(options);
        command.addAll(List.of("-XX:+PrintFlagsFinal", "-version"));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        return out.lines()
                .map(l -> l.trim().split("\\s+"))
                .filter(f -> f.length > 3 && f[1].equals(name))
                .map(f -> f[3].equals("true") ? 1L : f[3].equals("false") ? 0L : Long.parseLong(f[3]))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no flag " + name + " in " + out));
    }
}
