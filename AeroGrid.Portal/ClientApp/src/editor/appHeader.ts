import { servingRevision } from '../apps/appStatus';
import { setPhase } from '../apps/phaseBadge';
import type { App } from '../api/model';
import { h, replace } from '../ui/dom';

export interface HeaderActions {
  save(): void;
  setStopped(stopped: boolean): void;
  remove(): void;
}

const saveShortcut = /Mac|iPhone|iPad/.test(navigator.userAgent) ? '⌘S' : 'Ctrl+S';

/** The app's name, live state and the actions on it. */
export class AppHeader {
  readonly element: HTMLElement;
  private readonly phase: HTMLElement;
  private readonly serving: HTMLElement;
  private readonly url: HTMLElement;
  private readonly message: HTMLElement;
  private readonly saveButton: HTMLButtonElement;
  private readonly saveLabel: HTMLElement;
  private readonly runButton: HTMLButtonElement;
  private readonly deleteButton: HTMLButtonElement;
  private stopped = false;
  private dirty = false;
  private saving = false;

  constructor(
    name: string,
    private readonly canWrite: boolean,
    actions: HeaderActions,
  ) {
    this.phase = h('span', { testid: 'phase', class: 'phase' });
    this.serving = h('span', { class: 'serving', testid: 'serving-revision' });
    this.url = h('code', { class: 'app-url', testid: 'app-url', title: 'Clients call the app at this path on the gateway, with a token' });
    this.message = h('p', { class: 'app-message', role: 'status', testid: 'status-message' });
    this.saveLabel = h('span', {}, 'Save');
    const viewerNote = canWrite ? undefined : 'Viewers cannot change apps';
    this.saveButton = h(
      'button',
      { type: 'button', class: 'button button-primary', testid: 'save', title: viewerNote ?? `Save (${saveShortcut})`, 'aria-keyshortcuts': 'Control+S Meta+S' },
      this.saveLabel,
      h('kbd', {}, saveShortcut),
    );
    this.saveButton.addEventListener('click', () => actions.save());
    this.runButton = h('button', { type: 'button', class: 'button', title: viewerNote });
    this.runButton.addEventListener('click', () => actions.setStopped(!this.stopped));
    this.deleteButton = h('button', { type: 'button', class: 'button button-danger-outline', testid: 'delete', title: viewerNote, disabled: !canWrite }, 'Delete');
    this.deleteButton.addEventListener('click', () => actions.remove());
    this.element = h(
      'div',
      { class: 'app-header' },
      h(
        'div',
        { class: 'app-identity' },
        h('h1', { class: 'app-name' }, name),
        this.phase,
        this.serving,
        this.url,
      ),
      h('div', { class: 'app-actions' }, this.saveButton, this.runButton, this.deleteButton),
      this.message,
    );
    this.refreshButtons();
  }

  update(app: App): void {
    setPhase(this.phase, app);
    const revision = servingRevision(app);
    this.serving.textContent = revision === undefined ? 'Not serving' : `Revision ${revision} serving`;
    this.serving.className = revision === undefined ? 'serving serving-none' : 'serving';
    replace(this.url, app.status?.url ?? '');
    this.url.hidden = !app.status?.url;
    this.message.textContent = app.status?.message ?? '';
    this.stopped = app.spec.stopped === true;
    this.refreshButtons();
  }

  setDirty(dirty: boolean): void {
    this.dirty = dirty;
    this.refreshButtons();
  }

  setSaving(saving: boolean): void {
    this.saving = saving;
    this.refreshButtons();
  }

  private refreshButtons(): void {
    this.saveButton.disabled = !this.canWrite || !this.dirty || this.saving;
    this.saveLabel.textContent = this.saving ? 'Saving…' : 'Save';
    this.runButton.textContent = this.stopped ? 'Start' : 'Stop';
    this.runButton.dataset.testid = this.stopped ? 'start' : 'stop';
    this.runButton.disabled = !this.canWrite;
  }
}
