import { h, uid } from '../ui/dom';

export type PanelId = 'activity' | 'build-log' | 'app-log' | 'request' | 'data' | 'revisions';

export interface Panel {
  id: PanelId;
  label: string;
  content: HTMLElement;
  /** Called each time the panel is shown, e.g. to start following a log. */
  onShow?: () => void;
}

/** The side panel: ARIA tabs (arrow keys move between them), one panel visible at a time. */
export class PanelTabs {
  readonly element: HTMLElement;
  private readonly tabs = new Map<PanelId, { tab: HTMLButtonElement; panel: HTMLElement; onShow?: () => void }>();

  constructor(panels: Panel[]) {
    const list = h('div', { class: 'panel-tablist', role: 'tablist', 'aria-label': 'Panels' });
    const bodies = h('div', { class: 'panel-bodies' });
    for (const panel of panels) {
      const tabId = uid('tab');
      const panelId = uid('panel');
      const tab = h(
        'button',
        { type: 'button', role: 'tab', id: tabId, 'aria-controls': panelId, 'aria-selected': 'false', tabindex: -1, testid: `panel-${panel.id}` },
        panel.label,
      );
      tab.addEventListener('click', () => this.select(panel.id));
      tab.addEventListener('keydown', (event) => this.onKey(event, panel.id));
      const body = h('div', { role: 'tabpanel', id: panelId, 'aria-labelledby': tabId, class: 'panel-body', hidden: true }, panel.content);
      list.append(tab);
      bodies.append(body);
      this.tabs.set(panel.id, { tab, panel: body, onShow: panel.onShow });
    }
    this.element = h('section', { class: 'panels', 'aria-label': 'Activity, logs, requests, data and revisions' }, list, bodies);
  }

  select(id: PanelId, focus = false): void {
    for (const [key, { tab, panel }] of this.tabs) {
      const on = key === id;
      tab.setAttribute('aria-selected', String(on));
      tab.tabIndex = on ? 0 : -1;
      panel.hidden = !on;
    }
    const entry = this.tabs.get(id);
    if (focus) entry?.tab.focus();
    entry?.onShow?.();
  }

  private onKey(event: KeyboardEvent, id: PanelId): void {
    const ids = [...this.tabs.keys()];
    const index = ids.indexOf(id);
    const next =
      event.key === 'ArrowRight' ? ids[(index + 1) % ids.length]
      : event.key === 'ArrowLeft' ? ids[(index - 1 + ids.length) % ids.length]
      : event.key === 'Home' ? ids[0]
      : event.key === 'End' ? ids.at(-1)
      : undefined;
    if (!next) return;
    event.preventDefault();
    this.select(next, true);
  }
}
