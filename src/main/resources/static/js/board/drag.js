// Moving cards with the pointer (SortableJS) and through the API; a refused move snaps back.
import Sortable from '/webjars/sortablejs/modular/sortable.esm.js';
import { post } from '../api.js';
import { toast } from '../ui.js';

/** Methods of BoardView (mixed in by ../board.js); `this` is the view. */
export class BoardDrag {
  sortable(list) {
    return Sortable.create(list, {
      group: 'cards',
      draggable: '.card',
      filter: '.card-title-input, .card-edit',
      preventOnFilter: false,
      animation: 120,
      forceFallback: true, // pointer events everywhere: same behaviour with mouse, touch and automation
      fallbackTolerance: 4,
      delayOnTouchOnly: true,
      delay: 180,
      ghostClass: 'card-ghost',
      chosenClass: 'card-chosen',
      dragClass: 'card-drag',
      onStart: () => this.hold(),
      onEnd: (evt) => {
        this.lastDragEnd = Date.now();
        const taskId = Number(evt.item.dataset.taskId);
        if (evt.from === evt.to && evt.oldIndex === evt.newIndex) {
          this.release();
          return;
        }
        this.commitMove(taskId, evt.item).finally(() => this.release());
      },
    });
  }

  /** Sends the move the DOM shows for `item` (its column and its neighbour); refused → back where it was. */
  async commitMove(taskId, item) {
    const list = item.closest('.cards');
    const columnId = Number(list.dataset.columnId);
    const body = { column_id: columnId };
    const prev = item.previousElementSibling?.closest('.card');
    const next = item.nextElementSibling?.closest('.card');
    if (prev) body.after_id = Number(prev.dataset.taskId);
    else if (next) body.before_id = Number(next.dataset.taskId);
    else body.position = 0;
    this.hold();
    const since = this.eventSeq;
    try {
      const task = await post(`/api/v1/tasks/${taskId}/move`, body);
      this.release();
      await this.applyOwn(task, { since });
      return true;
    } catch (err) {
      this.release();
      toast(`Move refused: ${err.explanation || err.message}`, 'error');
      this.snapBack();
      return false;
    }
  }

  /** Puts every card back where the state says it is. */
  snapBack() {
    this.cards.forEach((c) => { if (!this.tasks.has(Number(c.el.dataset.taskId))) c.el.remove(); });
    this.render();
  }

  /** Moves a card through the API to the top or the bottom of a column (the card panel's "Move to"). */
  async moveTo(taskId, columnId, where) {
    const body = { column_id: columnId };
    const col = this.column(columnId);
    const others = col ? col.tasks.filter((id) => id !== taskId) : [];
    if (where === 'top') body.position = 0;
    else if (col && !col.has_more && others.length) body.after_id = others[others.length - 1];
    const since = this.eventSeq;
    try {
      const task = await post(`/api/v1/tasks/${taskId}/move`, body);
      await this.applyOwn(task, { since });
      return task;
    } catch (err) {
      toast(`Move refused: ${err.explanation || err.message}`, 'error');
      return null;
    }
  }
}
