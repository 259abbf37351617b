// The keyboard alternative: arrows between cards, M to pick a card up, arrows to carry it, Enter to drop.
import { $ } from '../dom.js';

/** Methods of BoardView (mixed in by ../board.js); `this` is the view. */
export class BoardKeyboard {
  cardKey(e, taskId) {
    if (e.target !== e.currentTarget) return;
    const card = e.currentTarget;
    if (this.moving) {
      this.moveKey(e, card);
      return;
    }
    const key = e.key;
    if (key === 'Enter' || key === ' ') {
      e.preventDefault();
      this.onOpenCard(taskId);
    } else if ((key === 'm' || key === 'M') && this.canEdit) {
      e.preventDefault();
      this.startKeyboardMove(taskId, card);
    } else if ((key === 'F2' || key === 'e') && this.canEdit) {
      e.preventDefault();
      this.editTitle(taskId);
    } else if (key === 'ArrowDown' || key === 'ArrowUp') {
      e.preventDefault();
      const sibling = key === 'ArrowDown' ? card.nextElementSibling : card.previousElementSibling;
      sibling?.focus();
    } else if (key === 'ArrowLeft' || key === 'ArrowRight') {
      e.preventDefault();
      const column = card.closest('.column');
      const other = key === 'ArrowRight' ? column.nextElementSibling : column.previousElementSibling;
      $('.card', other || column)?.focus();
    }
  }

  startKeyboardMove(taskId, card) {
    this.moving = { id: taskId, list: card.parentElement, next: card.nextElementSibling };
    card.classList.add('moving');
    card.setAttribute('aria-grabbed', 'true');
    this.hold();
    announce('Moving card. Arrow keys move it, Enter drops it here, Escape cancels.');
  }

  moveKey(e, card) {
    e.preventDefault();
    const list = card.parentElement;
    switch (e.key) {
      case 'ArrowUp':
        if (card.previousElementSibling) list.insertBefore(card, card.previousElementSibling);
        break;
      case 'ArrowDown':
        if (card.nextElementSibling) list.insertBefore(card.nextElementSibling, card);
        break;
      case 'ArrowLeft':
      case 'ArrowRight': {
        const column = list.closest('.column');
        const other = e.key === 'ArrowRight' ? column.nextElementSibling : column.previousElementSibling;
        if (other) {
          const target = $('.cards', other);
          const index = Math.min(Array.from(list.children).indexOf(card), target.children.length);
          target.insertBefore(card, target.children[index] || null);
        }
        break;
      }
      case 'Enter':
      case ' ':
      case 'm':
      case 'M':
        this.endKeyboardMove(card, true);
        return;
      case 'Escape':
        this.endKeyboardMove(card, false);
        return;
      default:
        return;
    }
    card.focus();
    const column = this.column(Number(card.closest('.cards').dataset.columnId));
    announce(`${column ? column.name : ''}, position ${Array.from(card.parentElement.children).indexOf(card) + 1}`);
  }

  async endKeyboardMove(card, commit) {
    const { id, list, next } = this.moving;
    this.moving = null;
    card.classList.remove('moving');
    card.removeAttribute('aria-grabbed');
    const moved = card.parentElement !== list || card.nextElementSibling !== next;
    if (commit && moved) {
      await this.commitMove(id, card);
      this.release();
      announce('Card moved.');
    } else {
      this.release();
      this.snapBack();
      announce(commit ? 'Card not moved.' : 'Move cancelled.');
    }
    this.focusCard(id);
  }
}

/** Says something to screen-reader users (the live region). */
export function announce(text) {
  const region = document.getElementById('announcer');
  if (region) region.textContent = text;
}
