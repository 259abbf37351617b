/**
 * People in the loop (issue 15): watchers, mentions, each member's inbox of notifications (REST, live
 * over the WebSocket, MCP), due-date reminders, and the fan-out that turns the durable outbox into
 * notifications.
 */
package dev.agentkanban.notification;
