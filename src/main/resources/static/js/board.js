// The board: its state as loaded from the API (columns in order, the first tasks of each, per-column
// paging), rendering with one element per card kept across renders, drag and drop with SortableJS,
// a keyboard alternative for moving, quick-add, inline title edit, and applying changes made elsewhere.
//
// BoardView is one object for the page, its methods grouped by job in ./board/: state (loading and
// placing tasks), render, live (events from elsewhere), drag, keyboard and edit.
import { BoardState, PAGE } from './board/state.js';
import { BoardRender } from './board/render.js';
import { BoardLive } from './board/live.js';
import { BoardDrag } from './board/drag.js';
import { BoardKeyboard, announce } from './board/keyboard.js';
import { BoardEdit } from './board/edit.js';

export { PAGE, announce };

export class BoardView {
  /**
   * @param root        the element the columns go into
   * @param boardId     the board shown
   * @param canEdit     false for viewers: no drag, no quick-add, no inline edit
   * @param filter      {q, priority, epic, assignee, tag, overdue}
   * @param onOpenCard  (taskId) => void
   * @param onTaskChanged (task, {actor, deleted}) => void, for a change made elsewhere
   * @param onBoardMeta (board) => void, name/version/total changes
   */
  constructor(root, { boardId, canEdit, filter, onOpenCard, onTaskChanged, onBoardMeta }) {
    Object.assign(this, { root, boardId, canEdit, filter, onOpenCard, onTaskChanged, onBoardMeta });
    this.board = null;
    this.columns = [];
    this.tasks = new Map();
    this.colors = new Map();
    this.columnTimes = new Map();
    this.cards = new Map();
    this.flashes = new Map();
    this.sortables = [];
    this.holds = 0;
    this.renderQueued = false;
    this.moving = null;
    this.lastDragEnd = 0;
    this.eventSeq = 0; // counts task events applied, so a move's answer can tell whether events overtook it
    this.eventAt = new Map(); // task id -> eventSeq of the last event applied to it
    this.filteredTotal = 0;
    this.destroyed = false;
  }

  destroy() {
    this.destroyed = true;
    this.sortables.forEach((s) => s.destroy());
    this.root.replaceChildren();
  }

  get totalTasks() {
    return this.columns.reduce((n, c) => n + c.task_count, 0);
  }

  column(id) {
    return this.columns.find((c) => c.id === id);
  }
}

for (const part of [BoardState, BoardRender, BoardLive, BoardDrag, BoardKeyboard, BoardEdit]) {
  for (const name of Object.getOwnPropertyNames(part.prototype)) {
    if (name !== 'constructor') Object.defineProperty(BoardView.prototype, name, Object.getOwnPropertyDescriptor(part.prototype, name));
  }
}
