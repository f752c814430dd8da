import { ApiError } from '../api/client';
import { liveApps } from '../api/liveApps';
import { portalApi } from '../api/portalApi';
import type { App, AppFile, Me, Revision } from '../api/model';
import { isNewer, phaseOf, sameFiles, servingRevision } from '../apps/appStatus';
import { openCompare } from '../dialogs/compareDialog';
import { confirmDialog } from '../dialogs/dialog';
import { openRevisionFiles } from '../dialogs/revisionFilesDialog';
import { ActivityPanel } from '../panels/activityPanel';
import { DataPanel } from '../panels/dataPanel';
import { LogView } from '../panels/logView';
import { PanelTabs } from '../panels/panelTabs';
import { RequestPanel } from '../panels/requestPanel';
import { RevisionsPanel } from '../panels/revisionsPanel';
import { link, navigate, setLeaveGuard } from '../router';
import { clearDrafts, draftsOf, saveDrafts } from '../session/drafts';
import { sessionHasEnded, whenSessionEnds } from '../session/session';
import { h, isPrimaryShortcut, replace } from '../ui/dom';
import { clockTime, timeAgo } from '../ui/time';
import { showError, showFailure, showInfo } from '../ui/toast';
import { topBar } from '../ui/topBar';
import { AppHeader } from './appHeader';
import { CodeEditor } from './codeEditor';
import { EditorTabs } from './editorTabs';
import { FailureView, problemIn } from './failureView';
import { FileExplorer } from './fileExplorer';
import { loadMonaco, type Monaco } from './monacoLoader';
import { noticeButton, Notices } from './notices';
import { StatusBar } from './statusBar';
import { Workspace } from './workspace';

/** `/apps/{name}`: the editor. Loads Monaco and the app, then hands over to an EditorSession. */
export function editorPage(me: Me, root: HTMLElement, name: string): () => void {
  const main = h('main', { class: 'editor-page', id: 'main' }, h('p', { class: 'muted loading' }, `Opening ${name}…`));
  replace(root, topBar(me, h('span', {}, link('/', {}, 'Apps'), h('span', { 'aria-hidden': 'true' }, ' / '), h('span', { 'aria-current': 'page' }, name))), main);
  let session: EditorSession | undefined;
  let left = false;
  Promise.all([loadMonaco(), portalApi.getApp(name)]).then(
    ([monaco, app]) => {
      if (!left) session = new EditorSession(me, main, monaco, app);
    },
    (e: unknown) => {
      if (left) return;
      const notFound = e instanceof ApiError && (e.status === 404 || e.status === 403);
      replace(
        main,
        h(
          'div',
          { class: 'empty-state' },
          h('h2', {}, notFound ? `There is no app named ${name}` : `${name} cannot be opened`),
          h('p', {}, notFound ? `No app of that name exists in ${me.tenant}.` : e instanceof Error ? e.message : String(e)),
          link('/', { class: 'button button-primary' }, 'Back to the apps'),
        ),
      );
    },
  );
  return () => {
    left = true;
    session?.dispose();
  };
}

/**
 * One open app: its files in a workspace, the server's version they came from (`base`), and the newest version
 * seen (`latest`, for the status). Saving sends the files with `base`'s generation; the server refuses if someone
 * else saved in between, and the person chooses what to keep. The person's text is never replaced without their say.
 */
class EditorSession {
  private readonly name: string;
  private base: App;
  private latest: App;
  private saving = false;
  /** After a save: the generation whose rollout the page follows until it runs, to show the app's log then. */
  private following: number | undefined;
  /** A version with other files, seen while the person had unsaved changes. */
  private theirs: App | undefined;

  private readonly workspace: Workspace;
  private readonly header: AppHeader;
  private readonly notices = new Notices();
  private readonly explorer: FileExplorer;
  private readonly tabs: EditorTabs;
  private readonly code: CodeEditor;
  private readonly failure: FailureView;
  private readonly activity = new ActivityPanel();
  private readonly buildLog: LogView;
  private readonly appLog: LogView;
  private readonly request: RequestPanel;
  private readonly data: DataPanel;
  private readonly revisions: RevisionsPanel;
  private readonly panels: PanelTabs;
  private readonly statusBar: StatusBar;
  private readonly cleanups: (() => void)[] = [];

  constructor(
    private readonly me: Me,
    main: HTMLElement,
    private readonly monaco: Monaco,
    app: App,
  ) {
    this.name = app.metadata.name;
    this.base = app;
    this.latest = app;
    const canWrite = me.canWrite;
    this.workspace = new Workspace(monaco, this.name, app.spec.entrypoint ?? 'app.py');
    this.workspace.load(app.spec.files);

    this.header = new AppHeader(this.name, canWrite, {
      save: () => void this.save(),
      setStopped: (stopped) => void this.setStopped(stopped),
      remove: () => void this.remove(),
    });
    this.tabs = new EditorTabs(this.workspace, {
      select: (path) => this.open(path),
      close: (path) => this.code.show(this.tabs.close(path)),
    });
    this.explorer = new FileExplorer(this.workspace, canWrite, {
      open: (path) => this.open(path),
      renamed: (from, to) => {
        this.tabs.rename(from, to);
        this.open(to);
      },
      removed: (path) => this.code.show(this.tabs.close(path)),
    });
    this.code = new CodeEditor(monaco, this.workspace, !canWrite);
    this.code.onSave(() => void this.save());
    this.failure = new FailureView((problem) => {
      this.open(problem.path);
      this.code.revealLine(problem.line);
    });
    this.buildLog = new LogView({
      testid: 'build-log',
      label: 'Build log',
      url: () => portalApi.buildLogUrl(this.name),
      missing: 'No build log for the current requirements: none was needed, or it is no longer kept.',
    });
    this.appLog = new LogView({
      testid: 'app-log',
      label: 'App log',
      url: () => portalApi.appLogUrl(this.name),
      missing: 'No log yet: the app has not started.',
    });
    this.request = new RequestPanel(this.name, me.canInvoke);
    this.data = new DataPanel(this.name);
    this.revisions = new RevisionsPanel(this.name, canWrite, {
      view: (revision: Revision) => openRevisionFiles(monaco, revision),
      rollback: (revision) => this.rollback(revision),
    });
    this.panels = new PanelTabs([
      { id: 'activity', label: 'Activity', content: this.activity.element },
      { id: 'build-log', label: 'Build log', content: this.buildLog.element, onShow: () => this.buildLog.ensureStarted() },
      { id: 'app-log', label: 'App log', content: this.appLog.element, onShow: () => this.appLog.ensureStarted() },
      { id: 'request', label: 'Request', content: this.request.element },
      { id: 'data', label: 'Data', content: this.data.element, onShow: () => this.data.ensureLoaded() },
      { id: 'revisions', label: 'Revisions', content: this.revisions.element, onShow: () => this.revisions.ensureLoaded() },
    ]);
    this.statusBar = new StatusBar(this.code.monacoEditor);

    replace(
      main,
      this.header.element,
      this.notices.element,
      h(
        'div',
        { class: 'workbench' },
        this.explorer.element,
        h('section', { class: 'code-area', 'aria-label': 'Code' }, this.tabs.element, this.code.element, this.failure.element),
        this.panels.element,
      ),
      this.statusBar.element,
    );

    if (!canWrite) {
      this.notices.show('readonly', {
        kind: 'info',
        testid: 'readonly-notice',
        text: 'You are a viewer: you can read the code, follow the logs and call the app, but not change it.',
      });
    }
    this.open(this.workspace.entrypoint);
    // Opened while a change is still rolling out (a new app, say): follow it to its log like after a save.
    if (['Pending', 'Building', 'Deploying'].includes(phaseOf(app))) this.following = app.metadata.generation;
    this.panels.select(phaseOf(app) === 'Building' ? 'build-log' : phaseOf(app) === 'Running' ? 'app-log' : 'activity');
    this.showStatus(undefined, app);
    this.offerDrafts();

    this.workspace.onChange(() => this.onEdit());
    this.onEdit();
    this.cleanups.push(
      liveApps.subscribe((change) => {
        if (change.name !== undefined && change.name !== this.name) return;
        const current = liveApps.get(this.name);
        if (current) this.observe(current);
        else if (liveApps.loaded) this.deletedElsewhere();
      }),
      liveApps.onState((state) => this.statusBar.setLive(state)),
      whenSessionEnds(() => this.keepDrafts()),
    );
    this.statusBar.setLive(liveApps.state);
    const known = liveApps.get(this.name);
    if (known) this.observe(known);

    const onKey = (event: KeyboardEvent) => {
      if (isPrimaryShortcut(event, 's')) {
        event.preventDefault();
        void this.save();
      }
    };
    const onUnload = (event: BeforeUnloadEvent) => {
      // After the session ended the text is kept as a draft, so going to sign in loses nothing.
      if (this.workspace.isDirty() && !sessionHasEnded()) event.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    window.addEventListener('beforeunload', onUnload);
    this.cleanups.push(
      () => window.removeEventListener('keydown', onKey),
      () => window.removeEventListener('beforeunload', onUnload),
    );
    setLeaveGuard(async () =>
      !this.workspace.isDirty() ||
      confirmDialog({
        title: 'Leave without saving?',
        message: `Your unsaved changes to ${this.name} will be lost.`,
        confirmLabel: 'Leave without saving',
        danger: true,
      }),
    );
    this.code.focus();
  }

  dispose(): void {
    setLeaveGuard(undefined);
    for (const cleanup of this.cleanups) cleanup();
    this.buildLog.stop();
    this.appLog.stop();
    this.request.dispose();
    this.data.dispose();
    this.code.dispose();
    this.workspace.disposeAll();
  }

  private open(path: string): void {
    if (!this.workspace.has(path)) return;
    this.tabs.show(path);
    this.explorer.setActive(path);
    this.code.show(path);
    this.statusBar.setFile(path);
  }

  private onEdit(): void {
    const dirty = this.workspace.isDirty();
    this.header.setDirty(dirty);
    this.statusBar.setDirty(dirty);
  }

  // ---- What the server says -------------------------------------------------------------------------------------

  /** A version of the app from the live stream or a call: show its status, and take it over if it is safe. */
  private observe(app: App): void {
    if (!isNewer(app.metadata.resourceVersion, this.latest.metadata.resourceVersion)) return;
    const previous = this.latest;
    this.latest = app;
    this.notices.hide('deleted');
    this.showStatus(previous, app);
    if (!this.saving) this.takeOver(app);
  }

  /**
   * Moves `base` forward to a newer server version. Same files: only status or other fields moved on, so the next
   * save simply starts from the newer version. Other files and nothing unsaved here: show them. Other files and
   * unsaved text here: keep the text and say so; a save then meets the conflict and the person chooses.
   */
  private takeOver(app: App): void {
    if (!isNewer(app.metadata.resourceVersion, this.base.metadata.resourceVersion)) return;
    if (sameFiles(app.spec.files, this.base.spec.files) || sameFiles(app.spec.files, this.workspace.files())) {
      this.base = app;
      this.workspace.markSaved(app.spec.files);
      if (this.theirs && sameFiles(this.theirs.spec.files, app.spec.files)) return;
      this.theirs = undefined;
      this.notices.hide('changed');
      return;
    }
    if (!this.workspace.isDirty()) {
      this.load(app);
      this.activity.add(`The files were changed elsewhere (generation ${app.metadata.generation}); showing them.`, 'warn');
      return;
    }
    this.theirs = app;
    if (this.notices.has('conflict')) return; // It already says so, with the choices.
    this.notices.show('changed', {
      kind: 'warn',
      testid: 'changed-elsewhere',
      text: 'Someone saved this app elsewhere while you were editing. Your text is still here; when you save you choose which version to keep.',
      actions: [noticeButton('Compare', () => this.compare())],
    });
  }

  private showStatus(previous: App | undefined, app: App): void {
    this.header.update(app);
    const phase = phaseOf(app);
    const problem = phase === 'Failed' ? problemIn(app.status?.failureLog, this.workspace.paths()) : undefined;
    this.failure.update(app, problem);
    this.code.showProblems(problem ? [problem] : []);
    const serving = servingRevision(app);
    this.revisions.setServing(serving);
    this.data.setServing(serving);
    this.request.setUrl(app.status?.url);
    this.statusBar.setPhase(app);
    if (!previous) return;

    const before = phaseOf(previous);
    const message = app.status?.message;
    if (phase !== before || (message && message !== previous.status?.message)) {
      const kind = phase === 'Failed' ? 'error' : phase === 'Running' ? 'ok' : 'info';
      this.activity.add(message ? `${phase}: ${message}` : phase, kind);
    }
    if (phase === 'Building' && before !== 'Building') {
      this.buildLog.follow(`build started ${clockTime()}`);
      this.panels.select('build-log');
    }
    if (phase === 'Stopped' && before !== 'Stopped') this.appLog.stop('The app is stopped: no process prints.');
    if (serving !== undefined && serving !== servingRevision(previous)) {
      if (!message?.includes(`Revision ${serving} `)) this.activity.add(`Revision ${serving} is serving.`, 'ok');
      this.appLog.follow(`revision ${serving}`);
    }
    const generation = app.status?.observedGeneration ?? 0;
    if (this.following !== undefined && generation >= this.following && (phase === 'Running' || phase === 'Failed')) {
      // The save has played out: show the new revision's output, or leave the failure next to the code in view.
      if (phase === 'Running') this.panels.select('app-log');
      this.following = undefined;
    }
  }

  private deletedElsewhere(): void {
    this.notices.show('deleted', {
      kind: 'danger',
      testid: 'deleted-elsewhere',
      text: `${this.name} was deleted. Your text is still in the editor; copy what you need.`,
    });
  }

  // ---- What the person does ---------------------------------------------------------------------------------------

  private async save(): Promise<void> {
    if (!this.me.canWrite || this.saving) return;
    if (!this.workspace.isDirty()) {
      showInfo('Nothing to save: no changes.');
      return;
    }
    const files = this.workspace.files();
    await this.exclusive(async () => {
      try {
        this.saved(await this.withFreshBase((base) => portalApi.updateApp(withFiles(base, files))), files);
      } catch (e) {
        if (!(e instanceof Conflict)) throw e;
        this.theirs = e.current;
        this.showConflict();
      }
    });
  }

  /** Runs a save-like step: one at a time, the button says so, errors are shown, live updates wait until it ends. */
  private async exclusive(step: () => Promise<void>): Promise<void> {
    this.saving = true;
    this.header.setSaving(true);
    try {
      await step();
    } catch (e) {
      showFailure(e);
    } finally {
      this.saving = false;
      this.header.setSaving(false);
      this.takeOver(this.latest);
    }
  }

  /**
   * Runs `write` against `base`. A 409 means the spec changed since `base` (its generation rose). If the files are
   * still the ones the person started from, someone only started or stopped the app: `write` runs once more against
   * the current version, keeping that. Otherwise someone else saved files, and a Conflict says so.
   */
  private async withFreshBase(write: (base: App) => Promise<App>): Promise<App> {
    try {
      return await write(this.base);
    } catch (e) {
      if (!(e instanceof ApiError && e.status === 409)) throw e;
    }
    const current = await portalApi.getApp(this.name);
    if (!sameFiles(current.spec.files, this.base.spec.files)) throw new Conflict(current);
    this.base = current;
    try {
      return await write(current);
    } catch (e) {
      if (e instanceof ApiError && e.status === 409) throw new Conflict(await portalApi.getApp(this.name));
      throw e;
    }
  }

  private saved(app: App, files: AppFile[]): void {
    this.base = app;
    this.workspace.markSaved(files);
    this.theirs = undefined;
    this.notices.hide('conflict');
    this.notices.hide('changed');
    this.notices.hide('draft');
    clearDrafts(this.me.tenant, this.name);
    this.following = app.metadata.generation;
    this.activity.add(`Saved (generation ${app.metadata.generation}).`, 'ok');
    liveApps.put(app);
    this.observe(app);
  }

  private showConflict(): void {
    this.notices.hide('changed');
    this.notices.show('conflict', {
      kind: 'danger',
      testid: 'conflict',
      text: [h('strong', {}, 'Someone else saved this app after you opened it. '), 'Your text is still here.'],
      actions: [
        noticeButton('Compare', () => this.compare()),
        noticeButton('Load their version', () => void this.loadTheirs(), 'load-theirs'),
        noticeButton('Overwrite with my version', () => void this.overwrite(), 'overwrite', true),
      ],
    });
  }

  private async compare(): Promise<void> {
    try {
      const current = await portalApi.getApp(this.name);
      openCompare(this.monaco, current.spec.files, this.workspace.files());
    } catch (e) {
      showFailure(e);
    }
  }

  private async overwrite(): Promise<void> {
    const files = this.workspace.files();
    await this.exclusive(async () => {
      const current = await portalApi.getApp(this.name);
      this.saved(await portalApi.updateApp(withFiles(current, files)), files);
      this.activity.add('Overwrote the other version with yours.', 'warn');
    });
  }

  private async loadTheirs(): Promise<void> {
    const confirmed = await confirmDialog({
      title: 'Load their version?',
      message: 'Your unsaved text is replaced with the version saved elsewhere. (Ctrl+Z in a file brings your text back until you leave the page.)',
      confirmLabel: 'Load their version',
      danger: true,
    });
    if (!confirmed) return;
    try {
      const current = await portalApi.getApp(this.name);
      this.load(current);
      this.activity.add(`Loaded the version saved elsewhere (generation ${current.metadata.generation}).`, 'warn');
    } catch (e) {
      showFailure(e);
    }
  }

  /** Shows `app`'s files as the saved state (the person asked for them, or had nothing unsaved). */
  private load(app: App): void {
    this.base = app;
    this.theirs = undefined;
    this.workspace.load(app.spec.files);
    this.notices.hide('conflict');
    this.notices.hide('changed');
    const active = this.tabs.retainExisting() ?? this.workspace.entrypoint;
    this.open(active);
    liveApps.put(app);
    this.observe(app);
  }

  private async setStopped(stopped: boolean): Promise<void> {
    try {
      const app = await portalApi.setStopped(this.name, stopped);
      this.activity.add(stopped ? 'Stopping the app.' : 'Starting the app.');
      liveApps.put(app);
      this.observe(app);
    } catch (e) {
      showFailure(e);
    }
  }

  private async remove(): Promise<void> {
    const confirmed = await confirmDialog({
      title: `Delete ${this.name}?`,
      message: [h('strong', {}, this.name), ' stops answering, and its files and revisions are deleted. This cannot be undone.'],
      confirmLabel: `Delete ${this.name}`,
      danger: true,
    });
    if (!confirmed) return;
    try {
      await portalApi.deleteApp(this.name);
      clearDrafts(this.me.tenant, this.name);
      setLeaveGuard(undefined);
      showInfo(`${this.name} was deleted.`);
      void navigate('/');
    } catch (e) {
      showFailure(e);
    }
  }

  private async rollback(revision: number): Promise<void> {
    const confirmed = await confirmDialog({
      title: `Roll back to revision ${revision}?`,
      message: this.workspace.isDirty()
        ? `Revision ${revision}'s files become the app's files and roll out as a new revision. Your unsaved changes are replaced.`
        : `Revision ${revision}'s files become the app's files and roll out as a new revision.`,
      confirmLabel: `Roll back to ${revision}`,
      danger: this.workspace.isDirty(),
    });
    if (!confirmed) return;
    await this.exclusive(async () => {
      try {
        const app = await this.withFreshBase((base) => portalApi.rollback(this.name, revision, base.metadata.generation));
        this.load(app);
        clearDrafts(this.me.tenant, this.name);
        this.following = app.metadata.generation;
        this.activity.add(`Rolled back to revision ${revision}'s files; a new revision rolls out.`, 'ok');
      } catch (e) {
        if (!(e instanceof Conflict)) throw e;
        showError('The app was saved elsewhere meanwhile. Look at the new version, then roll back again.');
        this.takeOver(e.current);
      }
    });
  }

  // ---- Drafts: unsaved text kept across the end of a session -------------------------------------------------------

  private keepDrafts(): void {
    const changed = this.workspace.changedFiles();
    if (changed.length > 0) saveDrafts(this.me.tenant, this.name, changed);
  }

  private offerDrafts(): void {
    const drafts = draftsOf(this.me.tenant, this.name).filter(
      (d) => this.workspace.model(d.path)?.getValue() !== d.content,
    );
    if (drafts.length === 0) {
      clearDrafts(this.me.tenant, this.name);
      return;
    }
    const when = timeAgo(drafts[0]?.savedAt ?? new Date().toISOString());
    this.notices.show('draft', {
      kind: 'warn',
      testid: 'draft',
      text: `You have unsaved text from before your session ended (${drafts.map((d) => d.path).join(', ')}; kept ${when}).`,
      actions: [
        noticeButton('Discard', () => {
          clearDrafts(this.me.tenant, this.name);
          this.notices.hide('draft');
        }, 'discard-draft'),
        noticeButton('Restore', () => {
          for (const draft of drafts) this.workspace.setText(draft.path, draft.content);
          clearDrafts(this.me.tenant, this.name);
          this.notices.hide('draft');
          this.open(drafts[0]?.path ?? this.workspace.entrypoint);
          this.activity.add('Restored your unsaved text; save to keep it.', 'warn');
        }, 'restore-draft', true),
      ],
    });
  }
}

/** Someone else saved other files; `current` is the app as it is now. */
class Conflict extends Error {
  constructor(readonly current: App) {
    super('Someone else saved this app after you opened it.');
  }
}

/** `base` with the person's files: what a save sends (its generation is the precondition). */
function withFiles(base: App, files: AppFile[]): App {
  return { ...base, spec: { ...base.spec, files } };
}
