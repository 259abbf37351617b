package dev.agentkanban.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentkanban.support.Http;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import tools.jackson.databind.JsonNode;

/**
 * Runs {@code mcp-client/agent.mjs}, a real MCP client on the official TypeScript SDK, and returns its
 * JSON report. Installs the client's locked dependencies ({@code npm ci}) once when they are missing,
 * so a fresh clone needs nothing but Node and npm.
 */
final class NodeAgent {

    static final Path DIR = Path.of("mcp-client").toAbsolutePath();

    private NodeAgent() {}

    static synchronized void install() throws Exception {
        if (Files.isDirectory(DIR.resolve("node_modules/@modelcontextprotocol/sdk"))) {
            return;
        }
        Result r = run(List.of("npm", "ci", "--no-audit", "--no-fund"), Map.of(), 300);
        assertThat(r.exit())
                .as("npm ci in %s failed:\n%s\n%s", DIR, r.stdout(), r.stderr())
                .isZero();
    }

    /** Runs the agent script in a mode with the given environment; the report is its last stdout line. */
    static JsonNode report(String mode, Map<String, String> env) throws Exception {
        install();
        Result r = run(List.of("node", "agent.mjs", mode), env, 180);
        assertThat(r.exit())
                .as("node agent.mjs %s failed:\n%s\n%s", mode, r.stdout(), r.stderr())
                .isZero();
        List<String> lines = r.stdout().lines().filter(l -> !l.isBlank()).toList();
        assertThat(lines)
                .as("no report from agent.mjs; stderr:\n%s", r.stderr())
                .isNotEmpty();
        return Http.JSON.readTree(lines.getLast());
    }

    /** The java binary running these tests, and a class path that starts the application's main class. */
    static String javaBinary() {
        return ProcessHandle.current()
                .info()
                .command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    }

    static String classPath() {
        return System.getProperty("java.class.path");
    }

    record Result(int exit, String stdout, String stderr) {}

    private static Result run(List<String> command, Map<String, String> env, int timeoutSeconds) throws Exception {
        File out = File.createTempFile("node-agent", ".out");
        File err = File.createTempFile("node-agent", ".err");
        try {
            ProcessBuilder pb = new ProcessBuilder(command)
                    .directory(DIR.toFile())
                    .redirectOutput(out)
                    .redirectError(err)
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
            pb.environment().putAll(env);
            Process p = pb.start();
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                throw new AssertionError(
                        command + " did not finish in " + timeoutSeconds + " s; stderr:\n" + read(err));
            }
            return new Result(p.exitValue(), read(out), read(err));
        } finally {
            Files.deleteIfExists(out.toPath());
            Files.deleteIfExists(err.toPath());
        }
    }

    private static String read(File f) throws IOException {
        return Files.readString(f.toPath(), StandardCharsets.UTF_8);
    }
}
