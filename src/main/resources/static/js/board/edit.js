// Editing on the board itself: quick-add of a card to a column and the inline title edit.
import { post, patch, ApiError } from '../api.js';
import { h, $ } from '../dom.js';
import { toast } from '../ui.js';
import { isActive } from '../filter.js';

/** Methods of BoardView (mixed in by ../board.js); `this` is the view. */
export class BoardEdit {
  quickAddForm(columnEl) {
    const input = h('input', { type: 'text', name: 'title', maxlength: 500, placeholder: 'Card title, then Enter', autocomplete: 'off',
      'aria-label': 'New card title' });
    // closed, the form gives the focus back to the column's "+" (a hidden field would leave it nowhere)
    const close = () => {
      form.hidden = true;
      $('.add-card', columnEl)?.focus();
    };
    const form = h('form', { class: 'quick-add', hidden: true }, input,
      h('div', { class: 'quick-add-actions' },
        h('button', { type: 'submit', class: 'primary' }, 'Add'),
        h('button', { type: 'button', on: { click: close } }, 'Cancel')));
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      const title = input.value.trim();
      if (!title) return;
      input.disabled = true;
      try {
        const task = await post('/api/v1/tasks', { board_id: this.boardId, column_id: Number(columnEl.dataset.columnId), title, position: 0 });
        input.value = '';
        this.upsert(task, { created: true });
        if (isActive(this.filter)) await this.load();
        else this.render();
      } catch (err) {
        toast(`Card not added: ${err.explanation || err.message}`, 'error');
      } finally {
        input.disabled = false;
        input.focus();
      }
    });
    input.addEventListener('keydown', (e) => {
      if (e.key === 'Escape') close();
    });
    return form;
  }

  openQuickAdd(columnEl) {
    const form = $('.quick-add', columnEl);
    form.hidden = false;
    $('input', form).focus();
  }

  editTitle(taskId) {
    const task = this.tasks.get(taskId);
    const card = this.cards.get(taskId)?.el;
    if (!task || !card || !this.canEdit || card.classList.contains('editing')) return;
    const title = $('.card-title', card);
    const input = h('input', { type: 'text', class: 'card-title-input', value: task.title, maxlength: 500, 'aria-label': 'Card title' });
    card.classList.add('editing');
    title.replaceWith(input);
    input.focus();
    input.select();
    this.hold();
    let done = false;
    const finish = async (save) => {
      if (done) return;
      done = true;
      const value = input.value.trim();
      card.classList.remove('editing');
      input.replaceWith(title);
      if (save && value && value !== task.title) {
        title.textContent = value;
        try {
          const updated = await patch(`/api/v1/tasks/${taskId}`, { title: value }, { ifMatch: task.version });
          this.release();
          await this.applyOwn(updated);
        } catch (err) {
          this.release();
          title.textContent = task.title;
          if (err instanceof ApiError && err.status === 412) {
            toast('Not saved: this card was changed elsewhere meanwhile. It now shows the latest version.', 'error');
            await this.load();
          } else {
            toast(`Title not saved: ${err.explanation || err.message}`, 'error');
          }
        }
      } else {
        this.release();
      }
      this.focusCard(taskId);
    };
    input.addEventListener('keydown', (e) => {
      e.stopPropagation();
      if (e.key === 'Enter') finish(true);
      if (e.key === 'Escape') finish(false);
    });
    input.addEventListener('blur', () => finish(true));
    input.addEventListener('click', (e) => e.stopPropagation());
  }

  focusCard(taskId) {
    this.cards.get(taskId)?.el?.focus();
  }
}
