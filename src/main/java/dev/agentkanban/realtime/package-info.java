/**
 * Live board updates over WebSocket ({@code /ws}, {@code /ws/connect}): connections, board
 * subscriptions with catch-up from the outbox, heartbeats and limits. Events come from this
 * instance's {@code events.ChangeStream}, i.e. from the committed outbox, never from memory.
 */
package dev.agentkanban.realtime;
