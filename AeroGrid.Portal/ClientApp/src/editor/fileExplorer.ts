import { pathProblem } from '../apps/appStatus';
import { confirmDialog, promptDialog } from '../dialogs/dialog';
import { h, replace, uid } from '../ui/dom';
import type { Workspace } from './workspace';

export interface ExplorerEvents {
  open(path: string): void;
  renamed(from: string, to: string): void;
  removed(path: string): void;
}

/**
 * The app's files: open one, add, rename, delete (not the entrypoint, which the app cannot run without). On a narrow
 * window the list folds away behind a "Files" button.
 */
export class FileExplorer {
  readonly element: HTMLElement;
  private readonly list: HTMLUListElement;
  private readonly toggle: HTMLButtonElement;
  private active: string | undefined;
  private shown = '';

  constructor(
    private readonly workspace: Workspace,
    private readonly canWrite: boolean,
    private readonly events: ExplorerEvents,
  ) {
    const listId = uid('files');
    this.list = h('ul', { class: 'file-list', id: listId, 'aria-label': 'Files' });
    const narrow = window.matchMedia('(max-width: 799px)').matches;
    this.toggle = h(
      'button',
      { type: 'button', class: 'explorer-toggle', 'aria-expanded': String(!narrow), 'aria-controls': listId },
      'Files',
    );
    this.list.hidden = narrow;
    this.toggle.addEventListener('click', () => {
      const expanded = this.toggle.getAttribute('aria-expanded') !== 'true';
      this.toggle.setAttribute('aria-expanded', String(expanded));
      this.list.hidden = !expanded;
    });
    const add = h(
      'button',
      {
        type: 'button',
        class: 'icon-button',
        testid: 'add-file',
        disabled: !canWrite,
        'aria-label': 'Add a file',
        title: canWrite ? 'Add a file' : 'Viewers cannot add files',
      },
      '+',
    );
    add.addEventListener('click', () => void this.add());
    this.element = h(
      'nav',
      { class: 'explorer', 'aria-label': 'Files of the app' },
      h('div', { class: 'explorer-heading' }, h('h2', { class: 'explorer-title' }, 'Files'), this.toggle, add),
      this.list,
    );
    workspace.onChange(() => this.render());
    this.render();
  }

  setActive(path: string | undefined): void {
    this.active = path;
    this.render();
  }

  private render(): void {
    // Called on every keystroke: rebuild only when what the list shows changed.
    const paths = this.workspace.paths();
    const shown = JSON.stringify([this.active, paths.map((p) => [p, this.workspace.isNew(p), this.workspace.isModified(p)])]);
    if (shown === this.shown) return;
    this.shown = shown;
    replace(this.list, paths.map((path) => this.item(path)));
  }

  private item(path: string): HTMLLIElement {
    const state = this.workspace.isNew(path) ? 'new' : this.workspace.isModified(path) ? 'modified' : undefined;
    const open = h(
      'button',
      {
        type: 'button',
        class: 'file-open',
        testid: `file-${path}`,
        'aria-current': path === this.active ? 'true' : undefined,
        title: path,
      },
      h('span', { class: `file-icon file-icon-${path.endsWith('.py') ? 'py' : 'text'}`, 'aria-hidden': 'true' }),
      h('span', { class: 'file-name' }, path),
      state ? h('span', { class: `file-state file-state-${state}`, title: state === 'new' ? 'New, not saved' : 'Unsaved changes' }, state === 'new' ? 'N' : 'M') : null,
    );
    open.addEventListener('click', () => this.events.open(path));
    // The entrypoint is what the platform runs: it can be edited, not renamed or deleted.
    const actions =
      this.canWrite && path !== this.workspace.entrypoint
        ? h(
            'span',
            { class: 'file-actions' },
            h('button', { type: 'button', class: 'icon-button', 'aria-label': `Rename ${path}`, title: 'Rename', testid: `rename-${path}`, on: { click: () => void this.rename(path) } }, '✎'),
            h('button', { type: 'button', class: 'icon-button', 'aria-label': `Delete ${path}`, title: 'Delete', testid: `delete-file-${path}`, on: { click: () => void this.remove(path) } }, '×'),
          )
        : null;
    return h('li', { class: path === this.active ? 'file active' : 'file' }, open, actions);
  }

  private async add(): Promise<void> {
    const path = await promptDialog({
      title: 'Add a file',
      label: 'Path, relative to the app (e.g. util.py or lib/helpers.py)',
      confirmLabel: 'Add',
      validate: (value) => pathProblem(value, this.workspace.paths()),
    });
    if (path === undefined) return;
    this.workspace.add(path);
    this.events.open(path);
  }

  private async rename(path: string): Promise<void> {
    const others = this.workspace.paths().filter((p) => p !== path);
    const target = await promptDialog({
      title: `Rename ${path}`,
      label: 'New path',
      value: path,
      confirmLabel: 'Rename',
      validate: (value) => pathProblem(value, others),
    });
    if (target === undefined || target === path) return;
    this.workspace.rename(path, target);
    this.events.renamed(path, target);
  }

  private async remove(path: string): Promise<void> {
    const confirmed = await confirmDialog({
      title: `Delete ${path}?`,
      message: `${path} is removed from the app when you save. Until then you can get it back by reloading without saving.`,
      confirmLabel: 'Delete file',
      danger: true,
    });
    if (!confirmed) return;
    this.workspace.remove(path);
    this.events.removed(path);
  }
}
