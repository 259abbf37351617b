package dev.agentkanban.agent;

import dev.agentkanban.platform.CachedBodyRequest;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.springframework.http.MediaType;
import org.springframework.util.function.SingletonSupplier;
import org.springframework.web.util.ContentCachingResponseWrapper;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Stands in front of the MCP SDK's servlet and answers malformed messages itself with JSON-RPC errors:
 * -32700 when the body is not JSON (or nests deeper than the application's JSON limit), -32600 when it
 * is not one JSON-RPC 2.0 message, -32601 for a method this server does not offer, -32602 for params of
 * the wrong shape (a tool call needs the name of a tool and an object of arguments). The SDK answers
 * such messages by serialising its exception, stack trace included; whatever error it still produces
 * is rewritten here to code and message, and a message that names Java internals is replaced by the
 * standard text for its code. Well-formed messages pass through unchanged.
 */
final class McpGuard extends HttpServlet {

    static final int PARSE_ERROR = -32700;
    static final int INVALID_REQUEST = -32600;
    static final int METHOD_NOT_FOUND = -32601;
    static final int INVALID_PARAMS = -32602;
    static final int INTERNAL_ERROR = -32603;
    static final String PARSE_ERROR_MESSAGE =
            "Parse error: the message is not JSON, or nests deeper than the server reads";

    private static final Set<String> METHODS = Set.of("initialize", "ping", "tools/list", "tools/call");
    /** Notifications the SDK acts on; any other notification is accepted and ignored, as JSON-RPC asks. */
    private static final Set<String> NOTIFICATIONS = Set.of("notifications/initialized", "notifications/cancelled");

    private static final Map<Integer, String> STANDARD = Map.of(
            PARSE_ERROR,
            "Parse error",
            INVALID_REQUEST,
            "Invalid Request",
            METHOD_NOT_FOUND,
            "Method not found",
            INVALID_PARAMS,
            "Invalid params",
            INTERNAL_ERROR,
            "Internal error");

    /** The SDK's servlet and the names of the tools it serves, made at the first MCP request. */
    record Sdk(HttpServlet servlet, Set<String> tools) {}

    private final SingletonSupplier<Sdk> sdk;
    private volatile boolean sdkStarted;
    private final JsonMapper json;

    /**
     * {@code sdk} is asked for at the first MCP request, not at start: the SDK's server and its JSON schema
     * validator were about 1,000 of the classes a start loaded, which a service that never serves MCP does
     * not need (issue #19, the resident memory). Its servlet is initialised here, once, with this one's
     * configuration.
     */
    McpGuard(Supplier<Sdk> sdk, JsonMapper json) {
        this.sdk = SingletonSupplier.of(() -> {
            Sdk started = sdk.get();
            try {
                started.servlet().init(getServletConfig());
            } catch (ServletException e) {
                throw new IllegalStateException("the MCP SDK's servlet did not start", e);
            }
            sdkStarted = true;
            return started;
        });
        this.json = json;
    }

    @Override
    public void destroy() {
        if (sdkStarted) { // never made: nothing to stop
            sdk.obtain().servlet().destroy();
        }
    }

    /** A malformed message: the code, what to tell the client, and the id to answer (null when there is none). */
    record Refusal(int code, String message, JsonNode id) {}

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response)
            throws ServletException, IOException {
        if (!"POST".equals(request.getMethod())) {
            sdk.obtain().servlet().service(request, response);
            return;
        }
        byte[] body = request.getInputStream().readAllBytes();
        JsonNode message;
        try {
            message = json.readTree(body);
        } catch (JacksonException e) {
            message = null;
        }
        Refusal refusal = message == null || message.isMissingNode()
                ? new Refusal(PARSE_ERROR, PARSE_ERROR_MESSAGE, null)
                : check(message);
        if (refusal != null) {
            write(response, refusal.id() == null ? 400 : 200, refusal.code(), refusal.message(), refusal.id());
            return;
        }
        if (!message.has("id") && !NOTIFICATIONS.contains(message.path("method").asString(""))) {
            response.setStatus(HttpServletResponse.SC_ACCEPTED); // a notification or a response: nothing to answer
            return;
        }
        ContentCachingResponseWrapper captured = new ContentCachingResponseWrapper(response);
        sdk.obtain().servlet().service(new CachedBodyRequest(request, body), captured);
        sanitise(captured, message.get("id"));
    }

    /**
     * Whether this is one JSON-RPC 2.0 message at all (both transports): an object with
     * {@code "jsonrpc": "2.0"}, an id that is a string or an integer when present, and a string method,
     * or else a response (an id with a result or an error). Null when it is.
     */
    static Refusal envelope(JsonNode m) {
        if (!m.isObject()) {
            return new Refusal(
                    INVALID_REQUEST,
                    "Invalid Request: send one JSON-RPC message as an object (batches are not supported)",
                    null);
        }
        JsonNode id = m.get("id");
        if (!"2.0".equals(m.path("jsonrpc").asString(null))
                || (id != null && !(id.isString() || id.isIntegralNumber()))) {
            return new Refusal(
                    INVALID_REQUEST,
                    "Invalid Request: \"jsonrpc\" must be \"2.0\" and \"id\" a string or an integer",
                    null);
        }
        JsonNode method = m.get("method");
        if (method == null) {
            boolean response = id != null && (m.has("result") || m.has("error"));
            return response ? null : new Refusal(INVALID_REQUEST, "Invalid Request: \"method\" is missing", null);
        }
        if (!method.isString()) {
            return new Refusal(INVALID_REQUEST, "Invalid Request: \"method\" must be a string", null);
        }
        return null;
    }

    /** Why a parsed message is refused, or null when it may go to the SDK. */
    private Refusal check(JsonNode m) {
        Refusal envelope = envelope(m);
        if (envelope != null || m.get("method") == null) {
            return envelope;
        }
        JsonNode id = m.get("id");
        JsonNode method = m.get("method");
        if (id == null) {
            return null; // a notification: never answered with an error
        }
        if (!METHODS.contains(method.asString())) {
            return new Refusal(
                    METHOD_NOT_FOUND,
                    "Method not found: this server offers "
                            + String.join(", ", METHODS.stream().sorted().toList()),
                    id);
        }
        JsonNode params = m.get("params");
        if (params != null && !params.isNull() && !params.isObject()) {
            return new Refusal(INVALID_PARAMS, "Invalid params: \"params\" must be an object", id);
        }
        return switch (method.asString()) {
            case "tools/call" -> toolCall(params, id);
            case "initialize" -> initialize(params, id);
            default -> null;
        };
    }

    private Refusal toolCall(JsonNode params, JsonNode id) {
        Refusal unknown = unknownTool(params, id, sdk.obtain().tools());
        if (unknown != null) {
            return unknown;
        }
        JsonNode arguments = params.get("arguments");
        if (arguments != null && !arguments.isNull() && !arguments.isObject()) {
            return new Refusal(INVALID_PARAMS, "Invalid params: \"arguments\" must be an object", id);
        }
        return null;
    }

    /**
     * A tools/call whose name is missing or not a tool of this server: -32602 (the MCP specification's
     * code for an unknown tool) naming what was asked, at most {@link #MAX_NAME_SHOWN} characters of it;
     * null when the name is one of {@code tools}. Both transports answer with it.
     */
    static Refusal unknownTool(JsonNode params, JsonNode id, Set<String> tools) {
        JsonNode name = params == null ? null : params.get("name");
        if (name == null || !name.isString()) {
            return new Refusal(
                    INVALID_PARAMS, "Invalid params: \"name\" must be one of the tools that tools/list names", id);
        }
        String asked = name.asString();
        if (tools.contains(asked)) {
            return null;
        }
        String shown = asked.codePointCount(0, asked.length()) <= MAX_NAME_SHOWN
                ? asked
                : asked.substring(0, asked.offsetByCodePoints(0, MAX_NAME_SHOWN)) + "...";
        return new Refusal(
                INVALID_PARAMS, "Unknown tool '" + shown + "': call one of the tools that tools/list names", id);
    }

    private static final int MAX_NAME_SHOWN = 100;

    private static Refusal initialize(JsonNode params, JsonNode id) {
        boolean valid = params != null
                && params.path("protocolVersion").isString()
                && params.path("clientInfo").isObject()
                && params.path("clientInfo").path("name").isString()
                && (!params.has("capabilities") || params.get("capabilities").isObject());
        return valid
                ? null
                : new Refusal(
                        INVALID_PARAMS,
                        "Invalid params: initialize needs \"protocolVersion\" (a string), \"capabilities\" (an object) and"
                                + " \"clientInfo\" (an object with a name)",
                        id);
    }

    /** Passes the SDK's answer on, with any error reduced to code and message. */
    private void sanitise(ContentCachingResponseWrapper captured, JsonNode id) throws IOException {
        byte[] answer = captured.getContentAsByteArray();
        if (captured.getStatus() < 400 && contains(answer, INPUT_CHECK_FAILED)) {
            byte[] plain = plainInputRefusal(answer);
            if (plain != null) {
                captured.resetBuffer();
                HttpServletResponse response = (HttpServletResponse) captured.getResponse();
                response.setContentType(MediaType.APPLICATION_JSON_VALUE);
                response.setContentLength(plain.length);
                response.getOutputStream().write(plain);
                return;
            }
        }
        JsonNode parsed = null;
        if (answer.length > 0 && (captured.getStatus() >= 400 || contains(answer, "\"error\""))) {
            try {
                parsed = json.readTree(answer);
            } catch (JacksonException e) {
                parsed = null;
            }
        }
        JsonNode error =
                parsed == null ? null : parsed.has("jsonRpcError") ? parsed.get("jsonRpcError") : parsed.get("error");
        if (captured.getStatus() < 400 && error == null) {
            captured.copyBodyToResponse();
            return;
        }
        int code =
                error != null && error.path("code").isInt() ? error.get("code").asInt() : INTERNAL_ERROR;
        String message = error == null ? null : error.path("message").asString(null);
        captured.resetBuffer();
        HttpServletResponse response = (HttpServletResponse) captured.getResponse();
        write(
                response,
                captured.getStatus() >= 500 || id == null ? captured.getStatus() : 200,
                code,
                safe(code, message),
                id);
    }

    /** How the SDK's check of a call's arguments against the tool's input schema begins its tool error. */
    private static final String INPUT_CHECK_FAILED = "input validation failed";

    static final String PLAIN_INPUT_REFUSAL = "Validation failed (422): the arguments do not match the tool's input"
            + " schema (a number where an integer is asked, or one too large for it, say); see tools/list";

    /**
     * The SDK's tool error for arguments its schema check could not even read (a {@code 1e30} for an
     * integer: "Error parsing tool JSON Schema: 'DoubleNode' method `asLong()` ...") with the internals
     * replaced by a plain explanation; null when the answer has none of those.
     */
    private byte[] plainInputRefusal(byte[] answer) {
        JsonNode parsed;
        try {
            parsed = json.readTree(answer);
        } catch (JacksonException e) {
            return null;
        }
        JsonNode content = parsed.path("result").path("content");
        if (!parsed.path("result").path("isError").asBoolean(false) || !content.isArray()) {
            return null;
        }
        boolean changed = false;
        for (JsonNode item : content) {
            if (item instanceof ObjectNode text
                    && text.path("text").isString()
                    && text.get("text").asString().contains(INPUT_CHECK_FAILED)
                    && internal(text.get("text").asString())) {
                text.put("text", PLAIN_INPUT_REFUSAL);
                changed = true;
            }
        }
        return changed ? json.writeValueAsBytes(parsed) : null;
    }

    /** The message when it says nothing about the implementation; else the standard text for the code. */
    static String safe(int code, String message) {
        return internal(message) ? STANDARD.getOrDefault(code, "Internal error") : message;
    }

    /** Whether a message names the implementation (or says nothing): Java, the SDK, a stack trace. */
    private static boolean internal(String message) {
        return message == null
                || message.length() > 300
                || message.contains("\n")
                || message.contains("Exception")
                || message.contains("java.")
                || message.contains("io.modelcontextprotocol")
                || message.contains("`")
                || message.contains("Failed to handle request")
                || message.contains("Unexpected error");
    }

    /** A JSON-RPC error response. */
    static byte[] errorMessage(JsonMapper json, int code, String message, JsonNode id) {
        ObjectNode error = json.createObjectNode();
        error.put("code", code);
        error.put("message", message);
        ObjectNode answer = json.createObjectNode();
        answer.put("jsonrpc", "2.0");
        answer.set("id", id == null ? json.nullNode() : id);
        answer.set("error", error);
        return json.writeValueAsBytes(answer);
    }

    private void write(HttpServletResponse response, int status, int code, String message, JsonNode id)
            throws IOException {
        response.setStatus(status);
        response.setContentType(MediaType.APPLICATION_JSON_VALUE);
        byte[] bytes = errorMessage(json, code, message, id);
        response.setContentLength(bytes.length);
        response.getOutputStream().write(bytes);
    }

    private static boolean contains(byte[] haystack, String needle) {
        return new String(haystack, StandardCharsets.UTF_8).contains(needle);
    }
}
