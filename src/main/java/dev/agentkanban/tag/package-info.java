/** Tags: a workspace's labels (name and colour) and which tasks carry them. */
package dev.agentkanban.tag;
