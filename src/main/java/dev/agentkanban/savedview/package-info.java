/** Saved views (issue 17): named sets of board filters per user, optionally shared on the board. */
package dev.agentkanban.savedview;
