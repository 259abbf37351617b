/** Board templates (issue 17, seed 003): built-in and saved boards to start from — columns, tags, sample cards. */
package dev.agentkanban.template;
