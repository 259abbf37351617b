package dev.agentkanban.tag;

/** A tag as it appears on a task. Names are unique per workspace, ignoring case; colour is {@code #rrggbb}. */
public record Tag(long id, String name, String color) {}
