import { h } from '../ui/dom';
import { clockTime } from '../ui/time';

export type ActivityKind = 'info' | 'ok' | 'warn' | 'error';

/** What happened to the app while the page was open: saves, phase changes, messages, in order. */
export class ActivityPanel {
  readonly element: HTMLElement;
  private readonly list: HTMLOListElement;
  private readonly empty: HTMLElement;

  constructor() {
    this.list = h('ol', { class: 'activity', role: 'log', 'aria-label': 'Activity', testid: 'activity' });
    this.empty = h('p', { class: 'muted panel-empty' }, 'Changes to the app appear here as they happen.');
    this.element = h('div', { class: 'activity-panel' }, this.empty, this.list);
  }

  add(text: string, kind: ActivityKind = 'info'): void {
    this.empty.hidden = true;
    this.list.append(h('li', { class: `activity-item activity-${kind}` }, h('time', {}, clockTime()), h('span', {}, text)));
    // Long sessions: keep the last few hundred entries.
    while (this.list.childElementCount > 300) this.list.firstElementChild?.remove();
    // The panel scrolls itself (scrollIntoView could scroll the whole page away from the code).
    this.element.scrollTop = this.element.scrollHeight;
  }
}
