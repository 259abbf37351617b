// Live updates for one board. Prefers the WebSocket (WS /ws?token=…: subscribe_board with the last
// event id seen, so a reconnect replays what was missed); whenever the socket is not open it polls
// through the `poll` callback every POLL_MS instead, so the board stays current without it.
//
// Server messages: control messages carry `type` (connected, subscribed, heartbeat, pong, error);
// board events are {event, board_id, event_id, timestamp, actor, data}.

const POLL_MS = 2000;
const MAX_BACKOFF_MS = 30000;

export class LiveUpdates {
  /**
   * @param boardId     the board to follow
   * @param workspaceId the workspace the page works in (the socket must be bound to the same one)
   * @param token       the bearer token
   * @param onEvent     (event) => void, for each board event, in order
   * @param onResync    () => Promise, reload the board state (after subscribing or when events were lost)
   * @param poll        () => Promise, one polling round (used while the socket is not open)
   * @param onStatus    ('live' | 'polling' | 'offline') => void
   */
  constructor({ boardId, workspaceId, token, onEvent, onResync, poll, onStatus }) {
    Object.assign(this, { boardId, workspaceId, token, onEvent, onResync, poll, onStatus });
    this.lastEventId = null;
    this.stopped = false;
    this.socket = null;
    this.subscribed = false;
    this.backoff = POLL_MS;
    this.pollTimer = null;
    this.retryTimer = null;
    this.socketUnusable = !('WebSocket' in window);
    this.status = null;
  }

  start() {
    this.schedulePoll(POLL_MS);
    this.connect();
    this.onVisible = () => {
      if (document.visibilityState === 'visible' && !this.subscribed) this.schedulePoll(0);
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

  connect() {
    if (this.stopped || this.socketUnusable) return;
    const scheme = window.location.protocol === 'https:' ? 'wss' : 'ws';
    const url = `${scheme}://${window.location.host}/ws?token=${encodeURIComponent(this.token)}`
      + `&workspace_id=${encodeURIComponent(this.workspaceId)}`;
    let socket;
    try {
      socket = new WebSocket(url);
    } catch {
      this.retry();
      return;
    }
    this.socket = socket;
    socket.onmessage = (m) => this.receive(m.data);
    socket.onclose = () => {
      this.socket = null;
      this.subscribed = false;
      this.schedulePoll(0); // catch up at once, then keep polling until the socket is back
      this.retry();
    };
    socket.onerror = () => {}; // onclose follows and handles it
  }

  retry() {
    if (this.stopped || this.socketUnusable) return;
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => this.connect(), this.backoff);
    this.backoff = Math.min(MAX_BACKOFF_MS, this.backoff * 2);
  }

  send(message) {
    if (this.socket && this.socket.readyState === WebSocket.OPEN) this.socket.send(JSON.stringify(message));
  }

  receive(text) {
    let msg;
    try {
      msg = JSON.parse(text);
    } catch {
      return;
    }
    if (msg.event) {
      if (msg.board_id !== this.boardId) return;
      if (this.lastEventId != null && msg.event_id <= this.lastEventId) return; // already applied
      this.lastEventId = msg.event_id;
      this.onEvent(msg);
      return;
    }
    switch (msg.type) {
      case 'connected':
        if (msg.workspace_id != null && Number(msg.workspace_id) !== Number(this.workspaceId)) {
          // the socket was bound to another workspace than the one shown: it cannot follow this board
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
        this.backoff = POLL_MS;
        clearTimeout(this.pollTimer);
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
      case 'error':
        if (msg.code === 'gone' || msg.code === 'events_expired') {
          // what was missed is no longer kept: start again from the current state
          this.lastEventId = null;
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

  schedulePoll(delay) {
    if (this.stopped) return;
    clearTimeout(this.pollTimer);
    this.pollTimer = setTimeout(() => this.pollOnce(), delay);
  }

  async pollOnce() {
    if (this.stopped || this.subscribed) return;
    if (document.visibilityState === 'hidden') {
      this.schedulePoll(POLL_MS * 5);
      return;
    }
    let next = POLL_MS;
    try {
      await this.poll();
      this.setStatus('polling');
    } catch (e) {
      this.setStatus('offline');
      if (e && e.status === 429) next = Math.max(POLL_MS, Number(e.problem?.retry_after || 5) * 1000);
    }
    if (!this.subscribed) this.schedulePoll(next);
  }
}
