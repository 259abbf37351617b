package dev.agentkanban.identity;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/** Workspace look-ups the request context needs. */
@Component
public class Workspaces {

    private final JdbcClient jdbc;
    private volatile Long defaultWorkspaceId;

    Workspaces(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** The workspace every request uses until real identities arrive (created by the first migration). */
    public long defaultWorkspaceId() {
        Long id = defaultWorkspaceId;
        if (id == null) {
            id = jdbc.sql("select id from workspaces where slug = 'default'")
                    .query(Long.class)
                    .single();
            defaultWorkspaceId = id;
        }
        return id;
    }
}
