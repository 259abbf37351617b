package dev.agentkanban.agent;

import dev.agentkanban.identity.Caller;
import dev.agentkanban.identity.CurrentRequest;
import dev.agentkanban.identity.RequestContext;
import dev.agentkanban.identity.Role;
import dev.agentkanban.identity.Roles;
import dev.agentkanban.platform.ApiException;
import dev.agentkanban.platform.ServiceInfo;
import dev.agentkanban.platform.StoredJson;
import io.modelcontextprotocol.common.McpTransportContext;
import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.server.McpStatelessServerFeatures.SyncToolSpecification;
import io.modelcontextprotocol.server.McpStatelessSyncServer;
import io.modelcontextprotocol.server.transport.HttpServletStatelessServerTransport;
import io.modelcontextprotocol.spec.McpSchema.CallToolRequest;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import io.modelcontextprotocol.spec.McpSchema.ServerCapabilities;
import io.modelcontextprotocol.spec.McpSchema.TextContent;
import io.modelcontextprotocol.spec.McpSchema.Tool;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.web.servlet.ServletRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Lazy;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.dao.QueryTimeoutException;
import org.springframework.dao.TransientDataAccessResourceException;
import org.springframework.transaction.CannotCreateTransactionException;
import tools.jackson.databind.json.JsonMapper;

/**
 * MCP over Streamable HTTP at {@code /mcp}, with the official MCP Java SDK in its stateless form: every
 * JSON-RPC message is one POST answered with one JSON response, and no session lives on the server, so
 * any instance behind a load balancer can answer any call. Each POST passes Spring Security like any
 * API request (bearer token or {@code ?token=}; 401 without), and the tool runs with the
 * {@link RequestContext} the authentication filter bound for that very request: the caller's workspace,
 * name (the actor in history) and role. Write tools need the agent role, so a viewer (or a read-scoped
 * token) can only read the board; the caller's own inbox (mark_notifications_read) needs a credential with
 * the write scope, whatever the role, as over REST. {@code MCP_ENABLED=false} leaves the endpoint out (404).
 */
@Configuration
@ConditionalOnBooleanProperty(name = "kanban.mcp-enabled", matchIfMissing = true)
class McpEndpoint {

    static final String PATH = "/mcp";
    private static final String CONTEXT_KEY = RequestContext.class.getName();
    private static final String CALLER_KEY = Caller.class.getName();
    private static final Logger log = LoggerFactory.getLogger(McpEndpoint.class);

    @Bean
    @Lazy // made with the server at the first MCP request (McpGuard)
    HttpServletStatelessServerTransport mcpTransport() {
        return HttpServletStatelessServerTransport.builder()
                .jsonMapper(McpJsonDefaults.getMapper())
                .messageEndpoint(PATH)
                // runs on the request's thread, inside the authentication filter: capture its context
                .contextExtractor(request -> {
                    RequestContext ctx = CurrentRequest.orNull();
                    if (ctx == null) {
                        return McpTransportContext.EMPTY;
                    }
                    // the credential's scopes, for the tools that need a scope rather than a role
                    return request.getAttribute(CALLER_KEY) instanceof Caller caller
                            ? McpTransportContext.create(Map.of(CONTEXT_KEY, ctx, CALLER_KEY, caller))
                            : McpTransportContext.create(Map.of(CONTEXT_KEY, ctx));
                })
                .build();
    }

    /** The SDK's servlet behind {@link McpGuard}, which answers malformed messages with JSON-RPC errors. */
    @Bean
    ServletRegistrationBean<McpGuard> mcpServlet(
            ObjectProvider<McpStatelessSyncServer> server,
            ObjectProvider<HttpServletStatelessServerTransport> transport,
            JsonMapper json) {
        Supplier<McpGuard.Sdk> sdk = () -> {
            server.getObject(); // the server registers its handler with the transport
            Set<String> tools = ToolCatalog.tools().stream().map(Tool::name).collect(Collectors.toUnmodifiableSet());
            return new McpGuard.Sdk(transport.getObject(), tools);
        };
        ServletRegistrationBean<McpGuard> servlet = new ServletRegistrationBean<>(new McpGuard(sdk, json), PATH);
        servlet.setName("mcp");
        servlet.setLoadOnStartup(1);
        return servlet;
    }

    @Bean(destroyMethod = "close")
    @Lazy
    McpStatelessSyncServer mcpServer(
            HttpServletStatelessServerTransport transport, KanbanTools tools, JsonMapper json, ServiceInfo info) {
        List<SyncToolSpecification> specs = ToolCatalog.tools().stream()
                .map(tool ->
                        new SyncToolSpecification(tool, (context, call) -> invoke(tools, json, tool, context, call)))
                .toList();
        return McpServer.sync(transport)
                .serverInfo(ToolCatalog.SERVER_NAME, info.version())
                .instructions(ToolCatalog.INSTRUCTIONS)
                .capabilities(ServerCapabilities.builder().tools(false).build())
                .tools(specs)
                .immediateExecution(true)
                .build();
    }

    /**
     * Runs one tool call as the caller. A failure the caller can act on (bad argument, not found,
     * conflict, forbidden, database briefly away) is a tool error carrying the same explanation REST's
     * problem details give; anything else is a tool error without internals, logged here.
     */
    static CallToolResult invoke(
            KanbanTools tools, JsonMapper json, Tool tool, McpTransportContext context, CallToolRequest call) {
        if (!(context.get(CONTEXT_KEY) instanceof RequestContext ctx)) {
            return error("Forbidden (403): you are not a member of any workspace; ask an admin to add you");
        }
        try {
            return CurrentRequest.runAs(ctx, () -> {
                if (ToolCatalog.OWN_INBOX.contains(tool.name()) && context.get(CALLER_KEY) instanceof Caller caller) {
                    // the caller's own inbox: any member may change it, with a credential that may write
                    // (REST: POST /api/v1/notifications/read-all needs the write scope and the viewer role)
                    // (the admin scope includes write there, so here too)
                    if (!caller.mayWrite()) {
                        throw Roles.forbidden(
                                "this needs a credential with the 'write' scope; yours has " + caller.scopes());
                    }
                } else if (!ToolCatalog.readOnly(tool)) {
                    Roles.require(Role.AGENT);
                }
                // a NUL or a lone surrogate is refused naming the argument, as REST names the field
                if (call.arguments() != null) {
                    call.arguments().forEach(StoredJson::check);
                }
                Object result = tools.call(tool.name(), new ToolArguments(call.arguments()));
                return success(json, result);
            });
        } catch (ApiException e) {
            return error(describe(e));
        } catch (DuplicateKeyException e) {
            return error("Conflict (409): a resource with the same unique value already exists");
        } catch (DataIntegrityViolationException e) {
            return error("Validation failed (422): the request violates a data constraint");
        } catch (CannotCreateTransactionException
                | DataAccessResourceFailureException
                | TransientDataAccessResourceException
                | QueryTimeoutException e) {
            log.warn("MCP tool {}: database unavailable: {}", tool.name(), e.getMessage());
            return error("Service unavailable (503): the database is not reachable; try again in a few seconds");
        } catch (RuntimeException e) {
            log.error("MCP tool {} failed for {}", tool.name(), ctx.actor(), e);
            return error(
                    "Internal error (500): " + tool.name() + " could not be completed; the server logged the cause");
        }
    }

    private static CallToolResult success(JsonMapper json, Object result) {
        String text = json.writeValueAsString(result);
        Object structured = json.readValue(text, Object.class);
        return CallToolResult.builder()
                .content(List.of(new TextContent(text)))
                .structuredContent(structured)
                .isError(false)
                .build();
    }

    static CallToolResult error(String message) {
        return CallToolResult.builder()
                .content(List.of(new TextContent(message)))
                .isError(true)
                .build();
    }

    /** "Title (status): detail", plus each field error when there are several. */
    static String describe(ApiException e) {
        StringBuilder s = new StringBuilder(e.title())
                .append(" (")
                .append(e.status().value())
                .append("): ")
                .append(e.getMessage());
        if (e.properties().get("errors") instanceof List<?> errors && errors.size() > 1) {
            for (Object error : errors) {
                if (error instanceof ApiException.FieldError f) {
                    s.append("; ").append(f.field()).append(": ").append(f.message());
                }
            }
        }
        return s.toString();
    }
}
