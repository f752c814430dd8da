import { h, type Child } from '../ui/dom';

export type NoticeKey = 'readonly' | 'draft' | 'conflict' | 'changed' | 'deleted';

export interface NoticeOptions {
  kind: 'info' | 'warn' | 'danger';
  text: Child | Child[];
  actions?: HTMLElement[];
  testid?: string;
}

/** The bars above the code: what the person should know before they go on (conflicts, drafts, read-only). */
export class Notices {
  readonly element: HTMLElement;
  private readonly shown = new Map<NoticeKey, HTMLElement>();

  constructor() {
    this.element = h('div', { class: 'notices' });
  }

  show(key: NoticeKey, options: NoticeOptions): void {
    const notice = h(
      'div',
      { class: `notice notice-${options.kind}`, role: options.kind === 'info' ? 'status' : 'alert', testid: options.testid },
      h('p', { class: 'notice-text' }, options.text),
      options.actions?.length ? h('div', { class: 'notice-actions' }, options.actions) : null,
    );
    const old = this.shown.get(key);
    if (old) old.replaceWith(notice);
    else this.element.append(notice);
    this.shown.set(key, notice);
  }

  hide(key: NoticeKey): void {
    this.shown.get(key)?.remove();
    this.shown.delete(key);
  }

  has(key: NoticeKey): boolean {
    return this.shown.has(key);
  }
}

export function noticeButton(label: string, onClick: () => void, testid?: string, primary = false): HTMLButtonElement {
  const button = h('button', { type: 'button', class: primary ? 'button button-small button-primary' : 'button button-small', testid }, label);
  button.addEventListener('click', onClick);
  return button;
}
