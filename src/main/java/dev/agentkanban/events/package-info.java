/**
 * Events: the durable outbox every change appends to, the gap-free change feed read from it, and the
 * stream that hands committed events to live delivery on each instance.
 */
package dev.agentkanban.events;
