import { h, replace } from '../ui/dom';
import type { Workspace } from './workspace';

export interface TabEvents {
  select(path: string): void;
  close(path: string): void;
}

/** The open files as tabs above the editor, each marked while it has unsaved changes. */
export class EditorTabs {
  readonly element: HTMLElement;
  private open: string[] = [];
  private active: string | undefined;
  private shown = '';

  constructor(
    private readonly workspace: Workspace,
    private readonly events: TabEvents,
  ) {
    this.element = h('div', { class: 'editor-tabs', role: 'toolbar', 'aria-label': 'Open files' });
    workspace.onChange(() => this.render());
  }

  show(path: string): void {
    if (!this.open.includes(path)) this.open.push(path);
    this.active = path;
    this.render();
  }

  rename(from: string, to: string): void {
    this.open = this.open.map((p) => (p === from ? to : p));
    if (this.active === from) this.active = to;
    this.render();
  }

  /** Closes a tab; returns the tab that becomes active (its neighbour), if any. */
  close(path: string): string | undefined {
    const index = this.open.indexOf(path);
    if (index < 0) return this.active;
    this.open.splice(index, 1);
    if (this.active === path) this.active = this.open[Math.min(index, this.open.length - 1)];
    this.render();
    return this.active;
  }

  /** Drops tabs of files that no longer exist (after their text was replaced by another version). */
  retainExisting(): string | undefined {
    this.open = this.open.filter((p) => this.workspace.has(p));
    if (this.active && !this.workspace.has(this.active)) this.active = this.open[0];
    this.render();
    return this.active;
  }

  private render(): void {
    const shown = JSON.stringify([this.active, this.open.map((p) => [p, this.workspace.isModified(p) || this.workspace.isNew(p)])]);
    if (shown === this.shown) return;
    this.shown = shown;
    replace(
      this.element,
      this.open.map((path) => {
        const changed = this.workspace.isModified(path) || this.workspace.isNew(path);
        const select = h(
          'button',
          { type: 'button', class: 'tab-select', testid: `tab-${path}`, 'aria-pressed': String(path === this.active), title: path },
          h('span', {}, path.split('/').at(-1) ?? path),
          changed ? h('span', { class: 'tab-modified', 'aria-label': 'unsaved changes', title: 'Unsaved changes' }, '●') : null,
        );
        select.addEventListener('click', () => this.events.select(path));
        const close = h('button', { type: 'button', class: 'tab-close', 'aria-label': `Close ${path}`, title: 'Close' }, '×');
        close.addEventListener('click', () => this.events.close(path));
        return h('div', { class: path === this.active ? 'tab active' : 'tab' }, select, close);
      }),
    );
  }
}
