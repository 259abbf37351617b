/**
 * The worker (SPEC §8): a separate process with its own database that follows the API's change feed
 * over HTTP, keeps a projection of the tasks, runs analysis agents (deterministic rules, and with a
 * language model configured model-backed ones, {@code ModelAgents}) as retried jobs
 * ({@code FOR UPDATE SKIP LOCKED}, so several workers share the work) and pushes what they find back
 * to the API as hints. It never connects to the API database.
 */
package dev.agentkanban.worker;
