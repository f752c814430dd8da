import { ApiError } from '../api/client';
import { portalApi } from '../api/portalApi';
import type { Revision } from '../api/model';
import { h, replace } from '../ui/dom';
import { relativeTime } from '../ui/time';

export interface RevisionActions {
  view(revision: Revision): void;
  rollback(revision: number): Promise<void>;
}

/** The revisions that served, newest first; the serving one is marked; any other can be rolled back to. */
export class RevisionsPanel {
  readonly element: HTMLElement;
  private readonly list: HTMLElement;
  private serving: number | undefined;
  private revisions: Revision[] = [];
  private loaded = false;
  private loading: Promise<void> | undefined;

  constructor(
    private readonly app: string,
    private readonly canWrite: boolean,
    private readonly actions: RevisionActions,
  ) {
    this.list = h('div', { class: 'revisions' }, h('p', { class: 'muted panel-empty' }, 'Loading revisions…'));
    const refresh = h('button', { type: 'button', class: 'button button-small button-quiet' }, 'Refresh');
    refresh.addEventListener('click', () => void this.refresh());
    this.element = h(
      'div',
      { class: 'revisions-panel' },
      h('div', { class: 'log-toolbar' }, h('span', { class: 'muted' }, 'Every save that served becomes a revision.'), refresh),
      this.list,
    );
  }

  ensureLoaded(): void {
    if (!this.loaded) void this.refresh();
  }

  /** The serving revision changed: mark it, and fetch the list again if it is not in it yet. */
  setServing(revision: number | undefined): void {
    if (revision === this.serving) return;
    this.serving = revision;
    if (!this.loaded) return;
    if (revision !== undefined && !this.revisions.some((r) => r.spec.revision === revision)) void this.refresh();
    else this.render();
  }

  refresh(): Promise<void> {
    this.loading ??= portalApi
      .revisions(this.app)
      .then(
        (answer) => {
          this.revisions = [...answer.items].sort((a, b) => b.spec.revision - a.spec.revision);
          this.loaded = true;
          this.render();
        },
        (e: unknown) => {
          const text =
            e instanceof ApiError && e.status === 404
              ? 'No revision history yet: a revision is recorded once a save serves.'
              : `Revisions cannot be loaded: ${e instanceof Error ? e.message : String(e)}`;
          replace(this.list, h('p', { class: 'muted panel-empty' }, text));
        },
      )
      .finally(() => {
        this.loading = undefined;
      });
    return this.loading;
  }

  private render(): void {
    if (this.revisions.length === 0) {
      replace(this.list, h('p', { class: 'muted panel-empty' }, 'No revision has served yet. Save, and once the app runs its first revision appears here.'));
      return;
    }
    replace(
      this.list,
      h(
        'ol',
        { class: 'revision-list' },
        this.revisions.map((revision) => {
          const n = revision.spec.revision;
          const serving = n === this.serving;
          const view = h('button', { type: 'button', class: 'button button-small', 'aria-label': `View the files of revision ${n}` }, 'View');
          view.addEventListener('click', () => this.actions.view(revision));
          const rollback = serving
            ? null
            : h(
                'button',
                {
                  type: 'button',
                  class: 'button button-small',
                  testid: `rollback-${n}`,
                  disabled: !this.canWrite,
                  title: this.canWrite ? `Make revision ${n}'s files the app's files again` : 'Viewers cannot roll back',
                },
                `Roll back to ${n}`,
              );
          rollback?.addEventListener('click', () => {
            rollback.disabled = true;
            void this.actions.rollback(n).finally(() => {
              rollback.disabled = !this.canWrite;
            });
          });
          return h(
            'li',
            { class: serving ? 'revision serving' : 'revision', testid: `revision-${n}` },
            h(
              'div',
              { class: 'revision-title' },
              h('strong', {}, `Revision ${n}`),
              serving ? h('span', { class: 'badge badge-ok' }, 'serving') : null,
              relativeTime(revision.metadata.creationTimestamp),
            ),
            h('div', { class: 'revision-files-summary muted mono' }, revision.spec.files.map((f) => f.path).join(' · ')),
            h('div', { class: 'revision-actions' }, view, rollback),
          );
        }),
      ),
    );
  }
}
