import type * as MonacoApi from 'monaco-editor';
import { phaseOf, servingRevision } from '../apps/appStatus';
import type { LiveState } from '../api/liveApps';
import type { App } from '../api/model';
import { h } from '../ui/dom';
import { languageOf } from './monacoLoader';

const languageNames: Record<string, string> = { python: 'Python', plaintext: 'Plain text' };

/** The strip at the bottom, as in a desktop IDE: cursor, language, saved or not, the app's state, live or not. */
export class StatusBar {
  readonly element: HTMLElement;
  private readonly cursor = h('span');
  private readonly language = h('span');
  private readonly saved = h('span', { testid: 'save-state' });
  private readonly phase = h('span');
  private readonly live = h('span', { class: 'live' });

  constructor(editor: MonacoApi.editor.IStandaloneCodeEditor) {
    this.element = h(
      'footer',
      { class: 'status-bar' },
      this.saved,
      this.phase,
      h('span', { class: 'spacer' }),
      // In the editor Tab indents; Monaco's own Ctrl+M makes it move focus, so the keyboard can leave the editor.
      h('span', { class: 'status-hint', title: 'Press Ctrl+M in the editor, then Tab and Shift+Tab move the focus out of it' }, 'Ctrl+M: Tab moves focus'),
      this.cursor,
      this.language,
      this.live,
    );
    editor.onDidChangeCursorPosition((e) => {
      this.cursor.textContent = `Ln ${e.position.lineNumber}, Col ${e.position.column}`;
    });
  }

  setFile(path: string): void {
    const language = languageOf(path);
    this.language.textContent = languageNames[language] ?? language.toUpperCase();
  }

  setDirty(dirty: boolean): void {
    this.saved.textContent = dirty ? '● Unsaved changes' : '✓ Saved';
    this.saved.className = dirty ? 'status-dirty' : 'status-saved';
  }

  setPhase(app: App): void {
    const revision = servingRevision(app);
    this.phase.textContent = `${phaseOf(app)}${revision === undefined ? '' : ` · revision ${revision} serving`}`;
  }

  setLive(state: LiveState): void {
    this.live.textContent = state === 'live' ? '● Live' : state === 'connecting' ? 'Connecting…' : 'Reconnecting…';
    this.live.className = `live live-${state}`;
  }
}
