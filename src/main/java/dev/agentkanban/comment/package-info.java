/** Comments on tasks: a discussion thread per task, each comment owned by its author. */
package dev.agentkanban.comment;
