import type * as MonacoApi from 'monaco-editor';
import { h } from '../ui/dom';
import type { Monaco } from './monacoLoader';
import type { Workspace } from './workspace';

/** A line to flag in a file, e.g. where Python reported a syntax error. */
export interface LineProblem {
  path: string;
  line: number;
  message: string;
}

const markerOwner = 'aerogrid-failure';

/** The Monaco editor showing one file of the workspace at a time, keeping each file's cursor and scroll. */
export class CodeEditor {
  readonly element: HTMLElement;
  private readonly editor: MonacoApi.editor.IStandaloneCodeEditor;
  private readonly viewStates = new Map<string, MonacoApi.editor.ICodeEditorViewState | null>();
  private path: string | undefined;

  constructor(
    private readonly monaco: Monaco,
    private readonly workspace: Workspace,
    readOnly: boolean,
  ) {
    this.element = h('div', { class: 'code-editor', testid: 'editor' });
    this.editor = monaco.editor.create(this.element, {
      model: null,
      theme: 'vs-dark',
      automaticLayout: true,
      minimap: { enabled: false },
      // Monaco 0.52's sticky scroll renders asynchronously and throws "Illegal value for lineNumber" when a model's
      // text shrinks under it (a paste, a reload of the files); app files are short enough not to need it.
      stickyScroll: { enabled: false },
      fontSize: 14,
      lineNumbers: 'on',
      readOnly,
      readOnlyMessage: { value: 'You are a viewer: you can read this app but not change it.' },
      scrollBeyondLastLine: false,
      renderLineHighlight: 'all',
      fixedOverflowWidgets: true,
      tabSize: 4,
      insertSpaces: true,
    });
  }

  get monacoEditor(): MonacoApi.editor.IStandaloneCodeEditor {
    return this.editor;
  }

  show(path: string | undefined): void {
    if (this.path && this.workspace.has(this.path)) this.viewStates.set(this.path, this.editor.saveViewState());
    this.path = path;
    const model = path ? this.workspace.model(path) : undefined;
    this.editor.setModel(model ?? null);
    this.editor.updateOptions({ ariaLabel: path ? `Code editor: ${path}` : 'Code editor' });
    const state = path ? this.viewStates.get(path) : undefined;
    if (state) this.editor.restoreViewState(state);
  }

  focus(): void {
    this.editor.focus();
  }

  /** Runs `action` on Ctrl/Cmd+S inside the editor (the page-wide shortcut does not see keys Monaco handles). */
  onSave(action: () => void): void {
    this.editor.addCommand(this.monaco.KeyMod.CtrlCmd | this.monaco.KeyCode.KeyS, action);
  }

  /** Flags the lines a failure points at, and clears earlier flags. */
  showProblems(problems: readonly LineProblem[]): void {
    for (const path of this.workspace.paths()) {
      const model = this.workspace.model(path);
      if (!model) continue;
      const markers = problems
        .filter((p) => p.path === path && p.line <= model.getLineCount())
        .map((p) => ({
          severity: this.monaco.MarkerSeverity.Error,
          message: p.message,
          startLineNumber: p.line,
          startColumn: model.getLineFirstNonWhitespaceColumn(p.line) || 1,
          endLineNumber: p.line,
          endColumn: model.getLineMaxColumn(p.line),
        }));
      this.monaco.editor.setModelMarkers(model, markerOwner, markers);
    }
  }

  revealLine(line: number): void {
    this.editor.revealLineInCenter(line);
    this.editor.setPosition({ lineNumber: line, column: 1 });
    this.editor.focus();
  }

  dispose(): void {
    this.editor.dispose();
  }
}
