// Live updates for one board. Prefers the WebSocket (WS /ws?token=…&workspace_id=…: subscribe_board
// with the last event id seen, so a reconnect replays what was missed). Whenever the socket is not
// open it follows the change feed instead (GET /api/v1/events?after=<cursor>&board_id=…): one small
// request a round, every 5 s at first and after a change, growing to every 30 s while nothing changes
// (and always 30 s while the tab is hidden); a 429 waits its Retry-After. It never polls while the
// socket is open, and retries the socket with the same backoff. Each request counts against the
// credential's rate limit (RATE_LIMIT_DEFAULT, 60/min), so the fallback spends little of it.
//
// Server messages: control messages carry `type` (connected, subscribed, heartbeat, pong, error);
// board events are {event, board_id, event_id, timestamp, actor, data}. Change-feed items are the
// same events in the feed's shape and are applied the same way.
import { get, query } from './api.js';

const POLL_MIN_MS = 5000;
const POLL_MAX_MS = 30000;
const SOCKET_MIN_MS = 5000;
const SOCKET_MAX_MS = 30000;
const FEED_LIMIT = 100;

/** Close code of a socket whose caller is not (or no longer) a member of the workspace: retrying is pointless. */
const NOT_A_MEMBER = 4403;

export class LiveUpdates {
  /**
   * @param boardId     the board to follow
   * @param workspaceId the workspace the page works in (the socket is bound to it)
   * @param token       () => the bearer token (read at each connect: the page renews it)
   * @param onEvent     (event) => void, for each board event, in order
   * @param onResync    () => Promise, reload the board state (when what happened meanwhile is not known)
   * @param onStatus    ('live' | 'polling' | 'offline') => void
   * @param onNotification (message) => void, for each of the member's own notifications (issue 15)
   */
  constructor({ boardId, workspaceId, token, onEvent, onResync, onStatus, onNotification }) {
    Object.assign(this, { boardId, workspaceId, token, onEvent, onResync, onStatus, onNotification });
    this.lastEventId = null; // the cursor: every event up to it is in the state shown
    this.stopped = false;
    this.socket = null;
    this.subscribed = false;
    this.pollDelay = POLL_MIN_MS;
    this.socketDelay = SOCKET_MIN_MS;
    this.pollTimer = null;
    this.retryTimer = null;
    this.polling = false;
    this.socketUnusable = !('WebSocket' in window);
    this.status = null;
  }

  start() {
    this.connect();
    this.schedulePoll(POLL_MIN_MS);
    this.onVisible = () => {
      if (document.visibilityState !== 'visible' || this.stopped || this.socketOpen()) return;
      // back to the tab: catch up now, and try the socket again now
      this.pollDelay = POLL_MIN_MS;
      this.schedulePoll(0);
      if (!this.socket) {
        clearTimeout(this.retryTimer);
        this.connect();
      }
    };
    document.addEventListener('visibilitychange', this.onVisible);
  }

  stop() {
    this.stopped = true;
    clearTimeout(this.pollTimer);
    clearTimeout(this.retryTimer);
    document.removeEventListener('visibilitychange', this.onVisible);
    if (this.socket) {
      this.socket.onclose = null;
      this.socket.close(1000, 'leaving board');
    }
  }

  setStatus(status) {
    if (status !== this.status) {
      this.status = status;
      this.onStatus?.(status);
    }
  }

  /** Whether the socket is open (connected, and subscribed or about to be): then nothing polls. */
  socketOpen() {
    return !!this.socket && this.socket.readyState === WebSocket.OPEN;
  }

  // ---- the socket ------------------------------------------------------------------------------

  connect() {
    if (this.stopped || this.socketUnusable || this.socket) return;
    const scheme = window.location.protocol === 'https:' ? 'wss' : 'ws';
    const url = `${scheme}://${window.location.host}/ws?token=${encodeURIComponent(this.token())}`
      + `&workspace_id=${encodeURIComponent(this.workspaceId)}`;
    let socket;
    try {
      socket = new WebSocket(url);
    } catch {
      this.retry();
      return;
    }
    this.socket = socket;
    socket.onopen = () => this.cancelPoll();
    socket.onmessage = (m) => this.receive(m.data);
    socket.onclose = (e) => {
      const wasLive = this.subscribed;
      this.socket = null;
      this.subscribed = false;
      if (e && e.code === NOT_A_MEMBER) this.socketUnusable = true;
      if (wasLive) {
        // catch up from the cursor at once, then keep following the feed until the socket is back
        this.pollDelay = POLL_MIN_MS;
        this.schedulePoll(0);
      } else if (!this.pollTimer) {
        this.schedulePoll(this.pollDelay);
      }
      this.retry();
    };
    socket.onerror = () => {}; // onclose follows and handles it
  }

  retry() {
    if (this.stopped || this.socketUnusable) return;
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => this.connect(), this.socketDelay);
    this.socketDelay = Math.min(SOCKET_MAX_MS, this.socketDelay * 2);
  }

  send(message) {
    if (this.socketOpen()) this.socket.send(JSON.stringify(message));
  }

  receive(text) {
    let msg;
    try {
      msg = JSON.parse(text);
    } catch {
      return;
    }
    if (msg.event) {
      this.apply(msg);
      return;
    }
    switch (msg.type) {
      case 'connected':
        if (msg.workspace_id != null && Number(msg.workspace_id) !== Number(this.workspaceId)) {
          // bound to another workspace than the one shown (an old server): it cannot follow this board
          this.socketUnusable = true;
          this.socket.onclose = null;
          this.socket.close(1000, 'workspace mismatch');
          this.socket = null;
          this.schedulePoll(0);
          return;
        }
        this.send(this.lastEventId == null
          ? { type: 'subscribe_board', board_id: this.boardId }
          : { type: 'subscribe_board', board_id: this.boardId, last_event_id: this.lastEventId });
        break;
      case 'subscribed': {
        if (msg.board_id !== this.boardId) return;
        const fresh = this.lastEventId == null;
        this.subscribed = true;
        this.socketDelay = SOCKET_MIN_MS;
        this.pollDelay = POLL_MIN_MS;
        this.cancelPoll();
        this.setStatus('live');
        if (fresh) {
          // events up to the cursor are in the state loaded now; later ones arrive live
          if (msg.cursor != null) this.lastEventId = msg.cursor;
          this.onResync();
        }
        break;
      }
      case 'heartbeat':
        this.send({ type: 'heartbeat_response' });
        break;
      case 'notification':
        this.onNotification?.(msg);
        break;
      case 'error':
        if (msg.code === 'cursor_expired') {
          if (msg.board_id != null && msg.board_id !== this.boardId) return;
          // what was missed cannot be replayed (no longer kept, or the cursor lies beyond the feed's end,
          // e.g. after a restore): the subscription follows live after `cursor`, so take that as the cursor
          // (a cursor beyond the end would otherwise drop every live event as already applied) and start
          // again from the current state
          if (msg.cursor != null) this.lastEventId = msg.cursor;
          this.onResync();
        } else if (!this.subscribed && (msg.code === 'not_found' || msg.code === 'forbidden')) {
          this.socketUnusable = true;
          this.socket?.close(1000, 'cannot follow this board');
        }
        break;
      default:
        break;
    }
  }

  /** One board event, from the socket or the feed, applied once and in order. */
  apply(event) {
    if (event.board_id !== this.boardId) return false;
    if (this.lastEventId != null && event.event_id <= this.lastEventId) return false; // already applied
    this.lastEventId = event.event_id;
    this.onEvent(event);
    return true;
  }

  // ---- the change feed, while the socket is not open -------------------------------------------

  schedulePoll(delay) {
    if (this.stopped) return;
    clearTimeout(this.pollTimer);
    this.pollTimer = setTimeout(() => {
      this.pollTimer = null;
      this.pollOnce();
    }, delay);
  }

  cancelPoll() {
    clearTimeout(this.pollTimer);
    this.pollTimer = null;
  }

  async pollOnce() {
    if (this.stopped || this.socketOpen() || this.polling) return;
    this.polling = true;
    let next;
    try {
      next = await this.follow();
      // the socket may have gone live while the request was out: then its answer says nothing of the status
      if (!this.subscribed) this.setStatus('polling');
    } catch (e) {
      if (!this.subscribed) this.setStatus('offline');
      // the cursor expired (410) or the feed does not know it (422 on after: the database was restored
      // from an older backup, say): the next round starts again from the feed's end and a reload
      if (e && (e.status === 410 || (e.status === 422 && e.problem?.errors?.some((f) => f.field === 'after')))) {
        this.lastEventId = null;
      }
      const wait = e && e.status === 429 ? Number(e.retryAfter || e.problem?.retry_after || 0) * 1000 : 0;
      this.pollDelay = Math.min(POLL_MAX_MS, this.pollDelay * 2);
      next = Math.max(this.pollDelay, wait);
    } finally {
      this.polling = false;
    }
    if (document.visibilityState === 'hidden') next = Math.max(next, POLL_MAX_MS);
    if (!this.socketOpen()) this.schedulePoll(next);
  }

  /** One round of following the feed; answers the delay until the next one. */
  async follow() {
    if (this.lastEventId == null) {
      // no cursor yet: take the feed's end, then reload the state, which holds everything before it
      const end = await get(`/api/v1/events${query({ after: 'latest' })}`);
      if (this.lastEventId == null) this.lastEventId = end.next_cursor;
      await this.onResync();
      return this.pollDelay;
    }
    const page = await get(`/api/v1/events${query({ after: this.lastEventId, board_id: this.boardId, limit: FEED_LIMIT })}`);
    if (this.socketOpen()) return this.pollDelay; // the socket took over meanwhile and replays from the cursor
    let changed = false;
    for (const item of page.items) {
      changed = this.apply({
        event: item.type, board_id: item.board_id, event_id: item.event_id, timestamp: item.occurred_at,
        actor: item.actor, data: item.data,
      }) || changed;
    }
    if (page.next_cursor > (this.lastEventId ?? 0)) this.lastEventId = page.next_cursor;
    if (page.has_more) return 0;
    this.pollDelay = changed ? POLL_MIN_MS : Math.min(POLL_MAX_MS, this.pollDelay * 2);
    return this.pollDelay;
  }
}
