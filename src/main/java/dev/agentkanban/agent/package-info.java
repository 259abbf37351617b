/** Agents as first-class users: the MCP server (Streamable HTTP at /mcp, and the stdio proxy mode), thin tools over the feature APIs. */
package dev.agentkanban.agent;
