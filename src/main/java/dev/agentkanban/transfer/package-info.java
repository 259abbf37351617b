/** Getting work in and out: TODO.md migration (seed 000), Trello, CSV and whole-workspace JSON, over HTTP and as CLI commands. */
package dev.agentkanban.transfer;
