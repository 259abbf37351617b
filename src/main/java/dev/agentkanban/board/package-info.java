/** Boards and their ordered columns (kind, WIP limit): the frame every task lives in. */
package dev.agentkanban.board;
