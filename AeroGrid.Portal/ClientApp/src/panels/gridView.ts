import { appData, LiveStream, type Column, type GridDelete, type GridSnapshot, type GridUpsert, type Row } from '../api/appData';
import { StreamStatus } from './streamStatus';
import { h, replace } from '../ui/dom';

/** How long a row that just changed stays highlighted. */
const highlightMs = 1500;

const numberFormat = new Intl.NumberFormat('en-US');

function cellText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

function compareValues(a: unknown, b: unknown): number {
  // Empty cells last (ascending), numbers by value, text in the reader's collation with digits as numbers.
  if (a === b) return 0;
  if (a === null || a === undefined) return 1;
  if (b === null || b === undefined) return -1;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return cellText(a).localeCompare(cellText(b), undefined, { numeric: true });
}

/**
 * One grid, live: its snapshot, then each upsert and delete. Events are gathered and applied once per animation
 * frame, and only the rows that changed are touched, so 1,000 rows at 100 updates a second keep the page responsive.
 * The order of the rows is recomputed only when a change can move one (a new row, a deletion, a changed value in
 * the sorted column that leaves a row out of order, or a row that enters or leaves the filter).
 */
export class GridView {
  readonly element: HTMLElement;
  private readonly head: HTMLTableRowElement;
  private readonly body: HTMLTableSectionElement;
  private readonly count: HTMLElement;
  private readonly status = new StreamStatus();
  private readonly filterInput: HTMLInputElement;
  private readonly stream: LiveStream;

  private key = '';
  private columns: Column[] = [];
  private readonly rows = new Map<string, Row>();
  private readonly elements = new Map<string, HTMLTableRowElement>();
  private sort: { column: string; descending: boolean } | undefined;
  private filter = '';

  // Waiting for the next frame: the last snapshot, and the changes after it by row key (null: deleted).
  private pendingSnapshot: GridSnapshot | undefined;
  private readonly pending = new Map<string, Row | null>();
  private frame: number | undefined;
  private readonly highlighted = new Map<string, number>();
  private sweep: number | undefined;

  constructor(app: string, grid: string) {
    this.count = h('span', { class: 'grid-count muted', testid: 'grid-count', 'aria-live': 'polite' });
    this.filterInput = h('input', {
      type: 'search',
      class: 'input grid-filter',
      placeholder: 'Filter rows',
      'aria-label': `Filter the rows of ${grid}`,
      testid: 'grid-filter',
    });
    this.filterInput.addEventListener('input', () => {
      this.filter = this.filterInput.value.trim().toLowerCase();
      this.reorder();
      this.showCount();
    });
    this.head = h('tr');
    this.body = h('tbody');
    this.element = h(
      'div',
      { class: 'grid-view' },
      h('div', { class: 'log-toolbar' }, this.filterInput, this.count, this.status.badge),
      this.status.problem,
      h('div', { class: 'grid-scroll', tabindex: 0 }, h('table', { class: 'grid-table', testid: 'grid-table', 'aria-label': grid }, h('thead', {}, this.head), this.body)),
    );
    this.stream = new LiveStream({
      url: appData.gridEventsUrl(app, grid),
      events: {
        snapshot: (data) => this.onSnapshot(JSON.parse(data) as GridSnapshot),
        upsert: (data) => this.onUpsert(JSON.parse(data) as GridUpsert),
        delete: (data) => this.onDelete(JSON.parse(data) as GridDelete),
      },
      onState: (state, problem) => this.status.show(state, problem),
      explain: () => appData.refusalOf(app, 'grids', grid),
    });
  }

  dispose(): void {
    this.stream.stop();
    if (this.frame !== undefined) cancelAnimationFrame(this.frame);
    window.clearTimeout(this.sweep);
  }

  private onSnapshot(snapshot: GridSnapshot): void {
    this.pendingSnapshot = snapshot;
    this.pending.clear();
    this.schedule();
  }

  private onUpsert(upsert: GridUpsert): void {
    this.pending.set(cellText(upsert.row[this.pendingSnapshot?.key ?? this.key]), upsert.row);
    this.schedule();
  }

  private onDelete(deletion: GridDelete): void {
    this.pending.set(cellText(deletion.key), null);
    this.schedule();
  }

  private schedule(): void {
    this.frame ??= requestAnimationFrame(() => {
      this.frame = undefined;
      this.apply();
    });
  }

  private apply(): void {
    let reorder = false;
    if (this.pendingSnapshot) {
      this.load(this.pendingSnapshot);
      this.pendingSnapshot = undefined;
      reorder = true;
    }
    const now = performance.now();
    for (const [key, row] of this.pending) {
      const element = this.elements.get(key);
      if (row === null) {
        this.rows.delete(key);
        this.elements.delete(key);
        this.highlighted.delete(key);
        element?.remove();
        continue;
      }
      this.rows.set(key, row);
      if (!element) {
        this.elements.set(key, this.rowElement(key, row));
        reorder = true;
      } else {
        this.update(element, row);
        reorder ||= element.isConnected !== this.matches(row) || (element.isConnected && this.outOfOrder(element, row));
      }
      this.highlight(key, now);
    }
    this.pending.clear();
    if (reorder) this.reorder();
    this.showCount();
  }

  private load(snapshot: GridSnapshot): void {
    this.key = snapshot.key;
    const sameColumns = snapshot.columns.map((c) => c.name).join('\n') === this.columns.map((c) => c.name).join('\n');
    this.columns = snapshot.columns;
    if (!sameColumns) {
      if (this.sort && !this.columns.some((c) => c.name === this.sort?.column)) this.sort = undefined;
      this.renderHead();
    }
    this.rows.clear();
    this.elements.clear();
    this.highlighted.clear();
    for (const row of snapshot.rows) {
      const key = cellText(row[this.key]);
      this.rows.set(key, row);
      this.elements.set(key, this.rowElement(key, row));
    }
  }

  private renderHead(): void {
    replace(
      this.head,
      this.columns.map((column) => {
        const button = h('button', { type: 'button', class: 'grid-sort', testid: `grid-sort-${column.name}` }, column.name);
        button.addEventListener('click', () => this.sortBy(column.name));
        const sorted = this.sort?.column === column.name ? (this.sort.descending ? 'descending' : 'ascending') : 'none';
        return h('th', { scope: 'col', 'aria-sort': sorted, class: this.numeric(column) ? 'numeric' : undefined }, button);
      }),
    );
  }

  private sortBy(column: string): void {
    this.sort = { column, descending: this.sort?.column === column && !this.sort.descending };
    this.renderHead();
    this.reorder();
  }

  private rowElement(key: string, row: Row): HTMLTableRowElement {
    const element = h(
      'tr',
      { testid: `grid-row-${key}`, 'data-key': key },
      this.columns.map((column) => h('td', { 'data-column': column.name, class: this.numeric(column) ? 'numeric' : undefined }, cellText(row[column.name]))),
    );
    return element;
  }

  /** Sets only the cells whose text changed. */
  private update(element: HTMLTableRowElement, row: Row): void {
    this.columns.forEach((column, index) => {
      const cell = element.cells[index];
      const text = cellText(row[column.name]);
      if (cell && cell.textContent !== text) cell.textContent = text;
    });
  }

  /** Whether a shown row now sorts before the row above it or after the row below it. */
  private outOfOrder(element: HTMLTableRowElement, row: Row): boolean {
    if (!this.sort) return false;
    const neighbour = (e: Element | null) => {
      const key = (e as HTMLElement | null)?.dataset.key;
      return key === undefined ? undefined : this.rows.get(key);
    };
    const before = neighbour(element.previousElementSibling);
    const after = neighbour(element.nextElementSibling);
    return (before !== undefined && this.compare(before, row) > 0) || (after !== undefined && this.compare(row, after) > 0);
  }

  private compare(a: Row, b: Row): number {
    if (!this.sort) return 0;
    const order = compareValues(a[this.sort.column], b[this.sort.column]);
    return this.sort.descending ? -order : order;
  }

  private matches(row: Row): boolean {
    return this.filter === '' || this.columns.some((column) => cellText(row[column.name]).toLowerCase().includes(this.filter));
  }

  private reorder(): void {
    let keys = [...this.rows.keys()].filter((key) => this.matches(this.rows.get(key)!));
    if (this.sort) keys = keys.sort((a, b) => this.compare(this.rows.get(a)!, this.rows.get(b)!));
    this.body.replaceChildren(...keys.map((key) => this.elements.get(key)!));
  }

  private highlight(key: string, now: number): void {
    this.elements.get(key)?.classList.add('row-changed');
    this.highlighted.set(key, now + highlightMs);
    this.sweep ??= window.setTimeout(() => this.unhighlight(), highlightMs);
  }

  private unhighlight(): void {
    this.sweep = undefined;
    const now = performance.now();
    for (const [key, until] of this.highlighted) {
      if (until > now) continue;
      this.elements.get(key)?.classList.remove('row-changed');
      this.highlighted.delete(key);
    }
    if (this.highlighted.size > 0) this.sweep = window.setTimeout(() => this.unhighlight(), 250);
  }

  private showCount(): void {
    const total = this.rows.size;
    const rows = `${numberFormat.format(total)} ${total === 1 ? 'row' : 'rows'}`;
    this.count.textContent = this.filter === '' ? rows : `${numberFormat.format(this.body.childElementCount)} of ${rows}`;
  }


  private numeric(column: Column): boolean {
    return column.type === 'integer' || column.type === 'number';
  }
}
