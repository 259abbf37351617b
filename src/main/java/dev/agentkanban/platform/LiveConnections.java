package dev.agentkanban.platform;

/** Implemented by the live-updates feature: how many clients hold an open connection now (for health). */
@FunctionalInterface
public interface LiveConnections {

    int count();
}
