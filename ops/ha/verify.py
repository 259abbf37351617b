#!/usr/bin/env python3
"""Checks what the drill's clients recorded (load.mjs OUT) against the database behind HAProxy.

  verify.py OUT.json BOARD HOOK_START [EVENT_AT_MS] > figures.json

- every acknowledged write is there: created tasks exist, acknowledged moves left the task in that
  column, acknowledged comments exist;
- every event of the board after a subscriber subscribed reached it (resuming with last_event_id);
- every event of the board after the webhook was created was delivered at least once;
- read-your-writes: every export a writer made after its own create contained that task (the export
  is a heavy read, served by the read replica once it has replayed the writer's commit);
- failures: what the clients got instead of a 2xx, by kind (503 problem documents, others);
- with EVENT_AT_MS (when the primary was killed, or the restart began): the longest time without an
  acknowledged write around it.
Prints the figures as JSON; exits 1 when a write, an event or a delivery is missing."""
import json, os, subprocess, sys

out = json.load(open(sys.argv[1]))
board, hook_start = int(sys.argv[2]), int(sys.argv[3])
event_at = int(sys.argv[4]) if len(sys.argv) > 4 else None
env = os.environ

def sql(q):
    r = subprocess.run(["psql", "-h", "127.0.0.1", "-p", env.get("DB_PRIMARY", "25000"), "-U", "postgres", "-d", "kanban",
                        "-Atq", "-c", q], capture_output=True, text=True, check=True)
    return [l for l in r.stdout.splitlines() if l]

acks = out["acks"]
created = {a["task_id"] for a in acks if a["kind"] == "create"}
moves = {a["task_id"]: a["column_id"] for a in acks if a["kind"] == "move"}
comments = {a["comment_id"] for a in acks if a["kind"] == "comment"}
ids = ",".join(map(str, created)) or "0"
tasks = dict(tuple(map(int, l.split("|"))) for l in sql(f"select id, column_id from tasks where id in ({ids})"))
lost_tasks = sorted(created - tasks.keys())
lost_moves = sorted(t for t, c in moves.items() if tasks.get(t) != c)
found_comments = {int(l) for l in sql("select id from comments where id in (%s)" % (",".join(map(str, comments)) or "0"))}
lost_comments = sorted(comments - found_comments)

last_event = int(sql(f"select coalesce(max(id), 0) from outbox_events where board_id = {board}")[0])
def events_after(start):
    return {int(l) for l in sql(f"select id from outbox_events where board_id = {board} and id > {start}")}
sockets = []
for s in out["sockets"]:
    expected = events_after(s["start"] or 0)
    missed = sorted(expected - set(s["events"]))
    sockets.append({"subscriber": s["n"], "expected": len(expected), "received": len(set(s["events"]) & expected),
                    "missed": len(missed), "missed_ids": missed[:20], "connections": s["connects"], "duplicates": s["duplicates"]})
hook_expected = events_after(hook_start)
delivered = {int(k) for k in out["webhook"]}
hook_missing = sorted(hook_expected - delivered)
redelivered = sum(1 for k, v in out["webhook"].items() if v > 1)

failures = out["failures"]
by_kind = {}
for f in failures:
    key = "network error" if f["status"] == 0 else ("%d problem+json" % f["status"] if f["problem"] else "%d other" % f["status"])
    by_kind[key] = by_kind.get(key, 0) + 1
non_503 = [f for f in failures if not (f["status"] == 503 and f["problem"])]
in_progress = [f for f in failures if f["status"] == 409 and (f.get("type") or "").endswith("/idempotency-in-progress")]

gap = None
if event_at:
    times = sorted(a["at"] for a in acks)
    before = [t for t in times if t <= event_at]
    after = [t for t in times if t > event_at]
    gap = {"last_ack_before_ms": (event_at - before[-1]) if before else None,
           "first_ack_after_ms": (after[0] - event_at) if after else None}
    # the longest time without any acknowledged write, from just before the event to the end
    span = [t for t in times if t >= event_at - 5000]
    gap["longest_without_ack_ms"] = max((b - a for a, b in zip(span, span[1:])), default=None)
    window = [f for f in failures if f["at"] >= event_at]
    gap["failures_after_event"] = len(window)
    gap["last_failure_after_ms"] = (max(f["at"] for f in window) - event_at) if window else None

figures = {
    "duration_s": round((out["stopped_at"] - out["started_at"]) / 1000, 1),
    "requests": out["requests"],
    "writes_acknowledged": {"create": len(created), "move": len(moves), "comment": len(comments), "total": len(acks)},
    "writes_lost": {"create": len(lost_tasks), "move": len(lost_moves), "comment": len(lost_comments)},
    "lost_ids": {"tasks": lost_tasks[:20], "moves": lost_moves[:20], "comments": lost_comments[:20]},
    "failed_attempts": len(failures), "failed_by_kind": by_kind,
    "failed_not_503_problem": len(non_503), "failed_not_503_examples": non_503[:5],
    "idempotency_in_progress_409": len(in_progress),
    "idempotency_in_progress_span_s": round((max(f["at"] for f in in_progress) - min(f["at"] for f in in_progress)) / 1000, 1) if in_progress else 0,
    "client_timeouts": out["timeouts"], "max_request_ms": out["max_request_ms"],
    "websocket": sockets, "websocket_events_missed": sum(s["missed"] for s in sockets),
    "webhook": {"expected": len(hook_expected), "delivered": len(hook_expected & delivered), "missing": len(hook_missing),
                "missing_ids": hook_missing[:20], "delivered_more_than_once": redelivered},
    "read_your_writes": {"exports_checked": out.get("read_your_writes", {}).get("checked", 0),
                         "own_write_missing": len(out.get("read_your_writes", {}).get("missing", []))},
    "last_event_id": last_event,
    "around_event": gap,
}
print(json.dumps(figures, indent=1))
ok = not (lost_tasks or lost_moves or lost_comments or hook_missing) and figures["websocket_events_missed"] == 0 \
    and figures["read_your_writes"]["own_write_missing"] == 0
sys.exit(0 if ok else 1)
