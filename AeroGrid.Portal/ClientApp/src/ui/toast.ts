import { ApiError } from '../api/client';
import { h } from './dom';

// Errors stay until dismissed (someone has to read them); information fades on its own.

let region: HTMLElement | undefined;

function toasts(): HTMLElement {
  region ??= document.body.appendChild(h('div', { class: 'toasts', 'aria-live': 'polite' }));
  return region;
}

export function showError(message: string): void {
  const close = h('button', { class: 'icon-button', type: 'button', 'aria-label': 'Dismiss' }, '×');
  const toast = h('div', { class: 'toast toast-error', role: 'alert', testid: 'error' }, h('span', {}, message), close);
  close.addEventListener('click', () => toast.remove());
  // One error at a time: the newest is the one that matters, and tests find exactly one.
  for (const old of toasts().querySelectorAll('.toast-error')) old.remove();
  toasts().append(toast);
}

export function showInfo(message: string): void {
  const toast = h('div', { class: 'toast toast-info', role: 'status' }, message);
  toasts().append(toast);
  window.setTimeout(() => toast.remove(), 4000);
}

/** Shows why something failed; a 401 is left to the session banner, which offers to sign in again. */
export function showFailure(error: unknown): void {
  if (error instanceof ApiError) {
    if (error.status !== 401) showError(error.detail);
    return;
  }
  showError(error instanceof Error ? error.message : String(error));
}
