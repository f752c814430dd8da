import { liveApps, type LiveState } from '../api/liveApps';
import type { App, Me } from '../api/model';
import { appHref, link } from '../router';
import { h, replace, uid } from '../ui/dom';
import { relativeTime } from '../ui/time';
import { topBar } from '../ui/topBar';
import { lastChange, servingRevision } from './appStatus';
import { openNewAppDialog } from './newAppDialog';
import { setPhase } from './phaseBadge';

interface Row {
  element: HTMLTableRowElement;
  phase: HTMLElement;
  revision: HTMLElement;
  url: HTMLElement;
  changed: HTMLElement;
  message: HTMLElement;
}

/**
 * `/`: the tenant's apps with their live status. Rows are kept and updated in place as changes stream in, so focus
 * and scroll stay where the person left them.
 */
export function appsPage(me: Me, root: HTMLElement): () => void {
  const newApp = newAppButton(me);
  const live = h('span', { class: 'live', role: 'status' });
  const body = h('tbody');
  const table = h(
    'table',
    { class: 'apps-table' },
    h('caption', { class: 'visually-hidden' }, `Apps of tenant ${me.tenant}, updated live`),
    h(
      'thead',
      {},
      h('tr', {}, ['Name', 'Phase', 'Serving', 'URL', 'Last change', 'Message'].map((c) => h('th', { scope: 'col' }, c))),
    ),
    body,
  );
  const empty = h('div', { class: 'empty-state', hidden: true });
  const loading = h('p', { class: 'muted loading' }, 'Loading apps…');
  const rows = new Map<string, Row>();

  replace(
    root,
    topBar(me, h('span', { 'aria-current': 'page' }, 'Apps')),
    h(
      'main',
      { class: 'apps-page', id: 'main' },
      h('div', { class: 'page-heading' }, h('h1', {}, 'Apps'), live, h('span', { class: 'spacer' }), newApp.wrapper),
      loading,
      empty,
      h('div', { class: 'table-scroll' }, table),
    ),
  );

  function render(): void {
    const apps = liveApps.all();
    loading.hidden = liveApps.loaded;
    table.hidden = !liveApps.loaded || apps.length === 0;
    empty.hidden = !liveApps.loaded || apps.length > 0;
    if (!empty.hidden && empty.childElementCount === 0) fillEmptyState(empty, me);
    const names = new Set(apps.map((a) => a.metadata.name));
    for (const [name, row] of rows) {
      if (!names.has(name)) {
        row.element.remove();
        rows.delete(name);
      }
    }
    apps.forEach((app, index) => {
      let row = rows.get(app.metadata.name);
      if (!row) {
        row = createRow(app);
        rows.set(app.metadata.name, row);
      }
      updateRow(row, app);
      if (body.children[index] !== row.element) body.insertBefore(row.element, body.children[index] ?? null);
    });
  }

  const showState = (state: LiveState) => {
    live.textContent = state === 'live' ? 'Live' : state === 'connecting' ? 'Connecting…' : 'Reconnecting…';
    live.className = `live live-${state}`;
  };
  const unsubscribe = liveApps.subscribe(render);
  const unsubscribeState = liveApps.onState(showState);
  showState(liveApps.state);
  render();
  return () => {
    unsubscribe();
    unsubscribeState();
  };
}

function newAppButton(me: Me): { wrapper: HTMLElement } {
  const hintId = uid('new-app-hint');
  const button = h(
    'button',
    {
      type: 'button',
      class: 'button button-primary',
      testid: 'new-app',
      disabled: !me.canWrite,
      'aria-describedby': me.canWrite ? undefined : hintId,
    },
    '+ New app',
  );
  button.addEventListener('click', () => openNewAppDialog());
  const hint = me.canWrite ? null : h('span', { id: hintId, class: 'hint' }, 'Viewers can look at apps but not create them.');
  return { wrapper: h('div', { class: 'new-app' }, hint, button) };
}

function fillEmptyState(empty: HTMLElement, me: Me): void {
  const action = me.canWrite
    ? h('button', { type: 'button', class: 'button button-primary', on: { click: () => openNewAppDialog() } }, 'Create your first app')
    : h('p', { class: 'muted' }, 'When someone with write access creates an app, it appears here.');
  replace(
    empty,
    h('div', { class: 'empty-illustration', 'aria-hidden': 'true' }, '{ }'),
    h('h2', {}, `No apps in ${me.tenant} yet`),
    h('p', {}, 'An app is a small Python program. Start from a template, edit it in the browser, press save, and it runs a moment later.'),
    action,
  );
}

function createRow(app: App): Row {
  const name = app.metadata.name;
  const row: Row = {
    element: h('tr', { testid: `app-row-${name}` }),
    phase: h('span', { testid: `app-phase-${name}` }),
    revision: h('td', { 'data-label': 'Serving' }),
    url: h('td', { class: 'mono', 'data-label': 'URL' }),
    changed: h('td', { 'data-label': 'Last change' }),
    message: h('td', { class: 'message', 'data-label': 'Message' }),
  };
  row.element.append(
    h('th', { scope: 'row' }, link(appHref(name), { class: 'app-link' }, name)),
    h('td', { 'data-label': 'Phase' }, row.phase),
    row.revision,
    row.url,
    row.changed,
    row.message,
  );
  // The whole row opens the app with a pointer; the name link stays the one keyboard stop.
  row.element.addEventListener('click', (event) => {
    if (event.target instanceof Element && event.target.closest('a')) return;
    row.element.querySelector('a')?.click();
  });
  return row;
}

function updateRow(row: Row, app: App): void {
  setPhase(row.phase, app);
  const revision = servingRevision(app);
  replace(row.revision, revision === undefined ? h('span', { class: 'muted' }, '—') : `Revision ${revision}`);
  replace(row.url, app.status?.url ?? h('span', { class: 'muted' }, '—'));
  replace(row.changed, relativeTime(lastChange(app)));
  row.message.textContent = app.status?.message ?? '';
  row.message.title = app.status?.message ?? '';
}
