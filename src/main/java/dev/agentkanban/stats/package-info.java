/** Board statistics: task counts by column, priority and status, this week's progress, time in column. */
package dev.agentkanban.stats;
