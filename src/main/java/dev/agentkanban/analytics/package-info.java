/**
 * Flow analytics (docs/analytics.md): seed 002's performance, task and drag-and-drop statistics, and
 * flow metrics reconstructed exactly from the audit trail (cumulative flow, lead and cycle time, throughput,
 * work in progress, aging work in progress), Monte Carlo forecasts and burn-up per epic.
 */
package dev.agentkanban.analytics;
