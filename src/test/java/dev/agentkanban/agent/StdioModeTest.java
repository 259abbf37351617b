package dev.agentkanban.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentkanban.identity.IdentityRecords.User;
import dev.agentkanban.identity.Role;
import dev.agentkanban.support.ApiTest;
import dev.agentkanban.support.Http;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * {@code java -jar agent-kanban.jar mcp} as a process: stdout carries nothing but protocol messages, a
 * script may pipe its requests and close stdin, and a refused token or a missing setting is explained
 * instead of crashing the agent's session.
 */
class StdioModeTest extends ApiTest {

    static final String REQUESTS = """
            {"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"script","version":"1"}}}
            {"jsonrpc":"2.0","method":"notifications/initialized"}
            {"jsonrpc":"2.0","id":2,"method":"tools/list"}
            {"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"list_boards","arguments":{}}}
            """;

    /** The first two lines of {@link #REQUESTS}: initialize and initialized, before a test's own calls. */
    static final String HANDSHAKE =
            REQUESTS.lines().limit(2).collect(java.util.stream.Collectors.joining("\n", "", "\n"));

    record Run(int exit, List<String> stdout, String stderr) {}

    /**
     * The environment of an agent {@code name} (provisioned here, password {@code name}-password) whose
     * token may read and write, against this server.
     */
    Map<String, String> agentEnvironment(String name) {
        User agent = identities.provision(name, name + "-password", defaultWorkspace, Role.AGENT, false);
        return Map.of(
                "KANBAN_URL",
                "http://localhost:" + port,
                "KANBAN_TOKEN",
                identities.issueToken(agent.id(), "stdio", List.of("read", "write")));
    }

    static Map<String, String> with(Map<String, String> env, String name, String value) {
        Map<String, String> more = new java.util.HashMap<>(env);
        more.put(name, value);
        return more;
    }

    Run mcp(Map<String, String> env, String input) throws Exception {
        File in = File.createTempFile("stdio", ".in");
        File out = File.createTempFile("stdio", ".out");
        File err = File.createTempFile("stdio", ".err");
        try {
            Files.writeString(in.toPath(), input);
            ProcessBuilder pb = new ProcessBuilder(
                            NodeAgent.javaBinary(),
                            "-cp",
                            NodeAgent.classPath(),
                            "dev.agentkanban.KanbanApplication",
                            "mcp")
                    .redirectInput(in)
                    .redirectOutput(out)
                    .redirectError(err);
            pb.environment().remove("KANBAN_URL");
            pb.environment().remove("KANBAN_TOKEN");
            pb.environment().putAll(env);
            Process p = pb.start();
            assertThat(p.waitFor(120, TimeUnit.SECONDS))
                    .as("the stdio mode did not end after stdin closed")
                    .isTrue();
            return new Run(
                    p.exitValue(),
                    Files.readAllLines(out.toPath(), StandardCharsets.UTF_8),
                    Files.readString(err.toPath()));
        } finally {
            Files.deleteIfExists(in.toPath());
            Files.deleteIfExists(out.toPath());
            Files.deleteIfExists(err.toPath());
        }
    }

    @Test
    void aPipedScriptGetsEveryAnswerAndStdoutHoldsOnlyProtocol() throws Exception {
        Map<String, String> agent = agentEnvironment("script-agent");
        http.post("/api/v1/boards", Http.obj("name", "Scripted"));
        Run run = mcp(agent, REQUESTS);
        assertThat(run.exit()).as(run.stderr()).isZero();
        List<JsonNode> messages = new ArrayList<>();
        for (String line : run.stdout()) {
            messages.add(Http.JSON.readTree(line)); // every line is a JSON-RPC message
        }
        assertThat(messages).extracting(m -> m.get("id").asInt()).containsExactly(1, 2, 3);
        assertThat(messages.get(1).get("result").get("tools")).hasSize(TypeScriptClientTest.TOOLS.size());
        JsonNode boards = messages.get(2).get("result");
        assertThat(boards.get("isError").asBoolean()).isFalse();
        assertThat(boards.get("content").get(0).get("text").asString()).contains("Scripted");
    }

    @Test
    void aRefusedTokenIsAToolErrorThatSaysSo() throws Exception {
        Run run = mcp(Map.of("KANBAN_URL", "http://localhost:" + port, "KANBAN_TOKEN", "akt_not_a_token"), REQUESTS);
        assertThat(run.exit()).isZero();
        JsonNode call = Http.JSON.readTree(run.stdout().getLast());
        assertThat(call.get("id").asInt()).isEqualTo(3);
        assertThat(call.get("result").get("isError").asBoolean()).isTrue();
        assertThat(call.get("result").get("content").get(0).get("text").asString())
                .contains("token was refused (401)");
    }

    @Test
    void aWorkspaceTheUserIsNotAMemberOfIsAToolErrorThatSaysWhatToCheck() throws Exception {
        Map<String, String> agent = agentEnvironment("outsider-agent");
        Run run = mcp(with(agent, "KANBAN_WORKSPACE", "no-such-workspace"), REQUESTS);
        assertThat(run.exit()).isZero();
        JsonNode call = Http.JSON.readTree(run.stdout().getLast());
        assertThat(call.get("result").get("isError").asBoolean()).isTrue();
        String text = call.get("result").get("content").get(0).get("text").asString();
        assertThat(text).contains("404").contains("KANBAN_WORKSPACE").doesNotContain("DummyEvent");
    }

    @Test
    void aCallTheServerRefusesBeforeAnyToolRunsIsAToolErrorWithTheServersReason() throws Exception {
        // the server refuses a body over its limit with 413 problem+json (a rate limit with 429 likewise):
        // the agent must learn that and why, not the HTTP client's internals
        Map<String, String> agent = agentEnvironment("stdio-bulky");
        String huge = "x".repeat(1_100_000);
        String input = HANDSHAKE
                + "{\"jsonrpc\":\"2.0\",\"id\":5,\"method\":\"tools/call\",\"params\":{\"name\":\"add_comment\","
                + "\"arguments\":{\"task_id\":1,\"body\":\"" + huge + "\"}}}\n";
        Run run = mcp(agent, input);
        assertThat(run.exit()).as(run.stderr()).isZero();
        JsonNode call = Http.JSON.readTree(run.stdout().getLast());
        assertThat(call.get("id").asInt()).isEqualTo(5);
        assertThat(call.get("result").get("isError").asBoolean()).isTrue();
        assertThat(call.get("result").get("content").get(0).get("text").asString())
                .startsWith("Cannot complete add_comment at http://localhost:" + port + "/mcp: ")
                .contains("Content too large (413)", "exceeds the limit of 1048576 bytes")
                .doesNotContain("DummyEvent", "jdk.internal", "Exception");
    }

    @Test
    void everyOneOfManyPipelinedCallsIsAnswered() throws Exception {
        // an agent may send its calls without waiting for the answers; answers finishing together must
        // not be lost (the SDK's stdio transport drops one written while another is being written)
        Map<String, String> agent = agentEnvironment("stdio-eager");
        StringBuilder input = new StringBuilder(HANDSHAKE);
        int calls = 300;
        for (int i = 0; i < calls; i++) {
            input.append("{\"jsonrpc\":\"2.0\",\"id\":")
                    .append(100 + i)
                    .append(
                            ",\"method\":\"tools/call\",\"params\":{\"name\":\"get_task\",\"arguments\":{\"task_id\":987654}}}\n");
        }
        Run run = mcp(agent, input.toString());
        assertThat(run.exit()).as(run.stderr()).isZero();
        java.util.Set<Integer> answered = new java.util.TreeSet<>();
        for (String line : run.stdout()) {
            answered.add(Http.JSON.readTree(line).get("id").asInt());
        }
        answered.remove(1);
        assertThat(answered).as(run.stderr()).hasSize(calls);
        assertThat(run.stderr()).doesNotContain("Failed to enqueue");
    }

    @Test
    void malformedLinesGetJsonRpcErrorsOrNothingAndNeverInternals() throws Exception {
        Map<String, String> agent = agentEnvironment("stdio-fuzzer");
        String input = """
                {"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"script","version":"1"}}}
                {"jsonrpc":"2.0","method":"notifications/initialized"}
                {"jsonrpc": "2.0", "id": 7, "method":
                {"jsonrpc":"2.0","id":8,"method":"resources/list"}
                {"jsonrpc":"2.0","id":9,"method":"tools/call","params":{"name":"no_such_tool","arguments":{}}}
                {"jsonrpc":"2.0","id":10,"method":"tools/list"}
                """;
        Run run = mcp(agent, input);
        assertThat(run.exit()).as(run.stderr()).isZero();
        Map<Integer, JsonNode> byId = new java.util.HashMap<>();
        for (String line : run.stdout()) {
            assertThat(line)
                    .doesNotContainIgnoringCase("stackTrace")
                    .doesNotContain("Exception")
                    .doesNotContain("java.");
            JsonNode message = Http.JSON.readTree(line);
            byId.put(message.path("id").asInt(-1), message);
        }
        assertThat(byId.get(8).get("error").get("code").asInt()).isEqualTo(-32601);
        // named as asked, as over HTTP (the SDK's own answer said "Unknown tool: invalid_tool_name")
        assertThat(byId.get(9).get("error").get("code").asInt()).isEqualTo(-32602);
        assertThat(byId.get(9).get("error").get("message").asString())
                .isEqualTo("Unknown tool 'no_such_tool': call one of the tools that tools/list names");
        assertThat(byId.get(10).get("result").get("tools")).hasSize(TypeScriptClientTest.TOOLS.size());
    }

    @Test
    void missingSettingsEndWithUsageAndNoProtocolOutput() throws Exception {
        Run run = mcp(Map.of(), REQUESTS);
        assertThat(run.exit()).isEqualTo(2);
        assertThat(run.stdout()).isEmpty();
        assertThat(run.stderr()).contains("KANBAN_URL", "Usage:");
    }
}
