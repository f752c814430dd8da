import type { StreamState } from '../api/appData';
import { h } from '../ui/dom';

/** A live view's connection, told in a badge (live, reconnecting) and, while it is down, the reason in a line. */
export class StreamStatus {
  readonly badge = h('span', { class: 'badge', testid: 'data-state', role: 'status' });
  readonly problem = h('p', { class: 'muted panel-empty', testid: 'data-problem', hidden: true });

  show(state: StreamState, problem?: string): void {
    this.badge.textContent = state === 'live' ? 'Live' : state === 'connecting' ? 'Connecting…' : 'Reconnecting…';
    this.badge.className = `badge ${state === 'live' ? 'badge-ok' : 'badge-warn'}`;
    this.problem.textContent = problem ?? '';
    this.problem.hidden = problem === undefined || state === 'live';
  }
}
