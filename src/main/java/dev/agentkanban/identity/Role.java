package dev.agentkanban.identity;

/** What a caller may do in a workspace. */
public enum Role {
    ADMIN,
    MEMBER,
    AGENT,
    VIEWER;

    public boolean canWrite() {
        return this != VIEWER;
    }
}
