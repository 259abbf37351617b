/**
 * Automation rules (issue 15, seed 004 "Rules"): per board, a trigger, optional conditions and actions,
 * run from the durable outbox at least once and applied exactly once per rule and event (the run's
 * unique key and status commit with its actions), as the actor {@code rule:<name>}, with a depth limit
 * carried by the events so that rules never loop. See docs/rules.md.
 */
package dev.agentkanban.rule;
