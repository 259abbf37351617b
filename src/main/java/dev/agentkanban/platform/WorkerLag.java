package dev.agentkanban.platform;

import java.util.OptionalLong;

/** Implemented by whatever follows the worker: how far, in seconds, it trails the change feed (for health). */
@FunctionalInterface
public interface WorkerLag {

    OptionalLong seconds();
}
