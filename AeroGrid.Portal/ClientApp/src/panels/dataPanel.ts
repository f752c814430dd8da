import { appData, type GridSummary, type TopicSummary } from '../api/appData';
import { ApiError } from '../api/client';
import { h, replace } from '../ui/dom';
import { GridView } from './gridView';
import { TopicView } from './topicView';

type Selection = { kind: 'grid' | 'topic'; name: string };

/**
 * What the app publishes: its grids and topics, listed when the panel is first shown and again after each new
 * revision serves. Opening one shows it live (GridView, TopicView); the open one stays open across revisions,
 * its stream reconnecting by itself.
 */
export class DataPanel {
  readonly element: HTMLElement;
  private readonly list: HTMLElement;
  private readonly view: HTMLElement;
  private grids: GridSummary[] = [];
  private topics: TopicSummary[] = [];
  private selected: Selection | undefined;
  private open: GridView | TopicView | undefined;
  private loaded = false;
  private serving: number | undefined;
  private loading: Promise<void> | undefined;

  constructor(private readonly app: string) {
    this.list = h('div', { class: 'data-list', role: 'group', 'aria-label': 'Grids and topics', testid: 'data-list' });
    this.view = h('div', { class: 'data-view' }, h('p', { class: 'muted panel-empty' }, 'Loading what the app publishes…'));
    const refresh = h('button', { type: 'button', class: 'button button-small button-quiet', testid: 'data-refresh' }, 'Refresh');
    refresh.addEventListener('click', () => void this.refresh());
    this.element = h('div', { class: 'data-panel' }, h('div', { class: 'log-toolbar' }, this.list, refresh), this.view);
  }

  ensureLoaded(): void {
    if (!this.loaded) void this.refresh();
  }

  /** A new revision serves: it may publish other grids and topics. */
  setServing(revision: number | undefined): void {
    if (revision === this.serving) return;
    this.serving = revision;
    if (this.loaded) void this.refresh();
  }

  dispose(): void {
    this.open?.dispose();
  }

  refresh(): Promise<void> {
    this.loading ??= Promise.all([appData.grids(this.app), appData.topics(this.app)])
      .then(
        ([grids, topics]) => {
          this.grids = grids.grids;
          this.topics = topics.topics;
          this.loaded = true;
          this.render();
        },
        (e: unknown) => {
          this.loaded = true;
          this.grids = [];
          this.topics = [];
          this.close();
          replace(this.list);
          const text = e instanceof ApiError ? e.message : 'The data could not be listed.';
          replace(this.view, h('p', { class: 'muted panel-empty', testid: 'data-message' }, text));
        },
      )
      .finally(() => (this.loading = undefined));
    return this.loading;
  }

  private render(): void {
    const item = (kind: Selection['kind'], name: string, detail: string) => {
      const button = h(
        'button',
        { type: 'button', class: 'data-item', testid: `data-${kind}-${name}`, 'aria-pressed': String(this.isSelected(kind, name)) },
        h('span', { class: 'data-kind' }, kind === 'grid' ? 'Grid' : 'Topic'),
        name,
        h('span', { class: 'muted' }, detail),
      );
      button.addEventListener('click', () => this.select({ kind, name }));
      return button;
    };
    replace(
      this.list,
      this.grids.map((g) => item('grid', g.name, `${g.rows.toLocaleString('en-US')} rows`)),
      this.topics.map((t) => item('topic', t.name, `${t.published.toLocaleString('en-US')} sent`)),
    );
    const still = this.selected && (this.selected.kind === 'grid' ? this.grids : this.topics).some((x) => x.name === this.selected?.name);
    if (still && this.open) return;
    this.close();
    const first = this.grids[0] ? { kind: 'grid' as const, name: this.grids[0].name } : this.topics[0] ? { kind: 'topic' as const, name: this.topics[0].name } : undefined;
    if (first) {
      this.select(first);
      return;
    }
    replace(
      this.view,
      h(
        'p',
        { class: 'muted panel-empty', testid: 'data-message' },
        'This app publishes no grids or topics. A grid is app.Grid(name, Record, key=...), a topic app.topic(name) or @app.stream(name).',
      ),
    );
  }

  private isSelected(kind: Selection['kind'], name: string): boolean {
    return this.selected?.kind === kind && this.selected.name === name;
  }

  private select(selection: Selection): void {
    if (this.open && this.isSelected(selection.kind, selection.name)) return;
    this.close();
    this.selected = selection;
    this.open = selection.kind === 'grid' ? new GridView(this.app, selection.name) : new TopicView(this.app, selection.name);
    replace(this.view, this.open.element);
    for (const button of this.list.querySelectorAll('button')) {
      button.setAttribute('aria-pressed', String(button.dataset.testid === `data-${selection.kind}-${selection.name}`));
    }
  }

  private close(): void {
    this.open?.dispose();
    this.open = undefined;
  }
}
